// The queue source: message-queue exports (kcat -J, kafka-console-consumer, RabbitMQ
// management API "get", aws sqs receive-message, NDJSON) to fragments, one per message field.
// Every dump is read once, as a stream (files, pipes, FIFOs, "-"): JSON lines line by line, a
// JSON document whole under a size limit and record by record above it; nothing is held unbounded.
import { access, constants, open, readdir, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import path from 'node:path';
import { TargetError, describeError } from '../core/errors.js';
import type { Fragment, Provenance, Source, SourceItem } from '../core/types.js';
import { toUtf8Stream } from '../core/text-decode.js';
import { chunkStream, TextWindows } from './chunks.js';
import { decodeLayers, looksEncoded } from '../core/decode.js';
import {
  consoleMessage,
  interpretRecord,
  recordKindOf,
  type MessageMeta,
  type MessagePart,
  type QueueMessage,
  type RecordKind,
} from './queue-formats.js';
import { DocumentSplitter, type DocumentPart } from '../core/json-stream.js';
import { isObject } from '../core/guards.js';
import { JsonScanError, JsonScanner, scanLeaves } from './queue-json.js';

export type QueueFormat = 'auto' | 'kafka' | 'rabbitmq' | 'sqs' | 'ndjson';

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
const DOCUMENT_BATCH = 256;

type FileLayout = 'jsonl' | 'document' | 'console' | 'empty';

/** Throws a TargetError naming the first path that does not exist or cannot be read. */
export async function checkQueueTargets(paths: string[], cwd: string): Promise<void> {
  for (const p of paths) {
    if (isStdin(p)) continue;
    const abs = path.resolve(cwd, p);
    try {
      await access(abs, constants.R_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const what = code === 'ENOENT' ? 'does not exist' : `cannot be read (${describeError(err)})`;
      throw new TargetError(`queue dump ${p} ${what}`, { cause: err });
    }
  }
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

async function* replay(head: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* head;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
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

/**
 * A line of a dump: whole (decoded, CR of CRLF dropped), or, when longer than the limit, in
 * pieces of text handed over as they are read (`part`), the last one with `last`.
 */
type DumpLine =
  | { kind: 'line'; text: string; lineNo: number; bytes: number }
  | { kind: 'part'; text: string; lineNo: number; bytes: number; first: boolean; last: boolean };

/** The lines of a stream, a batch per read chunk; a line never held whole past `maxLineBytes`. */
async function* readLines(input: AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<DumpLine[]> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** the line being handed over in parts; its decoder keeps characters cut between chunks whole */
  let long: { decoder: StringDecoder; bytes: number } | null = null;
  let lineNo = 0;
  for await (const chunk of input) {
    const batch: DumpLine[] = [];
    let pos = 0;
    for (let nl = chunk.indexOf(10, pos); nl >= 0; nl = chunk.indexOf(10, pos)) {
      lineNo++;
      if (long) {
        const text = long.decoder.write(chunk.subarray(pos, nl)) + long.decoder.end();
        batch.push({ kind: 'part', text, lineNo, bytes: long.bytes + (nl - pos) + 1, first: false, last: true });
        long = null;
      } else if (pendingBytes + (nl - pos) > maxLineBytes) {
        const text = new StringDecoder('utf8').end(Buffer.concat([...pending, chunk.subarray(pos, nl)]));
        batch.push({ kind: 'part', text, lineNo, bytes: pendingBytes + (nl - pos) + 1, first: true, last: true });
      } else {
        const buf = pending.length === 0 ? chunk.subarray(pos, nl) : Buffer.concat([...pending, chunk.subarray(pos, nl)]);
        let end = buf.length;
        if (end > 0 && buf[end - 1] === 13) end--; // CRLF
        batch.push({ kind: 'line', text: buf.toString('utf8', 0, end), lineNo, bytes: buf.length + 1 });
      }
      pending = [];
      pendingBytes = 0;
      pos = nl + 1;
    }
    if (pos < chunk.length) {
      const rest = chunk.subarray(pos);
      if (long) {
        long.bytes += rest.length;
        batch.push({ kind: 'part', text: long.decoder.write(rest), lineNo: lineNo + 1, bytes: 0, first: false, last: false });
      } else if (pendingBytes + rest.length > maxLineBytes) {
        // too long to parse: from here on it is scanned as text, in windows, as it comes
        long = { decoder: new StringDecoder('utf8'), bytes: pendingBytes + rest.length };
        const text = long.decoder.write(Buffer.concat([...pending, rest]));
        batch.push({ kind: 'part', text, lineNo: lineNo + 1, bytes: 0, first: true, last: false });
        pending = [];
        pendingBytes = 0;
      } else {
        pending.push(rest);
        pendingBytes += rest.length;
      }
    }
    if (batch.length > 0) yield batch;
  }
  if (long) {
    yield [{ kind: 'part', text: long.decoder.end(), lineNo: lineNo + 1, bytes: long.bytes, first: false, last: true }];
  } else if (pendingBytes > 0) {
    const text = Buffer.concat(pending).toString('utf8').replace(/\r$/, '');
    yield [{ kind: 'line', text, lineNo: lineNo + 1, bytes: pendingBytes }];
  }
}

async function* scanLines(
  input: AsyncIterable<Buffer>,
  rel: string,
  layout: 'jsonl' | 'console',
  maxJson: number,
  format: QueueFormat,
  counted: { bytes: number },
): AsyncGenerator<SourceItem[]> {
  let windows: TextWindows | null = null;
  for await (const batch of readLines(input, maxJson)) {
    // one hand-over per line: fragments die young, which the garbage collector likes
    for (const line of batch) {
      const out: SourceItem[] = [];
      if (line.kind === 'part') {
        // a line too long to parse is scanned as raw text, in overlapping windows
        if (line.first) windows = new TextWindows({ kind: 'queue', path: rel }, {}, { line: line.lineNo, column: 1 });
        if (windows) {
          for (const fragment of windows.push(line.text)) out.push({ type: 'fragment', fragment });
          if (line.last) {
            for (const fragment of windows.end()) out.push({ type: 'fragment', fragment });
            windows = null;
            counted.bytes += line.bytes;
            out.push({ type: 'stat', messages: 1, bytes: line.bytes });
          }
        }
      } else {
        lineItems(line, rel, layout, format, counted, out);
      }
      if (out.length > 0) yield out;
    }
  }
}

function lineItems(
  line: Extract<DumpLine, { kind: 'line' }>,
  rel: string,
  layout: 'jsonl' | 'console',
  format: QueueFormat,
  counted: { bytes: number },
  out: SourceItem[],
): void {
  const text = line.lineNo === 1 ? line.text.replace(/^\uFEFF/, '') : line.text;
  const bom = text.length !== line.text.length ? 1 : 0;
  if (text.trim() === '') return;
  const pos: Positioner = { at: (offset) => ({ line: line.lineNo, column: offset + 1 + bom }) };
  if (layout === 'console') {
    counted.bytes += line.bytes;
    out.push({ type: 'stat', messages: 1, bytes: line.bytes });
    for (const item of messageItems(text, consoleMessage(text), rel, pos)) out.push(item);
    return;
  }
  let tree: unknown;
  try {
    tree = JSON.parse(text) as unknown;
  } catch {
    out.push(lineError(rel, line.lineNo, malformed(text, 0, text.length, pos)));
    out.push(unparsedRecord(text, rel, line.lineNo, 1 + bom));
    return;
  }
  recordsOfValue(text, tree, format, rel, pos, line.lineNo, 1 + bom, line.bytes, undefined, counted, out);
}

/**
 * The items of one parsed JSON value (a line, or a record of a document read piece by piece);
 * a value the scanner refuses (too deep) is an error at its line, and its text is scanned raw.
 */
function recordsOfValue(
  text: string,
  tree: unknown,
  format: QueueFormat,
  rel: string,
  pos: Positioner,
  line: number,
  column: number,
  bytes: number,
  queue: string | undefined,
  counted: { bytes: number },
  out: SourceItem[],
): void {
  const items: SourceItem[] = [];
  try {
    let first = true;
    for (const item of recordItems(text, tree, format, rel, pos, queue)) {
      if (item.type === 'stat' && first) {
        // the whole value counts once, with its first message
        first = false;
        items.push({ type: 'stat', messages: 1, bytes });
      } else if (item.type === 'stat') {
        items.push({ type: 'stat', messages: 1 });
      } else {
        items.push(item);
      }
    }
  } catch (err) {
    if (!(err instanceof JsonScanError)) throw err;
    const at = pos.at(err.offset);
    out.push(lineError(rel, at.line, `malformed JSON record at column ${at.column}: ${err.message}`));
    out.push(unparsedRecord(text, rel, line, column));
    return;
  }
  for (const item of items) {
    if (item.type === 'stat' && item.bytes) counted.bytes += item.bytes;
    out.push(item);
  }
}

async function* scanDocument(
  input: AsyncIterable<Buffer>,
  rel: string,
  maxJson: number,
  format: QueueFormat,
  counted: { bytes: number },
): AsyncGenerator<SourceItem[]> {
  // a document up to the limit is read whole: checked first, so a broken one yields no half-read messages
  const held: Buffer[] = [];
  let heldBytes = 0;
  const it = input[Symbol.asyncIterator]();
  for (;;) {
    const r = await it.next();
    if (r.done) {
      yield* scanWholeDocument(Buffer.concat(held).toString('utf8'), rel, format, counted);
      return;
    }
    held.push(r.value);
    heldBytes += r.value.length;
    if (heldBytes > maxJson) break;
  }
  // bigger: split into records as it is read, each parsed on its own (or scanned raw when too big)
  yield* streamDocument(replay(held.splice(0), it), rel, maxJson, format, counted);
}

async function* streamDocument(
  input: AsyncIterable<Buffer>,
  rel: string,
  maxJson: number,
  format: QueueFormat,
  counted: { bytes: number },
): AsyncGenerator<SourceItem[]> {
  const splitter = new DocumentSplitter(maxJson);
  const decoder = new StringDecoder('utf8');
  let windows: TextWindows | null = null;
  const handle = (parts: DocumentPart[]): SourceItem[] => {
    const out: SourceItem[] = [];
    for (const part of parts) {
      if (part.type === 'error') {
        out.push(lineError(rel, part.line, `malformed JSON at column ${part.column}: ${part.message}`));
      } else if (part.type === 'raw') {
        if (!part.continued || windows === null) windows = new TextWindows({ kind: 'queue', path: rel }, {}, { line: part.line, column: part.column });
        for (const fragment of windows.push(part.text)) out.push({ type: 'fragment', fragment });
        if (!part.more) {
          for (const fragment of windows.end()) out.push({ type: 'fragment', fragment });
          windows = null;
        }
      } else {
        const pos = shifted(documentPositioner(part.text), part.line, part.column);
        let tree: unknown;
        try {
          tree = JSON.parse(part.text) as unknown;
        } catch {
          out.push(lineError(rel, part.line, malformed(part.text, 0, part.text.length, pos)));
          out.push(unparsedRecord(part.text, rel, part.line, part.column));
          continue;
        }
        recordsOfValue(part.text, tree, format, rel, pos, part.line, part.column, Buffer.byteLength(part.text), part.queue, counted, out);
      }
    }
    return out;
  };
  for await (const chunk of input) {
    const out = handle(splitter.push(decoder.write(chunk)));
    if (out.length > 0) yield out;
  }
  const out = handle([...splitter.push(decoder.end()), ...splitter.end()]);
  if (out.length > 0) yield out;
}

/** A positioner of a record's own text, moved to where the record starts in the dump. */
function shifted(pos: Positioner, line: number, column: number): Positioner {
  return {
    at(offset) {
      const p = pos.at(offset);
      return p.line === 1 ? { line, column: column + p.column - 1 } : { line: line + p.line - 1, column: p.column };
    },
  };
}

async function* scanWholeDocument(text: string, rel: string, format: QueueFormat, counted: { bytes: number }): AsyncGenerator<SourceItem[]> {
  const pos = documentPositioner(text);
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let items: SourceItem[];
  try {
    // validate the whole document first: a broken document yields no half-read messages
    const scanner = new JsonScanner(text);
    const end = scanner.skipWs(scanner.value(start));
    if (end < text.length) throw new JsonScanError(end, 'unexpected text after the JSON document');
    items = [...recordItems(text, undefined, format, rel, pos)];
  } catch (err) {
    if (!(err instanceof JsonScanError)) throw err;
    const at = pos.at(err.offset);
    yield [lineError(rel, at.line, `malformed JSON at column ${at.column}: ${err.message}`)];
    // A cut-off export still leaks what it holds: scan its text as it is.
    const raw: SourceItem[] = [];
    for await (const fragment of chunkStream(once(text), { kind: 'queue', path: rel })) raw.push({ type: 'fragment', fragment });
    yield raw;
    return;
  }
  let out: SourceItem[] = [];
  for (const item of items) {
    if (item.type === 'stat' && item.bytes) counted.bytes += item.bytes;
    out.push(item);
    if (out.length >= DOCUMENT_BATCH) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

/** A record range of a JSON text, and the queue its container names, if any. */
interface RecordRange {
  start: number;
  end: number;
  queue?: string;
}

/**
 * The messages of one JSON value (a line, or a whole document): an array of records, an SQS
 * response {"Messages": [...]}, a wrapper {"queue", "messages": [...]}, or one record.
 * `tree` is the parsed value when the caller has it (JSON lines), to skip scanning plain records.
 */
function* recordItems(text: string, tree: unknown, format: QueueFormat, rel: string, pos: Positioner, queue?: string): Generator<SourceItem> {
  const forced: RecordKind | undefined = format === 'auto' ? undefined : format;
  const scanner = new JsonScanner(text);
  const root = scanner.skipWs(text.charCodeAt(0) === 0xfeff ? 1 : 0);
  let ranges: RecordRange[];
  if (tree !== undefined && !isContainer(tree, forced)) {
    ranges = [{ start: root, end: text.length }];
  } else {
    ranges = recordRanges(scanner, root, forced);
  }
  for (const r of ranges) {
    let rec: unknown;
    let leaves;
    try {
      rec = ranges.length === 1 && tree !== undefined && r.start === root ? tree : (JSON.parse(text.slice(r.start, r.end)) as unknown);
      leaves = scanLeaves(text, r.start, r.end);
    } catch {
      const at = pos.at(r.start);
      yield lineError(rel, at.line, malformed(text, r.start, r.end, pos));
      yield unparsedRecord(text.slice(r.start, r.end), rel, at.line, at.column);
      continue;
    }
    const obj = isObject(rec) ? rec : {};
    const kind = forced === 'kafka' || forced === 'rabbitmq' || forced === 'sqs' || forced === 'ndjson' ? forced : recordKindOf(obj);
    const message = interpretRecord(kind, obj, leaves, r.queue ?? queue);
    yield { type: 'stat', messages: 1, bytes: Buffer.byteLength(text.slice(r.start, r.end)) };
    yield* messageItems(text, message, rel, pos);
  }
}

function isContainer(tree: unknown, forced: RecordKind | undefined): boolean {
  if (forced === 'ndjson') return false;
  if (Array.isArray(tree)) return true;
  if (!isObject(tree)) return false;
  return Array.isArray(tree.Messages) || (Array.isArray(tree.messages) && (typeof tree.queue === 'string' || typeof tree.name === 'string'));
}

function recordRanges(scanner: JsonScanner, root: number, forced: RecordKind | undefined): RecordRange[] {
  const text = scanner.text;
  const c = text.charCodeAt(root);
  const whole = (): RecordRange[] => [{ start: root, end: scanner.value(root) }];
  if (forced === 'ndjson') return whole();
  if (c === 0x5b) return arrayItems(scanner, root);
  if (c !== 0x7b) return whole();
  const members = objectMembers(scanner, root);
  const sqs = members.get('Messages');
  if (sqs && text.charCodeAt(sqs.start) === 0x5b) {
    const url = members.get('QueueUrl');
    const queue = url ? memberString(scanner, url)?.split('/').pop() : undefined;
    return arrayItems(scanner, sqs.start).map((r) => (queue ? { ...r, queue } : r));
  }
  const list = members.get('messages');
  const named = members.get('queue') ?? members.get('name');
  const queue = named ? memberString(scanner, named) : undefined;
  if (list && queue !== undefined && text.charCodeAt(list.start) === 0x5b) {
    return arrayItems(scanner, list.start).map((r) => (queue ? { ...r, queue } : r));
  }
  return whole();
}

function arrayItems(scanner: JsonScanner, at: number): RecordRange[] {
  const text = scanner.text;
  const out: RecordRange[] = [];
  let p = scanner.skipWs(at + 1);
  if (text.charCodeAt(p) === 0x5d) return out;
  for (;;) {
    const start = scanner.skipWs(p);
    const end = scanner.value(start);
    out.push({ start, end });
    p = scanner.skipWs(end);
    const c = text.charCodeAt(p);
    if (c === 0x5d) return out;
    if (c !== 0x2c) throw new JsonScanError(p, "expected ',' or ']'");
    p++;
  }
}

function objectMembers(scanner: JsonScanner, at: number): Map<string, RecordRange> {
  const text = scanner.text;
  const out = new Map<string, RecordRange>();
  let p = scanner.skipWs(at + 1);
  if (text.charCodeAt(p) === 0x7d) return out;
  for (;;) {
    if (text.charCodeAt(p) !== 0x22) throw new JsonScanError(p, 'expected a string key');
    const keyEnd = scanner.stringEnd(p);
    const key = scanner.stringValue(p, keyEnd);
    const colon = scanner.skipWs(keyEnd);
    if (text.charCodeAt(colon) !== 0x3a) throw new JsonScanError(colon, "expected ':'");
    const start = scanner.skipWs(colon + 1);
    const end = scanner.value(start);
    out.set(key, { start, end });
    p = scanner.skipWs(end);
    const c = text.charCodeAt(p);
    if (c === 0x7d) return out;
    if (c !== 0x2c) throw new JsonScanError(p, "expected ',' or '}'");
    p = scanner.skipWs(p + 1);
  }
}

function memberString(scanner: JsonScanner, r: RecordRange): string | undefined {
  return scanner.text.charCodeAt(r.start) === 0x22 ? scanner.stringValue(r.start, r.end) : undefined;
}

/** Maps an offset of the scanned text to its 1-based line and column in the dump. */
interface Positioner {
  at(offset: number): { line: number; column: number };
}

function documentPositioner(text: string): Positioner {
  let starts = new Int32Array(1024);
  let n = 1; // starts[0] = 0: line 1 starts at offset 0
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (n === starts.length) {
      const grown = new Int32Array(starts.length * 2);
      grown.set(starts);
      starts = grown;
    }
    starts[n++] = i + 1;
  }
  const lineStarts = starts.subarray(0, n);
  return {
    at(offset) {
      let lo = 0;
      let hi = lineStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1 };
    },
  };
}

function* messageItems(text: string, message: QueueMessage, rel: string, pos: Positioner): Generator<SourceItem> {
  for (const part of message.parts) {
    for (const fragment of partFragments(text, part, message.meta, rel, pos)) yield { type: 'fragment', fragment };
  }
}

/**
 * The raw text of a field, located exactly; or, when the field is encoded, each decoded text
 * found in it, pinned to where the encoded value starts (SPEC: a secret inside a decoded value
 * is reported there). An encoded field is not scanned raw as well: a json or url layer repeats
 * its tokens, and the detector would peel a raw base64 value a second time, naming a coarser
 * field.
 */
function* partFragments(text: string, part: MessagePart, meta: MessageMeta, rel: string, pos: Positioner): Generator<Fragment> {
  const provenance: Provenance = { kind: 'queue', path: rel, ...meta, field: part.pointer };
  const decoded = looksEncoded(part.value) ? decodeLayers(part.value) : [];
  if (decoded.length === 0) {
    yield rawFragment(text, part, provenance, pos);
    return;
  }
  const at = pos.at(part.valueStart);
  const end = pos.at(part.valueEnd);
  for (const d of decoded) {
    yield {
      text: d.text,
      provenance: { ...provenance, field: part.pointer + (d.pointer ?? '') },
      line: at.line,
      column: at.column,
      pinned: { endLine: end.line, endColumn: end.column },
      decodedFrom: d.layers,
    };
  }
}

function rawFragment(text: string, part: MessagePart, provenance: Provenance, pos: Positioner): Fragment {
  const valueAt = pos.at(part.valueStart);
  // the key is shown as context only when it sits on the value's line
  const from = pos.at(part.from).line === valueAt.line ? part.from : Math.min(part.from, part.valueStart - 1);
  const at = pos.at(from);
  if (!part.escaped) return { text: text.slice(from, part.to), provenance, line: at.line, column: at.column };
  // JSON escapes: scan the unescaped value, each character mapped to its column in the dump
  const lineStart = from - (at.column - 1);
  const chars: string[] = [];
  const cols: number[] = [];
  const copy = (a: number, b: number): void => {
    for (let o = a; o < b; o++) {
      chars.push(text[o] ?? '');
      cols.push(o - lineStart);
    }
  };
  copy(from, part.valueStart);
  for (let o = part.valueStart; o < part.valueEnd; ) {
    const ch = text[o] ?? '';
    if (ch !== '\\') {
      chars.push(ch);
      cols.push(o - lineStart);
      o++;
      continue;
    }
    const esc = text[o + 1] ?? '';
    let out: string;
    let len = 2;
    if (esc === 'u') {
      out = String.fromCharCode(parseInt(text.slice(o + 2, o + 6), 16));
      len = 6;
    } else {
      out = ESCAPES[esc] ?? esc;
    }
    // control characters become spaces: the text stays one line, mapped one to one
    chars.push(out.charCodeAt(0) < 0x20 ? ' ' : out);
    cols.push(o - lineStart);
    o += len;
  }
  copy(part.valueEnd, part.to);
  cols.push(part.to - lineStart);
  return {
    text: chars.join(''),
    provenance,
    line: at.line,
    column: at.column,
    columnMaps: new Map([[0, Int32Array.from(cols)]]),
  };
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

/** A record that is not JSON is still text that may hold a token: scanned as it is. */
function unparsedRecord(text: string, rel: string, line: number, column: number): SourceItem {
  return { type: 'fragment', fragment: { text, provenance: { kind: 'queue', path: rel }, line, column } };
}

function lineError(rel: string, line: number, message: string): SourceItem {
  return { type: 'error', error: { target: `${rel}:${line}`, message } };
}

/** Where a record stops being JSON, without quoting it (it may hold a secret). */
function malformed(text: string, start: number, end: number, pos: Positioner): string {
  try {
    const scanner = new JsonScanner(text, end);
    const after = scanner.skipWs(scanner.value(start));
    if (after < end) throw new JsonScanError(after, 'unexpected text after the JSON value');
  } catch (err) {
    if (err instanceof JsonScanError) return `malformed JSON record at column ${pos.at(err.offset).column}: ${err.message}`;
  }
  return 'malformed JSON record';
}

