// SARIF 2.1.0 for GitHub code scanning: one run, the rules that fired, one result per finding.
// Reporters see redacted findings only; nothing here can leak a raw secret.

import { gzipSync } from 'node:zlib';
import { severityRank } from '../core/severity.js';
import type { Finding, JwtAnalysis, ScanResult, Severity } from '../core/types.js';
import type { Rule } from '../rules/types.js';

export interface SarifContext {
  rules: ReadonlyMap<string, Rule>;
  /** `--sarif-category`: becomes `automationDetails.id` (a trailing "/" is added when missing) */
  category?: string;
  version: string;
  informationUri: string;
  /** GitHub's limits unless overridden (tests lower them) */
  limits?: Partial<SarifLimits>;
  /**
   * Where the scanned root lies under %SRCROOT% (the directory the scan ran from, normally the
   * repository's top): `dir sub` reports `x.txt`, but code scanning needs `sub/x.txt`.
   */
  uriPrefix?: string;
}

export interface SarifLimits {
  maxResults: number;
  maxGzipBytes: number;
}

/** GitHub's upload limits ("SARIF limits"): above them the upload is rejected or cut. */
export const GITHUB_LIMITS: SarifLimits = { maxResults: 25_000, maxGzipBytes: 10 * 1024 * 1024 };

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** partialFingerprints key holding the finding id (content-based: rule + secret hash + path) */
export const FINGERPRINT_KEY = 'tokensprawl/v1';
export const SRCROOT = '%SRCROOT%';

export type SarifLevel = 'error' | 'warning' | 'note';

export interface SarifMessage {
  text: string;
  markdown?: string;
}

export interface SarifRule {
  id: string;
  name?: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: SarifMessage;
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
  properties: {
    tags: string[];
    precision: string;
    'security-severity'?: string;
    [key: string]: unknown;
  };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: string };
      region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
    };
  }>;
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: 'inSource' | 'external'; justification?: string }>;
  properties: Record<string, unknown>;
}

export interface SarifNotification {
  level: SarifLevel;
  message: SarifMessage;
}

export interface SarifRun {
  tool: {
    driver: {
      name: string;
      semanticVersion?: string;
      version?: string;
      informationUri?: string;
      rules: SarifRule[];
    };
  };
  automationDetails?: { id: string };
  originalUriBaseIds: Record<string, { description: SarifMessage }>;
  columnKind: 'utf16CodeUnits';
  invocations: Array<{
    executionSuccessful: boolean;
    startTimeUtc?: string;
    endTimeUtc?: string;
    toolExecutionNotifications?: SarifNotification[];
  }>;
  results: SarifResult[];
  properties?: Record<string, unknown>;
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

// GitHub reads security-severity as a string: > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium,
// 0.1-3.9 low. `info` has no band there: it gets no score, so GitHub falls back to the result
// level (note) instead of showing it as "Low" and tripping a "fail on low" merge protection.
const SECURITY_SEVERITY: Record<Severity, string | undefined> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
  info: undefined,
};

const LEVEL: Record<Severity, SarifLevel> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

const MAX_DESCRIPTION = 1024;

export function levelOf(s: Severity): SarifLevel {
  return LEVEL[s];
}

export function securitySeverityOf(s: Severity): string | undefined {
  return SECURITY_SEVERITY[s];
}

/** The category GitHub uses is everything before the last "/": make sure there is one. */
export function automationId(category: string): string {
  return category.endsWith('/') ? category : `${category}/`;
}

export function renderSarif(result: ScanResult, ctx: SarifContext): { text: string; warnings: string[] } {
  const limits: SarifLimits = { ...GITHUB_LIMITS, ...ctx.limits };
  const fitted = fitWithinLimits(
    result.findings,
    (f) => severityRank(f.severity),
    (kept) => `${JSON.stringify(buildLog(result, kept, ctx))}\n`, // minified: GitHub's limit is on the compressed size
    limits,
    'results',
  );
  return { text: fitted.text, warnings: fitted.warnings };
}

/**
 * Keeps the most severe items (stable: equal ranks keep their order) so that there are at most
 * `maxResults` of them and the rendered text gzips to at most `maxGzipBytes`. The kept items
 * stay in their original order.
 */
export function fitWithinLimits<T>(
  items: readonly T[],
  rank: (item: T) => number,
  render: (kept: T[]) => string,
  limits: SarifLimits,
  noun: string,
): { text: string; kept: T[]; warnings: string[] } {
  const warnings: string[] = [];
  const order = items.map((_, i) => i);
  order.sort((a, b) => rank(items[b] as T) - rank(items[a] as T) || a - b);
  const take = (n: number): T[] =>
    order
      .slice(0, n)
      .sort((a, b) => a - b)
      .map((i) => items[i] as T);

  let n = Math.min(items.length, limits.maxResults);
  if (items.length > limits.maxResults) {
    warnings.push(
      `${items.length.toLocaleString('en-US')} ${noun} are over GitHub's limit of ${limits.maxResults.toLocaleString('en-US')} ${noun} per run: kept the ${n.toLocaleString('en-US')} most severe`,
    );
  }
  let kept = n === items.length ? [...items] : take(n);
  let text = render(kept);
  if (gzipSize(text) <= limits.maxGzipBytes) return { text, kept, warnings };

  // Binary search for the largest prefix of the severity order that fits.
  let lo = 0;
  let hi = n - 1;
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (gzipSize(render(take(mid))) <= limits.maxGzipBytes) {
      best = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  n = best;
  kept = take(n);
  text = render(kept);
  warnings.push(
    `the SARIF file is over GitHub's limit of ${formatBytes(limits.maxGzipBytes)} gzip-compressed: kept the ${n.toLocaleString('en-US')} most severe of ${items.length.toLocaleString('en-US')} ${noun}`,
  );
  return { text, kept, warnings };
}

function gzipSize(text: string): number {
  return gzipSync(Buffer.from(text, 'utf8')).length;
}

function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MB` : `${n} bytes`;
}

function buildLog(result: ScanResult, findings: readonly Finding[], ctx: SarifContext): SarifLog {
  // A rule's descriptor carries the most severe finding it produced in this run: GitHub reads
  // security-severity from the rule only, and under-stating a critical token is the worse error.
  const worst = new Map<string, Severity>();
  for (const f of findings) {
    const prev = worst.get(f.ruleId);
    if (prev === undefined || severityRank(f.severity) > severityRank(prev)) worst.set(f.ruleId, f.severity);
  }
  const ruleIds = [...worst.keys()].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const rules = ruleIds.map((id) => {
    const sample = findings.find((f) => f.ruleId === id) as Finding;
    return describeRule(id, ctx.rules.get(id), sample, worst.get(id) as Severity);
  });

  const run: SarifRun = {
    tool: {
      driver: {
        name: result.tool.name,
        ...(ctx.version ? { semanticVersion: ctx.version, version: ctx.version } : {}),
        ...(ctx.informationUri ? { informationUri: ctx.informationUri } : {}),
        rules,
      },
    },
    ...(ctx.category ? { automationDetails: { id: automationId(ctx.category) } } : {}),
    originalUriBaseIds: {
      [SRCROOT]: { description: { text: 'The directory the scan was run from (normally the repository top); every result uri is relative to it.' } },
    },
    columnKind: 'utf16CodeUnits',
    invocations: [
      {
        executionSuccessful: true,
        startTimeUtc: result.scan.startedAt,
        ...endTime(result.scan.startedAt, result.scan.durationMs),
        ...(result.errors.length > 0
          ? {
              toolExecutionNotifications: result.errors.map((e) => ({
                level: 'warning' as const,
                message: { text: `could not scan ${e.target}: ${e.message}` },
              })),
            }
          : {}),
      },
    ],
    results: findings.map((f) => toResult(f, ruleIndex.get(f.ruleId) ?? 0, ctx.uriPrefix ?? '')),
    properties: { command: result.scan.command, now: result.scan.now },
  };
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}

function endTime(startedAt: string, durationMs: number): { endTimeUtc?: string } {
  const start = Date.parse(startedAt);
  if (!Number.isFinite(start) || !Number.isFinite(durationMs)) return {};
  return { endTimeUtc: new Date(start + durationMs).toISOString() };
}

// ---------------------------------------------------------------------------------------------
// Rules

const WHY =
  'A bearer token makes possession equal authority: whoever copies it (from this file, a CI log, a queue dump or an old commit) can replay it until it expires, and nothing proves which workload obtained it.';

const GENERIC_REMEDIATION =
  "Revoke or rotate the token at its issuer, then remove it from the file, log or dump, and check the issuer's audit log for use since it leaked.";

const DELETE_IS_NOT_REVOKE =
  'Deleting the token from the file, the log or git history does not invalidate copies already made: revoke it first.';

const LASTING =
  'Replace long-lived bearer tokens with short-lived, bound credentials: workload identity or OIDC federation instead of stored keys, sender-constrained tokens (DPoP, RFC 9449; mutual TLS, RFC 8705) with an audience and a lifetime of minutes, and automate rotation and revocation so that a leaked token is worthless before anyone finds it.';

function describeRule(id: string, rule: Rule | undefined, sample: Finding, severity: Severity): SarifRule {
  const title = rule?.title ?? sample.title;
  const description = rule?.description ?? sample.title;
  const family = rule?.family;
  const references = (rule?.references ?? []).filter((r) => /^https?:\/\/\S+$/.test(r));
  const remediation = rule?.remediation?.trim();
  const precision = rule?.precision ?? 'medium';

  const text = [
    `${title}.`,
    description,
    `Why it matters: ${WHY}`,
    `Rotate or revoke it:\n${remediation ?? GENERIC_REMEDIATION}`,
    DELETE_IS_NOT_REVOKE,
    `Lasting remedy: ${LASTING}`,
    ...(references.length > 0 ? [`References: ${references.join(' ')}`] : []),
  ].join('\n\n');
  const markdown = [
    `## ${title}`,
    description,
    `### Why it matters\n\n${WHY}`,
    `### Rotate or revoke it\n\n${remediation ?? GENERIC_REMEDIATION}\n\n${DELETE_IS_NOT_REVOKE}`,
    `### Lasting remedy\n\n${LASTING}`,
    ...(references.length > 0 ? [`### References\n\n${references.map((r) => `- <${r}>`).join('\n')}`] : []),
  ].join('\n\n');

  // SARIF wants unique tags; GitHub shows 10 of at most 20.
  const tags = [...new Set(['security', 'secret', 'external/cwe/cwe-798', ...(family ? [family] : []), ...(rule?.jwt ? ['jwt'] : [])])];
  const securitySeverity = securitySeverityOf(severity);
  return {
    id,
    shortDescription: { text: clip(title, MAX_DESCRIPTION) },
    fullDescription: { text: clip(description, MAX_DESCRIPTION) },
    help: { text, markdown },
    ...(references[0] ? { helpUri: references[0] } : {}),
    defaultConfiguration: { level: levelOf(severity) },
    properties: {
      tags: tags.slice(0, 20),
      precision,
      ...(securitySeverity ? { 'security-severity': securitySeverity } : {}),
      ...(rule ? { defaultSeverity: rule.severity } : {}),
    },
  };
}

function clip(s: string, max: number): string {
  const t = s.trim() || '-';
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

// ---------------------------------------------------------------------------------------------
// Results

const ARCHIVE_MEMBER = /^(.+?\.(?:zip|jar|tar|tgz|tar\.gz))!(.+)$/i;

/** `a.zip!dir/f.txt` → the archive is the artifact GitHub can see; the member goes in the text. */
export function splitArchivePath(path: string): { artifact: string; member?: string } {
  const m = ARCHIVE_MEMBER.exec(path);
  return m ? { artifact: m[1] as string, member: m[2] as string } : { artifact: path };
}

/**
 * A repository-relative path as a relative URI reference: each segment percent-encoded except the
 * path characters RFC 3986 allows (`@`, `+`, `,`, ...); `:` stays encoded so no segment reads as a scheme.
 */
export function toUri(path: string): string {
  const clean = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '');
  return clean
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/%(?:24|26|2B|2C|3B|3D|40)/g, (c) => decodeURIComponent(c)))
    .join('/');
}

function toResult(f: Finding, ruleIndex: number, uriPrefix: string): SarifResult {
  const { artifact, member } = splitArchivePath(f.location.path);
  const result: SarifResult = {
    ruleId: f.ruleId,
    ruleIndex,
    level: levelOf(f.severity),
    message: { text: messageText(f, member) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: toUri(uriPrefix ? `${uriPrefix}/${artifact}` : artifact) || '.', uriBaseId: SRCROOT },
          region: region(f),
        },
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: f.id },
    properties: resultProperties(f, member),
  };
  if (f.suppressed) {
    result.suppressions = [
      {
        kind: f.suppressed.by === 'inline' ? 'inSource' : 'external',
        justification: f.suppressed.reason ? `${f.suppressed.by}: ${f.suppressed.reason}` : f.suppressed.by,
      },
    ];
  }
  return result;
}

/** GitHub rejects any region number below 1 ("endColumn must have a minimum value of 1"). */
function region(f: Finding): SarifResult['locations'][number]['physicalLocation']['region'] {
  const pos = (n: number | undefined): number => (Number.isFinite(n) && (n as number) >= 1 ? Math.floor(n as number) : 1);
  const startLine = pos(f.location.line);
  const startColumn = pos(f.location.column);
  let endLine = pos(f.location.endLine);
  let endColumn = pos(f.location.endColumn);
  if (endLine < startLine) endLine = startLine;
  if (endLine === startLine && endColumn <= startColumn) endColumn = startColumn + Math.max(1, f.secret.length || 1);
  return { startLine, startColumn, endLine, endColumn };
}

function shortSha(sha: string): string {
  return /^[0-9a-f]{40}$/i.test(sha) ? sha.slice(0, 7) : sha;
}

function day(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}T/.test(iso) ? iso.slice(0, 10) : iso;
}

/** The first sentence is what GitHub shows when space is short: keep it to what and where. */
export function messageText(f: Finding, member?: string): string {
  const title = f.title.replace(/[.\s]+$/, '');
  const sentences: string[] = [`${title} ${f.secret.redacted} is exposed (severity ${f.severity}).`];
  const loc = f.location;

  if (f.jwt) sentences.push(...jwtSentences(f.jwt));

  switch (loc.source) {
    case 'git': {
      const who = loc.author ? ` by ${loc.author}` : '';
      const when = loc.date ? ` on ${day(loc.date)}` : '';
      let s = loc.commit ? `Introduced in ${shortSha(loc.commit)}${who}${when}` : 'Found in git history';
      if (f.presentAtHead === true) s += ', still present at HEAD';
      sentences.push(`${s}.`);
      break;
    }
    case 'ci-log': {
      const where = [loc.job ? `job ${loc.job}` : '', loc.step ? `step ${loc.step}` : ''].filter(Boolean);
      if (where.length > 0) sentences.push(`In CI ${where.join(', ')}.`);
      break;
    }
    case 'queue': {
      const where = [
        loc.queue !== undefined ? `queue ${loc.queue}` : '',
        loc.partition !== undefined ? `partition ${loc.partition}` : '',
        loc.offset !== undefined ? `offset ${loc.offset}` : '',
        loc.messageId !== undefined ? `message id ${loc.messageId}` : '',
        loc.field !== undefined ? `field ${loc.field}` : '',
      ].filter(Boolean);
      if (where.length > 0) sentences.push(`In a queued message: ${where.join(', ')}.`);
      break;
    }
    case 'dir':
    case 'stdin':
      break;
  }
  if (member) sentences.push(`Inside archive member ${member}, line ${loc.line}, column ${loc.column}.`);
  if (f.decodedFrom && f.decodedFrom.length > 0) {
    sentences.push(`Found after decoding ${f.decodedFrom.join(' then ')}.`);
  }
  if (f.suppressed) {
    sentences.push(`Suppressed by ${f.suppressed.by}${f.suppressed.reason ? `: ${f.suppressed.reason}` : ''}.`);
  }
  return sentences.join(' ');
}

function jwtSentences(jwt: JwtAnalysis): string[] {
  const out: string[] = [];
  if (jwt.problems.length > 0) {
    out.push(`JWT problems: ${jwt.problems.map((p) => `${p.id} (${p.message.replace(/[.\s]+$/, '')})`).join('; ')}.`);
  } else {
    out.push('JWT problems: none found.');
  }
  if (jwt.expiresAt) out.push(jwt.expired ? `Expired at ${jwt.expiresAt}.` : `Valid until ${jwt.expiresAt}.`);
  if (jwt.binding !== 'none') out.push(`Bound to a key (${jwt.binding}).`);
  if (jwt.signature !== 'unverified') out.push(`Signature ${jwt.signature}.`);
  return out;
}

const JWT_HEADER_KEYS = ['alg', 'typ', 'kid', 'cty', 'enc'];
const JWT_CLAIM_KEYS = ['iss', 'sub', 'aud', 'azp', 'client_id', 'scope', 'iat', 'nbf', 'exp', 'jti', 'cnf'];

function pick(obj: Record<string, unknown> | undefined, keys: readonly string[]): Record<string, unknown> | undefined {
  if (!obj) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

function resultProperties(f: Finding, member: string | undefined): Record<string, unknown> {
  const loc = f.location;
  const props: Record<string, unknown> = {
    severity: f.severity,
    source: loc.source,
    path: loc.path,
    redacted: f.secret.redacted,
    sha256: f.secret.sha256,
    length: f.secret.length,
  };
  if (member) props.member = member;
  for (const key of ['commit', 'author', 'date', 'job', 'step', 'queue', 'partition', 'offset', 'messageId', 'field'] as const) {
    if (loc[key] !== undefined) props[key] = loc[key];
  }
  if (f.presentAtHead !== undefined) props.presentAtHead = f.presentAtHead;
  if (f.decodedFrom && f.decodedFrom.length > 0) props.decodedFrom = f.decodedFrom;
  if (f.jwt) {
    // Registered header fields and claims only: the analysis, not arbitrary payload content.
    const j = f.jwt;
    props.jwt = {
      form: j.form,
      header: pick(j.header, JWT_HEADER_KEYS),
      ...(j.claims ? { claims: pick(j.claims, JWT_CLAIM_KEYS) } : {}),
      issuedAt: j.issuedAt,
      notBefore: j.notBefore,
      expiresAt: j.expiresAt,
      lifetimeSeconds: j.lifetimeSeconds,
      expired: j.expired,
      audience: j.audience,
      binding: j.binding,
      signature: j.signature,
      ...(j.family ? { family: j.family } : {}),
      problems: j.problems.map((p) => ({ id: p.id, severity: p.severity, message: p.message })),
    };
  }
  return props;
}
