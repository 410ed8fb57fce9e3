// End to end: the built CLI on the demo service, as a user runs it.
import { mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/core/types.js';
import { dirSource } from '../../src/sources/fs.js';
import { runCli, jsonReport, ROOT } from '../helpers/cli.js';
import { leakedSecret, rawSecrets } from '../helpers/secrets.js';
import { tmpTree } from '../helpers/tmp.js';

const DEMO = 'fixtures/demo-service';
const NOW = '2026-01-01T00:00:00Z';
interface Expected {
  path: string;
  line: number;
  ruleId: string;
}
const expected = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/demo-service.expected.json'), 'utf8')) as Expected[];

let secrets: string[] = [];
beforeAll(async () => {
  const abs = path.join(ROOT, DEMO);
  secrets = await rawSecrets(dirSource([abs], { root: abs }));
  expect(secrets.length).toBeGreaterThanOrEqual(expected.length);
});

describe('tokensprawl dir (demo service)', () => {
  it('finds exactly the planted tokens, at their lines, with the right rules', async () => {
    const run = await runCli(['dir', DEMO, '--format', 'json', '--now', NOW, '--no-progress']);
    expect(run.status).toBe(1);
    const report = jsonReport(run);
    const got = report.findings.map((f) => ({ path: f.location.path, line: f.location.line, ruleId: f.ruleId }));
    const key = (e: Expected) => `${e.path}:${e.line}:${e.ruleId}`;
    expect(got.map(key).sort()).toEqual(expected.map(key).sort());
    expect(report.scan.command).toBe('dir');
    expect(report.scan.now).toBe('2026-01-01T00:00:00.000Z');
    expect(report.scan.stats.files).toBeGreaterThan(5);
    expect(report.errors).toEqual([]);
    for (const f of report.findings) {
      expect(f.location.source).toBe('dir');
      expect(f.location.path).not.toMatch(/^\.\/|\\/);
      expect(f.id).toMatch(/^[0-9a-f]{32}$/);
      expect(f.secret.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(f.location.endColumn).toBeGreaterThan(0);
    }
  });

  it.each(['text', 'json', 'sarif'])('never prints a raw secret (%s, stdout and stderr)', async (format) => {
    const run = await runCli(['dir', DEMO, '--format', format, '--now', NOW, '--no-progress']);
    expect(run.status).toBe(1);
    expect(leakedSecret(run.stdout + run.stderr, secrets)).toBeNull();
  });

  it('carries a JWT judgement on JWT findings', async () => {
    const report = jsonReport(await runCli(['dir', DEMO, '--format', 'json', '--now', NOW]));
    const jwts = report.findings.filter((f) => f.jwt);
    expect(jwts.length).toBeGreaterThan(0);
    for (const f of jwts) {
      expect(f.jwt?.problems.length).toBeGreaterThan(0);
      expect(['jws', 'jwe', 'unsecured']).toContain(f.jwt?.form);
    }
    const text = (await runCli(['dir', DEMO, '--now', NOW])).stdout;
    expect(text).toMatch(/bearer|bound/);
  });

  it('same findings with --jobs 1 and --jobs 4, in the same order', async () => {
    const strip = (r: ScanResult) => JSON.stringify(r.findings);
    const one = jsonReport(await runCli(['dir', DEMO, '--format', 'json', '--now', NOW, '--jobs', '1']));
    const four = jsonReport(await runCli(['dir', DEMO, '--format', 'json', '--now', NOW, '--jobs', '4']));
    expect(strip(four)).toBe(strip(one));
  });

  it('--fail-on decides the exit code; --output does not change it', async () => {
    expect((await runCli(['dir', DEMO, '--fail-on', 'none', '--now', NOW])).status).toBe(0);
    expect((await runCli(['dir', DEMO, '--fail-on', 'critical', '--now', NOW])).status).toBe(1);
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'ts-out-')), 'report.json');
    const run = await runCli(['dir', DEMO, '--format', 'json', '-o', out, '--now', NOW]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect((JSON.parse(readFileSync(out, 'utf8')) as ScanResult).findings.length).toBe(expected.length);
  });

  it('exits 0 and says "no findings" on a clean tree', async () => {
    const t = tmpTree({ 'a.txt': 'nothing here', 'b.md': 'Bearer <token>\nAuthorization: Bearer $TOKEN\n' });
    const run = await runCli(['dir', t.dir]);
    t.cleanup();
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^no findings; scanned 2 files/m);
  });
});

describe('bad input', () => {
  it('a missing path exits 2 and names it', async () => {
    const run = await runCli(['dir', 'no/such/dir']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no/such/dir');
    expect(run.stdout).toBe('');
  });

  it('an invalid rule exits 2 naming file and field', async () => {
    const t = tmpTree({ 'bad.yaml': 'rules:\n  - id: Bad Id\n    title: x\n' });
    const run = await runCli(['dir', DEMO, '--rules', t.dir]);
    t.cleanup();
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/bad\.yaml: \/rules\/0\/id must match pattern/);
  });

  it('an unknown option or format exits 2', async () => {
    expect((await runCli(['dir', '--format', 'xml'])).status).toBe(2);
    expect((await runCli(['dir', '--bogus'])).status).toBe(2);
    expect((await runCli(['dir', '--jobs', 'zero'])).status).toBe(2);
    expect((await runCli(['dir', '--now', 'yesterday'])).status).toBe(2);
    expect((await runCli(['dir', '--max-lifetime', 'forever'])).status).toBe(2);
  });

  it('tolerates invalid UTF-8 and dangling symlinks, and still finds tokens next to them', async () => {
    const t = tmpTree({
      'latin1.txt': Buffer.concat([Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20]), Buffer.from('Authorization: Bearer Zx9Qw8Er7Ty6Ui5OpFAKEAs1Df2Gh3Jk\n')]),
    });
    symlinkSync(path.join(t.dir, 'gone.txt'), path.join(t.dir, 'dangling.txt'));
    const run = await runCli(['dir', t.dir, '--format', 'json']);
    t.cleanup();
    expect(run.status).toBe(1);
    const report = jsonReport(run);
    expect(report.scan.stats.files).toBe(1);
    expect(report.findings.map((f) => [f.location.path, f.location.line, f.location.column])).toEqual([['latin1.txt', 1, 28]]);
  });
});

describe('stdin', () => {
  it('scans standard input, reports source stdin and the --stdin-name path', async () => {
    const demoFiles = readdirSync(path.join(ROOT, DEMO), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    const input = demoFiles.map((e) => readFileSync(path.join(e.parentPath ?? e.path, e.name), 'utf8')).join('\n');
    const run = await runCli(['stdin', '--format', 'json', '--stdin-name', 'pod.log', '--now', NOW], { input });
    expect(run.status).toBe(1);
    const report = jsonReport(run);
    expect(report.scan.command).toBe('stdin');
    expect(report.findings.length).toBeGreaterThan(0);
    for (const f of report.findings) {
      expect(f.location.source).toBe('stdin');
      expect(f.location.path).toBe('pod.log');
    }
    expect(leakedSecret(run.stdout + run.stderr, secrets)).toBeNull();
  });

  it('defaults the path to "-"', async () => {
    const run = await runCli(['stdin', '--format', 'json'], { input: 'Authorization: Bearer Zx9Qw8Er7Ty6Ui5OpFAKEAs1Df2Gh3Jk\n' });
    const report = jsonReport(run);
    expect(report.findings.map((f) => f.location.path)).toEqual(['-']);
  });
});

describe('rules commands and start-up', () => {
  it('rules list prints one rule a line; rules test passes', async () => {
    const list = await runCli(['rules', 'list']);
    expect(list.status).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(25);
    expect(lines[0]).toMatch(/^ID +SEVERITY +PRECISION +FAMILY +EX\+\/EX- +TITLE$/);
    expect(lines.some((l) => /^github-pat +high +very-high +github +\d+\/\d+ +GitHub/.test(l))).toBe(true);
    const test = await runCli(['rules', 'test']);
    expect(test.status).toBe(0);
    expect(test.stdout).toMatch(/^rules: \d+ passed, 0 failed$/m);
  });

  it('rules test exits 1 on a failing example, without quoting it', async () => {
    const t = tmpTree({
      'r.yaml': "rules:\n  - id: acme\n    title: Acme\n    description: d\n    severity: low\n    pattern: 'acme_[0-9]{4}'\n    keywords: [acme_]\n    examples: ['acme_12', 'x acme_12']\n    negativeExamples: ['acme_1234']\n",
    });
    const run = await runCli(['rules', 'test', '--no-builtin-rules', '--rules', t.dir]);
    t.cleanup();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('FAIL acme');
    expect(run.stderr).not.toContain('acme_1234');
  });

  it('rules test fails a rule with too few examples or an example without its keyword', async () => {
    const t = tmpTree({
      'r.yaml': "rules:\n  - id: acme\n    title: Acme\n    description: d\n    severity: low\n    pattern: '[a-z]+_[0-9]{4}'\n    keywords: [acme_]\n    examples: ['other_7391']\n    negativeExamples: ['acme_12']\n",
    });
    const run = await runCli(['rules', 'test', '--no-builtin-rules', '--rules', t.dir]);
    t.cleanup();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('FAIL acme (');
    expect(run.stderr).toMatch(/has 1 example\(s\); at least 2 are required/);
    expect(run.stderr).toMatch(/example #1 holds none of the rule's keywords/);
    expect(run.stderr).toMatch(/^rules: 0 passed, 1 failed$/m);
    expect(run.stderr).not.toContain('other_7391');
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const run = await runCli(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(pkg.version);
  });
});

