import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateSarif } from './helpers/sarif-schema.js';
import { afterAll, describe, expect, it } from 'vitest';
import { TargetError, UsageError } from '../src/core/errors.js';
import { inShard } from '../src/core/shard.js';
import type { Finding, Location, ScanResult, Severity } from '../src/core/types.js';
import { buildCredentials } from '../src/analyze/credentials.js';
import { mergeReports, mergeResults, mergeSarif } from '../src/merge.js';
import { FINGERPRINT_KEY, renderSarif, type SarifContext, type SarifLog } from '../src/report/sarif.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function finding(secret: string, loc: Partial<Location> & Pick<Location, 'source' | 'path'>, severity: Severity = 'high', ruleId = 'github-pat'): Finding {
  return {
    id: sha(`${ruleId}\0${sha(secret)}\0${loc.path}`).slice(0, 32),
    ruleId,
    title: ruleId,
    severity,
    secret: { redacted: 'ghp_…', sha256: sha(secret), length: 40 },
    location: { line: 1, column: 1, endLine: 1, endColumn: 41, ...loc },
  };
}

function report(command: ScanResult['scan']['command'], findings: Finding[], over: Partial<ScanResult['scan']> = {}, errors: ScanResult['errors'] = []): ScanResult {
  return {
    tool: { name: 'tokensprawl', version: '0.1.0' },
    scan: {
      startedAt: '2026-01-01T00:00:00.000Z',
      now: '2026-01-01T00:00:00.000Z',
      command,
      targets: ['.'],
      durationMs: 10,
      stats: { bytes: 0, files: 0, commits: 0, messages: 0 },
      ...over,
    },
    findings,
    errors,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'tokensprawl-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function write(content: unknown): string {
  const file = join(dir, `r${n++}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** Path order, as the JSON report sorts. */
const byPlace = (a: Finding, b: Finding) =>
  a.location.path < b.location.path ? -1 : a.location.path > b.location.path ? 1 : a.location.line - b.location.line || a.location.column - b.location.column;

describe('mergeReports: JSON', () => {
  it('merging the shards of a directory scan gives the whole scan', async () => {
    const all = Array.from({ length: 60 }, (_, i) =>
      finding(`FAKE-${i % 17}`, { source: 'dir', path: `pkg${i % 5}/file${i}.env`, line: 1 + (i % 9), column: 3 }, (['low', 'high', 'critical'] as const)[i % 3]),
    ).sort(byPlace);
    const files = [...new Set(all.map((f) => f.location.path))];
    const whole = report('dir', all, { stats: { bytes: files.length * 100, files: files.length, commits: 0, messages: 0, binarySkipped: 2, suppressed: 0 } });

    const shards = [1, 2, 3].map((index) => {
      const mine = files.filter((p) => inShard(p, { index, count: 3 }));
      const skipped = index === 1 ? 2 : 0;
      return report(
        'dir',
        all.filter((f) => mine.includes(f.location.path)),
        { startedAt: `2026-01-01T00:00:0${index}.000Z`, durationMs: 10 * index, stats: { bytes: mine.length * 100, files: mine.length, commits: 0, messages: 0, binarySkipped: skipped, suppressed: 0 } },
      );
    });
    expect(shards.every((s) => s.findings.length > 0)).toBe(true);

    const out = await mergeReports(shards.reverse().map(write));
    expect(out.kind).toBe('json');
    if (out.kind !== 'json') return;
    expect(out.warnings).toEqual([]);
    expect(out.result.findings).toEqual(whole.findings);
    expect(out.result.scan.stats).toEqual(whole.scan.stats);
    expect(out.result.scan.startedAt).toBe('2026-01-01T00:00:01.000Z');
    expect(out.result.scan.durationMs).toBe(30);
    expect({ ...out.result, scan: { ...out.result.scan, startedAt: '', durationMs: 0 } }).toEqual({
      ...whole,
      // merge rebuilds the credential view from the merged findings, as one scan builds it
      credentials: buildCredentials(whole.findings),
      scan: { ...whole.scan, startedAt: '', durationMs: 0 },
    });
  });

  it('keeps one finding per id for history: the earliest commit (by date, then sha)', () => {
    const early = finding('FAKE-h', { source: 'git', path: 'a.txt', commit: 'b'.repeat(40), author: 'A', date: '2024-01-01T00:00:00Z', line: 9 });
    const late = finding('FAKE-h', { source: 'git', path: 'a.txt', commit: 'a'.repeat(40), author: 'B', date: '2024-06-01T00:00:00Z', line: 2 });
    const sameDay = finding('FAKE-h', { source: 'git', path: 'a.txt', commit: 'c'.repeat(40), author: 'C', date: '2024-01-01T00:00:00Z', line: 4 });
    const { result } = mergeResults([report('git', [late]), report('git', [sameDay, early]), report('git', [])]);
    expect(result.findings).toEqual([early]);
  });

  it('compares commit dates as instants, not strings', () => {
    const utc = finding('FAKE-z', { source: 'git', path: 'a.txt', commit: '1'.repeat(40), date: '2024-01-01T10:00:00Z' });
    const east = finding('FAKE-z', { source: 'git', path: 'a.txt', commit: '2'.repeat(40), date: '2024-01-01T11:00:00+05:00' }); // 06:00Z: earlier
    expect(mergeResults([report('git', [utc]), report('git', [east])]).result.findings).toEqual([east]);
  });

  it('outside history keeps every place of an id, and collapses only exact overlaps', () => {
    const first = finding('FAKE-d', { source: 'dir', path: 'x.env', line: 1 });
    const second = finding('FAKE-d', { source: 'dir', path: 'x.env', line: 7 });
    const { result } = mergeResults([report('dir', [first, second]), report('dir', [second])]);
    expect(result.findings).toEqual([first, second]);
    const m1 = finding('FAKE-q', { source: 'queue', path: 'd.ndjson', offset: 1, field: '/a' });
    const m2 = finding('FAKE-q', { source: 'queue', path: 'd.ndjson', offset: 2, field: '/a' });
    expect(mergeResults([report('queue', [m1]), report('queue', [m2, m1])]).result.findings).toEqual([m1, m2]);
  });

  it('prefers an unsuppressed copy over a suppressed one', () => {
    const f = finding('FAKE-s', { source: 'dir', path: 'x.env' });
    const s = { ...f, suppressed: { by: 'baseline' as const } };
    expect(mergeResults([report('dir', [s]), report('dir', [f])]).result.findings).toEqual([f]);
  });

  it('unions targets, errors and notes; sums stats; warns about mixed versions and --now', () => {
    const a = report('dir', [], { targets: ['src', 'lib'], notes: ['n1'], stats: { bytes: 1, files: 2, commits: 3, messages: 4 } }, [{ target: 'x', message: 'EACCES' }]);
    const b = report('dir', [], { targets: ['lib', 'test'], notes: ['n1', 'n2'], now: '2026-02-01T00:00:00.000Z', stats: { bytes: 10, files: 20, commits: 30, messages: 40, suppressed: 5 } }, [
      { target: 'x', message: 'EACCES' },
      { target: 'y', message: 'bad record' },
    ]);
    b.tool.version = '0.2.0';
    const { result, warnings } = mergeResults([a, b]);
    expect(result.scan.targets).toEqual(['src', 'lib', 'test']);
    expect(result.scan.notes).toEqual(['n1', 'n2']);
    expect(result.errors).toEqual([
      { target: 'x', message: 'EACCES' },
      { target: 'y', message: 'bad record' },
    ]);
    expect(result.scan.stats).toEqual({ bytes: 11, files: 22, commits: 33, messages: 44, suppressed: 5 });
    expect(warnings).toEqual([expect.stringContaining('different tokensprawl versions (0.1.0, 0.2.0)'), expect.stringContaining('different --now')]);
  });

  it('merges reports of different sources (one CI job per source) into what one scan reports', () => {
    const { result } = mergeResults([report('dir', [], { targets: ['.'] }), report('git', [], { targets: ['repo'] }), report('scan', [], { targets: ['queue:dump.jsonl'] })]);
    expect(result.scan.command).toBe('scan');
    expect(result.scan.targets).toEqual(['dir:.', 'git:repo', 'queue:dump.jsonl']);
  });
});

describe('mergeReports: bad inputs', () => {
  it('is a TargetError for a missing file', async () => {
    await expect(mergeReports([join(dir, 'missing.json')])).rejects.toBeInstanceOf(TargetError);
  });

  it('is a UsageError for no files, non-JSON, foreign JSON, a broken report, or JSON mixed with SARIF', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /no reports given/],
      [[write('{ nope')], /is not a report \(invalid JSON/],
      [[write({ hello: 'world' })], /not a tokensprawl JSON report or SARIF 2\.1\.0 log \(no tool.name/],
      [[write({ ...report('dir', []), findings: [{ id: 1 }] })], /findings\[0\] lacks id/],
      [[write({ version: '2.0.0', runs: [] })], /SARIF version "2.0.0"/],
      [[write({ version: '2.1.0', runs: [{ tool: {} }] })], /runs\[0\] has no tool.driver.name/],
      [[write(report('dir', [])), write({ version: '2.1.0', runs: [] })], /cannot mix JSON and SARIF/],
    ];
    for (const [files, message] of cases) {
      const err = await mergeReports(files).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect(err).not.toBeInstanceOf(TargetError);
      expect((err as Error).message).toMatch(message);
    }
  });
});

// ------------------------------------------------------------------------------------------
// SARIF

const ctx = (category?: string): SarifContext => ({
  rules: new Map(),
  version: '0.1.0',
  informationUri: 'https://github.com/tokensprawl/tokensprawl',
  ...(category ? { category } : {}),
});
const sarifOf = (r: ScanResult, category?: string) => JSON.parse(renderSarif(r, ctx(category)).text) as SarifLog;

describe('mergeReports: SARIF', () => {
  const early = finding('FAKE-h', { source: 'git', path: 'a.txt', commit: 'b'.repeat(40), author: 'A', date: '2024-01-01T00:00:00Z' }, 'critical');
  const late = finding('FAKE-h', { source: 'git', path: 'a.txt', commit: 'a'.repeat(40), author: 'B', date: '2024-06-01T00:00:00Z', line: 5 }, 'critical');
  const other = finding('FAKE-o', { source: 'git', path: 'b.txt', commit: 'c'.repeat(40), date: '2024-02-01T00:00:00Z' }, 'low', 'jwt');

  it('makes one run per category, deduplicating results by fingerprint (earliest commit) and re-indexing rules', async () => {
    const s1 = sarifOf(report('git', [late]), 'history');
    const s2 = sarifOf(report('git', [early, other], {}, [{ target: 'refs/x', message: 'unreadable' }]), 'history');
    const out = await mergeReports([write(s1), write(s2)]);
    expect(out.kind).toBe('sarif');
    if (out.kind !== 'sarif') return;
    const sarif = out.sarif;
    expect(validateSarif(sarif) ? [] : validateSarif.errors).toEqual([]);
    expect(sarif.runs).toHaveLength(1);
    const run = sarif.runs[0]!;
    expect(run.automationDetails).toEqual({ id: 'history/' });
    expect(run.results.map((r) => r.partialFingerprints[FINGERPRINT_KEY])).toEqual([early.id, other.id]);
    expect(run.results[0]!.properties.commit).toBe('b'.repeat(40));
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['github-pat', 'jwt']);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
    expect(run.invocations).toHaveLength(1);
    expect(run.invocations[0]!.toolExecutionNotifications?.map((x) => x.message.text)).toEqual(['could not scan refs/x: unreadable']);
  });

  it('keeps runs of different categories apart', () => {
    const { sarif } = mergeSarif([sarifOf(report('git', [early]), 'history'), sarifOf(report('dir', [finding('FAKE-d', { source: 'dir', path: 'x' })]), 'tree')]);
    expect(sarif.runs.map((r) => r.automationDetails?.id)).toEqual(['history/', 'tree/']);
    expect(validateSarif(sarif)).toBe(true);
  });

  it('keeps the most severe descriptor of a rule seen at different severities', () => {
    const lowOnly = sarifOf(report('dir', [finding('FAKE-1', { source: 'dir', path: 'x' }, 'low')]));
    const critical = sarifOf(report('dir', [finding('FAKE-2', { source: 'dir', path: 'y' }, 'critical')]));
    const run = mergeSarif([lowOnly, critical]).sarif.runs[0]!;
    expect(run.tool.driver.rules).toHaveLength(1);
    expect(run.tool.driver.rules[0]!.properties['security-severity']).toBe('9.5');
  });

  it('keeps at most maxResults per run, the most severe, and warns', () => {
    const many = (sev: Severity, k: number) => Array.from({ length: k }, (_, i) => finding(`FAKE-${sev}-${i}`, { source: 'dir', path: `${sev}${i}.txt` }, sev));
    const a = sarifOf(report('dir', many('low', 6)));
    const b = sarifOf(report('dir', many('critical', 3)));
    const { sarif, warnings } = mergeSarif([a, b], { maxResults: 5, maxGzipBytes: 10 * 1024 * 1024 });
    const sevs = sarif.runs[0]!.results.map((r) => r.properties.severity);
    expect(sevs.filter((s) => s === 'critical')).toHaveLength(3);
    expect(sevs).toHaveLength(5);
    expect(warnings).toEqual([expect.stringContaining("over GitHub's limit of 5 results per run: kept the 5 most severe")]);
  });
});
