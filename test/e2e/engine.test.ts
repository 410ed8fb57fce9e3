// End to end: the engine's features through the CLI (issue 12 items 2-5, issue 13 item 5):
// placeholder suppression with --show-suppressed, --min-precision, ReDoS-unsafe user rules
// rejected at load, gitleaks TOML rule files.
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/core/types.js';
import type { SarifLog } from '../../src/report/sarif.js';
import { runCli, jsonReport, type CliRun } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { tmpTrees } from '../helpers/tmp.js';

const NOW = '2026-01-01T00:00:00Z';
const { tree } = tmpTrees(afterAll);
async function scan(args: string[], cwd: string, format = 'json'): Promise<CliRun> {
  return await runCli(['dir', ...args, '--jobs', '1', '--format', format, '--now', NOW, '--no-progress'], { cwd });
}

describe('placeholders', () => {
  const real = fakeGithubToken('ghp', 'engine-e2e');
  const dir = tree({
    'src/a.env': `GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nOTHER=${real}\n`,
    'src/b.py': `headers = {"Authorization": "Bearer your-access-token-here"}\nlog("Authorization: Bearer \${API_TOKEN}")\n`,
  });

  it('are not findings; the real token next to them is', async () => {
    const run = await scan(['src'], dir);
    const report = jsonReport<ScanResult>(run);
    expect(report.findings.map((f) => f.ruleId)).toEqual(['github-pat']);
    expect(run.status).toBe(1);
  });

  it('--show-suppressed keeps them, marked with the reason, in JSON, text and SARIF', async () => {
    const report = jsonReport<ScanResult>(await scan(['src', '--show-suppressed'], dir));
    const marked = report.findings.filter((f) => f.suppressed?.by === 'placeholder');
    expect(marked.length).toBeGreaterThanOrEqual(2);
    for (const f of marked) expect(['template variable', 'placeholder words', 'repeated characters', 'masked value']).toContain(f.suppressed?.reason);
    const text = await scan(['src', '--show-suppressed'], dir, 'text');
    expect(text.stdout).toMatch(/\(suppressed: placeholder, (placeholder words|template variable)\)/);
    const sarif = JSON.parse((await scan(['src', '--show-suppressed'], dir, 'sarif')).stdout) as SarifLog;
    const justifications = sarif.runs[0]!.results!.flatMap((r) => (r.suppressions ?? []).map((s) => s.justification));
    expect(justifications.some((j) => /^placeholder: /.test(j ?? ''))).toBe(true);
    expect(text.stdout + text.stderr).not.toContain(real);
  });
});

describe('--min-precision', () => {
  const rulesYaml = `family: acme
rules:
  - id: acme-key
    title: Acme key
    description: d
    severity: high
    precision: very-high
    pattern: 'acme_[A-Za-z0-9]{16}'
    keywords: [acme_]
    examples: ['k=acme_Q7rT2mX9kLp4Zb8N', 'x acme_Q7rT2mX9kLp4Zb8N']
    negativeExamples: ['acme_short']
  - id: acme-generic
    title: Acme-ish value
    description: d
    severity: medium
    generic: true
    pattern: 'acmeval=(?<secret>[A-Za-z0-9]{16})'
    keywords: [acmeval=]
    examples: ['acmeval=Wq3Nv6Yb1Zr8Kp2L', 'x acmeval=Wq3Nv6Yb1Zr8Kp2L']
    negativeExamples: ['acmeval=short']
`;
  const dir = tree({ 'rules/acme.yaml': rulesYaml, 'src/a.txt': 'k=acme_Q7rT2mX9kLp4Zb8N\nacmeval=Wq3Nv6Yb1Zr8Kp2L\n' });
  const ids = (run: CliRun): string[] => jsonReport<ScanResult>(run).findings.map((f) => f.ruleId).sort();

  it('runs every rule by default (low)', async () => {
    expect(ids(await scan(['src', '--no-builtin-rules', '--rules', 'rules'], dir))).toEqual(['acme-generic', 'acme-key']);
  });

  it('drops rules below the level; generic rules default to medium', async () => {
    expect(ids(await scan(['src', '--no-builtin-rules', '--rules', 'rules', '--min-precision', 'medium'], dir))).toEqual(['acme-generic', 'acme-key']);
    expect(ids(await scan(['src', '--no-builtin-rules', '--rules', 'rules', '--min-precision', 'high'], dir))).toEqual(['acme-key']);
  });

  it('is a config key too (of the user\'s own --config); the flag wins', async () => {
    const withConfig = tree({ 'rules/acme.yaml': rulesYaml, 'a.txt': 'k=acme_Q7rT2mX9kLp4Zb8N\nacmeval=Wq3Nv6Yb1Zr8Kp2L\n', 'team.yaml': 'minPrecision: very-high\nignore: [rules/]\n' });
    expect(ids(await scan(['.', '--no-builtin-rules', '--rules', 'rules', '--config', 'team.yaml'], withConfig))).toEqual(['acme-key']);
    expect(ids(await scan(['.', '--no-builtin-rules', '--rules', 'rules', '--config', 'team.yaml', '--min-precision', 'low'], withConfig))).toEqual(['acme-generic', 'acme-key']);
  });

  it('is refused, with a note, in a config found in the scanned tree (it would narrow the gate)', async () => {
    const hostile = tree({ 'rules/acme.yaml': rulesYaml, 'a.txt': 'k=acme_Q7rT2mX9kLp4Zb8N\nacmeval=Wq3Nv6Yb1Zr8Kp2L\n', '.tokensprawl.yaml': 'minPrecision: very-high\nignore: [rules/]\n' });
    const run = await scan(['.', '--no-builtin-rules', '--rules', 'rules'], hostile);
    expect(ids(run)).toEqual(['acme-generic', 'acme-key']);
    expect(run.stderr).toMatch(/may not lower the gate; not applied: minPrecision: very-high/);
  });

  it('rejects an unknown level with exit 2', async () => {
    const run = await scan(['src', '--min-precision', 'extreme'], dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--min-precision/);
  });
});

describe('gitleaks TOML rule files', () => {
  const toml = `title = "team"
[[rules]]
id = "Team_Key"
description = "Team service key"
regex = '''(?i)team_key\\s*=\\s*"?([[:alnum:]]{20})'''
keywords = ["team_key"]
[rules.allowlist]
stopwords = ["notreal"]
`;
  const files = { 'team.toml': toml, 'src/a.env': 'TEAM_KEY="Qz8Wm3Kp9Lx2Vb7NtR4c"\nteam_key=Qz8NotRealKp9Lx2Vb7N\n' };

  it('--rules FILE.toml runs them next to the built-in rules', async () => {
    const dir = tree(files);
    const run = await scan(['src', '--rules', 'team.toml'], dir);
    const report = jsonReport<ScanResult>(run);
    expect(report.findings.map((f) => [f.ruleId, f.location.line])).toEqual([['team-key', 1]]);
    expect(run.stdout).not.toContain('Qz8Wm3Kp9Lx2Vb7NtR4c');
  });

  it('a config `rules` entry may name a TOML file', async () => {
    const dir = tree({ ...files, '.tokensprawl.yaml': 'rules: [team.toml]\nignore: [team.toml]\n' });
    expect(jsonReport<ScanResult>(await scan(['.'], dir)).findings.map((f) => f.ruleId)).toEqual(['team-key']);
  });

  it('rules list and rules test take them (imported rules need no examples)', async () => {
    const dir = tree(files);
    const list = await runCli(['rules', 'list', '--no-builtin-rules', '--rules', 'team.toml'], { cwd: dir });
    expect(list.stdout).toMatch(/^team-key +high +high +gitleaks +0\/0 +Team service key$/m);
    expect((await runCli(['rules', 'test', '--no-builtin-rules', '--rules', 'team.toml'], { cwd: dir })).status).toBe(0);
  });

  it('syntax the engine cannot take: exit 2 before scanning, naming file, rule and position', async () => {
    const dir = tree({ 'bad.toml': '[[rules]]\nid = "raw-bytes"\nregex = \'\'\'tok_\\C[a-z]+\'\'\'\n', 'src/a.txt': 'x' });
    const run = await scan(['src', '--rules', 'bad.toml'], dir);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/bad\.toml: \/rules\/0 \(raw-bytes\): pattern: not a pattern the linear-time engine takes: invalid escape sequence at position 5/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('ReDoS-unsafe user rules', () => {
  it('are rejected at load: exit 2, one clear error naming file, rule and position, nothing scanned', async () => {
    const rule = "rules:\n  - id: nested\n    title: T\n    description: d\n    severity: low\n    pattern: 'key=(\\w+\\s?)+(?!x)$'\n    keywords: ['key=']\n    examples: ['key=a b', 'x key=a b']\n    negativeExamples: ['b']\n";
    const dir = tree({ 'rules/evil.yaml': rule, 'src/a.txt': `key=${'a '.repeat(40)}!` });
    const run = await scan(['src', '--rules', 'rules'], dir);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/rules\/evil\.yaml: \/rules\/0 \(nested\): pattern can backtrack catastrophically \(exponential time\) at position \d+/);
  }, 60_000);
});
