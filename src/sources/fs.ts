// The `dir` source: walks files and folders, honouring .gitignore (in the tree and in the
// repository the tree lives in), .tokensprawlignore and configured ignore globs; skips
// binaries, and symlinks inside the tree unless asked to follow them (named targets are always
// followed and never ignored); streams large files in overlapping chunks. Every folder or file
// that cannot be read is an error item.
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync, type Dirent, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { describeError, TargetError } from '../core/errors.js';
import type { Provenance, ScanError, Source, SourceItem } from '../core/types.js';
import { decodeWhole, needsDecoding, sniffText, TextNormalizer } from '../core/text-decode.js';
import { chunkDecodedFile, chunkFile, CHUNK_CHARS } from './chunks.js';
import type { OpenContext, OpenedSource } from './source.js';

export interface DirOptions {
  /** paths in findings are relative to this folder */
  root: string;
  /** gitignore-style globs from the config, relative to root */
  ignore?: string[];
  /** keep only files for which this returns true (sharding) */
  select?: (relPath: string) => boolean;
  /** follow symlinks inside the tree (loops are detected); named targets are always followed */
  follow?: boolean;
  /** the file-system calls of the walk (tests inject failures) */
  fs?: WalkFs;
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

/** One step of the walk: a file to read, or something to report. */
type WalkItem = { file: string } | SourceItem;

async function* walkAll(paths: string[], opts: DirOptions): AsyncGenerator<SourceItem> {
  const root = path.resolve(opts.root);
  // Asking an empty ignore list about every file still cost a few percent of a large scan.
  const configIgnore = opts.ignore && opts.ignore.length > 0 ? safeIgnore(opts.ignore.join('\n'), 'config ignore') : null;
  if (configIgnore?.error) yield { type: 'error', error: { target: 'config ignore', message: configIgnore.error } };
  for (const target of paths) {
    const abs = path.resolve(target);
    // A named target is followed when it is a symlink, and scanned even when ignored: the user
    // named it (ripgrep does the same).
    let info: Stats;
    try {
      info = await stat(abs);
    } catch (err) {
      yield { type: 'error', error: { target: relativePath(root, abs), message: describeError(err) } };
      continue;
    }
    let walk: Iterable<WalkItem>;
    if (info.isFile()) walk = [{ file: abs }];
    else if (info.isDirectory()) {
      const { layers, notes, errors } = await ancestorIgnores(abs, root);
      for (const message of notes) yield { type: 'note', message };
      for (const error of errors) yield { type: 'error', error };
      const visited = new Set<string>([`${info.dev}:${info.ino}`]);
      walk = walkDir(abs, layers, { root, follow: opts.follow === true, visited, fs: opts.fs ?? NODE_FS });
    } else {
      yield { type: 'error', error: { target: relativePath(root, abs), message: `not a regular file or folder (${kindOf(info)}): not read` } };
      continue;
    }
    for (const item of walk) {
      if (!('file' in item)) {
        yield item;
        continue;
      }
      const file = item.file;
      const rel = relativePath(root, file);
      if (configIgnore?.rules && file !== abs && configIgnore.rules.ignores(rel)) continue;
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

/** The file-system calls the walk makes: replaceable so that tests can make any of them fail. */
export interface WalkFs {
  readdir: (dir: string) => Dirent[];
  stat: (p: string) => Stats;
}

const NODE_FS: WalkFs = {
  readdir: (dir) => readdirSync(dir, { withFileTypes: true }),
  stat: (p) => statSync(p),
};

interface WalkContext {
  root: string;
  follow: boolean;
  /** dev:ino of every folder entered: a symlink back to one of them is a loop */
  visited: Set<string>;
  fs: WalkFs;
}

/**
 * Walks one directory level at a time so ignored folders are pruned, not listed. Synchronous
 * on purpose, like the reads below: the main thread only feeds the detection workers, and for
 * many small entries the promise and thread-pool round trips cost more than the syscalls.
 * Every folder that cannot be listed is an error item: nothing unread goes unsaid.
 */
function* walkDir(dir: string, layers: IgnoreLayer[], ctx: WalkContext): Generator<WalkItem> {
  let entries: Dirent[];
  try {
    entries = ctx.fs.readdir(dir);
  } catch (err) {
    yield { type: 'error', error: { target: relativePath(ctx.root, dir), message: `cannot list this folder: ${describeError(err)}` } };
    return;
  }
  const ignoreNames = entries.filter((e) => e.isFile() && IGNORE_FILES.includes(e.name)).map((e) => e.name);
  const own = readIgnoreFiles(dir, ignoreNames, ctx.root);
  for (const error of own.errors) yield { type: 'error', error };
  const active = own.rules ? [...layers, { dir, rules: own.rules }] : layers;
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      if (!ctx.follow) {
        yield { type: 'stat', symlinksSkipped: 1 };
        continue;
      }
      let target: Stats;
      try {
        target = ctx.fs.stat(full);
      } catch (err) {
        yield { type: 'error', error: { target: relativePath(ctx.root, full), message: `symlink cannot be followed: ${describeError(err)}` } };
        continue;
      }
      isDir = target.isDirectory();
      isFile = target.isFile();
      if (isDir) {
        const key = `${target.dev}:${target.ino}`;
        if (ctx.visited.has(key)) {
          yield { type: 'note', message: `${relativePath(ctx.root, full)}: symlink loop (a folder already being walked): not followed again` };
          continue;
        }
      }
    }
    if (isDir && entry.name === '.git') continue;
    if (isIgnored(active, full, isDir)) continue;
    if (isDir) {
      let key: string | undefined;
      if (ctx.follow) {
        try {
          const s = ctx.fs.stat(full);
          key = `${s.dev}:${s.ino}`;
        } catch {
          // listing it below reports the failure
        }
      }
      if (key) ctx.visited.add(key);
      yield* walkDir(full, active, ctx);
      if (key) ctx.visited.delete(key);
    } else if (isFile) yield { file: full };
    else yield { type: 'stat', specialSkipped: 1 };
  }
}

function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a file';
}

function isIgnored(layers: IgnoreLayer[], full: string, isDir: boolean): boolean {
  for (const layer of layers) {
    const rel = path.relative(layer.dir, full).split(path.sep).join('/');
    if (rel && !rel.startsWith('..') && layer.rules.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

/** Longest ignore-file line honoured: the `ignore` package builds one regex a line, and a 50 KB line breaks V8's regex compiler. */
export const MAX_IGNORE_LINE = 4096;
/** Largest ignore file read. */
export const MAX_IGNORE_FILE = 1024 * 1024;

/**
 * Ignore rules from text of the scanned tree: untrusted. Over-long lines are dropped (and said),
 * and whatever the `ignore` package throws becomes an error message, never a crash.
 */
export function safeIgnore(text: string, name: string): { rules: Ignore | null; error?: string } {
  const lines = text.split(/\r?\n|\r/);
  const kept = lines.filter((l) => l.length <= MAX_IGNORE_LINE);
  const dropped = lines.length - kept.length;
  let rules: Ignore | null = null;
  try {
    rules = ignore().add(kept.join('\n'));
    // The package compiles a line's regex on first use: use it once here so a bad one fails now.
    rules.ignores('x');
  } catch (err) {
    return { rules: null, error: `${name}: ignore rules not usable, none applied (${firstLine(describeError(err))})` };
  }
  return dropped > 0 ? { rules, error: `${name}: ${dropped} line${dropped === 1 ? '' : 's'} longer than ${MAX_IGNORE_LINE} characters not applied` } : { rules };
}

function firstLine(s: string): string {
  const line = s.split('\n', 1)[0] ?? s;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function readIgnoreFiles(dir: string, names: readonly string[], root: string): { rules: Ignore | null; errors: ScanError[] } {
  let text = '';
  const errors: ScanError[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const size = statSync(file).size;
      if (size > MAX_IGNORE_FILE) {
        errors.push({ target: relativePath(root, file), message: `ignore file larger than ${MAX_IGNORE_FILE} bytes: not applied` });
        continue;
      }
      text += `${readFileSync(file, 'utf8')}\n`;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue; // not there (a worktree's .git is a file), or vanished meanwhile
      errors.push({ target: relativePath(root, file), message: `ignore file cannot be read: ${describeError(err)}` });
    }
  }
  if (text === '') return { rules: null, errors };
  const parsed = safeIgnore(text, relativePath(root, path.join(dir, names.join('+'))));
  if (parsed.error) errors.push({ target: relativePath(root, path.join(dir, names[0] ?? '')), message: parsed.error });
  return { rules: parsed.rules, errors };
}

/**
 * .gitignore files of the enclosing repository, from its root down to (not including) dir.
 * .tokensprawlignore files count only inside the scanned tree, so scanning a sub-folder on
 * purpose (e.g. fixtures/) is not silenced by the repository's own ignore entry. A layer that
 * ignores the named folder itself is not applied inside it (the user named the folder), and
 * a note says so.
 */
async function ancestorIgnores(dir: string, root: string): Promise<{ layers: IgnoreLayer[]; notes: string[]; errors: ScanError[] }> {
  const chain: string[] = [];
  const notes: string[] = [];
  const errors: ScanError[] = [];
  let repoRoot: string | null = null;
  for (let probe = dir; ; probe = path.dirname(probe)) {
    if (probe !== dir) chain.unshift(probe);
    if (await exists(path.join(probe, '.git'))) {
      repoRoot = probe;
      break;
    }
    if (path.dirname(probe) === probe) break;
  }
  if (!repoRoot) return { layers: [], notes, errors };
  const candidates: Array<IgnoreLayer & { file: string }> = [];
  for (const d of chain) {
    const own = readIgnoreFiles(d, ['.gitignore'], root);
    errors.push(...own.errors);
    if (own.rules) candidates.push({ dir: d, rules: own.rules, file: path.join(d, '.gitignore') });
  }
  const exclude = readIgnoreFiles(path.join(repoRoot, '.git', 'info'), ['exclude'], root);
  errors.push(...exclude.errors);
  if (exclude.rules) candidates.unshift({ dir: repoRoot, rules: exclude.rules, file: path.join(repoRoot, '.git', 'info', 'exclude') });
  const layers: IgnoreLayer[] = [];
  for (const c of candidates) {
    if (isIgnored([c], dir, true)) notes.push(`${relativePath(root, dir)} is ignored by ${path.relative(dir, c.file)}: scanned because it was named, without that file's rules`);
    else layers.push({ dir: c.dir, rules: c.rules });
  }
  return { layers, notes, errors };
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

/** `tokensprawl dir [paths...]` and `scan --dir P`. */
export async function openDir(targets: string[], ctx: OpenContext): Promise<OpenedSource> {
  // A path given twice (or as ./x and x) is scanned once.
  const abs = [...new Set(targets.map((p) => path.resolve(ctx.cwd, p)))];
  await checkDirTargets(abs);
  const single = abs.length === 1 && abs[0] !== undefined && (await stat(abs[0])).isDirectory() ? abs[0] : undefined;
  const root = single ?? ctx.cwd;
  const { select } = ctx;
  return {
    kind: 'dir',
    root,
    targets,
    paths: abs,
    ...(single ? { codeowners: async () => (await import('./codeowners-file.js')).readCodeownersFromDir(single) } : {}),
    items: (config) => dirSource(abs, { root, ignore: [...config.ignore], follow: ctx.flags['follow'] === true, ...(select ? { select } : {}) }),
  };
}
