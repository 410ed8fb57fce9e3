// Spawns the built binary on purpose: memory peaks are measured on a process of its own.
// Issue 13, item 9 (memory bound), baseline: a report over 8 MB is read finding by finding (an
// 82 MB one peaked at 424 MB parsed whole), with the same checks as a small one.
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { leakedSecret } from '../helpers/secrets.js';
import { tmpTree } from '../helpers/tmp.js';
import { NOW, printed, scan } from './readers-support.js';

function bigReport(real: unknown[], extra: Record<string, unknown> = {}): string {
  const filler = Array.from({ length: 40_000 }, (_, i) => ({
    id: `filler${String(i).padStart(26, '0')}`,
    ruleId: 'github-pat',
    location: { source: 'dir', path: `src/m${i % 50}/f${i}.ts`, line: 1 + (i % 900), column: 7 },
    message: 'GitHub personal access token, planted as filler for a big baseline',
  }));
  return JSON.stringify({ tool: { name: 'tokensprawl', version: '0.1.0' }, ...extra, findings: [...filler, ...real] }, null, 2);
}

describe('a big baseline', () => {
  const token = fakeGithubToken('ghp', 'big-baseline');
  let t: ReturnType<typeof tmpTree>;
  let realFindings: unknown[];
  beforeAll(() => {
    t = tmpTree({ 'tree/app.env': `GITHUB_TOKEN=${token}\n` });
    realFindings = scan('dir', ['tree'], { cwd: t.dir }).report.findings;
    expect(realFindings).toHaveLength(1);
    writeFileSync(path.join(t.dir, 'baseline.json'), bigReport(realFindings));
    writeFileSync(path.join(t.dir, 'cut.json'), bigReport(realFindings).slice(0, 9_000_000));
    writeFileSync(path.join(t.dir, 'noid.json'), bigReport([{ ruleId: 'x' }]));
    writeFileSync(path.join(t.dir, 'sarif.json'), JSON.stringify({ version: '2.1.0', runs: [{ results: Array.from({ length: 80_000 }, (_, i) => ({ ruleId: `r${i}`, message: { text: 'x'.repeat(100) } })) }] }));
    // over the 8 MB read whole: these take the streamed path
    for (const f of ['baseline.json', 'cut.json', 'noid.json', 'sarif.json']) expect(statSync(path.join(t.dir, f)).size).toBeGreaterThan(8 * 1024 * 1024);
  });
  afterAll(() => t.cleanup());

  it('suppresses a finding whose id it holds (read as a stream: over 8 MB)', () => {
    const { run, report } = scan('dir', ['tree', '--baseline', 'baseline.json'], { cwd: t.dir });
    expect(report.findings).toEqual([]);
    expect(report.scan.stats.suppressed).toBe(1);
    expect(run.status).toBe(0);
    expect(leakedSecret(printed(run), [token])).toBeNull();
  });

  it.each([
    ['cut.json', /malformed JSON at line \d+ column \d+/],
    ['noid.json', /findings\[40000\] has no id/],
    ['sarif.json', /this is SARIF/],
  ])('%s is refused with one line naming what is wrong, exit 2', (file, why) => {
    const run = cli(['dir', 'tree', '--baseline', file, '--format', 'json', '--now', NOW, '--no-progress'], { cwd: t.dir });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(why);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(leakedSecret(printed(run), [token])).toBeNull();
  });
});
