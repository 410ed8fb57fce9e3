// Spawns the built binary on purpose: the pre-commit framework runs the installed hook as a process.
// End to end with the REAL pre-commit framework (https://pre-commit.com; Debian's `pre-commit`,
// which .ci/run installs): it clones this repository, installs the `language: node` hook the way
// it does for every user (`npm install`, `npm pack`, `npm install -g <tarball>`), then runs it on
// a commit. Tests that only ran the hook's command line never saw that the install failed
// (issue 15: npm pack's stdout must carry the tarball's name alone).
// Network: the npm registry only (the hook's dependencies, through npm's cache when warm).
// When pre-commit is missing this FAILS rather than skips: CI must install it.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ROOT } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { isolatedEnv, runGit } from '../helpers/git-repo.js';
import { leakedSecret } from '../helpers/secrets.js';

const INSTALL_TIMEOUT = 900_000; // two hook installs, each an npm install and a build, on a busy machine
const TOKEN = fakeGithubToken('ghp', 'pre-commit-e2e');
const TAG = 'v0.0.0-pre-commit-test';

let tmp: string;
let hookRepo: string; // a git repository holding this working tree as it is now
let env: NodeJS.ProcessEnv;

interface Run {
  status: number;
  out: string;
}

function run(cmd: string, args: string[], cwd: string): Run {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** A throwaway repository with one commit, its own identity and no global git config. */
function workRepo(name: string): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir);
  runGit(dir, ['init', '-q', '-b', 'main']);
  runGit(dir, ['config', 'user.name', 'Pat Precommit']);
  runGit(dir, ['config', 'user.email', 'pat@example.com']);
  writeFileSync(path.join(dir, 'README.md'), '# app\n');
  runGit(dir, ['add', 'README.md']);
  runGit(dir, ['commit', '-q', '-m', 'init']);
  return dir;
}

beforeAll(() => {
  const version = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    throw new Error('pre-commit is not installed: apt-get install -y pre-commit (.ci/run does it); this test must run, not skip');
  }
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tokensprawl-pre-commit-'));
  // Hook installs are cached per store: a private one, so every run installs from scratch.
  // npm: the cache first (no metadata round trip per package), nothing but the install.
  env = isolatedEnv({
    PRE_COMMIT_HOME: path.join(tmp, 'store'),
    PRE_COMMIT_COLOR: 'never',
    NO_COLOR: '1',
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  });
  // The hook repository: this working tree's files (tracked and new, as .gitignore allows, so
  // not dist/ or node_modules/), committed and tagged, as a user's clone of a release would be.
  hookRepo = path.join(tmp, 'tokensprawl');
  const files = runGit(ROOT, ['ls-files', '-z', '--cached', '--others', '--exclude-standard'])
    .split('\0')
    .filter((f) => f !== '');
  for (const f of files) {
    const from = path.join(ROOT, f);
    if (spawnSync('test', ['-e', from]).status !== 0) continue; // deleted, not yet staged
    mkdirSync(path.dirname(path.join(hookRepo, f)), { recursive: true });
    cpSync(from, path.join(hookRepo, f));
  }
  runGit(hookRepo, ['init', '-q', '-b', 'main']);
  runGit(hookRepo, ['add', '-A']);
  runGit(hookRepo, ['-c', 'user.name=Release', '-c', 'user.email=release@example.com', 'commit', '-q', '-m', 'release']);
  runGit(hookRepo, ['tag', TAG]);
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('pre-commit try-repo', () => {
  it(
    'installs the hook from the repository and blocks a staged token, showing the finding redacted',
    () => {
      const dir = workRepo('try-repo');
      writeFileSync(path.join(dir, 'deploy.env'), `GITHUB_TOKEN=${TOKEN}\n`);
      runGit(dir, ['add', 'deploy.env']);
      const r = run('pre-commit', ['try-repo', hookRepo, 'tokensprawl'], dir);
      expect(r.out).not.toMatch(/An unexpected error has occurred|CalledProcessError/);
      expect(r.status, r.out).toBe(1);
      expect(r.out).toMatch(/tokensprawl \(staged bearer tokens\)\.+Failed/);
      expect(r.out).toMatch(/github-pat/);
      expect(r.out).toMatch(/deploy\.env:1:14/);
      expect(r.out).toMatch(/ghp_…/);
      expect(leakedSecret(r.out, [TOKEN])).toBeNull();
    },
    INSTALL_TIMEOUT,
  );
});

describe('.pre-commit-config.yaml pointing at the repository', () => {
  let dir: string;
  beforeAll(() => {
    dir = workRepo('configured');
    writeFileSync(
      path.join(dir, '.pre-commit-config.yaml'),
      ['repos:', `  - repo: ${JSON.stringify(hookRepo)}`, `    rev: ${TAG}`, '    hooks:', '      - id: tokensprawl', ''].join('\n'),
    );
    runGit(dir, ['add', '.pre-commit-config.yaml']);
    runGit(dir, ['commit', '-q', '-m', 'pre-commit config']);
    const installed = run('pre-commit', ['install'], dir);
    expect(installed.status, installed.out).toBe(0);
  });

  it(
    'blocks a commit that stages a token: the finding is shown, nothing is committed',
    () => {
      const head = runGit(dir, ['rev-parse', 'HEAD']).trim();
      writeFileSync(path.join(dir, 'settings.py'), `API = "https://api.github.com"\nTOKEN = "${TOKEN}"\n`);
      runGit(dir, ['add', 'settings.py']);
      const r = run('git', ['commit', '-m', 'add settings'], dir);
      expect(r.out).not.toMatch(/An unexpected error has occurred|CalledProcessError/);
      expect(r.status, r.out).not.toBe(0);
      expect(r.out).toMatch(/github-pat/);
      expect(r.out).toMatch(/settings\.py:2:10/);
      expect(r.out).toMatch(/staged, not committed yet/);
      expect(leakedSecret(r.out, [TOKEN])).toBeNull();
      expect(runGit(dir, ['rev-parse', 'HEAD']).trim()).toBe(head);
    },
    INSTALL_TIMEOUT,
  );

  it(
    'lets a clean commit through',
    () => {
      writeFileSync(path.join(dir, 'settings.py'), 'API = "https://api.github.com"\nTOKEN = os.environ["GITHUB_TOKEN"]\n');
      runGit(dir, ['add', 'settings.py']);
      const r = run('git', ['commit', '-m', 'settings from the environment'], dir);
      expect(r.status, r.out).toBe(0);
      expect(r.out).toMatch(/tokensprawl \(staged bearer tokens\)\.+Passed/);
      expect(runGit(dir, ['log', '-1', '--format=%s'])).toMatch(/settings from the environment/);
    },
    INSTALL_TIMEOUT,
  );
});

// The hook's command line on the inputs pre-commit itself cannot produce, or that users hit by
// hand: one clear line, and the exit code README documents (2: not a repository; 0: nothing to scan).
describe('the hook command on bad input', () => {
  const hook = ['git', '--staged', '--no-progress'];

  it('outside a git repository: one line naming the folder, exit 2', () => {
    const dir = path.join(tmp, 'not-a-repo');
    mkdirSync(dir);
    // GIT_CEILING_DIRECTORIES keeps git from finding a repository above the temp folder
    const r = cli(hook, { cwd: dir, env: { GIT_CEILING_DIRECTORIES: tmp } });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^tokensprawl: not a git repository: /);
  });

  it('nothing staged: says so, exit 0', () => {
    const dir = workRepo('nothing-staged');
    writeFileSync(path.join(dir, 'README.md'), `# app\nTOKEN=${TOKEN}\n`); // changed, not staged
    const r = cli(hook, { cwd: dir, env: { GIT_CEILING_DIRECTORIES: tmp } });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('tokensprawl: note: nothing is staged: nothing to scan (git add the changes first)\n');
    expect(leakedSecret(r.stdout + r.stderr, [TOKEN])).toBeNull();
  });

  it('a repository with no commits yet: the first commit is scanned like any other', () => {
    const dir = path.join(tmp, 'no-commits');
    mkdirSync(dir);
    runGit(dir, ['init', '-q']);
    const empty = cli(hook, { cwd: dir, env: { GIT_CEILING_DIRECTORIES: tmp } });
    expect(empty.status).toBe(0);
    expect(empty.stderr).toMatch(/nothing is staged/);
    writeFileSync(path.join(dir, '.env'), `GITHUB_TOKEN=${TOKEN}\n`);
    runGit(dir, ['add', '.env']);
    const r = cli(hook, { cwd: dir, env: { GIT_CEILING_DIRECTORIES: tmp } });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/github-pat/);
    expect(r.stdout).toMatch(/\.env:1:14/);
    expect(leakedSecret(r.stdout + r.stderr, [TOKEN])).toBeNull();
  });
});
