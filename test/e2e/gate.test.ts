// Runs the CLI in process, except where a real process is the point: --jobs above 1 (worker
// threads load the bundle) and the `| head` pipe.
// End to end: tokensprawl as a merge gate (issue 6). SARIF that GitHub accepts for every source,
// baselines, inline allows, the config file, --fail-on thresholds, --fail-on-errors, shards and
// merge, and parallel detection giving the same answer.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/core/types.js';
import type { SarifLog } from '../../src/report/sarif.js';
import { BIN, cli, jsonReport, ROOT, runCli, type CliRun } from '../helpers/cli.js';
import { fakeGithubToken, fakeNpmToken, fakeSlackWebhook, fakeStripe } from '../helpers/fake-tokens.js';
import { buildRepo, type TestRepo } from '../helpers/git-repo.js';
import { sarifSchemaErrors } from '../helpers/sarif-schema.js';
import { leakedSecret } from '../helpers/secrets.js';
import { tmpTree } from '../helpers/tmp.js';

const NOW = '2026-01-01T00:00:00Z';
const NOW_S = Date.parse(NOW) / 1000;
const FINGERPRINT = 'tokensprawl/v1';
const QUEUE_PRESENT = existsSync(path.join(ROOT, 'dist/sources/queue.js')) && existsSync(path.join(ROOT, 'fixtures/queue'));

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

/** An HS256-shaped JWT with a random (unverifiable) signature: lifetime `lifetime` seconds from iat = NOW - 60. */
function fakeJwt(lifetime: number, seed: string): string {
  const iat = NOW_S - 60;
  const claims = { iss: 'https://issuer.example', sub: `svc-${seed}`, aud: 'orders-api', iat, exp: iat + lifetime, jti: `FAKE-${seed}` };
  const sig = createHash('sha256').update(`sig:${seed}`).digest().toString('base64url');
  return `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}.${sig}`;
}

/**
 * One scan, in process (runCli); one worker unless the args say otherwise. More than one job
 * needs the worker threads of dist/ and real CPUs, so those scans spawn the built binary.
 */
async function scan(command: string, args: string[], opts: { cwd?: string; format?: string } = {}): Promise<CliRun> {
  const at = args.indexOf('--jobs');
  const jobs = at < 0 ? ['--jobs', '1'] : [];
  const argv = [command, ...args, ...jobs, '--format', opts.format ?? 'json', '--now', NOW, '--no-progress'];
  const o = opts.cwd ? { cwd: opts.cwd } : {};
  return at < 0 || args[at + 1] === '1' ? runCli(argv, o) : cli(argv, o);
}

/** The same scan run once per file: several describes compare against the whole-scan reports. */
const memo = new Map<string, Promise<CliRun>>();
async function scanOnce(command: string, args: string[], opts: { cwd?: string; format?: string } = {}): Promise<CliRun> {
  const key = JSON.stringify([command, args, opts]);
  const hit = memo.get(key) ?? scan(command, args, opts);
  memo.set(key, hit);
  return hit;
}

const sarifOf = (run: CliRun): SarifLog => JSON.parse(run.stdout) as SarifLog;
const findingsKey = (r: ScanResult): string[] => r.findings.map((f) => JSON.stringify(f)).sort();

// ---------------------------------------------------------------------------------------------
// A small repository shared by the SARIF and shard tests.

const GIT_TOKENS = [fakeGithubToken('ghp', 'gate-1'), fakeNpmToken('gate-2'), fakeGithubToken('gho', 'gate-3'), fakeStripe('sk', 'live', 'gate-4')];
let repo: TestRepo;
beforeAll(() => {
  repo = buildRepo([
    { files: { 'a.env': `A=${GIT_TOKENS[0]}\n` } },
    { files: { 'b/b.env': `\nB=${GIT_TOKENS[1]}\n` } },
    { files: { 'a.env': null } },
    { files: { 'c.env': `C=${GIT_TOKENS[2]}\n`, 'd.env': `D=${GIT_TOKENS[3]}\n` } },
    // the first token comes back: one finding, at its first commit, even when the two commits fall in different shards
    { files: { 'e.txt': 'nothing\n', 'a.env': `again\nA=${GIT_TOKENS[0]}\n` } },
    { files: { 'b/b.env': `\nB=${GIT_TOKENS[1]}\nmore\n` } },
  ]);
});
afterAll(() => repo?.cleanup());

// ---------------------------------------------------------------------------------------------

describe('SARIF for GitHub code scanning', () => {
  interface Case {
    name: string;
    command: string;
    args: () => string[];
    cwd?: string;
  }
  const cases: Case[] = [
    { name: 'dir', command: 'dir', args: () => ['fixtures/demo-service'] },
    { name: 'git', command: 'git', args: () => [repo.dir] },
    { name: 'ci-log', command: 'ci-log', args: () => ['.'], cwd: path.join(ROOT, 'fixtures/ci-log') },
    ...(QUEUE_PRESENT ? [{ name: 'queue', command: 'queue', args: () => ['.'], cwd: path.join(ROOT, 'fixtures/queue') }] : []),
  ];

  describe.each(cases)('$name', (c) => {
    let sarif: SarifLog;
    let sarifRun: CliRun;
    let json: ScanResult;
    beforeAll(async () => {
      sarifRun = await scanOnce(c.command, [...c.args(), '--sarif-category', `tokensprawl-${c.name}`], { format: 'sarif', ...(c.cwd ? { cwd: c.cwd } : {}) });
      sarif = sarifOf(sarifRun);
      json = jsonReport(await scanOnce(c.command, c.args(), c.cwd ? { cwd: c.cwd } : {}));
    });

    it('validates against the OASIS SARIF 2.1.0 schema', () => {
      // an incomplete scan (the queue fixtures hold a malformed record on purpose) exits 2
      expect(sarifRun.status).toBe(json.errors.length > 0 ? 2 : 1);
      expect(sarif.version).toBe('2.1.0');
      expect(sarifSchemaErrors(sarif)).toEqual([]);
      expect(sarif.runs).toHaveLength(1);
    });

    it('--sarif-category becomes automationDetails.id', () => {
      expect(sarif.runs[0]?.automationDetails?.id).toMatch(new RegExp(`^tokensprawl-${c.name}/`));
    });

    it('rules carry security-severity as a numeric string, tags and help', () => {
      const rules = sarif.runs[0]?.tool.driver.rules ?? [];
      expect(rules.length).toBeGreaterThan(0);
      expect(new Set(rules.map((r) => r.id))).toEqual(new Set(json.findings.map((f) => f.ruleId)));
      for (const r of rules) {
        const sev = r.properties['security-severity'];
        expect(typeof sev).toBe('string');
        expect(Number(sev)).toBeGreaterThanOrEqual(0);
        expect(Number(sev)).toBeLessThanOrEqual(10);
        expect(r.properties.tags).toContain('security');
        expect(r.help.text.length).toBeGreaterThan(0);
        expect(r.shortDescription.text.length).toBeGreaterThan(0);
      }
    });

    it('one result per finding: regions >= 1, relative uris with a uriBaseId, the finding id as fingerprint', () => {
      const results = sarif.runs[0]?.results ?? [];
      expect(results.map((r) => r.partialFingerprints[FINGERPRINT]).sort()).toEqual(json.findings.map((f) => f.id).sort());
      for (const r of results) {
        const loc = r.locations[0]?.physicalLocation;
        expect(loc?.artifactLocation.uriBaseId).toBeTruthy();
        expect(loc?.artifactLocation.uri).not.toMatch(/^(\/|\.\/|[a-z]+:)/i);
        for (const n of Object.values(loc?.region ?? {})) expect(n).toBeGreaterThanOrEqual(1);
        expect(['error', 'warning', 'note']).toContain(r.level);
      }
      const rules = sarif.runs[0]?.tool.driver.rules ?? [];
      for (const r of results) expect(rules[r.ruleIndex]?.id).toBe(r.ruleId);
    });

    if (c.name === 'git') {
      it('git results name the commit that introduced the secret', () => {
        const byId = new Map(json.findings.map((f) => [f.id, f]));
        for (const r of sarif.runs[0]?.results ?? []) {
          const commit = byId.get(r.partialFingerprints[FINGERPRINT] ?? '')?.location.commit ?? 'missing';
          expect(r.message.text).toContain(commit.slice(0, 7));
        }
      });
    }

    if (c.name === 'dir') {
      it('a JWT result names its problems in the message', () => {
        const jwt = (sarif.runs[0]?.results ?? []).find((r) => r.ruleId === 'jwt');
        expect(jwt?.message.text).toMatch(/unbound/);
        expect(jwt?.message.text).toMatch(/long-lifetime/);
      });
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('--baseline', () => {
  const A = fakeGithubToken('ghp', 'baseline-a');
  const B = fakeNpmToken('baseline-b');
  let t: ReturnType<typeof tmpTree>;
  beforeAll(async () => {
    t = tmpTree({ 'src/app.env': `one\ntwo\nTOKEN=${A}\n` });
    const first = await scan('dir', ['src'], { cwd: t.dir });
    expect(first.status).toBe(1);
    writeFileSync(path.join(t.dir, 'baseline.json'), first.stdout);
  });
  afterAll(() => t?.cleanup());

  it('a baselined secret stays suppressed when its line moves; stats.suppressed counts it', async () => {
    writeFileSync(path.join(t.dir, 'src/app.env'), `# header\n\n\none\ntwo\n   TOKEN=${A}\n`);
    const run = await scan('dir', ['src', '--baseline', 'baseline.json'], { cwd: t.dir });
    expect(run.status).toBe(0);
    const r = jsonReport(run);
    expect(r.findings).toEqual([]);
    expect(r.scan.stats.suppressed).toBe(1);
  });

  it('a new token on the same line as a baselined one is reported; --show-suppressed shows the old one marked', async () => {
    writeFileSync(path.join(t.dir, 'src/app.env'), `one\ntwo\nTOKEN=${A} NPM=${B}\n`);
    const run = await scan('dir', ['src', '--baseline', 'baseline.json'], { cwd: t.dir });
    expect(run.status).toBe(1);
    const r = jsonReport(run);
    expect(r.findings.map((f) => [f.ruleId, f.location.line])).toEqual([['npm-token', 3]]);
    expect(r.scan.stats.suppressed).toBe(1);

    const shown = jsonReport(await scan('dir', ['src', '--baseline', 'baseline.json', '--show-suppressed'], { cwd: t.dir }));
    expect(shown.findings.map((f) => [f.ruleId, f.suppressed?.by ?? null])).toEqual([
      ['github-pat', 'baseline'],
      ['npm-token', null],
    ]);
    const text = await scan('dir', ['src', '--baseline', 'baseline.json', '--show-suppressed'], { cwd: t.dir, format: 'text' });
    expect(text.stdout).toMatch(/github-pat .*\(suppressed: baseline\)/);
    expect(text.stdout).toMatch(/^1 finding\b/m);
    expect(leakedSecret(text.stdout + text.stderr + JSON.stringify(shown), [A, B])).toBeNull();
  });

  it('SARIF with --show-suppressed marks the baselined result and still validates', async () => {
    writeFileSync(path.join(t.dir, 'src/app.env'), `one\ntwo\nTOKEN=${A} NPM=${B}\n`);
    const sarif = sarifOf(await scan('dir', ['src', '--baseline', 'baseline.json', '--show-suppressed'], { cwd: t.dir, format: 'sarif' }));
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    const results = sarif.runs[0]?.results ?? [];
    expect(results.map((r) => [r.ruleId, r.suppressions?.[0]?.kind ?? null])).toEqual([
      ['github-pat', 'external'],
      ['npm-token', null],
    ]);
  });

  it('a baseline that is not a JSON report exits 2 naming it', async () => {
    writeFileSync(path.join(t.dir, 'not-a-report.json'), '{"runs": []}');
    const run = await scan('dir', ['src', '--baseline', 'not-a-report.json'], { cwd: t.dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('not-a-report.json');
  });
});

// ---------------------------------------------------------------------------------------------

describe('inline tokensprawl:allow', () => {
  it('a # or // comment with the marker suppresses that line only', async () => {
    const [a, b, c, d] = ['inline-a', 'inline-b', 'inline-c', 'inline-d'].map((s) => fakeGithubToken('ghp', s));
    const t = tmpTree({
      'deploy.sh': `export A=${a} # tokensprawl:allow test fixture\nexport B=${b}\n`,
      'client.ts': `const c = "${c}"; // tokensprawl:allow\nconst d = "${d}";\n`,
    });
    try {
      const run = await scan('dir', ['.'], { cwd: t.dir });
      expect(run.status).toBe(1);
      const r = jsonReport(run);
      expect(r.findings.map((f) => `${f.location.path}:${f.location.line}`)).toEqual(['client.ts:2', 'deploy.sh:2']);
      expect(r.scan.stats.suppressed).toBe(2);
      const shown = jsonReport(await scan('dir', ['.', '--show-suppressed'], { cwd: t.dir }));
      expect(shown.findings.filter((f) => f.suppressed?.by === 'inline').map((f) => `${f.location.path}:${f.location.line}`)).toEqual([
        'client.ts:1',
        'deploy.sh:1',
      ]);
    } finally {
      t.cleanup();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('configuration file', () => {
  const GH = fakeGithubToken('ghp', 'config-gh');
  const NPM = fakeNpmToken('config-npm');
  const VENDOR = fakeGithubToken('gho', 'config-vendor');
  const STALE = fakeGithubToken('ghp', 'config-stale-entry');
  const LONG_JWT = fakeJwt(2 * 3600, 'config');
  let t: ReturnType<typeof tmpTree>;

  const configYaml = (over: string): string =>
    [
      'ignore:',
      '  - "vendor/**"',
      'allow:',
      `  - sha256: ${sha256(GH)}`,
      '    reason: documented test token',
      `  - sha256: ${sha256(STALE)}`,
      '    reason: rotated long ago',
      'disabledRules: [npm-token]',
      'failOn: high',
      'maxLifetime: 3h',
      over,
    ].join('\n');

  beforeAll(() => {
    t = tmpTree({
      'repo/app.env': `GITHUB_TOKEN=${GH}\nNPM_TOKEN=${NPM}\n`,
      'repo/vendor/lib.env': `TOKEN=${VENDOR}\n`,
      'repo/auth.txt': `Authorization: Bearer ${LONG_JWT}\n`,
      'repo/.tokensprawl.yaml': configYaml(''),
      'elsewhere/empty.yaml': '# nothing configured\n',
      'elsewhere/strict.yaml': configYaml('').replace('failOn: high', 'failOn: low').replace('maxLifetime: 3h', 'maxLifetime: 1h').replace('vendor/**', 'nothing/**'),
    });
  });
  afterAll(() => t?.cleanup());

  it('a --config that does not exist exits 2 naming it', async () => {
    const run = await scan('dir', ['.', '--config', path.join(t.dir, 'elsewhere/none.yaml')], { cwd: path.join(t.dir, 'repo') });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('none.yaml');
  });

  it('with an empty config every token is found and the 2h JWT is too long-lived for the default 1h', async () => {
    const r = jsonReport(await scan('dir', ['repo', '--config', 'elsewhere/empty.yaml'], { cwd: t.dir }));
    expect(r.findings.map((f) => [f.location.path, f.ruleId])).toEqual([
      ['app.env', 'github-pat'],
      ['app.env', 'npm-token'],
      ['auth.txt', 'jwt'],
      ['vendor/lib.env', 'github-oauth'],
    ]);
    expect(r.findings[2]?.jwt?.problems.map((p) => p.id)).toContain('long-lifetime');
    expect(r.scan.notes).toEqual(['config elsewhere/empty.yaml (--config) applied']);
  });

  it('.tokensprawl.yaml in the scanned root may add ignore and allow entries, never disable rules or lower the gate', async () => {
    const run = await scan('dir', ['repo'], { cwd: t.dir });
    const r = jsonReport(run);
    expect(r.findings.map((f) => [f.location.path, f.ruleId])).toEqual([
      ['app.env', 'npm-token'],
      ['auth.txt', 'jwt'],
    ]);
    expect(r.findings[1]?.jwt?.problems.map((p) => p.id)).toContain('long-lifetime');
    expect(r.scan.stats.suppressed).toBe(1);
    expect(r.scan.notes).toContain('config repo/.tokensprawl.yaml (from the scanned tree) applied: 2 allow entries, 1 ignore glob');
    expect(r.scan.notes?.find((n) => /may not lower the gate/.test(n))).toMatch(/disabledRules \(1\), failOn: high, maxLifetime: 3h/);
    expect(r.scan.notes?.some((n) => n.includes(sha256(GH).slice(0, 12)) && /suppressed 1 finding$/.test(n))).toBe(true);
    expect(run.status).toBe(1);
    expect(leakedSecret(run.stdout + run.stderr, [GH, NPM, VENDOR, LONG_JWT])).toBeNull();
    // --no-repo-config: nothing of it applies, and the report says it was ignored
    const none = jsonReport(await scan('dir', ['repo', '--no-repo-config'], { cwd: t.dir }));
    expect(none.findings.map((f) => f.ruleId)).toEqual(['github-pat', 'npm-token', 'jwt', 'github-oauth']);
    expect(none.scan.notes).toEqual(['config repo/.tokensprawl.yaml in the scanned tree ignored (--no-repo-config)']);
  });

  it('the same file passed with --config is trusted: ignore, allow, disabledRules, maxLifetime, failOn, unused entry note', async () => {
    const run = await scan('dir', ['repo', '--config', 'repo/.tokensprawl.yaml'], { cwd: t.dir });
    const r = jsonReport(run);
    expect(r.findings.map((f) => [f.location.path, f.ruleId])).toEqual([['auth.txt', 'jwt']]);
    const jwt = r.findings[0]?.jwt;
    expect(jwt?.problems.map((p) => p.id)).not.toContain('long-lifetime');
    expect(r.scan.stats.suppressed).toBe(1);
    expect(r.scan.notes?.some((n) => n.includes(sha256(STALE).slice(0, 12)) && /matched nothing/.test(n))).toBe(true);
    expect(run.stderr).toMatch(/note: .*matched nothing/);
    // failOn: high and the JWT (unbound, unexpired) is high
    expect(run.status).toBe(1);
    const shown = jsonReport(await scan('dir', ['repo', '--show-suppressed', '--config', 'repo/.tokensprawl.yaml'], { cwd: t.dir }));
    const allowed = shown.findings.find((f) => f.suppressed?.by === 'allowlist');
    expect(allowed?.location.path).toBe('app.env');
    expect(allowed?.suppressed?.reason).toBe('documented test token');
    expect(leakedSecret(run.stdout + run.stderr, [GH, NPM, VENDOR, LONG_JWT])).toBeNull();
  });

  it('config failOn decides the exit code; --fail-on overrides it', async () => {
    writeFileSync(path.join(t.dir, 'repo/.tokensprawl.yaml'), configYaml('').replace('failOn: high', 'failOn: critical'));
    try {
      expect((await scan('dir', ['repo', '--config', 'repo/.tokensprawl.yaml'], { cwd: t.dir })).status).toBe(0);
      expect((await scan('dir', ['repo', '--config', 'repo/.tokensprawl.yaml', '--fail-on', 'high'], { cwd: t.dir })).status).toBe(1);
      // found in the tree, it cannot lower the gate
      expect((await scan('dir', ['repo'], { cwd: t.dir })).status).toBe(1);
    } finally {
      writeFileSync(path.join(t.dir, 'repo/.tokensprawl.yaml'), configYaml(''));
    }
  });

  it('--config <file> is used instead of the one in the scanned root, not merged with it', async () => {
    const r = jsonReport(await scan('dir', ['repo', '--config', 'elsewhere/strict.yaml'], { cwd: t.dir }));
    expect(r.findings.find((f) => f.ruleId === 'jwt')?.jwt?.problems.map((p) => p.id)).toContain('long-lifetime');
    expect(r.findings.map((f) => f.location.path)).toEqual(['auth.txt', 'vendor/lib.env']);
  });

  it('an expired allow entry no longer suppresses, and a note says so', async () => {
    const yaml = configYaml('').replace('    reason: documented test token', '    reason: documented test token\n    expires: 2025-06-30');
    writeFileSync(path.join(t.dir, 'elsewhere/expired.yaml'), yaml);
    const run = await scan('dir', ['repo', '--config', 'elsewhere/expired.yaml'], { cwd: t.dir });
    const r = jsonReport(run);
    expect(r.findings.map((f) => f.ruleId).sort()).toEqual(['github-pat', 'jwt']);
    expect(r.scan.stats.suppressed).toBe(0);
    expect(r.scan.notes?.some((n) => /expired/.test(n) && n.includes(sha256(GH).slice(0, 12)))).toBe(true);
    expect(run.stderr).toMatch(/note: .*expired/);
  });

  it('an invalid config exits 2 naming the file and the field', async () => {
    writeFileSync(path.join(t.dir, 'elsewhere/bad.yaml'), 'failOn: sometimes\nallow:\n  - sha256: nothex\n    reason: x\n');
    const run = await scan('dir', ['repo', '--config', 'elsewhere/bad.yaml'], { cwd: t.dir });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('bad.yaml');
    expect(run.stderr).toContain('/failOn');
    expect(run.stderr).toContain('/allow/0/sha256');
    // the same when the bad file is the one found in the scanned root
    const t2 = tmpTree({ '.tokensprawl.yaml': 'disableRules: [jwt]\n', 'a.txt': 'x\n' });
    const auto = await scan('dir', ['.'], { cwd: t2.dir });
    t2.cleanup();
    expect(auto.status).toBe(2);
    expect(auto.stderr).toContain('.tokensprawl.yaml');
    expect(auto.stderr).toContain('disableRules');
  });
});

// ---------------------------------------------------------------------------------------------

describe('--fail-on thresholds', () => {
  // One folder per severity: the highest severity in each is known.
  let t: ReturnType<typeof tmpTree>;
  const infoRule = [
    'rules:',
    '  - id: acme-internal-id',
    '    title: Acme internal id',
    '    description: An internal identifier, informational only.',
    '    severity: info',
    "    pattern: 'acmeid_[0-9a-f]{16}'",
    '    keywords: [acmeid_]',
    "    examples: ['acmeid_0123456789abcdef']",
    "    negativeExamples: ['acmeid_xyz']",
    '',
  ].join('\n');
  beforeAll(() => {
    t = tmpTree({
      'rules/acme.yaml': infoRule,
      'info/a.txt': 'id=acmeid_00000000deadbeef\n',
      'low/a.txt': `STRIPE_KEY=${fakeStripe('sk', 'test', 'failon')}\n`,
      'medium/a.txt': `SLACK_WEBHOOK=${fakeSlackWebhook('failon')}\n`,
      'high/a.txt': `GITHUB_TOKEN=${fakeGithubToken('ghp', 'failon')}\n`,
      'critical/a.txt': `STRIPE_KEY=${fakeStripe('sk', 'live', 'failon')}\n`,
    });
  });
  afterAll(() => t?.cleanup());

  const exit = async (folder: string, failOn?: string): Promise<number> =>
    (await runCli(['dir', folder, '--rules', 'rules', '--now', NOW, '--jobs', '1', ...(failOn ? ['--fail-on', failOn] : [])], { cwd: t.dir })).status;

  it('each folder holds one finding of its severity', async () => {
    const r = jsonReport(await scan('dir', ['info', 'low', 'medium', 'high', 'critical', '--rules', 'rules'], { cwd: t.dir }));
    expect(r.findings.map((f) => [f.location.path.split('/')[0], f.severity])).toEqual([
      ['critical', 'critical'],
      ['high', 'high'],
      ['info', 'info'],
      ['low', 'low'],
      ['medium', 'medium'],
    ]);
  });

  it.each([
    ['info', 'info', 1],
    ['info', 'low', 0],
    ['low', 'low', 1],
    ['low', undefined, 1], // the default is low
    ['info', undefined, 0],
    ['low', 'medium', 0],
    ['medium', 'medium', 1],
    ['medium', 'high', 0],
    ['high', 'high', 1],
    ['high', 'critical', 0],
    ['critical', 'critical', 1],
    ['critical', 'none', 0],
  ] as const)('a %s finding with --fail-on %s exits %i', async (folder, failOn, code) => {
    expect(await exit(folder, failOn)).toBe(code);
  });
});

// ---------------------------------------------------------------------------------------------

describe('incomplete scans exit 2 (--allow-incomplete, deprecated --fail-on-errors)', () => {
  let t: ReturnType<typeof tmpTree>;
  const token = fakeGithubToken('ghp', 'fail-on-errors');
  beforeAll(() => {
    // the first 300 bytes of a real run archive: no central directory
    const zip = readFileSync(path.join(ROOT, 'fixtures/ci-log/github-actions-zip/logs_42.zip')).subarray(0, 300);
    t = tmpTree({ 'broken.zip': zip, 'clean.log': 'all good\n', 'leaky.log': `pushing with ${token}\n` });
  });
  afterAll(() => t?.cleanup());

  it('an archive that cannot be read is an error entry, and the scan exits 2', async () => {
    const run = await scan('ci-log', ['broken.zip', 'clean.log'], { cwd: t.dir, format: 'text' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('broken.zip');
    expect(run.stdout).toContain('broken.zip');
    // never a bare "no findings" when something could not be scanned
    expect(run.stdout).not.toMatch(/^no findings[;,]/m);
    expect(run.stdout).toMatch(/could not be scanned/);
    const json = jsonReport(await scan('ci-log', ['broken.zip', 'clean.log'], { cwd: t.dir }));
    expect(json.errors.map((e) => e.target)).toEqual(['broken.zip']);
  });

  it('--allow-incomplete: the exit code stays with the findings; --fail-on-errors is a deprecated no-op with a note', async () => {
    expect((await scan('ci-log', ['broken.zip', 'clean.log', '--allow-incomplete'], { cwd: t.dir, format: 'text' })).status).toBe(0);
    expect((await scan('ci-log', ['broken.zip', 'leaky.log', '--allow-incomplete'], { cwd: t.dir, format: 'text' })).status).toBe(1);
    const old = await scan('ci-log', ['broken.zip', 'clean.log', '--fail-on-errors'], { cwd: t.dir, format: 'text' });
    expect(old.status).toBe(2);
    expect(old.stderr).toMatch(/--fail-on-errors is deprecated/);
  });

  it('findings and errors: --fail-on none still exits 2 unless --allow-incomplete', async () => {
    const base = ['broken.zip', 'leaky.log', '--fail-on', 'none'];
    const run = await scan('ci-log', base, { cwd: t.dir, format: 'text' });
    expect(run.status).toBe(2);
    expect(run.stdout).toMatch(/1 finding .*1 error/);
    expect((await scan('ci-log', [...base, '--allow-incomplete'], { cwd: t.dir, format: 'text' })).status).toBe(0);
  });

  it('SARIF names the unscannable target and still validates', async () => {
    const run = await scan('ci-log', ['broken.zip', 'leaky.log'], { cwd: t.dir, format: 'sarif' });
    const sarif = sarifOf(run);
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(JSON.stringify(sarif.runs[0]?.invocations)).toContain('broken.zip');
    expect(leakedSecret(run.stdout + run.stderr, [token])).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------

describe('--shard k/3 and merge', () => {
  let t: ReturnType<typeof tmpTree>;
  beforeAll(() => {
    t = tmpTree({});
  });
  afterAll(() => t?.cleanup());

  // one after another: in-process runs share module state (the output redactor)
  async function shards(command: string, args: string[], format: 'json' | 'sarif'): Promise<string[]> {
    const files: string[] = [];
    for (const k of [1, 2, 3]) {
      const run = await scan(command, [...args, '--shard', `${k}/3`], { format });
      expect([0, 1]).toContain(run.status);
      const file = path.join(t.dir, `${command}-${format}-${k}.${format}`);
      writeFileSync(file, run.stdout);
      files.push(file);
    }
    return files;
  }

  it.each([
    ['dir', () => ['fixtures/demo-service']],
    ['git', () => [repo.dir]],
  ] as const)('%s: the merged JSON of three shards has the findings of the whole scan', async (command, args) => {
    const whole = jsonReport(await scanOnce(command, args()));
    const files = await shards(command, args(), 'json');
    const parts = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as ScanResult);
    // every shard saw only part of the work, and together they saw all of it
    const counted = command === 'dir' ? (r: ScanResult) => r.scan.stats.files : (r: ScanResult) => r.scan.stats.commits;
    expect(parts.reduce((n, p) => n + counted(p), 0)).toBe(counted(whole));
    expect(parts.filter((p) => p.findings.length > 0).length).toBeGreaterThan(1);
    if (command === 'git') {
      // the re-added token's later commit is in another shard than its first: merge must keep the earliest
      expect(parts.some((p) => p.findings.some((f) => f.location.path === 'a.env' && f.location.commit === repo.commits[4]))).toBe(true);
    }
    const merged = await runCli(['merge', ...files]);
    expect(merged.status).toBe(0);
    const m = jsonReport(merged);
    expect(findingsKey(m)).toEqual(findingsKey(whole));
    expect(m.findings.map((f) => f.id)).toEqual(whole.findings.map((f) => f.id)); // same order too
    expect(counted(m)).toBe(counted(whole));
  });

  it.each([
    ['dir', () => ['fixtures/demo-service']],
    ['git', () => [repo.dir]],
  ] as const)('%s: merging three SARIF shards gives the results of the whole SARIF scan', async (command, args) => {
    const whole = sarifOf(await scanOnce(command, [...args(), '--sarif-category', `tokensprawl-${command}`], { format: 'sarif' }));
    const files = await shards(command, [...args(), '--sarif-category', `tokensprawl-${command}`], 'sarif');
    const merged = await runCli(['merge', ...files]);
    expect(merged.status).toBe(0);
    const m = sarifOf(merged);
    expect(sarifSchemaErrors(m)).toEqual([]);
    const results = (s: SarifLog) =>
      (s.runs[0]?.results ?? [])
        .map((r) => `${r.ruleId} ${r.partialFingerprints[FINGERPRINT]} ${r.locations[0]?.physicalLocation.artifactLocation.uri}:${r.locations[0]?.physicalLocation.region.startLine}`)
        .sort();
    expect(m.runs).toHaveLength(1);
    expect(m.runs[0]?.automationDetails?.id).toBe(whole.runs[0]?.automationDetails?.id);
    expect(results(m)).toEqual(results(whole));
    const ruleIds = (s: SarifLog) => (s.runs[0]?.tool.driver.rules ?? []).map((r) => r.id).sort();
    expect(ruleIds(m)).toEqual(ruleIds(whole));
    for (const r of m.runs[0]?.results ?? []) expect(m.runs[0]?.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
  });

  it('git: a secret added in two commits is reported at the earlier one after merging', async () => {
    const whole = jsonReport(await scanOnce('git', [repo.dir]));
    const a = whole.findings.filter((f) => f.location.path === 'a.env');
    expect(a.map((f) => f.location.commit)).toEqual([repo.commits[0]]);
    expect(a[0]?.presentAtHead).toBe(true);
  });

  it.each([
    ['ci-log', 'fixtures/ci-log'],
    ...(QUEUE_PRESENT ? [['queue', 'fixtures/queue']] : []),
  ])('%s: the shards split the files between them (stats add up to the whole scan)', async (command, folder) => {
    const cwd = path.join(ROOT, folder);
    const whole = jsonReport(await scanOnce(command, ['.'], { cwd }));
    const parts: ScanResult[] = [];
    for (const k of [1, 2, 3]) parts.push(jsonReport(await scan(command, ['.', '--shard', `${k}/3`], { cwd })));
    expect(parts.reduce((n, p) => n + p.scan.stats.files, 0)).toBe(whole.scan.stats.files);
    expect(parts.filter((p) => p.scan.stats.files > 0).length).toBeGreaterThan(1);
    const files = parts.map((p, i) => {
      const file = path.join(t.dir, `${command}-${i}.json`);
      writeFileSync(file, JSON.stringify(p));
      return file;
    });
    const m = jsonReport(await runCli(['merge', ...files]));
    expect(findingsKey(m)).toEqual(findingsKey(whole));
    expect(m.scan.stats.files).toBe(whole.scan.stats.files);
  });

  it('an invalid --shard exits 2, and so does --shard on stdin (nothing to split)', async () => {
    expect((await runCli(['dir', 'fixtures/demo-service', '--shard', '4/3'])).status).toBe(2);
    expect((await runCli(['dir', 'fixtures/demo-service', '--shard', '0/3'])).status).toBe(2);
    const stdin = await runCli(['stdin', '--shard', '1/3'], { input: 'nothing\n' });
    expect(stdin.status).toBe(2);
    expect(stdin.stderr).toContain('--shard');
  });
});

// ---------------------------------------------------------------------------------------------

describe('--jobs', () => {
  // --jobs 3 spawns the built binary (worker threads); --jobs 1 runs in process: same findings
  it('--jobs 1 and --jobs 3 give identical findings on a tree of many files', async () => {
    const files: Record<string, string> = {};
    // 9.6 MB in all: more than the 8 MiB after which the workers take over, so they do run.
    const filler = Array.from({ length: 2500 }, (_, n) => `export const setting${n} = "value ${n} of the generated configuration";`).join('\n');
    for (let i = 0; i < 60; i++) {
      const body = [`# file ${i}`, filler, i % 3 === 0 ? `TOKEN=${fakeGithubToken('ghp', `jobs-${i}`)}` : 'no token', i % 5 === 0 ? `JWT=${fakeJwt(600 + i, `jobs-${i}`)}` : ''];
      files[`d${i % 7}/f${i}.env`] = `${body.join('\n')}\n`;
    }
    // One file above the 1 MiB chunk size, with a token across the first cut, walked last (files
    // go in name order) so that its chunks go to the workers as bytes.
    const big = Buffer.alloc(2_500_000, 'x');
    for (let at = 0; at < big.length; at += 100) big[at] = 0x0a;
    big.write(` TOKEN=${fakeGithubToken('ghp', 'jobs-big')} `, 1024 * 1024 - 20);
    files['zz-big/bundle.txt'] = big.toString('latin1');
    const t = tmpTree(files);
    try {
      const one = await scan('dir', ['.', '--jobs', '1'], { cwd: t.dir });
      const three = await scan('dir', ['.', '--jobs', '3'], { cwd: t.dir });
      expect(one.status).toBe(1);
      expect(three.status).toBe(1);
      const a = jsonReport(one);
      const b = jsonReport(three);
      expect(a.findings.length).toBe(20 + 12 + 1);
      expect(JSON.stringify(b.findings)).toBe(JSON.stringify(a.findings));
      expect(b.scan.stats).toEqual(a.scan.stats);
    } finally {
      t.cleanup();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('pipes', () => {
  // spawns: a real pipe closed by its reader
  it('a reader that stops early (| head) gets no EPIPE crash on stderr', () => {
    // the SARIF report is larger than a pipe buffer, so the write is still going when head exits
    const cmd = `"${process.execPath}" "${BIN}" dir fixtures/demo-service --format sarif --jobs 1 --now ${NOW} | head -c 10 >/dev/null`;
    const r = spawnSync('sh', ['-c', cmd], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled 'error' event/);
  });
});
