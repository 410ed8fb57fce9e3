// The orchestrator: the only module that knows the whole pipeline.
//   source → fragments → detect → group (locate, redact, fingerprint) → JWT analysis → filters → ScanResult
import { buildCredentials } from './analyze/credentials.js';
import { analyzeJwt, type JwtOptions } from './analyze/jwt.js';
import { jwtSeverity } from './analyze/severity.js';
import { dedupKey, isEarlier } from './core/dedup.js';
import { InternalError } from './core/errors.js';
import { findingId } from './core/fingerprint.js';
import { compareFindings } from './core/order.js';
import { redact, Redactor, type SecretSpan } from './core/redact.js';
import type {
  Finding,
  Fragment,
  JwtAnalysis,
  LocatedMatch,
  Location,
  Owner,
  ScanError,
  ScanResult,
  ScanStats,
  Source,
  Span,
  ScanCommand,
  SourceKind,
} from './core/types.js';
import { createDetector, detect, rewriteRules, type Detector } from './detect/detect.js';
import { detectLocated } from './detect/locate.js';
import { decodesAsJwt } from './detect/jwt-shape.js';
import { applyFilters, type AllowEntry } from './filters/index.js';
import type { Rule } from './rules/types.js';
import { isBuiltinRule, shippedTexts } from './rules/shown.js';
import { isShippedRuleText } from './rules/load.js';
import type { PolicySet } from './policy/types.js';

export interface ScanProgress {
  files: number;
  bytes: number;
  commits: number;
  messages: number;
  findings: number;
}

export interface ScanOptions {
  /** what the report names as `scan.command`: the single source, or 'scan' for several */
  command: ScanCommand;
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
  /** detection on worker threads, a batch of fragments at a time; default: on this thread */
  detectBatch?: (fragments: Fragment[]) => Promise<LocatedMatch[][]>;
  /** detect on this thread until this many characters were seen (default 8 Mi), then hand over to detectBatch */
  parallelAfter?: number;
  /** characters (or bytes) of fragments in flight at once (default 2 Mi): bounds memory, since each is copied to a worker and queued there */
  maxInflightSize?: number;
  /**
   * Source-specific facts that need the raw secret (git: is it still present at HEAD?).
   * The secret never leaves this call; the returned findings replace the given ones.
   */
  annotate?: (items: ReadonlyArray<{ finding: Finding; secret: string }>) => Promise<Finding[]>;
  /**
   * Told each new secret and its path as the scan finds them, so that `annotate` can do its work
   * during the scan rather than after it. Like `annotate`, in memory only. `source` is the
   * finding's source kind (a run over several sources tells them apart).
   */
  observe?: (path: string, secret: string, source: SourceKind) => void;
  /**
   * The run's redactor (createRunRedactor): told every secret found, then applied to the whole
   * result. The CLI passes its own so that stderr is filtered by the same one.
   */
  redactor?: Redactor;
  /** the run's policies (src/policy): default ones judge JWTs, the others each credential */
  policies?: PolicySet;
  /** what the caller learnt before the scan (a repository config refused or not applied): reported with the scan's own */
  errors?: ScanError[];
  notes?: string[];
  /**
   * CODEOWNERS of the scanned folder or repository (analyze/codeowners.ts): the owners of each
   * dir/git finding's path are stored on the finding, so that `merge` rebuilds the same credentials.
   */
  codeowners?: { ownersOf(path: string, source?: SourceKind): Owner[]; errors: ScanError[] };
}

/** A redactor that knows the rules' patterns: the one every output of a run goes through. */
export function createRunRedactor(rules: readonly Rule[]): Redactor {
  const redactor = new Redactor(secretFinder(rules), isShippedRuleText);
  // The tool's name and the report's own key names that hold a rule keyword: words, not secrets.
  redactor.trust(['tokensprawl', 'secret', 'token', 'path', 'credentials', ...rules.filter(isBuiltinRule).flatMap(shippedTexts)]);
  return redactor;
}

/**
 * Where the rules' patterns find secrets in a text (an encoded value holding one counts whole).
 * Stricter than detection, on purpose: a redactor must also catch a token glued to a word (a
 * zip entry `1_ghp_…`, a file `ghp_…_v2`), so the rules run without their boundary checks, and
 * once more from every place where one of their keywords occurs.
 */
export function secretFinder(rules: readonly Rule[]): (text: string) => SecretSpan[] {
  const base = createDetector(rules);
  // Built on first use, with the scan's keyword table: a clean pre-commit run may never need it.
  let relaxed: Detector | undefined;
  const prefixes = new Map(rules.map((r) => [r.id, r.prefix]));
  const spansIn = (text: string, shift: number): SecretSpan[] => {
    const fragment: Fragment = { text, provenance: { kind: 'stdin', path: '' }, line: 1, column: 1 };
    // (A rule's gate still holds: the guard left out is one of the negative lookaheads it lacks.)
    relaxed ??= rewriteRules(base, (r) => ({ ...r, boundary: undefined, regex: withoutTrailingGuard(r.regex) }) as Rule);
    return detect(fragment, relaxed).map((m) => {
      const prefix = prefixes.get(m.ruleId);
      return m.decoded
        ? { start: shift + m.decoded.valueStart, end: shift + m.decoded.valueEnd }
        : { start: shift + m.secretStart, end: shift + m.secretEnd, ...(prefix ? { prefix } : {}) };
    });
  };
  return (text) => {
    // No keyword, no rule to run: most strings of a report (and the relaxed rules are not built).
    const keywords = base.keywords.scan(text);
    if (keywords.length === 0 && base.always.length === 0) return [];
    const spans = spansIn(text, 0);
    const lower = text.toLowerCase();
    const starts = new Set<number>();
    for (const k of keywords) {
      const key = k.toLowerCase();
      for (let at = lower.indexOf(key, 1); at > 0 && starts.size < 64; at = lower.indexOf(key, at + 1)) starts.add(at);
    }
    for (const at of starts) spans.push(...spansIn(text.slice(at), at));
    return spans;
  };
}

/** A pattern without its closing `(?![…])` guard, so that `ghp_…_v2` is redacted too (the checksum gate still holds). */
function withoutTrailingGuard(re: RegExp): RegExp {
  const source = re.source.replace(/\(\?!\[(?:[^\]\\]|\\.)*\]\)$/, '');
  return source === re.source ? re : new RegExp(source, re.flags);
}

/**
 * Hands fragments to the workers in batches (one message per ~256 KiB, not per fragment: a
 * queue dump has millions of small fields) and takes the results back in order, so findings
 * do not depend on which worker was faster.
 */
function createDispatcher(
  detectBatch: (fragments: Fragment[]) => Promise<LocatedMatch[][]>,
  take: (fragment: Fragment, matches: LocatedMatch[]) => void,
  opts: Pick<ScanOptions, 'maxInflightSize'>,
): { offer: (f: Fragment) => Promise<boolean>; finish: () => Promise<void> } {
  const BATCH_SIZE = 256 * 1024;
  const BATCH_COUNT = 512;
  const maxInflightSize = opts.maxInflightSize ?? 2 * 1024 * 1024;
  type InFlight = { fragments: Fragment[]; size: number; done: boolean; results: Promise<{ ok: LocatedMatch[][] } | { err: unknown }> };
  const inflight: InFlight[] = [];
  let inflightSize = 0;
  let batch: Fragment[] = [];
  let batchSize = 0;
  let sent = 0;
  let inlineSinceTurn = 0;

  const settle = async (next: InFlight | undefined): Promise<void> => {
    if (!next) return;
    inflightSize -= next.size;
    const outcome = await next.results;
    if ('err' in outcome) throw outcome.err;
    next.fragments.forEach((f, i) => take(f, outcome.ok[i] ?? []));
  };
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const entry: InFlight = { fragments: batch, size: batchSize, done: false, results: Promise.resolve({ ok: [] }) };
    entry.results = detectBatch(batch)
      .then((ok) => ({ ok }), (err: unknown) => ({ err }))
      .finally(() => {
        entry.done = true;
      });
    inflight.push(entry);
    inflightSize += batchSize;
    batch = [];
    batchSize = 0;
    // A synchronous source never gives the event loop a turn, so worker replies would wait
    // until the queue is full and every worker idles: let them in, and take what is done.
    if (++sent % 2 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    while (inflight[0]?.done) await settle(inflight.shift());
  };
  return {
    // Declines while the workers have enough queued: the caller then detects on its own thread
    // instead of waiting, so this thread is never idle while there is work. Worker replies are
    // macrotasks, so while declining it still gives the event loop a turn now and then.
    async offer(f) {
      const size = f.bytes?.byteLength ?? f.text.length;
      if (inflightSize >= maxInflightSize) {
        if (inlineSinceTurn >= BATCH_SIZE) {
          inlineSinceTurn = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        while (inflight[0]?.done) await settle(inflight.shift());
        if (inflightSize >= maxInflightSize) {
          inlineSinceTurn += size;
          return false;
        }
      }
      batch.push(f);
      batchSize += size;
      if (batchSize >= BATCH_SIZE || batch.length >= BATCH_COUNT) await flush();
      return true;
    },
    async finish() {
      await flush();
      while (inflight.length > 0) await settle(inflight.shift());
    },
  };
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
  const stats: ScanStats = { bytes: 0, files: 0, commits: 0, messages: 0, binarySkipped: 0, suppressed: 0 };
  const errors: ScanError[] = [...(opts.errors ?? [])];
  const notes: string[] = [...(opts.notes ?? [])];
  const pending = new Map<string, Pending>();
  const inlineSuppressed = new Map<string, Pending>();
  let lastProgress = 0;
  const jwtOpts: JwtOptions = {
    now: opts.now,
    maxLifetimeSeconds: opts.maxLifetimeSeconds,
    ...(opts.jwks ? { jwks: opts.jwks } : {}),
    ...(opts.policies ? { policies: opts.policies } : {}),
  };
  // JWTs are judged as they are found: a history scan mostly waits for git, and the checks
  // (a weak-secret search costs about 0.5 ms a token) then cost nothing at the end.
  const jwtAnalyses = new Map<string, Promise<JwtAnalysis | null>>();
  const onNew = (p: Pending, rule: Rule): void => {
    opts.observe?.(p.finding.location.path, p.secret, p.finding.location.source);
    const sha = p.finding.secret.sha256;
    if (!jwtAnalyses.has(sha) && (rule.jwt || decodesAsJwt(p.secret))) {
      const analysis = analyzeJwt(p.secret, jwtOpts);
      analysis.catch(() => undefined); // awaited in analyse()
      jwtAnalyses.set(sha, analysis);
    }
  };
  const groups: Groups = { rulesById, pending, inlineSuppressed, onNew };
  const redactor = opts.redactor ?? createRunRedactor(opts.rules);
  const take = (fragment: Fragment, matches: LocatedMatch[]): void => {
    if (matches.length === 0) return;
    for (const m of matches) redactor.add(m.secret, rulesById.get(m.ruleId)?.prefix);
    group(fragment, matches, groups);
  };
  const dispatch = opts.detectBatch ? createDispatcher(opts.detectBatch, take, opts) : undefined;
  // Workers pay off only on large inputs: a pre-commit check stays on this thread.
  const parallelAfter = opts.parallelAfter ?? 8 * 1024 * 1024;
  let seen = 0;

  for await (const item of source) {
    switch (item.type) {
      case 'stat':
        stats.files += item.files ?? 0;
        stats.bytes += item.bytes ?? 0;
        stats.commits += item.commits ?? 0;
        stats.messages += item.messages ?? 0;
        stats.binarySkipped = (stats.binarySkipped ?? 0) + (item.binarySkipped ?? 0);
        if (item.symlinksSkipped) stats.symlinksSkipped = (stats.symlinksSkipped ?? 0) + item.symlinksSkipped;
        if (item.specialSkipped) stats.specialSkipped = (stats.specialSkipped ?? 0) + item.specialSkipped;
        break;
      case 'error':
        errors.push(item.error);
        break;
      case 'note':
        notes.push(item.message);
        break;
      case 'fragment':
        if (!(dispatch && seen > parallelAfter && (await dispatch.offer(item.fragment)))) {
          seen += item.fragment.bytes?.byteLength ?? item.fragment.text.length;
          take(item.fragment, detectLocated(item.fragment, detector));
        }
        break;
      default: {
        const never: never = item;
        throw new InternalError(`unknown source item ${JSON.stringify(never)}`);
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

  await dispatch?.finish();

  const analysed = await analyse([...pending.values()], rulesById, jwtAnalyses);
  const filtered = applyFilters(opts.annotate ? await opts.annotate(analysed) : analysed.map((p) => p.finding), {
    now: opts.now,
    ...(opts.baselineIds ? { baselineIds: opts.baselineIds } : {}),
    ...(opts.allow ? { allow: opts.allow } : {}),
  });
  const perEntry = new Map<string, number>();
  for (const f of filtered.suppressed) if (f.suppressed?.by === 'allowlist') perEntry.set(f.secret.sha256, (perEntry.get(f.secret.sha256) ?? 0) + 1);
  for (const e of opts.allow ?? []) {
    const n = perEntry.get(e.sha256.toLowerCase()) ?? 0;
    if (n > 0) notes.push(`allow entry ${e.sha256.slice(0, 12)}… (${e.reason}) suppressed ${n} finding${n === 1 ? '' : 's'}`);
  }
  for (const u of filtered.unusedAllow) notes.push(`allow entry ${u.sha256.slice(0, 12)}… (${u.reason}) matched nothing: remove it`);
  for (const e of filtered.expiredAllow) notes.push(`allow entry ${e.sha256.slice(0, 12)}… (${e.reason}) expired on ${e.expires ?? '?'}: it no longer suppresses`);
  const suppressed = [...[...inlineSuppressed.values()].map((p) => p.finding), ...filtered.suppressed];
  stats.suppressed = suppressed.length;
  let findings = filtered.kept;
  if (opts.showSuppressed) findings = findings.concat(suppressed);
  findings.sort(compareFindings);

  // The credential view: CODEOWNERS owners go on each finding first (merge reads no repository).
  if (opts.codeowners) {
    const co = opts.codeowners;
    errors.push(...co.errors);
    findings = findings.map((f) => {
      if (f.location.source !== 'dir' && f.location.source !== 'git') return f;
      const owners = co.ownersOf(f.location.path, f.location.source);
      return owners.length > 0 ? { ...f, owners } : f;
    });
  }
  const remedy = (id: string): Rule | undefined => rulesById.get(id);

  // --- policies (src/policy): each credential judged by the run's policies; a violation is a
  // `policy/<id>` finding that counts for the gate, a policy failing at run time an error ---
  if (opts.policies && opts.policies.policies.length > 0) {
    // Loaded here, not at start-up: CEL is a third of the bundle, and a clean run never judges.
    const { evaluatePolicies } = await import('./policy/evaluate.js');
    const outcome = evaluatePolicies(buildCredentials(findings, { remedy }), opts.policies.policies, { maxLifetimeSeconds: opts.maxLifetimeSeconds, findings });
    const fresh = outcome.findings.filter((f) => !opts.baselineIds?.has(f.id));
    stats.suppressed = (stats.suppressed ?? 0) + (outcome.findings.length - fresh.length);
    findings = findings.concat(fresh).sort(compareFindings);
    errors.push(...outcome.errors);
  }
  // --- end policies ---
  // Built from the findings alone (policy findings become each credential's violations), so
  // that `merge` of per-source reports rebuilds the same view.
  const credentials = buildCredentials(findings, { remedy });

  // Redaction before any reporter: every string of the result (paths, fields, ids, step names,
  // JWT headers and claims, errors, notes) goes through the run's redactor.
  return redactor.value<ScanResult>({
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
    credentials,
    errors,
  });
}

interface Groups {
  rulesById: ReadonlyMap<string, Rule>;
  pending: Map<string, Pending>;
  inlineSuppressed: Map<string, Pending>;
  /** a finding that was not known before went into `pending` */
  onNew: (p: Pending, rule: Rule) => void;
}

function group(fragment: Fragment, matches: LocatedMatch[], { rulesById, pending, inlineSuppressed, onNew }: Groups): void {
  for (const m of matches) {
    const rule = rulesById.get(m.ruleId);
    if (!rule) continue;
    const layers = [...(fragment.decodedFrom ?? []), ...(m.decoded?.layers ?? [])];
    const secret = redact(m.secret, rule.prefix);
    const location = locationOf(fragment, m.span);
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
    // Suppressed in detection (inline allow, placeholder): kept apart for --show-suppressed.
    const suppressedBy = m.placeholder ? markPlaceholder(finding, m.placeholder) : m.inlineAllowed ? markInline(finding) : undefined;
    const into = suppressedBy ? inlineSuppressed : pending;
    const key = dedupKey(finding);
    const prior = into.get(key);
    if (!prior || (location.source === 'git' && isEarlier(location, prior.finding.location))) {
      const entry = { finding: suppressedBy ?? finding, secret: m.secret };
      into.set(key, entry);
      if (!prior && !suppressedBy) onNew(entry, rule);
    }
  }
}

/**
 * A finding outlives its fragment, so its strings must not be slices of the source's buffers:
 * V8 keeps a sliced string's whole parent alive (a step name cut from a 1 MiB read chunk would
 * keep the chunk until the report is written).
 */
function own<T>(value: T): T {
  return (typeof value === 'string' ? Buffer.from(value, 'utf8').toString('utf8') : value) as T;
}

/** Where a match is: the fragment's provenance, the span, and the time of its line when the source knows it. */
function locationOf(fragment: Fragment, span: Span): Location {
  const location: Location = { ...provenanceFields(fragment), ...span };
  const t = fragment.lineTimes?.[span.line - fragment.line];
  if (t !== undefined && Number.isFinite(t)) location.time = new Date(t).toISOString();
  return location;
}

function provenanceFields(fragment: Fragment): Omit<Location, 'line' | 'column' | 'endLine' | 'endColumn'> {
  const fields = rawProvenanceFields(fragment);
  for (const key of Object.keys(fields) as Array<keyof typeof fields>) (fields as Record<string, unknown>)[key] = own(fields[key]);
  return fields;
}

/**
 * The one place where a fragment's provenance becomes a finding's location: every provenance
 * field is a location field of the same name (checked by the compiler), and `kind` becomes
 * `source`. A new source adds its fields to Provenance and Location, nothing here.
 */
function rawProvenanceFields(fragment: Fragment): Omit<Location, 'line' | 'column' | 'endLine' | 'endColumn'> {
  const { kind, ...rest } = fragment.provenance;
  const fields: Omit<Location, 'line' | 'column' | 'endLine' | 'endColumn'> = { source: kind, ...rest };
  return fields;
}

async function analyse(items: Pending[], rulesById: ReadonlyMap<string, Rule>, analyses: ReadonlyMap<string, Promise<JwtAnalysis | null>>): Promise<Pending[]> {
  const out: Pending[] = [];
  for (const item of items) {
    const { finding, secret } = item;
    const rule = rulesById.get(finding.ruleId);
    const pending = analyses.get(finding.secret.sha256);
    if (!rule || !pending) {
      out.push(item);
      continue;
    }
    const analysis = await pending;
    if (!analysis) {
      if (!rule.jwt) out.push(item);
      continue;
    }
    out.push({ finding: { ...finding, severity: jwtSeverity(analysis, rule.severity), jwt: analysis }, secret });
  }
  return out;
}

function markPlaceholder(f: Finding, reason: string): Finding {
  return { ...f, suppressed: { by: 'placeholder', reason } };
}

function markInline(f: Finding): Finding {
  return { ...f, suppressed: { by: 'inline', reason: 'tokensprawl:allow comment on the line' } };
}

