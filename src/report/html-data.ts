// What the HTML report shows, computed from a (redacted) ScanResult: pure, no markup. The
// credential view when the run has none, the counts of the summary, the charts' series and the
// findings table's rows.
import { formatDuration } from '../analyze/duration.js';
import { SEVERITY_RANK, compareSeverity } from '../core/severity.js';
import type { Credential, Finding, Location, ScanResult, Severity, SourceKind } from '../core/types.js';
import { summarizeJwt } from './jwt-summary.js';
import { shown } from './html-text.js';
import { provenanceWords } from './provenance.js';
import { buildCredentials } from '../analyze/credentials.js';

export const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Findings that count: not suppressed. */
export function activeFindings(result: ScanResult): Finding[] {
  return result.findings.filter((f) => !f.suppressed);
}

export function isPolicyFinding(f: Finding): boolean {
  return f.ruleId.startsWith('policy/');
}

/** Riskiest first: risk level, then the number of places, then the fingerprint (deterministic). */
export function byRisk(a: Credential, b: Credential): number {
  return compareSeverity(b.risk.level, a.risk.level) || b.places.length - a.places.length || (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0);
}

/** A copy's time: the commit date in history, else the log-line or message time. */
export function timeOf(l: Location): string | undefined {
  return l.date ?? l.time;
}

/**
 * The run's credential view, riskiest first; when the run carries none (an older report, a
 * library caller), the same view built here from the findings (analyze/credentials.ts), so the
 * cards and the sprawl map are never silently empty.
 */
export function credentialsOf(result: ScanResult): { credentials: Credential[]; derived: boolean } {
  if (result.credentials) return { credentials: [...result.credentials].sort(byRisk), derived: false };
  return { credentials: buildCredentials(result.findings).sort(byRisk), derived: true };
}

/** [key, count] sorted by count, then key. */
export function countBy<T>(items: readonly T[], key: (t: T) => string | readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const it of items) {
    const k = key(it);
    for (const one of typeof k === 'string' ? [k] : k) counts.set(one, (counts.get(one) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export interface ChartSpec {
  type: 'bar' | 'hbar' | 'donut';
  labels: string[];
  counts: number[];
}

export interface Charts {
  lifetime: ChartSpec;
  binding: ChartSpec;
  audience: ChartSpec;
  issuer: ChartSpec;
  timeline: ChartSpec;
}

/** Upper edges of the lifetime bins, in seconds: roughly ×5 to ×12 apart, i.e. a log-scaled axis. */
const LIFETIME_BINS: [number, string][] = [
  [60, '≤1m'],
  [300, '≤5m'],
  [3600, '≤1h'],
  [86_400, '≤1d'],
  [7 * 86_400, '≤7d'],
  [30 * 86_400, '≤30d'],
  [365 * 86_400, '≤1y'],
  [3650 * 86_400, '≤10y'],
];

/** Most bars in a ranking chart; the rest are summed in "other". */
const TOP = 12;

function top(pairs: [string, number][], label: (k: string) => string): ChartSpec {
  const head = pairs.slice(0, TOP);
  const rest = pairs.slice(TOP).reduce((n, [, c]) => n + c, 0);
  const labels = head.map(([k]) => label(k));
  const counts = head.map(([, c]) => c);
  if (rest > 0) {
    labels.push(`other (${pairs.length - TOP})`);
    counts.push(rest);
  }
  return { type: 'hbar', labels, counts };
}

/**
 * The charts' series. JWT charts count distinct tokens (one secret seen in 400 commits is one
 * token); the timeline counts findings by their commit, log-line or message time.
 */
export function buildCharts(findings: readonly Finding[]): Charts {
  const tokens = new Map<string, NonNullable<Finding['jwt']>>();
  for (const f of findings) if (f.jwt && !tokens.has(f.secret.sha256)) tokens.set(f.secret.sha256, f.jwt);
  const readable = [...tokens.values()].filter((j) => j.form !== 'jwe');

  const lifetimeCounts = new Array<number>(LIFETIME_BINS.length + 3).fill(0);
  for (const j of readable) {
    let bin: number;
    if (j.expiresAt === null) bin = LIFETIME_BINS.length + 1;
    else if (j.lifetimeSeconds === null) bin = LIFETIME_BINS.length + 2;
    else {
      const i = LIFETIME_BINS.findIndex(([edge]) => (j.lifetimeSeconds ?? 0) <= edge);
      bin = i < 0 ? LIFETIME_BINS.length : i;
    }
    lifetimeCounts[bin] = (lifetimeCounts[bin] ?? 0) + 1;
  }
  const lifetimeLabels = [...LIFETIME_BINS.map(([, l]) => l), '>10y', 'no exp', 'exp, no iat'];
  // The last bin only when some token needs it.
  if (lifetimeCounts[lifetimeCounts.length - 1] === 0) {
    lifetimeCounts.pop();
    lifetimeLabels.pop();
  }

  const bindingPairs = countBy(readable, (j) => j.binding);
  const label = (k: string) => shown(k, 40);
  return {
    lifetime: { type: 'bar', labels: lifetimeLabels, counts: lifetimeCounts },
    binding: { type: 'donut', labels: bindingPairs.map(([k]) => k), counts: bindingPairs.map(([, c]) => c) },
    audience: top(countBy(readable, (j) => (j.audience.length > 0 ? j.audience : ['(no aud)'])), label),
    issuer: top(
      countBy(readable, (j) => (typeof j.claims?.iss === 'string' ? j.claims.iss : '(no iss)')),
      label,
    ),
    timeline: timeline(findings),
  };
}

const DAY = 86_400_000;

/** Findings per day, month or year (whichever gives at most ~60 bars), empty periods included. */
function timeline(findings: readonly Finding[]): ChartSpec {
  const times = findings.flatMap((f) => {
    const t = timeOf(f.location);
    const ms = t ? Date.parse(t) : NaN;
    return Number.isFinite(ms) ? [ms] : [];
  });
  if (times.length === 0) return { type: 'bar', labels: [], counts: [] };
  let min = Infinity;
  let max = -Infinity;
  for (const t of times) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const span = max - min;
  const unit: 'day' | 'month' | 'year' = span <= 60 * DAY ? 'day' : span <= 5 * 365 * DAY ? 'month' : 'year';
  const key = (ms: number): string => {
    const iso = new Date(ms).toISOString();
    return unit === 'day' ? iso.slice(0, 10) : unit === 'month' ? iso.slice(0, 7) : iso.slice(0, 4);
  };
  const counts = new Map<string, number>();
  // every period from the first to the last, so gaps show as gaps
  const d = new Date(min);
  const last = key(max);
  for (let guard = 0; guard < 400; guard++) {
    const k = key(d.getTime());
    counts.set(k, 0);
    if (k >= last) break;
    if (unit === 'day') d.setUTCDate(d.getUTCDate() + 1);
    else if (unit === 'month') d.setUTCMonth(d.getUTCMonth() + 1, 1);
    else d.setUTCFullYear(d.getUTCFullYear() + 1, 0, 1);
  }
  for (const t of times) {
    const k = key(t);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const keys = [...counts.keys()].sort();
  return { type: 'bar', labels: keys, counts: keys.map((k) => counts.get(k) ?? 0) };
}

/** The findings table's columns; rows hold the severity rank first (sorted on, never shown). */
export const TABLE_COLUMNS = ['rank', 'severity', 'rule', 'place', 'source', 'provenance', 'secret', 'token', 'time', 'id'] as const;
export type TableRow = [number, ...string[]];

/** "path:line:column" of a location. */
export function placeText(l: Location): string {
  return `${l.path}:${l.line}:${l.column}`;
}

/** Where a copy came from besides its path: commit and author, CI job and step, queue coordinates. */
export function provenanceText(l: Location): string {
  const commit = l.commit ? [`commit ${l.commit.slice(0, 12)}${l.author ? ` by ${l.author}` : ''}`] : [];
  return [...commit, ...provenanceWords(l)].join(' · ');
}

/** One table row; every scanned string already made visible and cut (the page sets it as text). */
export function tableRow(f: Finding, now: Date): TableRow {
  const sev = f.suppressed ? `${f.severity} (suppressed: ${f.suppressed.by})` : f.severity;
  return [
    SEVERITY_RANK[f.severity],
    sev,
    shown(f.ruleId, 80),
    shown(placeText(f.location), 300),
    f.location.source,
    shown(provenanceText(f.location), 300),
    shown(f.secret.redacted, 80),
    f.jwt ? shown(summarizeJwt(f.jwt, now), 300) : '',
    timeOf(f.location) ?? '',
    f.id.slice(0, 16),
  ];
}

export function sourceKinds(findings: readonly Finding[]): SourceKind[] {
  return [...new Set(findings.map((f) => f.location.source))].sort();
}

export function human(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? '—' : formatDuration(seconds);
}
