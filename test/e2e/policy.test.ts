// End to end: policies as code (issue 14 item 3). --policy and config policies in JSON, text and
// SARIF; the gate; a bad policy stops the run before the scan (exit 2, one line naming file,
// policy and position); run-time failures are errors; default policies tuned and turned off;
// a tree config may only add; `policy test`.
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { SarifLog } from '../../src/report/sarif.js';
import { jsonReport, runCli, type CliRun } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { sarifSchemaErrors } from '../helpers/sarif-schema.js';
import { tmpTrees } from '../helpers/tmp.js';

const { tree } = tmpTrees(afterAll);
const NOW = '2026-01-01T00:00:00Z';
const NOW_S = Date.parse(NOW) / 1000;
const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

/** An ES256-shaped JWT with an unverifiable FAKE signature. */
function fakeJwt(claims: Record<string, unknown>): string {
  const sig = createHash('sha256').update(JSON.stringify(claims)).digest().toString('base64url');
  return `${b64url({ alg: 'ES256', typ: 'JWT' })}.${b64url({ sub: 'FAKE-EXAMPLE', ...claims })}.${sig}`;
}

const WRITE_TOKEN = fakeJwt({ iss: 'https://evil.example.net', aud: 'api', scope: 'repo:read repo:write', iat: NOW_S - 60, exp: NOW_S + 600 });
const PAT = fakeGithubToken('ghp', 'policy-e2e');

const POLICIES = `policies:
  - id: unbound-write
    when: 'token.kind == "jwt" && token.binding == "none" && token.scopes.exists(s, s.endsWith(":write"))'
    severity: critical
    message: Unbound token with a write scope
    tags: [OWASP-NHI5]
  - id: foreign-issuer
    when: 'has(token.issuer) && !(token.issuer in ["https://login.example.com"])'
    severity: low
    message: Token from a foreign issuer
`;

async function scan(dir: string, args: string[], format = 'json'): Promise<CliRun> {
  return await runCli(['dir', dir, '--jobs', '1', '--format', format, '--now', NOW, '--no-progress', ...args]);
}

describe('--policy: violations are policy/<id> findings in every format', () => {
  const dir = tree({ 'app.env': `TOKEN=${WRITE_TOKEN}\nGH=${PAT}\n` });
  const policyDir = tree({ 'team.yaml': POLICIES });
  const policyFile = `${policyDir}/team.yaml`;

  it('JSON: one finding per violated policy, at the credential, with the policy severity and message', async () => {
    const run = await scan(dir, ['--policy', policyFile]);
    expect(run.status).toBe(1);
    const report = jsonReport(run);
    expect(report.errors).toEqual([]);
    const jwt = report.findings.find((f) => f.ruleId === 'jwt');
    const policy = report.findings.filter((f) => f.ruleId.startsWith('policy/'));
    expect(policy.map((f) => [f.ruleId, f.severity, f.title])).toEqual([
      ['policy/foreign-issuer', 'low', 'Token from a foreign issuer'],
      ['policy/unbound-write', 'critical', 'Unbound token with a write scope'],
    ]);
    for (const f of policy) {
      expect(f.secret).toEqual(jwt?.secret);
      expect(f.location).toEqual(jwt?.location);
      expect(f.id).toMatch(/^[0-9a-f]{32}$/);
    }
    // the raw secret never leaves
    expect(run.stdout).not.toContain(WRITE_TOKEN);
    expect(run.stdout).not.toContain(PAT);
  });

  it('text names each policy finding', async () => {
    const run = await scan(dir, ['--policy', policyFile], 'text');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/CRITICAL\s+policy\/unbound-write\s+Unbound token with a write scope/);
    expect(run.stdout).not.toContain(WRITE_TOKEN);
  });

  it('SARIF: results with ruleId policy/<id> and a rule for each, valid against the schema', async () => {
    const run = await scan(dir, ['--policy', policyFile], 'sarif');
    const log = JSON.parse(run.stdout) as SarifLog;
    const results = log.runs[0]?.results ?? [];
    expect(results.map((r) => r.ruleId)).toEqual(expect.arrayContaining(['policy/unbound-write', 'policy/foreign-issuer']));
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining(['policy/unbound-write', 'policy/foreign-issuer']));
    expect(sarifSchemaErrors(log)).toEqual([]);
  });

  it('the gate counts them: --fail-on critical exits 1 only because of the policy', async () => {
    const without = await scan(dir, ['--fail-on', 'critical']);
    expect(without.status).toBe(0);
    expect((await scan(dir, ['--fail-on', 'critical', '--policy', policyFile])).status).toBe(1);
  });

  it('a baseline of the report drops them like any finding', async () => {
    const first = await scan(dir, ['--policy', policyFile]);
    const baseDir = tree({ 'base.json': first.stdout });
    const again = await scan(dir, ['--policy', policyFile, '--baseline', `${baseDir}/base.json`]);
    expect(again.status).toBe(0);
    expect(jsonReport(again).findings).toEqual([]);
  });

  it('a policy that fails at run time on one credential is an errors entry naming it; the scan goes on', async () => {
    const p = tree({ 'p.yaml': 'policies:\n  - id: needs-issuer\n    when: \'token.issuer == "x"\'\n    severity: high\n    message: m\n' });
    const run = await scan(dir, ['--policy', `${p}/p.yaml`]);
    expect(run.status).toBe(2);
    const report = jsonReport(run);
    expect(report.errors).toEqual([{ target: 'policy needs-issuer', message: expect.stringMatching(/could not be evaluated on 1 credential; first: credential ghp_.*No such key: issuer/) }]);
    expect(report.findings.some((f) => f.ruleId === 'github-pat')).toBe(true);
    expect(JSON.stringify(report)).not.toContain(PAT);
    expect((await scan(dir, ['--policy', `${p}/p.yaml`, '--allow-incomplete'])).status).toBe(1);
  });
});

describe('a bad policy stops the run before the scan: exit 2, one line', () => {
  const dir = tree({ 'app.env': `TOKEN=${WRITE_TOKEN}\n` });
  it.each([
    ['a syntax error', "policies:\n  - id: broken\n    when: 'token.binding == '\n    severity: high\n    message: m\n", /^tokensprawl: policy bad\.yaml: policy "broken": when, line 1, column 18: Unexpected token: EOF\n$/],
    ['a type error', "policies:\n  - id: typo\n    when: 'token.isuer == \"x\"'\n    severity: high\n    message: m\n", /^tokensprawl: policy bad\.yaml: policy "typo": when, line 1, column \d+: No such key: isuer\n$/],
    ['a schema error', 'policies:\n  - id: x\n    when: true\n    severity: urgent\n', /^tokensprawl: policy bad\.yaml: .*policies\/0 \(policy "x"\)\/when must be string.*severity must be one of/],
    ['not YAML', 'policies: [\n', /^tokensprawl: policy bad\.yaml: invalid YAML at line \d+, column \d+\n$/],
  ])('%s', async (_n, text, stderr) => {
    const p = tree({ 'bad.yaml': text });
    const run = await runCli(['dir', dir, '--policy', 'bad.yaml', '--format', 'json', '--no-progress'], { cwd: p });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(stderr);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a missing policy file', async () => {
    const run = await runCli(['dir', dir, '--policy', '/nonexistent/p.yaml', '--no-progress']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^tokensprawl: policy \/nonexistent\/p\.yaml: cannot be read/);
  });

  it('a hostile expression (deeply nested) in a trusted config', async () => {
    const cfg = tree({ 'c.yaml': `policies:\n  - id: deep\n    when: '${'('.repeat(400)}true${')'.repeat(400)}'\n    severity: low\n    message: m\n` });
    const run = await runCli(['dir', dir, '--config', `${cfg}/c.yaml`, '--no-progress']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/policy "deep": when, line 1, column \d+: Exceeded maxDepth/);
  });
});

describe('default policies from the config', () => {
  const dir = tree({ 'app.env': `TOKEN=${fakeJwt({ iss: 'https://login.example.com', iat: NOW_S - 60, exp: NOW_S + 600 })}\n` });
  const problems = (run: CliRun): string[] => (jsonReport(run).findings.find((f) => f.ruleId === 'jwt')?.jwt?.problems ?? []).map((p) => p.id).sort();

  it('turned off from --config: the problem is gone', async () => {
    expect(problems(await scan(dir, []))).toEqual(['no-audience', 'unbound']);
    const cfg = tree({ 'c.yaml': 'policies:\n  - id: no-audience\n    enabled: false\n' });
    expect(problems(await scan(dir, ['--config', `${cfg}/c.yaml`]))).toEqual(['unbound']);
  });

  it('tuned from a --policy file: the severity follows', async () => {
    const p = tree({ 'p.yaml': 'policies:\n  - id: no-audience\n    severity: critical\n' });
    const run = await scan(dir, ['--policy', `${p}/p.yaml`]);
    const f = jsonReport(run).findings.find((x) => x.ruleId === 'jwt');
    expect(f?.jwt?.problems.find((x) => x.id === 'no-audience')?.severity).toBe('critical');
    expect(f?.severity).toBe('critical');
  });

  it('a .tokensprawl.yaml in the scanned tree cannot turn one off, but may add a policy', async () => {
    const t = tree({
      'app.env': `TOKEN=${WRITE_TOKEN}\n`,
      '.tokensprawl.yaml': 'policies:\n  - id: unbound\n    enabled: false\n  - id: tree-added\n    when: \'token.kind == "jwt"\'\n    severity: low\n    message: Added by the tree\n',
    });
    const run = await scan(t, []);
    const report = jsonReport(run);
    expect(problems(run)).toContain('unbound');
    expect(report.findings.map((f) => f.ruleId)).toContain('policy/tree-added');
    expect(report.scan.notes?.join('\n')).toMatch(/may only add policies.*not applied: unbound/);
    // --no-repo-config: not read at all
    expect(jsonReport(await scan(t, ['--no-repo-config'])).findings.map((f) => f.ruleId)).not.toContain('policy/tree-added');
  });
});

describe('tokensprawl policy test', () => {
  it('exit 0 when every example holds', async () => {
    const run = await runCli(['policy', 'test', 'policies/default.yaml', '--no-progress']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^7 policies, \d+ examples checked, 0 failed\npolicies: 7 passed, 0 failed\n$/);
  });

  it('exit 1 naming policy and example when one fails', async () => {
    const p = tree({
      'p.yaml': `policies:
  - id: over-1h
    when: 'token.lifetimeSeconds > 3600'
    severity: high
    message: m
    examples:
      - token: { lifetimeSeconds: 7200 }
      - token: { lifetimeSeconds: 60 }
    negativeExamples:
      - token: { lifetimeSeconds: 9000 }
      - token: {}
      - token: { lifetimeSecond: 9000 }
  - id: unbound
    enabled: false
`,
    });
    const run = await runCli(['policy', 'test', 'p.yaml'], { cwd: p });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      [
        'FAIL over-1h (p.yaml): example #2 does not match, but must',
        'FAIL over-1h (p.yaml): negativeExample #1 matches, but must not',
        'FAIL over-1h (p.yaml): negativeExample #2 could not be evaluated: No such key: lifetimeSeconds',
        'FAIL over-1h (p.yaml): negativeExample #3 token.lifetimeSecond: not a field policies can read',
        '1 policies (1 turned off), 5 examples checked, 4 failed',
        'policies: 0 passed, 1 failed',
        '',
      ].join('\n'),
    );
  });

  it('tests a tuned default with the default examples', async () => {
    const p = tree({ 'p.yaml': 'policies:\n  - id: long-lifetime\n    severity: high\n' });
    expect((await runCli(['policy', 'test', 'p.yaml'], { cwd: p })).status).toBe(0);
  });

  it('exit 2 on a parse or type error, naming file, policy and position', async () => {
    const p = tree({ 'p.yaml': "policies:\n  - id: x\n    when: 'token.scopes > 1'\n    severity: low\n    message: m\n" });
    const run = await runCli(['policy', 'test', 'p.yaml'], { cwd: p });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^tokensprawl: policy p\.yaml: policy "x": when, line 1, column \d+: no such overload/);
  });
});
