// `git --staged`: the owners of a staged credential are the working tree's CODEOWNERS (what the
// commit will carry; read from disk, no git process) and the author-to-be from git's own config.
import { symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, jsonReport } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { buildRepo, type TestRepo } from '../helpers/git-repo.js';

const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

function stagedRepo(): { repo: TestRepo; token: string } {
  const repo = buildRepo([{ files: { '.github/CODEOWNERS': '* @acme/at-head\n', 'README.md': 'hi\n' } }]);
  repos.push(repo);
  const token = fakeGithubToken('ghp', 'staged-owners');
  writeFileSync(path.join(repo.dir, 'deploy.env'), `GITHUB_TOKEN=${token}\n`);
  repo.git('add', 'deploy.env');
  return { repo, token };
}

describe('git --staged owners', () => {
  it('come from the working tree CODEOWNERS, not HEAD, and from the author git would record', async () => {
    const { repo, token } = stagedRepo();
    writeFileSync(path.join(repo.dir, '.github/CODEOWNERS'), '* @acme/working-tree\n');
    const run = await runCli(['git', repo.dir, '--staged', '--format', 'json', '--no-progress']);
    expect(run.status).toBe(1);
    expect(run.stdout).not.toContain(token);
    const cred = (jsonReport(run).credentials ?? []).find((c) => c.ruleId === 'github-pat');
    expect(cred?.owners.map((o) => `${o.kind}:${o.name}`)).toEqual(expect.arrayContaining(['codeowners:@acme/working-tree']));
    expect(cred?.owners.some((o) => o.name === '@acme/at-head')).toBe(false);
    expect(cred?.owners.some((o) => o.kind === 'author')).toBe(true);
  });

  it('a CODEOWNERS that is a symlink is not followed (no owners from it, no error)', async () => {
    const { repo } = stagedRepo();
    const target = path.join(repo.dir, '.github/CODEOWNERS');
    unlinkSync(target);
    writeFileSync(path.join(repo.dir, 'elsewhere'), '* @acme/elsewhere\n');
    symlinkSync('../elsewhere', target);
    const run = await runCli(['git', repo.dir, '--staged', '--format', 'json', '--no-progress']);
    const report = jsonReport(run);
    expect(report.errors).toEqual([]);
    const cred = (report.credentials ?? []).find((c) => c.ruleId === 'github-pat');
    expect(cred?.owners.some((o) => o.kind === 'codeowners')).toBe(false);
  });
});
