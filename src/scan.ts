// The orchestrator: the only module that knows the whole pipeline.
//   source → fragments → detect → group (locate, redact, fingerprint) → JWT analysis → filters → ScanResult
import { analyzeJwt, type JwtOptions } from './analyze/jwt.js';
import { jwtSeverity, SEVERITY_RANK } from './analyze/severity.js';
import { findingId } from './core/fingerprint.js';
import { compareFindings } from './core/order.js';
import { redact } from './core/redact.js';
import type {
  Finding,
  Fragment,
  JwtAnalysis,
  LocatedMatch,
  Location,
  ScanError,
  ScanResult,
  ScanStats,
  Source,
  SourceKind,
} from './core/types.js';
import { createDetector } from './detect/detect.js';
import { detectLocated } from './detect/locate.js';
import { decodesAsJwt } from './detect/jwt-shape.js';
import { applyFilters, isInlineAllowed, type AllowEntry } from './filters/index.js';
import type { Rule } from './rules/types.js';

export interface ScanProgress {
  files: number;
  bytes: number;
  commits: number;
  messages: number;
  findings: number;
}

export interface ScanOptions {
  command: SourceKind;
  targets: string[];
  rules: readonly Rule[];
  version: string;
  now: Date;
  maxLifetimeSeconds: number;
  jwks?: JwtOptions['jwks'];
  baselineIds?: ReadonlySet<string>;
  allow?: AllowEntry[];
  /** keep suppressed findings in the report, marked `suppressed` */
  showSuppressed?: boolean;
  onProgress?: (p: ScanProgress) => void;
  /** detection hook (worker pool); defaults to detecting on this thread */
  detectFragment?: (fragment: Fragment) => Promise<LocatedMatch[]> | LocatedMatch[];
  /** fragments in flight at once with an asynchronous detectFragment (default 64) */
  maxInflight?: number;
  /** characters (or bytes) of fragments in flight at once (default 16 Mi): bounds memory */
  maxInflightSize?: number;
  /**
   * Source-specific facts that need the raw secret (git: is it still present at HEAD?).
   * The secret never leaves this call; the returned findings replace the given ones.
   */
  annotate?: (items: ReadonlyArray<{ finding: Finding; secret: string }>) => Promise<Finding[]>;
}

interface Pending {
  finding: Finding;
  /** kept only until the JWT analysis ran; never leaves this module */
  secret: string;
}

export async function scan(source: Source, opts: ScanOptions): Promise<ScanResult> {
  const startedAt = new Date();
  const rulesById = new Map(opts.rules.map((r) => [r.id, r]));
  const detector = createDetector(opts.rules);
  const detectFragment = opts.detectFragment ?? ((f: Fragment) => detectLocated(f, detector));
  const stats: ScanStats = { bytes: 0, files: 0, commits: 0, messages: 0, binarySkipped: 0, suppressed: 0 };
  const errors: ScanError[] = [];
  const notes: string[] = [];
  const pending = new Map<string, Pending>();
  const inlineSuppressed = new Map<string, Pending>();
  const byId = opts.command === 'git';
  let lastProgress = 0;
  type InFlight = { fragment: Fragment; size: number; done: boolean; matches: Promise<{ ok: LocatedMatch[] } | { err: unknown }> };
  const inflight: InFlight[] = [];
  // Enough in flight that no worker waits behind one large fragment, bounded by size for memory.
  const maxInflight = opts.maxInflight ?? 64;
  const maxInflightSize = opts.maxInflightSize ?? 16 * 1024 * 1024;
  let inflightSize = 0;
  let dispatched = 0;
  const sizeOf = (f: Fragment): number => f.bytes?.byteLength ?? f.text.length;
  const settle = async (next: InFlight | undefined): Promise<void> => {
    if (!next) return;
    inflightSize -= next.size;
    const outcome = await next.matches;
    if ('err' in outcome) throw outcome.err;
    const matches = outcome.ok;
    if (matches.length > 0) group(next.fragment, matches, rulesById, byId, pending, inlineSuppressed);
  };

  for await (const item of source) {
    switch (item.type) {
      case 'stat':
        stats.files += item.files ?? 0;
        stats.bytes += item.bytes ?? 0;
        stats.commits += item.commits ?? 0;
        stats.messages += item.messages ?? 0;
        stats.binarySkipped = (stats.binarySkipped ?? 0) + (item.binarySkipped ?? 0);
        break;
      case 'error':
        errors.push(item.error);
        break;
      case 'note':
        notes.push(item.message);
        break;
      case 'fragment': {
        // Several fragments in flight keep every worker busy; results are taken in order.
        const size = sizeOf(item.fragment);
        const entry: InFlight = { fragment: item.fragment, size, done: false, matches: Promise.resolve({ ok: [] }) };
        entry.matches = Promise.resolve()
          .then(() => detectFragment(item.fragment))
          .then((ok) => ({ ok }), (err: unknown) => ({ err }))
          .finally(() => {
            entry.done = true;
          });
        inflight.push(entry);
        inflightSize += size;
        if (opts.detectFragment) {
          // A synchronous source never gives the event loop a turn, so worker replies would wait
          // until the queue is full and every worker idles: let them in, and take what is done.
          if (++dispatched % 4 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
          while (inflight[0]?.done) await settle(inflight.shift());
        }
        while (inflight.length >= maxInflight || inflightSize > maxInflightSize) await settle(inflight.shift());
        break;
      }
      default: {
        const never: never = item;
        throw new Error(`unknown source item ${JSON.stringify(never)}`);
      }
    }
    if (opts.onProgress) {
      const t = Date.now();
      if (t - lastProgress > 100) {
        lastProgress = t;
        opts.onProgress({ ...stats, findings: pending.size });
      }
    }
  }

  while (inflight.length > 0) await settle(inflight.shift());

  const analysed = await analyse([...pending.values()], rulesById, opts);
  const filtered = applyFilters(opts.annotate ? await opts.annotate(analysed) : analysed.map((p) => p.finding), {
    now: opts.now,
    ...(opts.baselineIds ? { baselineIds: opts.baselineIds } : {}),
    ...(opts.allow ? { allow: opts.allow } : {}),
  });
  for (const u of filtered.unusedAllow) notes.push(`allow entry ${u.sha256.slice(0, 12)}… (${u.reason}) matched nothing: remove it`);
  for (const e of filtered.expiredAllow) notes.push(`allow entry ${e.sha256.slice(0, 12)}… (${e.reason}) expired on ${e.expires ?? '?'}: it no longer suppresses`);
  const suppressed = [...[...inlineSuppressed.values()].map((p) => p.finding), ...filtered.suppressed];
  stats.suppressed = suppressed.length;
  let findings = filtered.kept;
  if (opts.showSuppressed) findings = findings.concat(suppressed);
  findings.sort(compareFindings);

  return {
    tool: { name: 'tokensprawl', version: opts.version },
    scan: {
      startedAt: startedAt.toISOString(),
      now: opts.now.toISOString(),
      command: opts.command,
      targets: opts.targets,
      durationMs: Date.now() - startedAt.getTime(),
      stats,
      ...(notes.length > 0 ? { notes } : {}),
    },
    findings,
    errors,
  };
}

function group(
  fragment: Fragment,
  matches: LocatedMatch[],
  rulesById: ReadonlyMap<string, Rule>,
  byId: boolean,
  pending: Map<string, Pending>,
  inlineSuppressed: Map<string, Pending>,
): void {
  for (const m of matches) {
    const rule = rulesById.get(m.ruleId);
    if (!rule) continue;
    const layers = [...(fragment.decodedFrom ?? []), ...(m.decoded?.layers ?? [])];
    const secret = redact(m.secret, rule.prefix);
    const location: Location = { ...provenanceFields(fragment), ...m.span };
    const finding: Finding = {
      id: findingId(rule.id, secret.sha256, location.path),
      ruleId: rule.id,
      title: rule.title,
      severity: rule.severity,
      secret,
      location,
      ...(layers.length > 0 ? { decodedFrom: layers } : {}),
    };
    // Suppressed or not, one secret is one finding: a history scan keeps its earliest commit.
    const into = m.inlineAllowed ? inlineSuppressed : pending;
    const key = byId ? finding.id : `${finding.id}:${location.line}:${location.column}:${location.field ?? ''}:${location.offset ?? ''}:${location.partition ?? ''}`;
    const prior = into.get(key);
    if (!prior || (byId && isEarlier(location, prior.finding.location))) into.set(key, { finding: m.inlineAllowed ? markInline(finding) : finding, secret: m.secret });
  }
}

function provenanceFields(fragment: Fragment): Omit<Location, 'line' | 'column' | 'endLine' | 'endColumn'> {
  const p = fragment.provenance;
  switch (p.kind) {
    case 'dir':
    case 'stdin':
      return { source: p.kind, path: p.path };
    case 'git':
      return { source: 'git', path: p.path, commit: p.commit, author: p.author, date: p.date };
    case 'ci-log':
      return { source: 'ci-log', path: p.path, ...(p.job !== undefined ? { job: p.job } : {}), ...(p.step !== undefined ? { step: p.step } : {}) };
    case 'queue': {
      const { kind: _kind, ...rest } = p;
      return { source: 'queue', ...rest };
    }
    default: {
      const never: never = p;
      throw new Error(`unknown provenance ${JSON.stringify(never)}`);
    }
  }
}

/** Earliest commit wins (author date, then commit id for a stable choice). */
function isEarlier(a: Location, b: Location): boolean {
  const da = a.date ?? '';
  const db = b.date ?? '';
  if (da !== db) return Date.parse(da) < Date.parse(db);
  return (a.commit ?? '') < (b.commit ?? '');
}

async function analyse(items: Pending[], rulesById: ReadonlyMap<string, Rule>, opts: ScanOptions): Promise<Pending[]> {
  const cache = new Map<string, JwtAnalysis | null>();
  const jwtOpts: JwtOptions = { now: opts.now, maxLifetimeSeconds: opts.maxLifetimeSeconds, ...(opts.jwks ? { jwks: opts.jwks } : {}) };
  const out: Pending[] = [];
  for (const item of items) {
    const { finding, secret } = item;
    const rule = rulesById.get(finding.ruleId);
    if (!rule || !(rule.jwt || decodesAsJwt(secret))) {
      out.push(item);
      continue;
    }
    let analysis = cache.get(finding.secret.sha256);
    if (analysis === undefined) {
      analysis = await analyzeJwt(secret, jwtOpts);
      cache.set(finding.secret.sha256, analysis);
    }
    if (!analysis) {
      if (!rule.jwt) out.push(item);
      continue;
    }
    out.push({ finding: { ...finding, severity: jwtSeverity(analysis, rule.severity), jwt: analysis }, secret });
  }
  return out;
}

function markInline(f: Finding): Finding {
  return { ...f, suppressed: { by: 'inline', reason: 'tokensprawl:allow comment on the line' } };
}

/** The highest severity among findings, or null. */
export function worstSeverity(findings: readonly Finding[]): Finding['severity'] | null {
  let worst: Finding['severity'] | null = null;
  for (const f of findings) if (!f.suppressed && (worst === null || SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst])) worst = f.severity;
  return worst;
}
