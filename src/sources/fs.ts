// The `dir` source: walks files and folders, honouring .gitignore (in the tree and in the
// repository the tree lives in), .tokensprawlignore and configured ignore globs; skips
// binaries and symlinks; streams large files in overlapping chunks.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { lstat, stat } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';
import ignore, { type Ignore } from 'ignore';
import { describeError, TargetError } from '../core/errors.js';
import type { Provenance, Source, SourceItem } from '../core/types.js';
import { decodeWhole, needsDecoding, sniffText, TextNormalizer } from '../core/text-decode.js';
import { chunkDecodedFile, chunkFile, CHUNK_CHARS } from './chunks.js';

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
  // Asking an empty ignore list about every file still cost a few percent of a large scan.
  const configIgnore = opts.ignore && opts.ignore.length > 0 ? ignore().add(opts.ignore) : null;
  for (const target of paths) {
    const abs = path.resolve(target);
    const info = await lstat(abs);
    const files = info.isFile() ? [abs] : info.isDirectory() ? walkDir(abs, await ancestorIgnores(abs)) : [];
    for (const file of files) {
      const rel = relativePath(root, file);
      if (configIgnore && file !== abs && configIgnore.ignores(rel)) continue;
      if (opts.select && !opts.select(rel)) continue;
      const items = readSmall(file, rel);
      if (items === 'stream') yield* streamFile(file, rel);
      else yield* items;
    }
  }
}

interface IgnoreLayer {
  dir: string;
  rules: Ignore;
}

/**
 * Walks one directory level at a time so ignored folders are pruned, not listed. Synchronous
 * on purpose, like the reads below: the main thread only feeds the detection workers, and for
 * many small entries the promise and thread-pool round trips cost more than the syscalls.
 */
function* walkDir(dir: string, layers: IgnoreLayer[]): Generator<string> {
  let entries: fg.Entry[];
  try {
    entries = fg.sync('*', { cwd: dir, dot: true, onlyFiles: false, deep: 1, objectMode: true, followSymbolicLinks: false, suppressErrors: true });
  } catch {
    return;
  }
  const own = readIgnoreFiles(dir, entries.filter((e) => e.dirent.isFile() && IGNORE_FILES.includes(e.name)).map((e) => e.name));
  const active = own ? [...layers, { dir, rules: own }] : layers;
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const isDir = entry.dirent.isDirectory();
    if (entry.dirent.isSymbolicLink()) continue;
    if (isDir && entry.name === '.git') continue;
    if (isIgnored(active, full, isDir)) continue;
    if (isDir) yield* walkDir(full, active);
    else if (entry.dirent.isFile()) yield full;
  }
}

function isIgnored(layers: IgnoreLayer[], full: string, isDir: boolean): boolean {
  for (const layer of layers) {
    const rel = path.relative(layer.dir, full).split(path.sep).join('/');
    if (rel && !rel.startsWith('..') && layer.rules.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

function readIgnoreFiles(dir: string, names: readonly string[]): Ignore | null {
  let rules: Ignore | null = null;
  for (const name of names) {
    try {
      rules = (rules ?? ignore()).add(readFileSync(path.join(dir, name), 'utf8'));
    } catch {
      // vanished or unreadable: nothing to honour
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
    const rules = readIgnoreFiles(d, ['.gitignore']);
    if (rules) layers.push({ dir: d, rules });
  }
  const exclude = readIgnoreFiles(path.join(repoRoot, '.git', 'info'), ['exclude']);
  if (exclude) layers.unshift({ dir: repoRoot, rules: exclude });
  return layers;
}

/** A file of up to one chunk: read whole, handed on as bytes (decoded where it is scanned). */
function readSmall(abs: string, rel: string): SourceItem[] | 'stream' {
  let buf: Buffer;
  let fd: number | undefined;
  try {
    fd = openSync(abs, 'r');
    const size = fstatSync(fd).size;
    if (size > CHUNK_CHARS) return 'stream';
    buf = readWhole(fd, size);
  } catch (err) {
    return [{ type: 'error', error: { target: rel, message: describeError(err) } }];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const decoded = decodeWhole(buf); // UTF-16 or CR-only line ends (core/text-decode.ts)
  if (decoded !== undefined) return [{ type: 'stat', files: 1, bytes: buf.length }, { type: 'fragment', fragment: { text: decoded, provenance: { kind: 'dir', path: rel }, line: 1, column: 1 } }];
  if (isBinary(buf.subarray(0, SNIFF_BYTES))) return [{ type: 'stat', binarySkipped: 1 }];
  const items: SourceItem[] = [{ type: 'stat', files: 1, bytes: buf.length }];
  if (buf.length > 0) items.push({ type: 'fragment', fragment: { text: '', bytes: buf, provenance: { kind: 'dir', path: rel }, line: 1, column: 1 } });
  return items;
}

/** The file's bytes with one read for the size fstat gave (readFileSync would fstat again). */
function readWhole(fd: number, size: number): Buffer {
  const buf = Buffer.allocUnsafeSlow(size);
  let got = 0;
  while (got < size) {
    const n = readSync(fd, buf, got, size - got, null);
    if (n === 0) break; // shrank meanwhile
    got += n;
  }
  // grew meanwhile: what fits is scanned, like a file read a moment earlier
  return got === size ? buf : buf.subarray(0, got);
}

/**
 * A large file: sniffed, then read in overlapping chunks of bytes in bounded memory. Reads are
 * synchronous like the small files' (the thread only feeds the workers); the chunks are decoded
 * where they are scanned.
 */
function* streamFile(abs: string, rel: string): Generator<SourceItem> {
  const provenance: Provenance = { kind: 'dir', path: rel };
  let fd: number;
  try {
    fd = openSync(abs, 'r');
  } catch (err) {
    yield { type: 'error', error: { target: rel, message: describeError(err) } };
    return;
  }
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.allocUnsafe(Math.min(SNIFF_BYTES, size));
    const sniffed = readSync(fd, head, 0, head.length, 0);
    let position = 0;
    const read = (into: Uint8Array): number => {
      const n = readSync(fd, into, 0, into.length, position);
      position += n;
      return n;
    };
    const text = sniffText(head.subarray(0, sniffed)); // UTF-16 or CR-only line ends (core/text-decode.ts)
    if (needsDecoding(text)) {
      yield { type: 'stat', files: 1, bytes: size };
      for (const fragment of chunkDecodedFile(read, provenance, new TextNormalizer(text))) yield { type: 'fragment', fragment };
      return;
    }
    if (isBinary(head.subarray(0, sniffed))) {
      yield { type: 'stat', binarySkipped: 1 };
      return;
    }
    yield { type: 'stat', files: 1, bytes: size };
    for (const fragment of chunkFile(read, provenance)) yield { type: 'fragment', fragment };
  } catch (err) {
    yield { type: 'error', error: { target: rel, message: describeError(err) } };
  } finally {
    closeSync(fd);
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
  // The common case (a file below root) without path.relative's normalisation of both paths.
  if (abs.length > root.length + 1 && abs.startsWith(root) && abs[root.length] === path.sep && !root.endsWith(path.sep)) {
    const rest = abs.slice(root.length + 1);
    return path.sep === '/' ? rest : rest.split(path.sep).join('/');
  }
  const rel = path.relative(root, abs);
  if (rel === '') return path.basename(abs);
  return rel.split(path.sep).join('/');
}
