// Spawns on purpose: the built binary (bin/tokensprawl.cjs, the bundle) once per source, end to end
// with a real process, real stdin pipe and real exit code. Every other command test runs the CLI
// in process (test/helpers/cli.ts runCli); these few catch what only the bundle can break.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, jsonReport } from '../helpers/cli.js';
import { fakeGithubToken, fakeNpmToken } from '../helpers/fake-tokens.js';
import { buildRepo, type TestRepo } from '../helpers/git-repo.js';
import { leakedSecret } from '../helpers/secrets.js';
import { tmpTree } from '../helpers/tmp.js';

const NOW = '2026-01-01T00:00:00Z';
const HISTORY = fakeGithubToken('ghp', 'binary-history');
const STAGED = fakeNpmToken('binary-staged');
const common = ['--format', 'json', '--now', NOW, '--no-progress'];

let repo: TestRepo;
beforeAll(() => {
  // the token is added, then removed: only the history holds it
  repo = buildRepo([{ files: { 'app.env': `GITHUB_TOKEN=${HISTORY}\n` } }, { files: { 'app.env': 'GITHUB_TOKEN=\n' } }]);
});
afterAll(() => repo?.cleanup());

describe('the built binary, once per source', () => {
  it('dir: exit 1 and the finding; a clean tree exits 0', () => {
    const t = tmpTree({ 'src/config.env': `GITHUB_TOKEN=${fakeGithubToken('ghp', 'binary-dir')}\n`, 'clean/a.txt': 'nothing here\n' });
    try {
      const run = cli(['dir', 'src', ...common], { cwd: t.dir });
      expect(run.status).toBe(1);
      expect(jsonReport(run).findings.map((f) => [f.ruleId, f.location.path])).toEqual([['github-pat', 'config.env']]);
      expect(cli(['dir', 'clean', '--no-progress'], { cwd: t.dir }).status).toBe(0);
    } finally {
      t.cleanup();
    }
  });

  it('git: a token removed from HEAD is still found in the history', () => {
    const run = cli(['git', repo.dir, ...common]);
    expect(run.status).toBe(1);
    expect(jsonReport(run).findings.map((f) => [f.ruleId, f.location.path, f.location.commit])).toEqual([['github-pat', 'app.env', repo.commits[0]]]);
    expect(leakedSecret(run.stdout + run.stderr, [HISTORY])).toBeNull();
  });

  it('git --staged: the staged token, exit 1', () => {
    writeFileSync(path.join(repo.dir, 'staged.env'), `NPM_TOKEN=${STAGED}\n`);
    repo.git('add', 'staged.env');
    try {
      const run = cli(['git', repo.dir, '--staged', ...common]);
      expect(run.status).toBe(1);
      expect(jsonReport(run).findings.map((f) => [f.ruleId, f.location.path])).toEqual([['npm-token', 'staged.env']]);
    } finally {
      repo.git('rm', '-q', '--cached', 'staged.env');
    }
  });

  it('ci-log: the token of a job log, exit 1', () => {
    const t = tmpTree({ 'job.log': `2024-05-01T12:00:00.0000000Z deploying with ${fakeGithubToken('ghp', 'binary-ci')}\n` });
    try {
      const run = cli(['ci-log', 'job.log', ...common], { cwd: t.dir });
      expect(run.status).toBe(1);
      expect(jsonReport(run).findings.map((f) => [f.ruleId, f.location.line])).toEqual([['github-pat', 1]]);
    } finally {
      t.cleanup();
    }
  });

  it('queue: the token inside a message of an NDJSON dump, exit 1', () => {
    const t = tmpTree({ 'events.ndjson': `${JSON.stringify({ topic: 'deploys', offset: 7, value: JSON.stringify({ token: fakeNpmToken('binary-queue') }) })}\n` });
    try {
      const run = cli(['queue', 'events.ndjson', ...common], { cwd: t.dir });
      expect(run.status).toBe(1);
      expect(jsonReport(run).findings.map((f) => f.ruleId)).toEqual(['npm-token']);
    } finally {
      t.cleanup();
    }
  });

  it('stdin: a real pipe; a token exits 1, nothing exits 0', () => {
    const run = cli(['stdin', ...common], { input: `export GITHUB_TOKEN=${fakeGithubToken('ghp', 'binary-stdin')}\n` });
    expect(run.status).toBe(1);
    expect(jsonReport(run).findings.map((f) => f.ruleId)).toEqual(['github-pat']);
    expect(cli(['stdin', '--no-progress'], { input: 'nothing here\n' }).status).toBe(0);
  });
});
