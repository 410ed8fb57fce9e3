// The `dir` source: walks files and folders, honouring .gitignore (in the tree and in the
// repository the tree lives in), .tokensprawlignore and configured ignore globs; skips
// binaries and symlinks; streams large files in overlapping chunks.
import { createReadStream } from 'node:fs';
import { lstat, open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';
import ignore, { type Ignore } from 'ignore';
import { describeError, TargetError } from '../core/errors.js';
import type { Provenance, Source, SourceItem } from '../core/types.js';
import { chunkStream, CHUNK_CHARS } from './chunks.js';

export interface DirOptions {
  /** paths in findings are relative to this folder */
  root: string;
  /** gitignore-style globs from the config, relative to root */
  ignore?: string[];
  /** keep only files for which this returns true (sharding) */
  select?: (relPath: string) => boolean;
}

const IGNORE_FILES = ['.gitignore', '.tokensprawlignore'];
const SNIFF_BYTES = 8192;

/** Throws TargetError for the first path that does not exist. */
export async function checkDirTargets(paths: string[]): Promise<void> {
  for (const p of paths) {
    try {
      await stat(p);
    } catch (err) {
      throw new TargetError(`${p}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : describeError(err)}`, { cause: err });
    }
  }
}

export function dirSource(paths: string[], opts: DirOptions): Source {
  return walkAll(paths, opts);
}

async function* walkAll(paths: string[], opts: DirOptions): AsyncGenerator<SourceItem> {
  const root = path.resolve(opts.root);
  const configIgnore = ignore().add(opts.ignore ?? []);
  async function* files(): AsyncGenerator<WalkedFile> {
    for (const target of paths) {
      const abs = path.resolve(target);
      const info = await lstat(abs);
      if (info.isFile()) {
        yield { abs, rel: relativePath(root, abs), size: info.size };
        continue;
      }
      if (!info.isDirectory()) continue;
      for await (const file of walkDir(abs, await ancestorIgnores(abs))) {
        const rel = relativePath(root, file.abs);
        if (!configIgnore.ignores(rel) && (!opts.select || opts.select(rel))) yield { ...file, rel };
      }
    }
  }
  // Reading a few files ahead keeps the disk busy while detection works on the current one.
  const ahead: Array<Promise<SourceItem[] | 'stream'>> = [];
  const queued: WalkedFile[] = [];
  const it = files();
  for (;;) {
    while (ahead.length < READ_AHEAD) {
      const next = await it.next();
      if (next.done) break;
      queued.push(next.value);
      ahead.push(readSmall(next.value));
    }
    const pending = ahead.shift();
    const file = queued.shift();
    if (!pending || !file) return;
    const items = await pending;
    if (items === 'stream') yield* streamFile(file);
    else yield* items;
  }
}

interface WalkedFile {
  abs: string;
  rel: string;
  size: number;
}

const READ_AHEAD = 8;

interface IgnoreLayer {
  dir: string;
  rules: Ignore;
}

/** Walks one directory level at a time so ignored folders are pruned, not listed. */
async function* walkDir(dir: string, layers: IgnoreLayer[]): AsyncGenerator<Omit<WalkedFile, 'rel'>> {
  const own = await readIgnoreFiles(dir);
  const active = own ? [...layers, { dir, rules: own }] : layers;
  let entries: fg.Entry[];
  try {
    entries = await fg.async('*', { cwd: dir, dot: true, onlyFiles: false, deep: 1, stats: true, followSymbolicLinks: false, suppressErrors: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const isDir = entry.dirent.isDirectory();
    if (entry.dirent.isSymbolicLink()) continue;
    if (isDir && entry.name === '.git') continue;
    if (isIgnored(active, full, isDir)) continue;
    if (isDir) yield* walkDir(full, active);
    else if (entry.dirent.isFile()) yield { abs: full, size: entry.stats?.size ?? 0 };
  }
}

function isIgnored(layers: IgnoreLayer[], full: string, isDir: boolean): boolean {
  for (const layer of layers) {
    const rel = path.relative(layer.dir, full).split(path.sep).join('/');
    if (rel && !rel.startsWith('..') && layer.rules.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

async function readIgnoreFiles(dir: string, names: readonly string[] = IGNORE_FILES): Promise<Ignore | null> {
  let rules: Ignore | null = null;
  for (const name of names) {
    try {
      const text = await readFile(path.join(dir, name), 'utf8');
      rules = (rules ?? ignore()).add(text);
    } catch {
      // no such file: nothing to honour
    }
  }
  return rules;
}

/**
 * .gitignore files of the enclosing repository, from its root down to (not including) dir.
 * .tokensprawlignore files count only inside the scanned tree, so scanning a sub-folder on
 * purpose (e.g. fixtures/) is not silenced by the repository's own ignore entry.
 */
async function ancestorIgnores(dir: string): Promise<IgnoreLayer[]> {
  const chain: string[] = [];
  let repoRoot: string | null = null;
  for (let probe = dir; ; probe = path.dirname(probe)) {
    if (probe !== dir) chain.unshift(probe);
    if (await exists(path.join(probe, '.git'))) {
      repoRoot = probe;
      break;
    }
    if (path.dirname(probe) === probe) break;
  }
  if (!repoRoot) return [];
  const layers: IgnoreLayer[] = [];
  for (const d of chain) {
    const rules = await readIgnoreFiles(d, ['.gitignore']);
    if (rules) layers.push({ dir: d, rules });
  }
  try {
    const exclude = await readFile(path.join(repoRoot, '.git', 'info', 'exclude'), 'utf8');
    layers.unshift({ dir: repoRoot, rules: ignore().add(exclude) });
  } catch {
    // no exclude file
  }
  return layers;
}

/** A file of up to one chunk: read whole, handed on as bytes (decoded where it is scanned). */
async function readSmall(file: WalkedFile): Promise<SourceItem[] | 'stream'> {
  if (file.size > CHUNK_CHARS) return 'stream';
  let buf: Buffer;
  try {
    buf = await readFile(file.abs);
  } catch (err) {
    return [{ type: 'error', error: { target: file.rel, message: describeError(err) } }];
  }
  if (buf.length > CHUNK_CHARS) return 'stream'; // it grew since it was listed
  if (isBinary(buf.subarray(0, SNIFF_BYTES))) return [{ type: 'stat', binarySkipped: 1 }];
  const items: SourceItem[] = [{ type: 'stat', files: 1, bytes: buf.length }];
  if (buf.length > 0) items.push({ type: 'fragment', fragment: { text: '', bytes: buf, provenance: { kind: 'dir', path: file.rel }, line: 1, column: 1 } });
  return items;
}

/** A large file: sniffed, then streamed in overlapping chunks in bounded memory. */
async function* streamFile(file: WalkedFile): AsyncGenerator<SourceItem> {
  const provenance: Provenance = { kind: 'dir', path: file.rel };
  let handle;
  try {
    handle = await open(file.abs, 'r');
  } catch (err) {
    yield { type: 'error', error: { target: file.rel, message: describeError(err) } };
    return;
  }
  try {
    const info = await handle.stat();
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, info.size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (isBinary(head.subarray(0, bytesRead))) {
      yield { type: 'stat', binarySkipped: 1 };
      return;
    }
    yield { type: 'stat', files: 1, bytes: info.size };
    const stream = createReadStream(file.abs, { highWaterMark: 1024 * 1024 });
    for await (const fragment of chunkStream(stream, provenance)) yield { type: 'fragment', fragment };
  } catch (err) {
    yield { type: 'error', error: { target: file.rel, message: describeError(err) } };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** NUL in the first block, as git and ripgrep decide. */
export function isBinary(head: Uint8Array): boolean {
  return head.includes(0);
}

export function relativePath(root: string, abs: string): string {
  const rel = path.relative(root, abs);
  if (rel === '') return path.basename(abs);
  return rel.split(path.sep).join('/');
}
