// The CI-log source: log files, folders of them, and GitHub Actions run-log archives, read as
// streams and cut into bounded fragments of stripped lines (ANSI, timestamps, section markers)
// with column maps back to the original lines.

import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Source, SourceItem } from '../core/types.js';
import { describeError } from '../core/errors.js';
import { toUtf8Stream } from '../core/text-decode.js';
import { compareLogPaths, planRunLogLayout, type LogPlacement } from './ci-log-formats.js';
import type { Entry, ZipFile } from 'yauzl';
import { LogReader, newMaskSet, type CiLogLimits, type LogContext, type MaskSet } from './ci-log-reader.js';

export { LogReader, type CiLogLimits, type LogContext, type MaskSet } from './ci-log-reader.js';
import { listZipEntries, openZip, openZipBuffer, openZipEntry } from './zip.js';
import { checkReadableTargets, type OpenContext, type OpenedSource } from './source.js';

export interface CiLogOptions {
  /** paths are relative to it in findings */
  cwd: string;
  /** fragment and line bounds; the defaults suit real logs (tests shrink them) */
  limits?: Partial<CiLogLimits>;
  /**
   * --shard: keep only the logs for which this returns true. It is asked with a log's path, or
   * with an archive's or an extracted run folder's path, so one run's masks stay together.
   */
  select?: (path: string) => boolean;
  /** what the target "-" reads (standard input, given by the CLI) */
  stdin?: () => AsyncIterable<Buffer | string>;
}

const DEFAULT_LIMITS: CiLogLimits = { fragmentChars: 2 * 1024 * 1024, lineChars: 1024 * 1024, overlapChars: 64 * 1024 };
const READ_CHUNK = 1024 * 1024;
const BINARY_SNIFF = 8000;
const LOG_EXTENSIONS = new Set(['.log', '.txt', '']);
/** Archives inside archives are scanned to this depth (the outer one is 1). */
export const MAX_ZIP_DEPTH = 4;
/** A nested archive is read into memory to be listed: no bigger than this. */
const MAX_NESTED_ZIP_BYTES = 64 * 1024 * 1024;

/** Iterate CI logs under `paths` (files, folders, .zip run-log archives). Re-iterable. */
export function ciLogSource(paths: string[], opts: CiLogOptions): Source {
  const limits: CiLogLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const select = opts.select ?? (() => true);
  return { [Symbol.asyncIterator]: () => scanTargets(paths, opts.cwd, limits, select, opts.stdin) };
}

/** Fail fast, before any scanning, on a named path that does not exist or cannot be read. */
export function checkCiLogTargets(paths: string[], cwd: string): Promise<void> {
  return checkReadableTargets(paths, cwd, 'ci-log target');
}

function displayPath(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs).split(path.sep).join('/');
  return rel === '' ? '.' : rel;
}

function errorItem(target: string, message: string): SourceItem {
  return { type: 'error', error: { target, message } };
}

async function* scanTargets(
  paths: string[],
  cwd: string,
  limits: CiLogLimits,
  select: (path: string) => boolean,
  stdin: (() => AsyncIterable<Buffer | string>) | undefined,
): AsyncGenerator<SourceItem> {
  for (const target of paths) {
    // "/dev/stdin" too: opening it again fails when it is a socket (ENXIO)
    if ((target === '-' || target === '/dev/stdin') && stdin) {
      yield* scanStream(Readable.from(stdin()), { path: target, masks: newMaskSet() }, limits);
      continue;
    }
    const abs = path.resolve(cwd, target);
    const shown = displayPath(cwd, abs);
    let isDir: boolean;
    try {
      isDir = (await stat(abs)).isDirectory();
    } catch (err) {
      yield errorItem(shown, describeError(err));
      continue;
    }
    if (isDir) yield* scanFolder(abs, cwd, limits, select);
    else if (!select(shown)) continue;
    else if (await looksLikeZip(abs)) yield* scanZip(abs, shown, limits);
    else yield* scanFile(abs, { path: shown, masks: newMaskSet() }, limits);
  }
}

async function looksLikeZip(abs: string): Promise<boolean> {
  if (abs.toLowerCase().endsWith('.zip')) return true;
  let handle;
  try {
    handle = await open(abs, 'r');
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head.readUInt32LE(0) === 0x04034b50;
  } catch {
    return false; // scanFile reports the read error
  } finally {
    await handle?.close();
  }
}

/** Files under a folder that may be logs, "/"-separated relative to it; dot-entries and symlinked folders skipped. */
async function listLogFiles(root: string): Promise<{ files: string[]; errors: SourceItem[] }> {
  const files: string[] = [];
  const errors: SourceItem[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path.join(root, rel), { withFileTypes: true });
    } catch (err) {
      errors.push(errorItem(rel, describeError(err)));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        await walk(child);
        continue;
      }
      const ext = path.extname(entry.name).toLowerCase();
      if (!LOG_EXTENSIONS.has(ext) && ext !== '.zip') continue;
      if (entry.isFile()) files.push(child);
      else if (entry.isSymbolicLink()) {
        // a link to a file is followed (a dangling one is reported when read); to a folder, not: no cycles
        const target = await stat(path.join(root, child)).catch(() => undefined);
        if (target === undefined || target.isFile()) files.push(child);
      }
    }
  };
  await walk('');
  return { files, errors };
}

async function* scanFolder(root: string, cwd: string, limits: CiLogLimits, select: (path: string) => boolean): AsyncGenerator<SourceItem> {
  const { files, errors } = await listLogFiles(root);
  for (const item of errors) {
    if (item.type === 'error') item.error.target = displayPath(cwd, path.join(root, item.error.target));
    yield item;
  }
  const logs = files.filter((f) => !f.toLowerCase().endsWith('.zip'));
  const plan = planRunLogLayout(logs, false);
  // an extracted run-log archive is one run: its logs share masks, as in the archive; others keep their own
  const masksByRun = new Map<string, MaskSet>();
  for (const file of [...files].sort(compareLogPaths)) {
    const abs = path.join(root, ...file.split('/'));
    const shown = displayPath(cwd, abs);
    if (file.toLowerCase().endsWith('.zip')) {
      if (select(shown)) yield* scanZip(abs, shown, limits);
      continue;
    }
    const place: LogPlacement = plan.get(file) ?? { skip: false };
    if (place.skip) continue;
    let masks = newMaskSet();
    if (place.job !== undefined) {
      const dir = path.posix.dirname(file);
      const run = place.step === undefined ? dir : path.posix.dirname(dir);
      if (!select(displayPath(cwd, path.join(root, ...run.split('/'))))) continue;
      masks = masksByRun.get(run) ?? masks;
      masksByRun.set(run, masks);
    } else if (!select(shown)) continue;
    yield* scanFile(abs, withPlacement({ path: shown, masks }, place), limits);
  }
}

function withPlacement(ctx: LogContext, place: LogPlacement): LogContext {
  if (place.job !== undefined) ctx.job = place.job;
  if (place.step !== undefined) ctx.step = place.step;
  return ctx;
}

async function* scanFile(abs: string, ctx: LogContext, limits: CiLogLimits): AsyncGenerator<SourceItem> {
  let stream: Readable;
  try {
    // open first so an unreadable file is one error item, not a stream error mid-way
    const handle = await open(abs, 'r');
    stream = handle.createReadStream({ highWaterMark: READ_CHUNK });
  } catch (err) {
    yield errorItem(ctx.path, describeError(err));
    return;
  }
  yield* scanStream(stream, ctx, limits);
}

async function* scanZip(abs: string, shown: string, limits: CiLogLimits): AsyncGenerator<SourceItem> {
  let zip;
  try {
    zip = await openZip(abs);
  } catch (err) {
    yield errorItem(shown, `not a readable zip archive: ${describeError(err)}`);
    return;
  }
  yield* scanZipEntries(zip, shown, limits, 1);
}

/** Entries of an archive, scanned in log order; a zip inside is scanned too, to MAX_ZIP_DEPTH. */
async function* scanZipEntries(zip: ZipFile, shown: string, limits: CiLogLimits, depth: number): AsyncGenerator<SourceItem> {
  try {
    const { entries, unsafe, error } = await listZipEntries(zip);
    if (error !== undefined) yield errorItem(shown, `corrupt zip archive: ${describeError(error)}`);
    // not extracted, so not a danger here; but a name that means to escape is reported, never silently used
    for (const u of unsafe) yield errorItem(`${shown}!#${u.index}`, `zip entry with an unsafe name (${u.reason}): not scanned`);
    const files = entries.filter((e) => !e.fileName.endsWith('/'));
    const plan = planRunLogLayout(
      files.map((e) => e.fileName),
      true,
    );
    files.sort((a, b) => compareLogPaths(a.fileName, b.fileName));
    const masks = newMaskSet(); // an archive is one run: a mask registered in one step applies to all
    for (const entry of files) {
      const target = `${shown}!${entry.fileName}`;
      if (entry.fileName.toLowerCase().endsWith('.zip')) {
        yield* scanNestedZip(zip, entry, target, limits, depth);
        continue;
      }
      const place = plan.get(entry.fileName) ?? { skip: false };
      if (place.skip) continue;
      let stream: Readable;
      try {
        stream = await openZipEntry(zip, entry);
      } catch (err) {
        yield errorItem(target, describeError(err));
        continue;
      }
      yield* scanStream(stream, withPlacement({ path: target, masks }, place), limits);
    }
  } finally {
    zip.close();
  }
}

async function* scanNestedZip(zip: ZipFile, entry: Entry, target: string, limits: CiLogLimits, depth: number): AsyncGenerator<SourceItem> {
  if (depth >= MAX_ZIP_DEPTH) {
    yield errorItem(target, `zip archive nested more than ${MAX_ZIP_DEPTH} deep: not scanned`);
    return;
  }
  if (entry.uncompressedSize > MAX_NESTED_ZIP_BYTES) {
    yield errorItem(target, `nested zip archive of ${entry.uncompressedSize} bytes is over the ${MAX_NESTED_ZIP_BYTES}-byte limit: not scanned`);
    return;
  }
  // a zip is read from its end: a nested one is held in memory, under the limit above
  let inner: ZipFile;
  try {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of (await openZipEntry(zip, entry)) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_NESTED_ZIP_BYTES) throw new Error(`over the ${MAX_NESTED_ZIP_BYTES}-byte limit for a nested archive`);
      parts.push(chunk);
    }
    inner = await openZipBuffer(Buffer.concat(parts));
  } catch (err) {
    yield errorItem(target, `not a readable zip archive: ${describeError(err)}`);
    return;
  }
  yield* scanZipEntries(inner, target, limits, depth + 1);
}

/** Read one log as a stream: binary check, then fragments, then its stat (or an error). */
async function* scanStream(stream: Readable, ctx: LogContext, limits: CiLogLimits): AsyncGenerator<SourceItem> {
  const reader = new LogReader(ctx, limits);
  let bytes = 0;
  let first = true;
  try {
    for await (const chunk of toUtf8Stream(stream as AsyncIterable<Buffer>)) {
      if (first) {
        first = false;
        if (chunk.subarray(0, BINARY_SNIFF).includes(0)) {
          yield { type: 'stat', binarySkipped: 1 };
          return;
        }
      }
      bytes += chunk.length;
      for (const fragment of reader.push(chunk)) yield { type: 'fragment', fragment };
    }
  } catch (err) {
    for (const fragment of reader.end()) yield { type: 'fragment', fragment };
    yield errorItem(ctx.path, describeError(err));
    return;
  } finally {
    stream.destroy();
  }
  for (const fragment of reader.end()) yield { type: 'fragment', fragment };
  yield { type: 'stat', files: 1, bytes };
}


/** `tokensprawl ci-log <paths...>` and `scan --ci-log P`. */
export async function openCiLog(targets: string[], ctx: OpenContext): Promise<OpenedSource> {
  await checkCiLogTargets(targets, ctx.cwd);
  const { select } = ctx;
  return {
    kind: 'ci-log',
    root: ctx.cwd,
    targets,
    paths: targets.map((p) => path.resolve(ctx.cwd, p)),
    items: () => ciLogSource(targets, { cwd: ctx.cwd, stdin: ctx.stdin, ...(select ? { select } : {}) }),
  };
}
