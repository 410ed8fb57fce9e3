// SARIF 2.1.0 for GitHub code scanning: one run, the rules that fired, one result per finding.
// Reporters see redacted findings only; nothing here can leak a raw secret.

import { gzipSync } from 'node:zlib';
import { buildCredentials } from '../analyze/credentials.js';
import { severityRank } from '../core/severity.js';
import { findingTags, githubTag, sortTags, taxonOf, TAXONOMIES } from '../core/standards.js';
import type { Credential, Finding, JwtAnalysis, Place, ScanResult, Severity } from '../core/types.js';
import type { Rule } from '../rules/types.js';
import { provenanceWords } from './provenance.js';

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
  /** the OWASP NHI and CWE entries the rule maps to (run.taxonomies) */
  relationships?: SarifRelationship[];
  properties: {
    tags: string[];
    precision: string;
    'security-severity'?: string;
    [key: string]: unknown;
  };
}

export interface SarifRelationship {
  target: { id: string; index: number; toolComponent: { name: string; index: number } };
  kinds: string[];
}

export interface SarifPhysicalLocation {
  artifactLocation: { uri: string; uriBaseId: string };
  region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
}

export interface SarifTaxonomy {
  name: string;
  version: string;
  organization: string;
  informationUri: string;
  shortDescription: SarifMessage;
  isComprehensive: boolean;
  taxa: Array<{ id: string; name: string; shortDescription: SarifMessage; helpUri: string }>;
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
  /** the other places of the same credential (the same secret elsewhere) */
  relatedLocations?: Array<{ id: number; physicalLocation: SarifPhysicalLocation; message: SarifMessage }>;
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
      supportedTaxonomies?: Array<{ name: string; index: number }>;
    };
  };
  taxonomies?: SarifTaxonomy[];
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
/** GitHub takes 1,000 locations a result and shows 100: a credential's other places beyond that are in the JSON report. */
const MAX_RELATED = 100;

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
  // The credential view (from the report, or built here for a result that lacks it): each
  // result's standards and its credential's other places.
  const credentials = result.credentials ?? buildCredentials(result.findings);
  const bySecret = new Map<string, Credential>(credentials.map((c) => [c.fingerprint, c]));
  const tagsOf = (f: Finding): string[] => {
    const c = f.suppressed ? undefined : bySecret.get(f.secret.sha256);
    return sortTags([...findingTags(f), ...(c?.tags ?? [])]);
  };
  const ruleTags = new Map<string, Set<string>>();
  for (const f of findings) {
    const set = ruleTags.get(f.ruleId) ?? new Set<string>();
    for (const t of tagsOf(f)) set.add(t);
    ruleTags.set(f.ruleId, set);
  }
  const rules = ruleIds.map((id) => {
    const sample = findings.find((f) => f.ruleId === id) as Finding;
    return describeRule(id, ctx.rules.get(id), sample, worst.get(id) as Severity, sortTags(ruleTags.get(id) ?? []));
  });

  const run: SarifRun = {
    tool: {
      driver: {
        name: result.tool.name,
        ...(ctx.version ? { semanticVersion: ctx.version, version: ctx.version } : {}),
        ...(ctx.informationUri ? { informationUri: ctx.informationUri } : {}),
        rules,
        supportedTaxonomies: TAXONOMIES.map((t, index) => ({ name: t.name, index })),
      },
    },
    taxonomies: sarifTaxonomies(),
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
    results: findings.map((f) =>
      toResult(f, ruleIndex.get(f.ruleId) ?? 0, ctx.uriPrefix ?? '', tagsOf(f), f.suppressed ? undefined : bySecret.get(f.secret.sha256)),
    ),
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

/** OWASP NHI Top 10 and CWE as SARIF taxonomies (run.taxonomies; rules point into them). */
function sarifTaxonomies(): SarifTaxonomy[] {
  return TAXONOMIES.map((t) => ({
    name: t.name,
    version: t.version,
    organization: t.organization,
    informationUri: t.informationUri,
    shortDescription: { text: t.description },
    isComprehensive: t.name !== 'CWE',
    taxa: t.taxa.map((x) => ({ id: x.id, name: x.name, shortDescription: { text: x.description }, helpUri: x.helpUri })),
  }));
}

function relationshipsOf(tags: readonly string[]): SarifRelationship[] {
  const out: SarifRelationship[] = [];
  for (const tag of tags) {
    const hit = taxonOf(tag);
    if (!hit) continue;
    const component = TAXONOMIES.indexOf(hit.taxonomy);
    out.push({
      target: { id: hit.taxon.id, index: hit.taxonomy.taxa.indexOf(hit.taxon), toolComponent: { name: hit.taxonomy.name, index: component } },
      kinds: ['relevant'],
    });
  }
  return out;
}

function describeRule(id: string, rule: Rule | undefined, sample: Finding, severity: Severity, standards: readonly string[] = []): SarifRule {
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
    ...(rule?.revoke ? [`Revoke at: ${rule.revoke}`] : []),
    ...(standards.length > 0 ? [`Standards: ${standards.join(', ')}`] : []),
  ].join('\n\n');
  const markdown = [
    `## ${title}`,
    description,
    `### Why it matters\n\n${WHY}`,
    `### Rotate or revoke it\n\n${remediation ?? GENERIC_REMEDIATION}\n\n${DELETE_IS_NOT_REVOKE}`,
    `### Lasting remedy\n\n${LASTING}`,
    ...(references.length > 0 ? [`### References\n\n${references.map((r) => `- <${r}>`).join('\n')}`] : []),
    ...(rule?.revoke ? [`### Revoke at\n\n<${rule.revoke}>`] : []),
    ...(standards.length > 0 ? [`### Standards\n\n${standards.map((t) => `- ${standardLine(t)}`).join('\n')}`] : []),
  ].join('\n\n');

  // SARIF wants unique tags; GitHub shows 10 of at most 20.
  const standardTags = standards.flatMap((t) => [t, githubTag(t)]).filter((t): t is string => t !== undefined);
  const tags = [...new Set(['security', 'secret', 'external/cwe/cwe-798', ...(family ? [family] : []), ...(rule?.jwt ? ['jwt'] : []), ...standardTags])];
  const securitySeverity = securitySeverityOf(severity);
  return {
    id,
    shortDescription: { text: clip(title, MAX_DESCRIPTION) },
    fullDescription: { text: clip(description, MAX_DESCRIPTION) },
    help: { text, markdown },
    ...(references[0] ? { helpUri: references[0] } : {}),
    defaultConfiguration: { level: levelOf(severity) },
    ...(standards.length > 0 ? { relationships: relationshipsOf(standards) } : {}),
    properties: {
      tags: tags.slice(0, 20),
      precision,
      ...(securitySeverity ? { 'security-severity': securitySeverity } : {}),
      ...(rule ? { defaultSeverity: rule.severity } : {}),
    },
  };
}

function standardLine(tag: string): string {
  const hit = taxonOf(tag);
  return hit ? `${tag}: ${hit.taxon.name} (<${hit.taxon.helpUri}>)` : tag;
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

function physicalLocation(loc: Finding['location'], length: number, uriPrefix: string): SarifPhysicalLocation {
  const { artifact } = splitArchivePath(loc.path);
  return {
    artifactLocation: { uri: toUri(uriPrefix ? `${uriPrefix}/${artifact}` : artifact) || '.', uriBaseId: SRCROOT },
    region: regionOf(loc, length),
  };
}

/** The credential's other places, each with what tells it apart (commit, job, topic). */
function relatedLocations(f: Finding, credential: Credential | undefined, uriPrefix: string): SarifResult['relatedLocations'] {
  if (!credential) return undefined;
  const others = credential.places.filter((p) => p.findingId !== f.id || !samePlace(p.location, f.location));
  if (others.length === 0) return undefined;
  return others.slice(0, MAX_RELATED).map((p, i) => ({
    id: i + 1,
    physicalLocation: physicalLocation(p.location, f.secret.length, uriPrefix),
    message: { text: placeText(p) },
  }));
}

function samePlace(a: Finding['location'], b: Finding['location']): boolean {
  return a.source === b.source && a.path === b.path && a.line === b.line && a.column === b.column && a.commit === b.commit && a.field === b.field && a.offset === b.offset;
}

/** "The same secret in git history, commit abc1234 by Dana at 2025-03-01T10:00:00Z (a.env:3)." */
export function placeText(p: Place): string {
  const l = p.location;
  const bits: string[] = [];
  switch (l.source) {
    case 'git':
      bits.push(`in git history${l.commit ? `, commit ${shortSha(l.commit)}` : ''}${l.author ? ` by ${l.author}` : ''}`);
      break;
    case 'ci-log':
      bits.push(`in a CI log${provenanceWords(l).map((x) => `, ${x}`).join('')}`);
      break;
    case 'queue':
      bits.push(`in a queued message${provenanceWords(l).map((x) => `, ${x}`).join('')}`);
      break;
    case 'dir':
      bits.push('in the working tree');
      break;
    case 'stdin':
      bits.push('on standard input');
      break;
  }
  if (p.time) bits.push(` at ${p.time}`);
  return `The same secret ${bits.join('')} (${l.path}:${l.line}).`;
}

function toResult(f: Finding, ruleIndex: number, uriPrefix: string, tags: string[] = [], credential?: Credential): SarifResult {
  const { artifact, member } = splitArchivePath(f.location.path);
  const related = relatedLocations(f, credential, uriPrefix);
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
    ...(related ? { relatedLocations: related } : {}),
    partialFingerprints: { [FINGERPRINT_KEY]: f.id },
    properties: { ...resultProperties(f, member), ...(tags.length > 0 ? { tags } : {}), ...credentialProperties(credential) },
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
function region(f: Finding): SarifPhysicalLocation['region'] {
  return regionOf(f.location, f.secret.length);
}

function regionOf(loc: Finding['location'], length: number): SarifPhysicalLocation['region'] {
  const pos = (n: number | undefined): number => (Number.isFinite(n) && (n as number) >= 1 ? Math.floor(n as number) : 1);
  const startLine = pos(loc.line);
  const startColumn = pos(loc.column);
  let endLine = pos(loc.endLine);
  let endColumn = pos(loc.endColumn);
  if (endLine < startLine) endLine = startLine;
  if (endLine === startLine && endColumn <= startColumn) endColumn = startColumn + Math.max(1, length || 1);
  return { startLine, startColumn, endLine, endColumn };
}

/** The credential this result is one place of: its spread and risk, for readers of the SARIF file. */
function credentialProperties(c: Credential | undefined): Record<string, unknown> {
  if (!c) return {};
  return {
    credential: {
      places: c.places.length,
      sourceKinds: c.sourceKinds,
      owners: c.owners.map((o) => o.name).slice(0, 20),
      risk: c.risk.level,
      reasons: c.risk.reasons,
      ...(c.revoke ? { revoke: c.revoke } : {}),
    },
  };
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
