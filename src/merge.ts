// `tokensprawl merge`: the reports of `--shard k/n` runs become one report, as if one machine had
// scanned everything. JSON: one finding per id for history (the earliest commit), one per id and
// place otherwise; targets, errors and notes unioned; stats summed. SARIF: one run per
// (tool, category), results deduplicated by their tokensprawl fingerprint.

import { buildCredentials } from './analyze/credentials.js';
import { compareFindings, compareStrings } from './core/order.js';
import { readFile } from 'node:fs/promises';
import { TargetError, UsageError, describeError, describeJsonError } from './core/errors.js';
import { dedupKey, isPreferred } from './core/dedup.js';
import { isObject } from './core/guards.js';
import { isSeverity, SEVERITIES, severityRank } from './core/severity.js';
import type { Finding, ScanError, ScanResult, ScanStats } from './core/types.js';
import {
  FINGERPRINT_KEY,
  GITHUB_LIMITS,
  fitWithinLimits,
  securitySeverityOf,
  type SarifLimits,
  type SarifLog,
  type SarifNotification,
  type SarifResult,
  type SarifRule,
  type SarifRun,
} from './report/sarif.js';

export type MergeOutcome =
  | { kind: 'json'; result: ScanResult; warnings: string[] }
  | { kind: 'sarif'; sarif: SarifLog; warnings: string[] };

type Loaded = { kind: 'json'; file: string; result: ScanResult } | { kind: 'sarif'; file: string; sarif: SarifLog };

export async function mergeReports(files: string[], limits: SarifLimits = GITHUB_LIMITS): Promise<MergeOutcome> {
  if (files.length === 0) throw new UsageError('merge: no reports given');
  const loaded = await Promise.all(files.map(loadReport));
  const kinds = new Set(loaded.map((l) => l.kind));
  if (kinds.size > 1) {
    const json = loaded.find((l) => l.kind === 'json')?.file;
    const sarif = loaded.find((l) => l.kind === 'sarif')?.file;
    throw new UsageError(`merge: cannot mix JSON and SARIF reports (${json} is JSON, ${sarif} is SARIF)`);
  }
  const jsons: ScanResult[] = [];
  const sarifs: SarifLog[] = [];
  for (const l of loaded) {
    if (l.kind === 'json') jsons.push(l.result);
    else sarifs.push(l.sarif);
  }
  if (jsons.length > 0) return { kind: 'json', ...mergeResults(jsons) };
  return { kind: 'sarif', ...mergeSarif(sarifs, limits) };
}

async function loadReport(file: string): Promise<Loaded> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new TargetError(`merge: ${file} cannot be read (${describeError(err)})`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`merge: ${file} is not a report (${describeJsonError(err, text)})`, { cause: err });
  }
  const shape = reportShape(doc);
  switch (shape.kind) {
    case 'json':
      return { kind: 'json', file, result: doc as ScanResult };
    case 'sarif':
      return { kind: 'sarif', file, sarif: doc as SarifLog };
    case 'bad':
      throw new UsageError(`merge: ${file} is not a tokensprawl JSON report or SARIF 2.1.0 log (${shape.message})`);
  }
}

/** Shape checks for what merging reads; the rest is carried over untouched. */
function reportShape(doc: unknown): { kind: 'json' } | { kind: 'sarif' } | { kind: 'bad'; message: string } {
  const bad = (message: string) => ({ kind: 'bad' as const, message });
  if (!isObject(doc)) return bad('expected a JSON object');
  if (Array.isArray(doc.runs)) {
    if (doc.version !== '2.1.0') return bad(`SARIF version ${JSON.stringify(doc.version)}, expected "2.1.0"`);
    for (const [i, run] of doc.runs.entries()) {
      if (!isObject(run) || !isObject(run.tool) || !isObject(run.tool.driver) || typeof run.tool.driver.name !== 'string') {
        return bad(`runs[${i}] has no tool.driver.name`);
      }
      if (run.results !== undefined && !Array.isArray(run.results)) return bad(`runs[${i}].results is not an array`);
    }
    return { kind: 'sarif' as const };
  }
  if (!isObject(doc.tool) || doc.tool.name !== 'tokensprawl') return bad('no tool.name "tokensprawl" and no SARIF runs');
  if (!isObject(doc.scan) || typeof doc.scan.command !== 'string' || !Array.isArray(doc.scan.targets) || !isObject(doc.scan.stats)) {
    return bad('no scan.command, scan.targets or scan.stats');
  }
  if (!Array.isArray(doc.findings)) return bad('no findings array');
  if (!Array.isArray(doc.errors)) return bad('no errors array');
  for (const [i, f] of doc.findings.entries()) {
    if (
      !isObject(f) ||
      typeof f.id !== 'string' ||
      typeof f.ruleId !== 'string' ||
      !isSeverity(f.severity) ||
      !isObject(f.location) ||
      typeof f.location.path !== 'string'
    ) {
      return bad(`findings[${i}] lacks id, ruleId, severity or location.path`);
    }
  }
  return { kind: 'json' as const };
}

// ---------------------------------------------------------------------------------------------
// JSON

export function mergeResults(results: readonly ScanResult[]): { result: ScanResult; warnings: string[] } {
  const first = results[0];
  if (!first) throw new UsageError('merge: no reports given');
  const warnings: string[] = [];
  // Reports of different sources (a CI matrix: one job per source) merge into what one `scan`
  // over all of them reports; their targets are then named by source, as `scan` names them.
  const commands = new Set(results.map((r) => r.scan.command));
  const command = commands.size === 1 ? first.scan.command : 'scan';
  const targetsOf = (r: ScanResult): string[] => (command === 'scan' && r.scan.command !== 'scan' ? r.scan.targets.map((t) => `${r.scan.command}:${t}`) : r.scan.targets);
  const versions = new Set(results.map((r) => r.tool.version));
  if (versions.size > 1) warnings.push(`the reports come from different tokensprawl versions (${[...versions].join(', ')})`);
  const nows = new Set(results.map((r) => r.scan.now));
  if (nows.size > 1) {
    warnings.push('the reports were judged against different --now instants: JWT expiry may disagree between shards');
  }

  const byKey = new Map<string, Finding>();
  for (const r of results) {
    for (const f of r.findings) {
      const key = dedupKey(f);
      const prior = byKey.get(key);
      if (!prior || isPreferred(occurrence(f), occurrence(prior))) byKey.set(key, f);
    }
  }
  const findings = [...byKey.values()].sort(compareFindings);

  const stats: ScanStats = { bytes: 0, files: 0, commits: 0, messages: 0 };
  for (const r of results) {
    for (const [k, v] of Object.entries(r.scan.stats) as Array<[keyof ScanStats, number | undefined]>) {
      if (typeof v === 'number') stats[k] = (stats[k] ?? 0) + v;
    }
  }
  const notes = union(results.flatMap((r) => r.scan.notes ?? []));
  const errors = unionBy<ScanError>(results.flatMap((r) => r.errors), (e) => `${e.target}\0${e.message}`);
  const startedAt = results.map((r) => r.scan.startedAt).reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));

  const result: ScanResult = {
    tool: { name: 'tokensprawl', version: first.tool.version },
    scan: {
      startedAt,
      now: first.scan.now,
      command,
      targets: union(results.flatMap(targetsOf)),
      // Shards run side by side: the merged scan took as long as the slowest one.
      durationMs: Math.max(...results.map((r) => r.scan.durationMs)),
      stats,
      ...(notes.length > 0 ? { notes } : {}),
    },
    findings,
    credentials: mergedCredentials(results, findings),
    errors,
  };
  return { result, warnings };
}

/**
 * The credential view, rebuilt from the merged findings (as one scan over every source would
 * build it). Merge loads no rules: each rule's remediation and revocation address come from the
 * reports' own credentials.
 */
function mergedCredentials(results: readonly ScanResult[], findings: readonly Finding[]): NonNullable<ScanResult['credentials']> {
  const remedies = new Map<string, { remediation?: string; revoke?: string }>();
  for (const r of results) {
    for (const c of Array.isArray(r.credentials) ? r.credentials : []) {
      if (!c || typeof c.ruleId !== 'string' || remedies.has(c.ruleId)) continue;
      remedies.set(c.ruleId, {
        ...(typeof c.remediation === 'string' ? { remediation: c.remediation } : {}),
        ...(typeof c.revoke === 'string' ? { revoke: c.revoke } : {}),
      });
    }
  }
  return buildCredentials(findings, { remedy: (id) => remedies.get(id) });
}

/** A finding as core/dedup compares them (the scan's own rule: only exact overlaps between shards collapse). */
function occurrence(f: Finding): Parameters<typeof isPreferred>[0] {
  const l = f.location;
  return { suppressed: Boolean(f.suppressed), at: { date: l.date, commit: l.commit, line: l.line, column: l.column } };
}

// ---------------------------------------------------------------------------------------------
// SARIF

interface RunGroup {
  runs: SarifRun[];
}

export function mergeSarif(logs: readonly SarifLog[], limits: SarifLimits = GITHUB_LIMITS): { sarif: SarifLog; warnings: string[] } {
  const warnings: string[] = [];
  const groups = new Map<string, RunGroup>();
  for (const log of logs) {
    for (const run of log.runs) {
      const key = `${run.tool.driver.name}\0${run.automationDetails?.id ?? ''}`;
      const g = groups.get(key) ?? { runs: [] };
      g.runs.push(run);
      groups.set(key, g);
    }
  }
  if (groups.size > 20) warnings.push(`${groups.size} runs (tool and category pairs) are over GitHub's limit of 20 runs per file`);

  // Per run: deduplicate, then keep at most maxResults (most severe first).
  const merged = [...groups.values()].map((g) => {
    const results = dedupResults(g.runs.flatMap((r) => r.results ?? []));
    const fitted = fitWithinLimits(results, resultRank, () => '', { maxResults: limits.maxResults, maxGzipBytes: Infinity }, 'results');
    warnings.push(...fitted.warnings);
    return { runs: g.runs, results: fitted.kept };
  });

  // Whole file: at most maxGzipBytes compressed, dropping the least severe results of any run.
  const pairs = merged.flatMap((m, runIndex) => m.results.map((result) => ({ runIndex, result })));
  const build = (kept: typeof pairs): SarifLog => ({
    $schema: logs[0]?.$schema ?? 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: merged.map((m, i) =>
      assembleRun(
        m.runs,
        kept.filter((p) => p.runIndex === i).map((p) => p.result),
      ),
    ),
  });
  const fitted = fitWithinLimits(pairs, (p) => resultRank(p.result), (kept) => JSON.stringify(build(kept)), { maxResults: Infinity, maxGzipBytes: limits.maxGzipBytes }, 'results');
  warnings.push(...fitted.warnings);
  return { sarif: build(fitted.kept), warnings };
}

function resultRank(r: SarifResult): number {
  const sev = r.properties?.severity;
  if (isSeverity(sev)) return severityRank(sev);
  return r.level === 'error' ? severityRank('high') : r.level === 'warning' ? severityRank('medium') : severityRank('low');
}

function dedupResults(results: SarifResult[]): SarifResult[] {
  const byKey = new Map<string, SarifResult>();
  for (const r of results) {
    const key = resultKey(r);
    const prior = byKey.get(key);
    if (!prior || resultPreferred(r, prior)) byKey.set(key, r);
  }
  return [...byKey.values()].sort(compareResults);
}

/** Same rule as the JSON merge: by id for history, by id and place otherwise. */
function resultKey(r: SarifResult): string {
  const id = r.partialFingerprints?.[FINGERPRINT_KEY];
  const p = r.properties ?? {};
  const region = r.locations?.[0]?.physicalLocation?.region;
  const uri = r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
  if (id !== undefined && p.source === 'git') return `${r.ruleId}\0${id}`;
  const place = `${uri}:${region?.startLine ?? ''}:${region?.startColumn ?? ''}:${str(p.field)}:${str(p.offset)}:${str(p.partition)}`;
  return id !== undefined ? `${r.ruleId}\0${id}\0${place}` : `${r.ruleId}\0${place}\0${r.message?.text ?? ''}`;
}

function resultPreferred(a: SarifResult, b: SarifResult): boolean {
  const occurrence = (r: SarifResult) => {
    const p = r.properties ?? {};
    const region = r.locations?.[0]?.physicalLocation?.region;
    return { suppressed: (r.suppressions?.length ?? 0) > 0, at: { date: optStr(p.date), commit: optStr(p.commit), line: region?.startLine, column: region?.startColumn } };
  };
  return isPreferred(occurrence(a), occurrence(b));
}

function compareResults(a: SarifResult, b: SarifResult): number {
  const la = a.locations?.[0]?.physicalLocation;
  const lb = b.locations?.[0]?.physicalLocation;
  const pathA = optStr(a.properties?.path) ?? la?.artifactLocation?.uri ?? '';
  const pathB = optStr(b.properties?.path) ?? lb?.artifactLocation?.uri ?? '';
  return (
    compareStrings(pathA, pathB) ||
    (la?.region?.startLine ?? 0) - (lb?.region?.startLine ?? 0) ||
    (la?.region?.startColumn ?? 0) - (lb?.region?.startColumn ?? 0) ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(str(a.properties?.field), str(b.properties?.field)) ||
    Number(a.properties?.offset ?? 0) - Number(b.properties?.offset ?? 0) ||
    compareStrings(a.partialFingerprints?.[FINGERPRINT_KEY] ?? '', b.partialFingerprints?.[FINGERPRINT_KEY] ?? '')
  );
}

/** One run from the runs of one (tool, category): rules that the kept results use, re-indexed. */
function assembleRun(runs: readonly SarifRun[], results: readonly SarifResult[]): SarifRun {
  const first = runs[0] as SarifRun;
  const descriptors = new Map<string, SarifRule>();
  for (const run of runs) {
    for (const rule of run.tool.driver.rules ?? []) {
      const prior = descriptors.get(rule.id);
      if (!prior || ruleScore(rule) > ruleScore(prior)) descriptors.set(rule.id, rule);
    }
  }
  const used = [...new Set(results.map((r) => r.ruleId))].sort();
  const rules = used.map((id) => descriptors.get(id) ?? fallbackRule(id, results));
  const index = new Map(used.map((id, i) => [id, i]));

  const invocations = runs.flatMap((r) => r.invocations ?? []);
  const starts = invocations.map((i) => i.startTimeUtc).filter((t): t is string => typeof t === 'string');
  const ends = invocations.map((i) => i.endTimeUtc).filter((t): t is string => typeof t === 'string');
  const notifications = unionBy<SarifNotification>(
    invocations.flatMap((i) => i.toolExecutionNotifications ?? []),
    (n) => `${n.level}\0${n.message.text}`,
  );
  const originalUriBaseIds = Object.assign({}, ...runs.map((r) => r.originalUriBaseIds ?? {})) as SarifRun['originalUriBaseIds'];

  return {
    ...first,
    tool: { ...first.tool, driver: { ...first.tool.driver, rules } },
    originalUriBaseIds,
    invocations: [
      {
        executionSuccessful: invocations.every((i) => i.executionSuccessful !== false),
        ...(starts.length > 0 ? { startTimeUtc: starts.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a)) } : {}),
        ...(ends.length > 0 ? { endTimeUtc: ends.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a)) } : {}),
        ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
      },
    ],
    results: results.map((r) => ({ ...r, ruleIndex: index.get(r.ruleId) ?? 0 })),
  };
}

/** Shards can see different worst findings for a rule: keep the most severe descriptor. */
function ruleScore(rule: SarifRule): number {
  const s = Number(rule.properties?.['security-severity']);
  return Number.isFinite(s) ? s : 0;
}

function fallbackRule(id: string, results: readonly SarifResult[]): SarifRule {
  const worst = results.filter((r) => r.ruleId === id).reduce((a, b) => (resultRank(b) > resultRank(a) ? b : a));
  const severity = SEVERITIES[resultRank(worst)] ?? 'medium';
  const score = securitySeverityOf(severity);
  return {
    id,
    shortDescription: { text: id },
    fullDescription: { text: id },
    help: { text: id },
    defaultConfiguration: { level: worst.level },
    properties: { tags: ['security', 'secret'], precision: 'medium', ...(score ? { 'security-severity': score } : {}) },
  };
}

// ---------------------------------------------------------------------------------------------

function union(items: readonly string[]): string[] {
  return [...new Set(items)];
}

function unionBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}


function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

function optStr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

