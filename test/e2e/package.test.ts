// Spawns the built binary on purpose: it tests the packed, installed package itself.
// The package as users get it: `npm pack` gives a tarball that installs globally into an empty
// prefix (dependencies from the registry or npm's cache; no build step, no dev dependency) and
// runs from any folder. Packs the current build (`npm test` builds first) with --ignore-scripts,
// so the test does not rebuild dist/ under the other tests' feet.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { buildRepo, type TestRepo } from '../helpers/git-repo.js';
import { leakedSecret } from '../helpers/secrets.js';

const NOW = '2026-01-01T00:00:00Z';
const TOKEN = fakeGithubToken('ghp', 'package-e2e');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const vectors = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/jwt/vectors.json'), 'utf8')) as { tokens: Record<string, string> };

let tmp: string;
let prefix: string;
let elsewhere: string; // a folder with no package.json, node_modules or repository above it
let packed: string[];
let repo: TestRepo;

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The installed command, with PATH holding only the prefix, Node itself and the system's git. */
function tokensprawl(args: string[], cwd = elsewhere) {
  const bin = path.join(prefix, 'bin');
  const env: NodeJS.ProcessEnv = {
    PATH: [bin, path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter),
    HOME: tmp,
    NO_COLOR: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CEILING_DIRECTORIES: tmp,
  };
  return sh(path.join(bin, 'tokensprawl'), args, cwd, env);
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tokensprawl-package-'));
  prefix = path.join(tmp, 'prefix');
  elsewhere = path.join(tmp, 'elsewhere');
  mkdirSync(elsewhere);
  const pack = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT);
  expect(pack.status, pack.stderr).toBe(0);
  const info = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packed = info[0]!.files.map((f) => f.path);
  const tarball = path.join(tmp, info[0]!.filename);
  // From another folder, as a user would; npm's cache serves what it can.
  const install = sh('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', tarball], elsewhere);
  expect(install.status, install.stderr).toBe(0);
  repo = buildRepo([
    { files: { 'README.md': '# service\n' } },
    { files: { 'deploy/ci.env': `GITHUB_TOKEN=${TOKEN}\n` }, message: 'ci settings' },
  ]);
}, 600_000);

afterAll(() => {
  repo?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the built CLI and the rules, not the sources, tests or fixtures', () => {
    for (const f of ['bin/tokensprawl.cjs', 'bin/load.cjs', 'dist/bundle/cli.cjs', 'dist/bundle/cli.cache', 'dist/bundle/worker.js', 'dist/builtin-rules.json', 'rules/schema.json', 'rules/github.yaml', 'policies/default.yaml', 'dist/default-policies.json', 'package.json']) {
      expect(packed).toContain(f);
    }
    expect(packed.filter((f) => /^(src|test|fixtures|bench|scripts)\//.test(f) || f === '.npmrc')).toEqual([]);
  });

  it('installs with no build step and no dev dependency', () => {
    const installed = path.join(prefix, 'lib/node_modules/tokensprawl');
    expect(existsSync(path.join(installed, 'dist/bundle/cli.cjs'))).toBe(true);
    const deps = new Set(readdirSync(path.join(installed, 'node_modules')).flatMap((d) => (d.startsWith('@') ? readdirSync(path.join(installed, 'node_modules', d)).map((s) => `${d}/${s}`) : [d])));
    for (const dev of Object.keys(pkg.devDependencies)) if (!(dev in pkg.dependencies)) expect(deps.has(dev), dev).toBe(false);
    for (const dep of Object.keys(pkg.dependencies)) expect(deps.has(dep), dep).toBe(true);
  });

  it('runs --version from another folder', () => {
    const r = tokensprawl(['--version']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(pkg.version);
    expect(r.status).toBe(0);
  });

  it('starts from the code cache the build wrote (V8 takes it: same Node, same build)', () => {
    const load = pathToFileURL(path.join(prefix, 'lib/node_modules/tokensprawl/bin/load.cjs')).href;
    const r = sh(process.execPath, ['--input-type=module', '-e', `const { loadCli } = await import(${JSON.stringify(load)}); console.log(loadCli().cacheRejected)`], elsewhere);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('false');
  });

  it('runs dir on a copy of the demo service, finding its tokens (exit 1), never echoing one', () => {
    const copy = path.join(tmp, 'demo-service');
    cpSync(path.join(ROOT, 'fixtures/demo-service'), copy, { recursive: true });
    const r = tokensprawl(['dir', copy, '--now', NOW, '--format', 'json', '--no-progress']);
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as { tool: { version: string }; findings: Array<{ ruleId: string }> };
    expect(report.tool.version).toBe(pkg.version);
    expect(report.findings.length).toBeGreaterThan(5);
    expect(report.findings.map((f) => f.ruleId)).toContain('github-pat');
  });

  it('runs git on a repository, from outside it (exit 1)', () => {
    const r = tokensprawl(['git', repo.dir, '--now', NOW, '--no-progress']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/github-pat/);
    expect(r.stdout).toMatch(/deploy\/ci\.env:1:14/);
    expect(leakedSecret(r.stdout + r.stderr, [TOKEN])).toBeNull();
  });

  it('runs git --staged inside a repository, as the pre-commit hook does', () => {
    writeFileSync(path.join(repo.dir, 'staged.env'), `T=${TOKEN}\n`);
    repo.git('add', 'staged.env');
    const r = tokensprawl(['git', '--staged', '--no-progress'], repo.dir);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/staged\.env:1:3/);
  });

  it('runs jwt (exit 0), judging the token', () => {
    const token = vectors.tokens['jwtio-sample']!;
    const r = tokensprawl(['jwt', token, '--now', NOW]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^severity\s+critical$/m);
    expect(r.stdout).not.toContain(token);
  });

  it('loads a config file and user rules (ajv and yaml are runtime dependencies, not bundled)', () => {
    const dir = path.join(tmp, 'with-config');
    mkdirSync(path.join(dir, 'team-rules'), { recursive: true });
    writeFileSync(path.join(dir, '.tokensprawl.yaml'), 'rules:\n  - ./team-rules\nmaxLifetime: 15m\n');
    writeFileSync(
      path.join(dir, 'team-rules/acme.yaml'),
      [
        'family: acme',
        'rules:',
        '  - id: acme-api-key',
        '    title: Acme API key',
        '    description: A made-up key format for this test.',
        '    severity: high',
        "    pattern: '(?<secret>acme_FAKE[A-Za-z0-9]{16})'",
        '    keywords: [acme_]',
        "    examples: ['ACME_KEY=acme_FAKEq7Rt2mX9kLp4Zb8N']",
        "    negativeExamples: ['ACME_KEY=acme_x']",
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(dir, 'app.env'), 'ACME_KEY=acme_FAKEq7Rt2mX9kLp4Zb8N\n');
    const r = tokensprawl(['dir', dir, '--now', NOW, '--no-progress']);
    expect(r.stderr).not.toMatch(/Cannot find (module|package)/);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/acme-api-key/);
  });
});
