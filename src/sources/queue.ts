// The queue source: message-queue exports (kcat -J, kafka-console-consumer, RabbitMQ
// management API "get", aws sqs receive-message, NDJSON) to fragments, one per message field.
// Every dump is read once, as a stream (files, pipes, FIFOs, "-"): JSON lines line by line, a
// JSON document whole under a size limit and record by record above it; nothing is held unbounded.
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { describeError } from '../core/errors.js';
import type { Source, SourceItem } from '../core/types.js';
import { toUtf8Stream } from '../core/text-decode.js';
import { replay, scanDocument } from './queue-document.js';
import { scanLines } from './queue-lines.js';
import { checkReadableTargets, type OpenContext, type OpenedSource } from './source.js';

import type { QueueFormat } from './queue-formats.js';

export type { QueueFormat } from './queue-formats.js';

export interface QueueOptions {
  /** paths in provenance are relative to it */
  cwd: string;
  format: QueueFormat;
  /**
   * largest JSON value parsed whole, in bytes: a JSON line, or a document (RabbitMQ, SQS) read at
   * once. A longer line is scanned as raw text in windows; a bigger document is split into its
   * records as it is read (each record under the same bound, or scanned raw).
   */
  maxJsonBytes?: number;
  /** what the target "-" reads (standard input, given by the CLI) */
  stdin?: () => AsyncIterable<Buffer | string>;
  /** --shard: keep only the dump files (relative paths) for which this returns true */
  select?: (path: string) => boolean;
}

/** Parsing a JSON value costs many times its size in memory: past this, it is streamed. */
export const DEFAULT_MAX_JSON_BYTES = 2 * 1024 * 1024;
const READ_CHUNK = 1024 * 1024;
/** Enough of a file to tell JSON lines from a JSON document from console text. */
const SNIFF_BYTES = 64 * 1024;
/** Items of a JSON document handed over at once. */

type FileLayout = 'jsonl' | 'document' | 'console' | 'empty';

/** Throws a TargetError naming the first path that does not exist or cannot be read. */
export function checkQueueTargets(paths: string[], cwd: string): Promise<void> {
  return checkReadableTargets(paths, cwd, 'queue dump');
}

/** Fragments of every message in the dumps; a folder is read recursively, in name order. */
export function queueSource(paths: string[], opts: QueueOptions): Source {
  return {
    [Symbol.asyncIterator]: () => scanPaths(paths, opts),
  };
}

async function* scanPaths(paths: string[], opts: QueueOptions): AsyncGenerator<SourceItem> {
  for (const p of paths) {
    if (isStdin(p) && opts.stdin) {
      for await (const batch of scanInput(bytesOf(opts.stdin()), p, opts)) yield* batch;
      continue;
    }
    const abs = path.resolve(opts.cwd, p);
    for await (const file of expand(abs)) {
      if ('error' in file) {
        yield { type: 'error', error: { target: relPath(opts.cwd, file.path), message: file.error } };
        continue;
      }
      const rel = relPath(opts.cwd, file.path);
      if (opts.select && !opts.select(rel)) continue;
      // files hand over batches: one async step per batch, not per fragment, keeps the loop fast
      for await (const batch of scanFile(file.path, rel, opts)) yield* batch;
    }
  }
}

/**
 * "-" and /dev/stdin read the standard input the CLI hands over: opening /dev/stdin again fails
 * when it is a socket (ENXIO), as Node's own child processes have it.
 */
function isStdin(p: string): boolean {
  return p === '-' || p === '/dev/stdin';
}

async function* bytesOf(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  for await (const piece of input) yield typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
}

async function* expand(abs: string): AsyncGenerator<{ path: string } | { path: string; error: string }> {
  let info;
  try {
    info = await stat(abs);
  } catch (err) {
    yield { path: abs, error: describeError(err) };
    return;
  }
  if (!info.isDirectory()) {
    // a file, or a pipe, FIFO or device named on the command line: read as a stream all the same
    yield { path: abs };
    return;
  }
  let entries;
  try {
    entries = await readdir(abs, { withFileTypes: true });
  } catch (err) {
    yield { path: abs, error: describeError(err) };
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.isDirectory() || e.isFile()) yield* expand(path.join(abs, e.name));
  }
}

function relPath(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  return (rel === '' ? path.basename(abs) : rel).split(path.sep).join('/');
}

async function* scanFile(abs: string, rel: string, opts: QueueOptions): AsyncGenerator<SourceItem[]> {
  let input: AsyncIterable<Buffer>;
  try {
    // opened first so an unreadable file is one error item; read once, front to back, so
    // pipes and FIFOs (/dev/stdin) work as files do
    const handle = await open(abs, 'r');
    input = handle.createReadStream({ highWaterMark: READ_CHUNK });
  } catch (err) {
    yield [{ type: 'error', error: { target: rel, message: describeError(err) } }];
    return;
  }
  yield* scanInput(input, rel, opts);
}

/** One dump, as a byte stream: its layout told from its head, then read as that layout. */
async function* scanInput(input: AsyncIterable<Buffer>, rel: string, opts: QueueOptions): AsyncGenerator<SourceItem[]> {
  const maxJson = opts.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES;
  const read = { bytes: 0 };
  const counted = { bytes: 0 };
  const it = countBytes(toUtf8Stream(input), read)[Symbol.asyncIterator]();
  try {
    const head: Buffer[] = [];
    let headBytes = 0;
    while (headBytes < SNIFF_BYTES) {
      const r = await it.next();
      if (r.done) break;
      head.push(r.value);
      headBytes += r.value.length;
    }
    const headBuf = Buffer.concat(head);
    const layout = sniffLayout(headBuf.toString('utf8', 0, Math.min(SNIFF_BYTES, headBuf.length)), opts.format);
    const all = replay(head, it);
    if (layout === 'document') {
      yield* scanDocument(all, rel, maxJson, opts.format, counted);
    } else if (layout !== 'empty') {
      yield* scanLines(all, rel, layout, maxJson, opts.format, counted);
    }
  } catch (err) {
    yield [{ type: 'error', error: { target: rel, message: describeError(err) } }];
  } finally {
    await it.return?.(undefined);
  }
  yield [{ type: 'stat', files: 1, bytes: Math.max(0, read.bytes - counted.bytes) }];
}

async function* countBytes(input: AsyncIterable<Buffer>, read: { bytes: number }): AsyncGenerator<Buffer> {
  for await (const chunk of input) {
    read.bytes += chunk.length;
    yield chunk;
  }
}


/**
 * JSON lines when the first line is a whole JSON value, or when it is broken but the lines after
 * it are whole values (a damaged dump is still JSON lines); a JSON document when it starts one
 * but spans lines (aws prints indented JSON); otherwise kafka-console-consumer text.
 */
export function sniffLayout(head: string, format: QueueFormat): FileLayout {
  const t = head.replace(/^\uFEFF/, '');
  const start = t.search(/\S/);
  if (start < 0) return 'empty';
  const c = t[start];
  if (c === '{' || c === '[') {
    const nl = t.indexOf('\n', start);
    if (nl < 0) return 'jsonl'; // one line, or a first line longer than the head
    try {
      JSON.parse(t.slice(start, nl));
      return 'jsonl';
    } catch {
      if (format === 'kafka') return 'console';
      return laterLinesAreRecords(t, nl + 1) ? 'jsonl' : 'document';
    }
  }
  return format === 'auto' || format === 'kafka' ? 'console' : 'jsonl';
}

/**
 * True when most whole lines after the first are complete JSON objects or arrays starting at
 * column 1. An indented document has hardly any (its records are indented, end in commas).
 */
function laterLinesAreRecords(t: string, from: number): boolean {
  let lines = 0;
  let records = 0;
  for (let p = from, nl = t.indexOf('\n', p); nl >= 0 && lines < 64; p = nl + 1, nl = t.indexOf('\n', p)) {
    const line = t.slice(p, nl).replace(/\r$/, '');
    if (line.trim() === '') continue;
    lines++;
    const c = line[0];
    if (c !== '{' && c !== '[') continue;
    try {
      const v = JSON.parse(line) as unknown;
      if (typeof v === 'object' && v !== null && Object.keys(v).length > 0) records++;
    } catch {
      // not a record
    }
  }
  return records > 0 && records * 2 >= lines;
}

/** `tokensprawl queue <paths...>` and `scan --queue P`. */
export async function openQueue(targets: string[], ctx: OpenContext): Promise<OpenedSource> {
  await checkQueueTargets(targets, ctx.cwd);
  const format = (ctx.flags['queueFormat'] as QueueFormat | undefined) ?? 'auto';
  const { select } = ctx;
  return {
    kind: 'queue',
    root: ctx.cwd,
    targets,
    paths: targets.map((p) => path.resolve(ctx.cwd, p)),
    items: () => queueSource(targets, { cwd: ctx.cwd, format, stdin: ctx.stdin, ...(select ? { select } : {}) }),
  };
}
