import { shardOf } from '../../src/core/shard.js';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TargetError, UsageError } from '../../src/core/errors.js';
import type { Fragment, Source, SourceItem } from '../../src/core/types.js';
import { gitSource, headPresence, openRepository, presentAtHead, STAGED_COMMIT, type GitOptions } from '../../src/sources/git.js';
import { authorIdent, openStagedRepository } from '../../src/sources/git-provenance.js';
import { DiffParser, parseDiffPath, parseHunkHeader, unquoteC } from '../../src/sources/git-diff.js';
import { buildRepo, DEFAULT_AUTHOR, runGit, writeFiles, type CommitStep, type TestRepo } from '../helpers/git-repo.js';

/** A visibly fake, high-entropy token, the same for the same name on every run. */
function fakeToken(name: string): string {
  return `FAKE_${createHash('sha256').update(name).digest('hex').slice(0, 32)}_EXAMPLE`;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function repo(steps: CommitStep[]): TestRepo {
  const r = buildRepo(steps);
  cleanups.push(r.cleanup);
  return r;
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tokensprawl-git-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

async function collect(source: Source): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of source) items.push(item);
  return items;
}

async function scanRepo(dir: string, opts: GitOptions = {}): Promise<SourceItem[]> {
  const { root } = await openRepository(dir);
  return collect(gitSource(root, opts));
}

function fragments(items: SourceItem[]): Fragment[] {
  return items.flatMap((i) => (i.type === 'fragment' ? [i.fragment] : []));
}

function containing(items: SourceItem[], text: string): Fragment[] {
  return fragments(items).filter((f) => f.text.includes(text));
}

function statSum(items: SourceItem[], key: 'commits' | 'bytes' | 'binarySkipped'): number {
  return items.reduce((n, i) => n + (i.type === 'stat' ? (i[key] ?? 0) : 0), 0);
}

function gitProv(f: Fragment): { path: string; commit: string; author: string; date: string } {
  if (f.provenance.kind !== 'git') throw new Error(`not a git fragment: ${f.provenance.kind}`);
  return f.provenance;
}

describe('openRepository', () => {
  it('finds the top level from a sub-folder, knows HEAD', async () => {
    const r = repo([{ files: { 'a/b/c.txt': 'x\n' } }]);
    const info = await openRepository(join(r.dir, 'a', 'b'));
    expect(info.root).toBe(r.git('rev-parse', '--show-toplevel').trim());
    expect(info.head).toBe(r.commits[0]);
    expect(info.shallow).toBe(false);
  });

  it('reports an unborn HEAD as null', async () => {
    const dir = tempDir();
    runGit(dir, ['init', '-q', '-b', 'main']);
    expect((await openRepository(dir)).head).toBeNull();
  });

  it('throws TargetError naming a folder that is not a repository', async () => {
    const dir = tempDir();
    const err = await openRepository(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect((err as Error).message).toBe(`not a git repository: ${dir}`);
  });

  it('throws TargetError for a path that does not exist', async () => {
    const missing = join(tempDir(), 'nope');
    await expect(openRepository(missing)).rejects.toThrow(new TargetError(`not a git repository: ${missing}`));
  });
});

describe('openStagedRepository', () => {
  it('takes the folder holding .git as the root without asking git (where git runs hooks)', async () => {
    const dir = tempDir();
    runGit(dir, ['init', '-q', '-b', 'main']);
    expect((await openStagedRepository(dir, {})).root).toBe(runGit(dir, ['rev-parse', '--show-toplevel']).trim());
  });

  it('asks git from a sub-folder, or when GIT_DIR moves the repository', async () => {
    const r = repo([{ files: { 'a/b/c.txt': 'x\n' } }]);
    const top = r.git('rev-parse', '--show-toplevel').trim();
    expect((await openStagedRepository(join(r.dir, 'a', 'b'), {})).root).toBe(top);
    // GIT_DIR set: git, not the folder, decides; the answer then has HEAD, which only git knows
    expect((await openStagedRepository(r.dir, { GIT_DIR: join(r.dir, '.git') })).head).toBe(r.commits[0]);
  });

  it('passes over a planted .git folder that git itself would skip', async () => {
    const r = repo([{ files: { 'sub/x.txt': 'x\n' } }]);
    mkdirSync(join(r.dir, 'sub', '.git'));
    // git ignores sub/.git (no HEAD, objects, refs) and uses the repository above: so must we
    expect((await openStagedRepository(join(r.dir, 'sub'), {})).root).toBe(r.git('rev-parse', '--show-toplevel').trim());
    const lone = tempDir();
    mkdirSync(join(lone, '.git'));
    await expect(openStagedRepository(lone, {})).rejects.toThrow(new TargetError(`not a git repository: ${lone}`));
  });

  it('still fails on a folder that is not a repository', async () => {
    const dir = tempDir();
    await expect(openStagedRepository(dir, {})).rejects.toThrow(new TargetError(`not a git repository: ${dir}`));
  });
});

describe('authorIdent', () => {
  it('takes the author git commit exports to its hooks, as git var would print it', async () => {
    const dir = tempDir();
    runGit(dir, ['init', '-q', '-b', 'main']);
    runGit(dir, ['config', 'user.name', 'Config Name']);
    runGit(dir, ['config', 'user.email', 'config@example.com']);
    expect(await authorIdent(dir, { GIT_AUTHOR_NAME: 'Hook Author', GIT_AUTHOR_EMAIL: 'hook@example.com' })).toBe('Hook Author <hook@example.com>');
    // what git itself prints for the same environment
    const viaGit = runGit(dir, ['var', 'GIT_AUTHOR_IDENT'], { GIT_AUTHOR_NAME: 'Hook Author', GIT_AUTHOR_EMAIL: 'hook@example.com' }).replace(/ \d+ [+-]\d{4}\n?$/, '');
    expect(viaGit).toBe('Hook Author <hook@example.com>');
  });

  it('asks git when the environment lacks the author or holds what git would rewrite', async () => {
    const dir = tempDir();
    runGit(dir, ['init', '-q', '-b', 'main']);
    runGit(dir, ['config', 'user.name', 'Config Name']);
    runGit(dir, ['config', 'user.email', 'config@example.com']);
    expect(await authorIdent(dir, {})).toBe('Config Name <config@example.com>');
    expect(await authorIdent(dir, { GIT_AUTHOR_NAME: 'Only Name' })).toBe('Config Name <config@example.com>');
    expect(await authorIdent(dir, { GIT_AUTHOR_NAME: 'a<b>', GIT_AUTHOR_EMAIL: 'x@example.com' })).not.toContain('a<b>');
    expect(await authorIdent(dir, { GIT_AUTHOR_NAME: ' Padded. ', GIT_AUTHOR_EMAIL: 'x@example.com' })).not.toContain(' Padded. ');
  });
});

describe('gitSource: history', () => {
  it('emits a secret that was added then deleted, at the adding commit, with provenance', async () => {
    const t = fakeToken('deleted');
    const r = repo([
      { files: { 'README.md': 'hello\n' } },
      {
        files: { 'config/app.env': `NAME=demo\nTOKEN=${t}\n` },
        author: { name: 'Bob Builder', email: 'bob@example.com' },
        date: '2024-03-04T05:06:07+02:00',
      },
      { files: { 'config/app.env': null } },
    ]);
    const items = await scanRepo(r.dir);
    const hits = containing(items, t);
    expect(hits).toHaveLength(1);
    const f = hits[0]!;
    expect(gitProv(f)).toEqual({
      kind: 'git',
      path: 'config/app.env',
      commit: r.commits[1],
      author: 'Bob Builder <bob@example.com>',
      date: '2024-03-04T03:06:07.000Z',
    });
    expect(f.line).toBe(1);
    expect(f.column).toBe(1);
    expect(f.text).toBe(`NAME=demo\nTOKEN=${t}`);
    expect(statSum(items, 'commits')).toBe(3);
  });

  it('gives the new-file line number of a run of added lines in the middle of a file', async () => {
    const t = fakeToken('middle');
    const r = repo([
      { files: { 'app.cfg': 'a\nb\nc\nd\n' } },
      { files: { 'app.cfg': `a\nb\nx=1\ntoken=${t}\nc\nd\n` } },
    ]);
    const [f, ...rest] = containing(await scanRepo(r.dir), t);
    expect(rest).toHaveLength(0);
    expect(f?.line).toBe(3);
    expect(f?.text).toBe(`x=1\ntoken=${t}`);
    expect(gitProv(f!).commit).toBe(r.commits[1]);
  });

  it('emits a secret kept across many commits once', async () => {
    const t = fakeToken('kept');
    const steps: CommitStep[] = [{ files: { 'settings.ini': `[auth]\ntoken=${t}\ncounter=0\n` } }];
    for (let i = 1; i <= 12; i++) steps.push({ files: { 'settings.ini': `[auth]\ntoken=${t}\ncounter=${i}\n` } });
    const r = repo(steps);
    const items = await scanRepo(r.dir);
    expect(containing(items, t).map((f) => gitProv(f).commit)).toEqual([r.commits[0]]);
    expect(containing(items, 'counter=12')).toHaveLength(1);
    expect(statSum(items, 'commits')).toBe(13);
  });

  it('scans side branches and tag-only commits, every ref', async () => {
    const onBranch = fakeToken('branch');
    const onTag = fakeToken('tag');
    const r = repo([
      { files: { 'a.txt': 'base\n' } },
      { branch: 'feature', files: { 'feature.txt': `k=${onBranch}\n` } },
      { branch: 'scratch', from: 'main', files: { 'tagged.txt': `k=${onTag}\n` }, tag: 'v0.0.1-scratch' },
      { branch: 'main', files: { 'a.txt': 'base\nmore\n' }, after: [['branch', '-D', 'scratch']] },
    ]);
    expect(r.git('branch', '--list', 'scratch').trim()).toBe('');
    const items = await scanRepo(r.dir);
    expect(containing(items, onBranch).map((f) => gitProv(f).commit)).toEqual([r.commits[1]]);
    expect(containing(items, onTag).map((f) => gitProv(f).commit)).toEqual([r.commits[2]]);
  });

  it('yields parents before children', async () => {
    const r = repo([{ files: { 'a.txt': '1\n' } }, { files: { 'a.txt': '2\n' } }, { files: { 'a.txt': '3\n' } }]);
    const commits = fragments(await scanRepo(r.dir)).map((f) => gitProv(f).commit);
    expect(commits).toEqual(r.commits);
  });

  it('merges: side-branch content once at its commit, evil-merge content at the merge', async () => {
    const side = fakeToken('side');
    const mainT = fakeToken('main');
    const evil = fakeToken('evil');
    const r = repo([
      { files: { 'conf.txt': 'one\ntwo\n' } },
      { branch: 'feature', files: { 'conf.txt': `one\ntwo\nside=${side}\n`, 'side-only.txt': `s=${side}\n` } },
      { branch: 'main', files: { 'conf.txt': `main=${mainT}\none\ntwo\n` } },
      {
        merge: 'feature',
        files: { 'conf.txt': `main=${mainT}\none\ntwo\nside=${side}\nevil=${evil}\n`, 'merge-added.txt': `e=${evil}\n` },
      },
    ]);
    const items = await scanRepo(r.dir);
    const merge = r.commits[3];
    expect(r.git('rev-list', '--parents', '-n1', 'HEAD').trim().split(' ')).toHaveLength(3);
    expect(containing(items, side).map((f) => gitProv(f).commit)).toEqual([r.commits[1], r.commits[1]]);
    expect(containing(items, mainT).map((f) => gitProv(f).commit)).toEqual([r.commits[2]]);
    const evilHits = containing(items, evil);
    expect(evilHits.map((f) => [gitProv(f).commit, gitProv(f).path, f.line, f.text])).toEqual(
      expect.arrayContaining([
        [merge, 'conf.txt', 5, `evil=${evil}`],
        [merge, 'merge-added.txt', 1, `e=${evil}`],
      ]),
    );
    expect(evilHits).toHaveLength(2);
    expect(statSum(items, 'commits')).toBe(4);
  });

  it('renames: an unchanged secret is not emitted again under the new path', async () => {
    const t = fakeToken('rename');
    const body = `# service credentials\nuser=svc\ntoken=${t}\nregion=eu-west-1\nretries=3\n`;
    const r = repo([
      { files: { 'secrets.txt': body } },
      { renames: { 'secrets.txt': 'config/moved secrets.txt' } },
      { renames: { 'config/moved secrets.txt': 'config/final.txt' }, files: { 'config/final.txt': `${body}timeout=30\n` } },
    ]);
    const items = await scanRepo(r.dir);
    expect(containing(items, t).map((f) => gitProv(f).path)).toEqual(['secrets.txt']);
    const later = containing(items, 'timeout=30');
    expect(later.map((f) => [gitProv(f).path, f.line])).toEqual([['config/final.txt', 6]]);
  });

  it('paths with spaces, unicode, quotes, backslashes and tabs come out right', async () => {
    const names = ['dir with space/file name.txt', 'ünïcödé/ü.txt', 'say "hi".txt', 'back\\slash.txt', 'tab\there.txt'];
    const files = Object.fromEntries(names.map((n) => [n, `token=${fakeToken(n)}\n`]));
    const r = repo([{ files }, { files: Object.fromEntries(names.map((n) => [n, `token=${fakeToken(n)}\nmore\n`])) }]);
    const items = await scanRepo(r.dir);
    for (const n of names) {
      expect(containing(items, fakeToken(n)).map((f) => gitProv(f).path)).toEqual([n]);
      expect(containing(items, 'more').map((f) => gitProv(f).path)).toContain(n);
    }
  });

  it('skips binary files and counts them', async () => {
    const t = fakeToken('binary');
    const blob = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), Buffer.from(`key=${t}`)]);
    const r = repo([{ files: { 'logo.png': blob, 'notes.txt': 'plain\n' } }, { files: { 'logo.png': Buffer.concat([blob, blob]) } }]);
    const items = await scanRepo(r.dir);
    expect(containing(items, t)).toHaveLength(0);
    expect(containing(items, 'plain')).toHaveLength(1);
    expect(statSum(items, 'binarySkipped')).toBe(2);
  });

  it('cuts a huge added line into bounded, overlapping fragments that keep positions', async () => {
    const t = fakeToken('long-line');
    const filler = 'x'.repeat(5000);
    const r = repo([{ files: { 'min.js': `head\n${filler}${t}${filler}\ntail\n` } }]);
    const items = await scanRepo(r.dir, { chunkChars: 1000, overlap: 100 });
    const frags = fragments(items);
    expect(Math.max(...frags.map((f) => f.text.length))).toBeLessThanOrEqual(1100);
    expect(frags.slice(0, -1).every((f) => f.acceptBefore === 1000)).toBe(true);
    const hit = frags.find((f) => {
      const i = f.text.indexOf(t);
      return i !== -1 && i < (f.acceptBefore ?? Infinity);
    });
    expect(hit).toBeDefined();
    // position of the token: line 2, column 5001
    const offset = hit!.text.indexOf(t);
    const before = hit!.text.slice(0, offset);
    const nl = before.lastIndexOf('\n');
    const line = hit!.line + (before.match(/\n/g)?.length ?? 0);
    const column = nl === -1 ? hit!.column + offset : offset - nl;
    expect([line, column]).toEqual([2, 5001]);
    // reassembled text is exactly the added content
    let whole = '';
    for (const f of frags) whole += f.acceptBefore === undefined ? f.text : f.text.slice(0, f.acceptBefore);
    expect(whole).toBe(`head\n${filler}${t}${filler}\ntail`);
    expect(statSum(items, 'bytes')).toBe(Buffer.byteLength(`head\n${filler}${t}${filler}\ntail\n`));
  });

  it('since: only commits not reachable from the revision, across all refs', async () => {
    const old = fakeToken('old');
    const fresh = fakeToken('fresh');
    const sideT = fakeToken('side-since');
    const r = repo([
      { files: { 'a.txt': `k=${old}\n` }, tag: 'v1' },
      { files: { 'b.txt': `k=${fresh}\n` } },
      { branch: 'other', from: 'v1', files: { 'c.txt': `k=${sideT}\n` } },
    ]);
    const items = await scanRepo(r.dir, { since: 'v1' });
    expect(containing(items, old)).toHaveLength(0);
    expect(containing(items, fresh)).toHaveLength(1);
    expect(containing(items, sideT)).toHaveLength(1);
    expect(statSum(items, 'commits')).toBe(2);
  });

  it('since: an unknown revision is a usage error', async () => {
    const r = repo([{ files: { 'a.txt': 'a\n' } }]);
    await expect(scanRepo(r.dir, { since: 'no-such-ref' })).rejects.toBeInstanceOf(UsageError);
    await expect(scanRepo(r.dir, { since: '--all' })).rejects.toBeInstanceOf(UsageError);
  });

  it('maxCommits keeps the most recent commits', async () => {
    const r = repo([{ files: { 'a.txt': '1\n' } }, { files: { 'a.txt': '2\n' } }, { files: { 'a.txt': '3\n' } }]);
    const items = await scanRepo(r.dir, { maxCommits: 2 });
    expect(statSum(items, 'commits')).toBe(2);
    expect(fragments(items).map((f) => gitProv(f).commit)).toEqual(r.commits.slice(1));
  });

  it('shards partition the commits by hash', async () => {
    const steps: CommitStep[] = Array.from({ length: 12 }, (_, i) => ({ files: { [`f${i}.txt`]: `v${i}\n` } }));
    const r = repo(steps);
    const seen: string[][] = [];
    for (let index = 1; index <= 3; index++) {
      const items = await scanRepo(r.dir, { shard: { index, count: 3 } });
      const commits = fragments(items).map((f) => gitProv(f).commit);
      expect(statSum(items, 'commits')).toBe(commits.length);
      for (const c of commits) expect(shardOf(c, 3)).toBe(index);
      seen.push(commits);
    }
    expect(seen.flat().sort()).toEqual([...r.commits].sort());
  });

  it('includes stash entries, older ones too', async () => {
    const first = fakeToken('stash-1');
    const second = fakeToken('stash-2');
    const r = repo([{ files: { 'app.env': 'A=1\n' } }]);
    writeFiles(r.dir, { 'app.env': `A=1\nT=${first}\n` });
    r.git('stash', 'push', '-q');
    writeFiles(r.dir, { 'app.env': `A=1\nU=${second}\n` });
    r.git('stash', 'push', '-q');
    const items = await scanRepo(r.dir);
    expect(containing(items, first)).toHaveLength(1);
    expect(containing(items, second)).toHaveLength(1);
  });

  it('shallow clone: scans what is there and notes the boundary', async () => {
    const old = fakeToken('before-boundary');
    const kept = fakeToken('at-boundary');
    const r = repo([
      { files: { 'a.txt': `old=${old}\n` } },
      { files: { 'a.txt': null, 'b.txt': `kept=${kept}\n` } },
      { files: { 'c.txt': 'latest\n' } },
    ]);
    const clone = join(tempDir(), 'clone');
    runGit(tempDir(), ['clone', '-q', '--depth', '1', `file://${r.dir}`, clone]);
    const info = await openRepository(clone);
    expect(info.shallow).toBe(true);
    const items = await scanRepo(clone);
    expect(items).toContainEqual({ type: 'note', message: `shallow clone: history before ${r.commits[2]} is not scanned` });
    expect(containing(items, old)).toHaveLength(0);
    expect(containing(items, kept).map((f) => gitProv(f).commit)).toEqual([r.commits[2]]);
    expect(statSum(items, 'commits')).toBe(1);
  });

  it('an unreadable object is an error item and the scan goes on', async () => {
    const lost = fakeToken('lost');
    const later = fakeToken('later');
    const r = repo([
      { files: { 'a.txt': 'start\n' } },
      { files: { 'a.txt': `start\nlost=${lost}\n` } },
      // a.txt changes again (its diff needs the lost blob too); the work tree must not hold
      // the lost blob, or git would read it from there
      { files: { 'a.txt': 'start\n' } },
      { files: { 'b.txt': `later=${later}\n` } },
    ]);
    const blob = r.git('rev-parse', `${r.commits[1]}:a.txt`).trim();
    rmSync(join(r.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    const items = await scanRepo(r.dir);
    const errors = items.flatMap((i) => (i.type === 'error' ? [i.error.message] : []));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain(blob);
    expect(errors[0]).toContain(r.commits[1]);
    expect(errors[1]).toContain(r.commits[2]);
    expect(containing(items, later).map((f) => gitProv(f).commit)).toEqual([r.commits[3]]);
    expect(containing(items, lost)).toHaveLength(0);
    expect(statSum(items, 'commits')).toBe(4);
  });

  it('goes on after a first commit whose tree cannot be read (git printed nothing for it)', async () => {
    const later = fakeToken('after-broken-root');
    const r = repo([{ files: { 'a.txt': 'start\n' } }, { files: { 'b.txt': 'more\n' } }, { files: { 'c.txt': `later=${later}\n` } }]);
    const tree = r.git('rev-parse', `${r.commits[0]}^{tree}`).trim();
    rmSync(join(r.dir, '.git', 'objects', tree.slice(0, 2), tree.slice(2)));
    const items = await scanRepo(r.dir);
    const errors = items.flatMap((i) => (i.type === 'error' ? [i.error.message] : []));
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]).toContain(r.commits[0]);
    expect(containing(items, later).map((f) => gitProv(f).commit)).toEqual([r.commits[2]]);
  });

  it('scans a bare repository', async () => {
    const t = fakeToken('bare');
    const r = repo([{ files: { 'a.txt': `k=${t}\n` } }]);
    const bare = join(tempDir(), 'bare.git');
    runGit(tempDir(), ['clone', '-q', '--bare', r.dir, bare]);
    const info = await openRepository(bare);
    expect(info.root).toBe(bare);
    expect(info.head).toBe(r.commits[0]);
    expect(containing(await scanRepo(bare), t).map((f) => gitProv(f).commit)).toEqual([r.commits[0]]);
  });

  it('an empty repository yields nothing', async () => {
    const dir = tempDir();
    runGit(dir, ['init', '-q', '-b', 'main']);
    expect(await scanRepo(dir)).toEqual([]);
  });

  it('stops git when the consumer stops early', async () => {
    const r = repo(Array.from({ length: 5 }, (_, i) => ({ files: { [`f${i}.txt`]: `v${i}\n` } })));
    const { root } = await openRepository(r.dir);
    let n = 0;
    for await (const item of gitSource(root, {})) if (item.type === 'fragment' && ++n === 2) break;
    expect(n).toBe(2);
  });
});

describe('gitSource: staged', () => {
  it('emits only what is staged, as the all-zero commit, with the configured author', async () => {
    const old = fakeToken('committed');
    const staged = fakeToken('staged');
    const r = repo([{ files: { 'a.txt': `old=${old}\nx\n` } }]);
    writeFiles(r.dir, { 'a.txt': `old=${old}\nx\nnew=${staged}\n`, 'unstaged.txt': `u=${fakeToken('unstaged')}\n` });
    r.git('add', 'a.txt');
    const items = await scanRepo(r.dir, { staged: true });
    expect(containing(items, old)).toHaveLength(0);
    expect(containing(items, fakeToken('unstaged'))).toHaveLength(0);
    const [f, ...rest] = containing(items, staged);
    expect(rest).toHaveLength(0);
    const p = gitProv(f!);
    expect(p.commit).toBe(STAGED_COMMIT);
    expect(p.path).toBe('a.txt');
    expect(p.author).toBe(`${DEFAULT_AUTHOR.name} <${DEFAULT_AUTHOR.email}>`);
    expect(Number.isNaN(Date.parse(p.date))).toBe(false);
    expect(f!.line).toBe(3);
    expect(statSum(items, 'commits')).toBe(0);
  });

  it('works in a repository without commits (compares with the empty tree)', async () => {
    const dir = tempDir();
    runGit(dir, ['init', '-q', '-b', 'main']);
    const t = fakeToken('first-commit');
    writeFiles(dir, { 'new file.env': `T=${t}\n` });
    runGit(dir, ['add', '-A']);
    const items = await scanRepo(dir, { staged: true });
    expect(containing(items, t).map((f) => gitProv(f).path)).toEqual(['new file.env']);
  });
});

describe('git starts when the source is made', () => {
  it('loses nothing when git has finished before the source is read', async () => {
    const t = fakeToken('early-start');
    const r = repo([{ files: { 'a.env': `T=${t}\n` } }, { files: { 'b.txt': 'two\n' } }]);
    const { root } = await openRepository(r.dir);
    const source = gitSource(root, {});
    // Both git processes have exited: their output must still be there.
    await source.exited();
    const items = await collect(source);
    expect(containing(items, t).map((f) => gitProv(f).path)).toEqual(['a.env']);
    expect(items.filter((i) => i.type === 'stat').reduce((n, i) => n + (i.type === 'stat' ? (i.commits ?? 0) : 0), 0)).toBe(2);
  });

  it('close() stops a source that is never read', async () => {
    const r = repo([{ files: { 'a.txt': 'one\n' } }]);
    const { root } = await openRepository(r.dir);
    const source = gitSource(root, {});
    source.close();
    source.close();
    // what was started is gone; reading a new walk still works
    const items = await collect(gitSource(root, {}));
    expect(items.some((i) => i.type === 'fragment')).toBe(true);
  });
});

describe('headPresence', () => {
  it('checks secrets seen before and after their path was answered, and paths not at HEAD', async () => {
    const early = fakeToken('presence-early');
    const late = fakeToken('presence-late');
    const gone = fakeToken('presence-gone');
    const r = repo([{ files: { 'a.txt': `${early}\n${late}\n${gone}\n`, 'old.txt': `${early}\n` } }, { files: { 'a.txt': `${early}\n${late}\n`, 'old.txt': null } }]);
    const presence = headPresence(r.dir);
    try {
      presence.observe('a.txt', early);
      presence.observe('old.txt', early);
      // cat-file has answered a.txt before the next secret of that path shows up
      await presence.idle();
      presence.observe('a.txt', late);
      const answers = await presence.lookup([
        { path: 'a.txt', secrets: [early, late, gone] },
        { path: 'old.txt', secrets: [early] },
        { path: 'never-observed.txt', secrets: [early] },
      ]);
      expect(answers).toEqual([[true, true, false], [false], [false]]);
    } finally {
      presence.close();
    }
  });
});

describe('headPresence with a large blob', () => {
  it('finds a secret at the end of a 3 MB file at HEAD and in a small file after it', async () => {
    const t = fakeToken('at-the-end');
    const u = fakeToken('small-after');
    const r = repo([{ files: { 'big.txt': `${'x'.repeat(3_000_000)}\n${t}\n`, 'small.txt': `${u}\n` } }]);
    expect(await presentAtHead(r.dir, [{ path: 'big.txt', secrets: [t, u] }, { path: 'small.txt', secrets: [u] }])).toEqual([[true, false], [true]]);
  });
});

describe('presentAtHead', () => {
  it('tells which secrets are still in the path at HEAD', async () => {
    const gone = fakeToken('gone');
    const still = fakeToken('still');
    const r = repo([{ files: { 'a.txt': `${gone}\n${still}\n` } }, { files: { 'a.txt': `${still}\n` } }]);
    expect(
      await presentAtHead(r.dir, [
        { path: 'a.txt', secrets: [gone, still] },
        { path: 'missing.txt', secrets: [still] },
        { path: 'a.txt', secrets: [still] },
      ]),
    ).toEqual([[false, true], [false], [true]]);
  });
});

describe('diff line parsing', () => {
  it.each([
    ['b/plain.txt', 'plain.txt'],
    ['b/with space.txt\t', 'with space.txt'],
    ['"b/say \\"hi\\".txt"', 'say "hi".txt'],
    ['"b/\\303\\274.txt"', 'ü.txt'],
    ['"b/tab\\there"', 'tab\there'],
    ['/dev/null', null],
  ])('parseDiffPath(%j)', (raw, expected) => {
    expect(parseDiffPath(raw, 'b/')).toBe(expected);
  });

  it('unquoteC handles every escape', () => {
    expect(unquoteC('"\\a\\b\\t\\n\\v\\f\\r\\"\\\\"')).toBe('\x07\b\t\n\v\f\r"\\');
  });

  it.each([
    ['@@ -0,0 +1 @@', { columns: 1, newStart: 1 }],
    ['@@ -2,0 +3,4 @@ fn()', { columns: 1, newStart: 3 }],
    ['@@@ -4,0 -3,1 +4,2 @@@', { columns: 2, newStart: 4 }],
    ['not a hunk', null],
  ])('parseHunkHeader(%j)', (line, expected) => {
    expect(parseHunkHeader(line)).toEqual(expected);
  });
});

describe('DiffParser', () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);
  const sample = [
    `\x1e${A}\x1f\x1f2024-01-02T03:04:05+01:00\x1fAl Ice <al@example.com>`,
    '',
    'diff --git "a/say \\"hi\\".txt" "b/say \\"hi\\".txt"',
    'new file mode 100644',
    '--- /dev/null',
    '+++ "b/say \\"hi\\".txt"',
    '@@ -0,0 +1,2 @@',
    '+first',
    '+second',
    'diff --git a/img.png b/img.png',
    'Binary files /dev/null and b/img.png differ',
    'diff --git a/gone.png b/gone.png',
    'Binary files a/gone.png and /dev/null differ',
    `\x1e${B}\x1f${A} ${A} ${A}\x1f2024-01-03T00:00:00Z\x1fBo <bo@example.com>`,
    '',
    'diff --cc notes.txt',
    '--- a/notes.txt',
    '+++ b/notes.txt',
    '@@@@ -1,1 -1,1 -1,1 +1,3 @@@@',
    '+++evil line',
    '++ from two parents',
    ' --removed',
    '+++more evil',
    '\\ No newline at end of file',
    '',
  ].join('\n');

  function parse(chunks: Buffer[]): SourceItem[] {
    const p = new DiffParser(null);
    return [...chunks.flatMap((c) => p.push(c)), ...p.end()];
  }

  it('parses commits, quoted paths, binaries and combined diffs', () => {
    const items = parse([Buffer.from(sample)]);
    const frags = fragments(items).map((f) => [gitProv(f).commit, gitProv(f).path, f.line, f.text]);
    expect(frags).toEqual([
      [A, 'say "hi".txt', 1, 'first\nsecond'],
      [B, 'notes.txt', 1, 'evil line'],
      [B, 'notes.txt', 3, 'more evil'],
    ]);
    expect(fragments(items)[0]!.provenance).toMatchObject({ author: 'Al Ice <al@example.com>', date: '2024-01-02T02:04:05.000Z' });
    expect(items.filter((i) => i.type === 'stat')).toEqual([
      { type: 'stat', commits: 1, bytes: 13, binarySkipped: 1 },
      { type: 'stat', commits: 1, bytes: 20 },
    ]);
  });

  it('gives the same items whatever the chunk boundaries', () => {
    const whole = parse([Buffer.from(sample)]);
    const bytes = Buffer.from(sample);
    const single = parse(Array.from(bytes, (b) => Buffer.from([b])));
    expect(single).toEqual(whole);
  });

  // Blocks of '+' lines in one-parent hunks are taken whole: the same result line by line.
  const C = 'c'.repeat(40);
  const plain = [
    `\x1e${C}\x1f${A}\x1f2024-01-04T00:00:00Z\x1fCy <cy@example.com>`,
    '',
    'diff --git a/k.env b/k.env',
    '--- a/k.env',
    '+++ b/k.env',
    '@@ -1,2 +1,6 @@',
    '+first',
    '+',
    '++starts with a plus',
    '+ünïcödé 🔑',
    '-removed',
    '+after the removal',
    '@@ -9 +10,2 @@',
    '+second hunk',
    '+no newline at the end',
    '\\ No newline at end of file',
    '',
  ].join('\n');

  it('takes blocks of added lines whole, with the same lines, places and byte counts', () => {
    const items = parse([Buffer.from(plain)]);
    expect(fragments(items).map((f) => [f.line, f.column, f.text])).toEqual([
      [1, 1, 'first\n\n+starts with a plus\nünïcödé 🔑'],
      [5, 1, 'after the removal'],
      [10, 1, 'second hunk\nno newline at the end'],
    ]);
    const added = ['first', '', '+starts with a plus', 'ünïcödé 🔑', 'after the removal', 'second hunk', 'no newline at the end'];
    expect(items.filter((i) => i.type === 'stat')).toEqual([{ type: 'stat', commits: 1, bytes: added.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0) }]);
    const bytes = Buffer.from(plain);
    for (const size of [1, 3, 7, 64]) {
      const pieces: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
      expect(parse(pieces)).toEqual(items);
    }
  });

  it('cuts a long block of added lines into overlapping fragments, whatever the chunks', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `+line ${i} ${'x'.repeat(i % 9)}`);
    const diff = [`\x1e${C}\x1f\x1f2024-01-04T00:00:00Z\x1fCy <cy@example.com>`, '', 'diff --git a/a b/a', '--- /dev/null', '+++ b/a', '@@ -0,0 +1,40 @@', ...lines, ''].join('\n');
    const run = (pieces: Buffer[]): Array<[number, number, string, number | undefined]> => {
      const p = new DiffParser(null, { chunkChars: 50, overlap: 10 });
      return fragments([...pieces.flatMap((c) => p.push(c)), ...p.end()]).map((f) => [f.line, f.column, f.text, f.acceptBefore]);
    };
    const whole = run([Buffer.from(diff)]);
    expect(whole.length).toBeGreaterThan(5);
    // the accepted parts put back together are the added text
    expect(whole.map(([, , t, a]) => (a === undefined ? t : t.slice(0, a))).join('')).toBe(lines.map((l) => l.slice(1)).join('\n'));
    const b = Buffer.from(diff);
    expect(run(Array.from({ length: Math.ceil(b.length / 13) }, (_, i) => b.subarray(i * 13, i * 13 + 13)))).toEqual(whole);
  });
});
