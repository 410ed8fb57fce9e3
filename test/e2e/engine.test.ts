// End to end: the engine's features through the CLI (issue 12 items 2-5, issue 13 item 5):
// placeholder suppression with --show-suppressed, --min-precision, ReDoS-unsafe user rules
// rejected at load, gitleaks TOML rule files.
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/core/types.js';
import type { SarifLog } from '../../src/report/sarif.js';
import { cli, jsonReport, type CliRun } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { tmpTree } from '../helpers/tmp.js';

const NOW = '2026-01-01T00:00:00Z';
const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups) c();
});
function tree(files: Record<string, string>): string {
  const t = tmpTree(files);
  cleanups.push(t.cleanup);
  return t.dir;
}
function scan(args: string[], cwd: string, format = 'json'): CliRun {
  return cli(['dir', ...args, '--jobs', '1', '--format', format, '--now', NOW, '--no-progress'], { cwd });
}

describe('placeholders', () => {
  const real = fakeGithubToken('ghp', 'engine-e2e');
  const dir = tree({
    'src/a.env': `GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nOTHER=${real}\n`,
    'src/b.py': `headers = {"Authorization": "Bearer your-access-token-here"}\nlog("Authorization: Bearer \${API_TOKEN}")\n`,
  });

  it('are not findings; the real token next to them is', () => {
    const run = scan(['src'], dir);
    const report = jsonReport<ScanResult>(run);
    expect(report.findings.map((f) => f.ruleId)).toEqual(['github-pat']);
    expect(run.status).toBe(1);
  });

  it('--show-suppressed keeps them, marked with the reason, in JSON, text and SARIF', () => {
    const report = jsonReport<ScanResult>(scan(['src', '--show-suppressed'], dir));
    const marked = report.findings.filter((f) => f.suppressed?.by === 'placeholder');
    expect(marked.length).toBeGreaterThanOrEqual(2);
    for (const f of marked) expect(['template variable', 'placeholder words', 'repeated characters', 'masked value']).toContain(f.suppressed?.reason);
    const text = scan(['src', '--show-suppressed'], dir, 'text');
    expect(text.stdout).toMatch(/\(suppressed: placeholder, (placeholder words|template variable)\)/);
    const sarif = JSON.parse(scan(['src', '--show-suppressed'], dir, 'sarif').stdout) as SarifLog;
    const justifications = sarif.runs[0]!.results!.flatMap((r) => (r.suppressions ?? []).map((s) => s.justification));
    expect(justifications.some((j) => /^placeholder: /.test(j ?? ''))).toBe(true);
    expect(text.stdout + text.stderr).not.toContain(real);
  });
});
