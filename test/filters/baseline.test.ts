import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TargetError, UsageError } from '../../src/core/errors.js';
import type { Finding } from '../../src/core/types.js';
import { applyBaseline, loadBaseline } from '../../src/filters/baseline.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
/** Content-based like the scanner's: rule + secret hash + path, never the line. */
const idOf = (ruleId: string, secret: string, path: string) => sha(`${ruleId}\0${sha(secret)}\0${path}`).slice(0, 32);

function finding(secret: string, path: string, line: number, ruleId = 'github-pat'): Finding {
  return {
    id: idOf(ruleId, secret, path),
    ruleId,
    title: 'GitHub personal access token',
    severity: 'critical',
    secret: { redacted: 'ghp_…', sha256: sha(secret), length: secret.length },
    location: { source: 'dir', path, line, column: 5, endLine: line, endColumn: 45 },
  };
}

const OLD = `ghp_FAKE${'1'.repeat(32)}`;
const NEW = `ghp_FAKE${'2'.repeat(32)}`;

describe('applyBaseline', () => {
  const before = [finding(OLD, 'app/.env', 3)];
  const baseline = new Set(before.map((f) => f.id));

  it('drops a finding whose id is in the baseline, even when its line moved', () => {
    const moved = finding(OLD, 'app/.env', 40);
    const out = applyBaseline([moved], baseline);
    expect(out.kept).toEqual([]);
    expect(out.suppressed).toEqual([{ ...moved, suppressed: { by: 'baseline' } }]);
  });

  it('keeps a new token on the same line as a baselined one', () => {
    const same = finding(OLD, 'app/.env', 3);
    const fresh = finding(NEW, 'app/.env', 3);
    const out = applyBaseline([same, fresh], baseline);
    expect(out.kept).toEqual([fresh]);
    expect(out.suppressed.map((f) => f.id)).toEqual([same.id]);
  });

  it('keeps the same token copied to another path (a new leak)', () => {
    const copied = finding(OLD, 'other/.env', 3);
    expect(applyBaseline([copied], baseline).kept).toEqual([copied]);
  });

  it('does not change its input', () => {
    const input = [finding(OLD, 'app/.env', 3)];
    applyBaseline(input, baseline);
    expect(input[0]?.suppressed).toBeUndefined();
  });
});

describe('loadBaseline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokensprawl-baseline-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  const report = (findings: unknown[]) => ({
    tool: { name: 'tokensprawl', version: '0.1.0' },
    scan: { startedAt: '2026-01-01T00:00:00Z', now: '2026-01-01T00:00:00Z', command: 'dir', targets: ['.'], durationMs: 1, stats: { bytes: 0, files: 0, commits: 0, messages: 0 } },
    findings,
    errors: [],
  });

  it('reads the ids of a JSON report', async () => {
    const f = finding(OLD, 'app/.env', 3);
    expect(await loadBaseline(write('ok.json', report([f, finding(NEW, 'b', 1)])))).toEqual(new Set([f.id, idOf('github-pat', NEW, 'b')]));
    expect(await loadBaseline(write('empty.json', report([])))).toEqual(new Set());
  });

  it('is a TargetError when the file is missing', async () => {
    await expect(loadBaseline(join(dir, 'missing.json'))).rejects.toBeInstanceOf(TargetError);
    await expect(loadBaseline(join(dir, 'missing.json'))).rejects.toThrow(/baseline .*missing\.json: cannot be read/);
  });

  it('is a UsageError when the file is not a tokensprawl JSON report', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['not-json.json', '{ nope', /not a tokensprawl JSON report \(invalid JSON/],
      ['array.json', [], /expected a JSON object/],
      ['other-tool.json', { tool: { name: 'gitleaks' }, findings: [] }, /no tool.name "tokensprawl"/],
      ['sarif.json', { version: '2.1.0', runs: [] }, /this is SARIF; use the JSON report/],
      ['no-findings.json', { tool: { name: 'tokensprawl' } }, /no findings array/],
      ['no-id.json', report([{ ruleId: 'x' }]), /findings\[0\] has no id/],
    ];
    for (const [name, content, message] of cases) {
      const err = await loadBaseline(write(name, content)).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(UsageError);
      expect(err, name).not.toBeInstanceOf(TargetError);
      expect((err as Error).message, name).toMatch(message);
      expect((err as Error).message, name).toContain(name);
    }
  });
});
