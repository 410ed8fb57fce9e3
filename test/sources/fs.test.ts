import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceItem } from '../../src/core/types.js';
import { CHUNK_CHARS } from '../../src/sources/chunks.js';
import { checkDirTargets, dirSource, relativePath, type DirOptions } from '../../src/sources/fs.js';
import { tmpTrees } from '../helpers/tmp.js';
import { decodeFragment } from '../../src/detect/locate.js';

const { tree } = tmpTrees(afterEach);
async function items(paths: string[], opts: DirOptions): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const item of dirSource(paths, opts)) out.push(item);
  return out;
}
function scannedPaths(list: SourceItem[]): string[] {
  return [...new Set(list.flatMap((i) => (i.type === 'fragment' ? [i.fragment.provenance.path] : [])))].sort();
}

describe('dirSource', () => {
  it('honours nested .gitignore and .tokensprawlignore, with negation, and never enters .git', async () => {
    const dir = tree({
      '.gitignore': 'dist/\n*.log\n!keep.log\n',
      'src/a.ts': 'a',
      'src/.gitignore': 'generated.ts\n',
      'src/generated.ts': 'g',
      'dist/bundle.js': 'b',
      'app.log': 'l',
      'keep.log': 'k',
      'docs/.tokensprawlignore': 'examples/\n',
      'docs/examples/x.md': 'x',
      'docs/readme.md': 'r',
      '.git/config': 'c',
      '.env': 'e',
    });
    const got = scannedPaths(await items([dir], { root: dir }));
    expect(got).toEqual(['.env', '.gitignore', 'docs/.tokensprawlignore', 'docs/readme.md', 'keep.log', 'src/.gitignore', 'src/a.ts']);
  });

  it("honours the .gitignore of the repository the scanned folder lives in", async () => {
    const dir = tree({ '.gitignore': 'secret-stuff/\n*.bak\n', 'sub/x.ts': 'x', 'sub/y.bak': 'y', 'sub/secret-stuff/z': 'z' });
    execFileSync('git', ['init', '-q', dir]);
    const sub = path.join(dir, 'sub');
    expect(scannedPaths(await items([sub], { root: sub }))).toEqual(['x.ts']);
  });

  it('applies configured ignore globs relative to the root', async () => {
    const dir = tree({ 'a/fixtures/t.txt': 't', 'a/b.txt': 'b' });
    expect(scannedPaths(await items([dir], { root: dir, ignore: ['**/fixtures/**'] }))).toEqual(['a/b.txt']);
  });

  it('skips and counts binary files, and does not follow symlinks', async () => {
    const dir = tree({ 'img.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]), 'real/t.txt': 'text' });
    symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'));
    symlinkSync(path.join(dir, 'real/t.txt'), path.join(dir, 'file-link.txt'));
    const list = await items([dir], { root: dir });
    expect(scannedPaths(list)).toEqual(['real/t.txt']);
    const binary = list.reduce((n, i) => n + (i.type === 'stat' ? (i.binarySkipped ?? 0) : 0), 0);
    expect(binary).toBe(1);
  });

  it('reports a file that vanished mid-scan as an error and goes on', async () => {
    const dir = tree({ 'a.txt': 'a', 'b.txt': 'b' });
    const list = await items([dir], {
      root: dir,
      select: (rel) => {
        if (rel === 'a.txt') unlinkSync(path.join(dir, 'a.txt'));
        return true;
      },
    });
    expect(list.filter((i) => i.type === 'error').map((i) => i.type === 'error' && i.error.target)).toEqual(['a.txt']);
    expect(scannedPaths(list)).toEqual(['b.txt']);
  });

  it('streams a large single-line file in overlapping chunks with right columns', async () => {
    const dir = tree({});
    const size = CHUNK_CHARS * 2 + 100_000;
    const body = Buffer.alloc(size, 'a');
    const marker = 'MARKER_AT_BORDER';
    body.write(marker, CHUNK_CHARS - 5);
    writeFileSync(path.join(dir, 'min.js'), body);
    const frags = (await items([dir], { root: dir })).flatMap((i) => (i.type === 'fragment' ? [i.fragment] : []));
    expect(frags.length).toBe(3);
    expect(frags.every((f) => f.line === 1)).toBe(true);
    expect(frags[1]!.column).toBe(CHUNK_CHARS + 1);
    // the marker straddles the first border: whole inside the first fragment (overlap tail)
    expect(decodeFragment(frags[0]!).text.includes(marker)).toBe(true);
    expect(frags[0]!.acceptBeforeByte).toBe(CHUNK_CHARS);
  });

  it('makes paths relative to the root with "/" and names a single file target', async () => {
    const dir = tree({ 'deep/er/f.txt': 'x' });
    mkdirSync(path.join(dir, 'empty'));
    expect(scannedPaths(await items([path.join(dir, 'deep')], { root: dir }))).toEqual(['deep/er/f.txt']);
    expect(scannedPaths(await items([path.join(dir, 'deep/er/f.txt')], { root: dir }))).toEqual(['deep/er/f.txt']);
  });

  it('checkDirTargets names a missing path', async () => {
    await expect(checkDirTargets(['/nonexistent/x'])).rejects.toThrow('/nonexistent/x: no such file or directory');
  });
});

describe('relativePath', () => {
  it.each([
    ['/scan/root', '/scan/root/a/b.txt', 'a/b.txt'],
    ['/scan/root', '/scan/root/b.txt', 'b.txt'],
    ['/scan/root/', '/scan/root/b.txt', 'b.txt'],
    ['/scan/root', '/scan/rootless/b.txt', '../rootless/b.txt'],
    ['/scan/root', '/scan/root', 'root'],
    ['/scan/root', '/elsewhere/c.txt', '../../elsewhere/c.txt'],
  ])('relativePath(%j, %j) = %j', (root, abs, expected) => {
    expect(relativePath(root, abs)).toBe(expected);
  });
});
