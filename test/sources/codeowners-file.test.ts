import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readCodeownersFromDir, readCodeownersFromGit } from '../../src/sources/codeowners-file.js';
import { buildRepo } from '../helpers/git-repo.js';
import { tmpTrees } from '../helpers/tmp.js';

const { tree, track } = tmpTrees(afterEach);

describe('reading CODEOWNERS', () => {
  it('takes the first of .github/, the root, docs/, .gitlab/', async () => {
    const dir = tree({ 'CODEOWNERS': '* @root\n', 'docs/CODEOWNERS': '* @docs\n', '.gitlab/CODEOWNERS': '* @gitlab\n' });
    expect(await readCodeownersFromDir(dir)).toEqual({ file: 'CODEOWNERS', text: '* @root\n' });
    expect(await readCodeownersFromDir(tree({ '.gitlab/CODEOWNERS': '[S] @g\n' }))).toEqual({ file: '.gitlab/CODEOWNERS', text: '[S] @g\n' });
    expect(await readCodeownersFromDir(tree({ 'README.md': 'x' }))).toBeUndefined();
  });

  it('does not follow a symlink, skips a folder of that name, and reads at most a little over 3 MB', async () => {
    const outside = tree({ 'secret.txt': '* @outside\n' });
    const dir = tree({ 'docs/CODEOWNERS': '* @docs\n' });
    mkdirSync(path.join(dir, '.github'));
    symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, '.github', 'CODEOWNERS'));
    mkdirSync(path.join(dir, 'CODEOWNERS'));
    expect(await readCodeownersFromDir(dir)).toEqual({ file: 'docs/CODEOWNERS', text: '* @docs\n' });
    const big = await readCodeownersFromDir(tree({ CODEOWNERS: 'x'.repeat(4 * 1024 * 1024) }));
    expect(big && 'text' in big ? big.text.length : 0).toBe(3 * 1024 * 1024 + 1);
  });

  it('reads HEAD of a repository, not the working tree', async () => {
    const repo = buildRepo([{ files: { '.github/CODEOWNERS': '* @at-head\n' } }]);
    track(repo.cleanup);
    expect(await readCodeownersFromGit(repo.dir)).toEqual({ file: '.github/CODEOWNERS', text: '* @at-head\n' });
    const empty = buildRepo([{ files: { 'a.txt': 'a' } }]);
    track(empty.cleanup);
    expect(await readCodeownersFromGit(empty.dir)).toBeUndefined();
  });

  it('in a repository, skips a folder or a symlink of that name, takes the next location, and has none without commits', async () => {
    const repo = buildRepo([{ files: { 'CODEOWNERS/x': 'x', 'docs/CODEOWNERS': '* @docs\n', '.gitlab/CODEOWNERS': '* @gitlab\n' } }]);
    track(repo.cleanup);
    mkdirSync(path.join(repo.dir, '.github'));
    symlinkSync('../docs/CODEOWNERS', path.join(repo.dir, '.github', 'CODEOWNERS'));
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'a symlinked CODEOWNERS');
    expect(await readCodeownersFromGit(repo.dir)).toEqual({ file: 'docs/CODEOWNERS', text: '* @docs\n' });
    expect(await readCodeownersFromGit(tree({ 'CODEOWNERS': '* @x\n' }))).toBeUndefined(); // not a repository
  });
});
