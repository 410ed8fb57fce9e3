// `scan` over several repositories and folders at once: each is its own root, so its files keep
// apart in the report (r1/…, r2/…), and each finding is judged by its own source: still at its
// repository's HEAD or not, owned by its own CODEOWNERS.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonReport, runCli } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { buildRepo, type TestRepo } from '../helpers/git-repo.js';
import { tmpTrees } from '../helpers/tmp.js';

const { tree } = tmpTrees(afterEach);
const repos: TestRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

describe('scan over several roots', () => {
  it('two repositories and two folders: paths under each root, at-HEAD and CODEOWNERS per source', async () => {
    const token = fakeGithubToken('ghp', 'multi-root');
    const cwd = tree({ 'a/CODEOWNERS': '* @team-a\n', 'a/x.env': `T=${token}\n`, 'b/CODEOWNERS': '* @team-b\n', 'b/y.env': `T=${token}\n` });
    for (const name of ['r1', 'r2']) mkdirSync(path.join(cwd, name));
    const r1 = buildRepo([{ files: { CODEOWNERS: '* @r1-team\n', 'x.env': `T=${token}\n` } }], { dir: path.join(cwd, 'r1') });
    // r2: the same file name, the token removed again (history only)
    const r2 = buildRepo([{ files: { CODEOWNERS: '* @r2-team\n', 'x.env': `T=${token}\n` } }, { files: { 'x.env': 'T=\n' } }], { dir: path.join(cwd, 'r2') });
    repos.push(r1, r2);
    const run = await runCli(['scan', '--git', 'r1', '--git', 'r2', '--dir', 'a', '--dir', 'b', '--format', 'json', '--no-progress'], { cwd });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const report = jsonReport(run);
    expect(report.scan.targets).toEqual(['dir:a', 'dir:b', 'git:r1', 'git:r2']);
    const byPath = new Map(report.findings.map((f) => [`${f.location.source}:${f.location.path}`, f]));
    expect([...byPath.keys()].sort()).toEqual(['dir:a/x.env', 'dir:b/y.env', 'git:r1/x.env', 'git:r2/x.env']);
    expect(byPath.get('git:r1/x.env')?.presentAtHead).toBe(true);
    expect(byPath.get('git:r2/x.env')?.presentAtHead).toBe(false);
    const owners = (key: string): string[] => (byPath.get(key)?.owners ?? []).map((o) => `${o.name} (${o.via})`);
    expect(owners('dir:a/x.env')).toEqual(['@team-a (a/CODEOWNERS:1)']);
    expect(owners('dir:b/y.env')).toEqual(['@team-b (b/CODEOWNERS:1)']);
    expect(owners('git:r1/x.env')).toEqual(['@r1-team (r1/CODEOWNERS:1)']);
    expect(owners('git:r2/x.env')).toEqual(['@r2-team (r2/CODEOWNERS:1)']);
    const [cred] = report.credentials ?? [];
    expect(cred?.places).toHaveLength(4);
    expect(cred?.atHead).toBe(true);
    expect(run.stdout).not.toContain(token);
  });

  it('one repository: paths stay relative to it, as with `git`', async () => {
    const token = fakeGithubToken('ghp', 'multi-root-one');
    const r = buildRepo([{ files: { '.github/CODEOWNERS': '* @only\n', 'x.env': `T=${token}\n` } }]);
    repos.push(r);
    const report = jsonReport(await runCli(['scan', '--git', r.dir, '--format', 'json', '--no-progress'], { cwd: r.dir }));
    expect(report.findings.map((f) => [f.location.path, f.presentAtHead, f.owners?.map((o) => o.via)])).toEqual([['x.env', true, ['.github/CODEOWNERS:1']]]);
  });
});
