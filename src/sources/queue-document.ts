// A queue dump that is one JSON document (RabbitMQ "get", aws sqs receive-message): parsed
// whole under a size limit, split into its records as it is read above it.
import type { SourceItem } from '../core/types.js';
import { chunkStream, TextWindows } from './chunks.js';
import { interpretRecord, recordKindOf, type QueueFormat, type RecordKind } from './queue-formats.js';
import { DocumentSplitter, type DocumentPart } from '../core/json-stream.js';
import { JsonScanError, JsonScanner, scanLeaves } from './queue-json.js';
import { isObject, lineError, malformed, messageItems, once, unparsedRecord, type Positioner } from './queue-fragments.js';
import { StringDecoder } from 'node:string_decoder';

/** Items of a JSON document handed over at once. */
const DOCUMENT_BATCH = 256;

/**
 * The items of one parsed JSON value (a line, or a record of a document read piece by piece);
 * a value the scanner refuses (too deep) is an error at its line, and its text is scanned raw.
 */
export function recordsOfValue(
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

export async function* scanDocument(
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

export async function* streamDocument(
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
export function shifted(pos: Positioner, line: number, column: number): Positioner {
  return {
    at(offset) {
      const p = pos.at(offset);
      return p.line === 1 ? { line, column: column + p.column - 1 } : { line: line + p.line - 1, column: p.column };
    },
  };
}

export async function* scanWholeDocument(text: string, rel: string, format: QueueFormat, counted: { bytes: number }): AsyncGenerator<SourceItem[]> {
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
export interface RecordRange {
  start: number;
  end: number;
  queue?: string;
}

/**
 * The messages of one JSON value (a line, or a whole document): an array of records, an SQS
 * response {"Messages": [...]}, a wrapper {"queue", "messages": [...]}, or one record.
 * `tree` is the parsed value when the caller has it (JSON lines), to skip scanning plain records.
 */
export function* recordItems(text: string, tree: unknown, format: QueueFormat, rel: string, pos: Positioner, queue?: string): Generator<SourceItem> {
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

export function isContainer(tree: unknown, forced: RecordKind | undefined): boolean {
  if (forced === 'ndjson') return false;
  if (Array.isArray(tree)) return true;
  if (!isObject(tree)) return false;
  return Array.isArray(tree.Messages) || (Array.isArray(tree.messages) && (typeof tree.queue === 'string' || typeof tree.name === 'string'));
}

export function recordRanges(scanner: JsonScanner, root: number, forced: RecordKind | undefined): RecordRange[] {
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

export function arrayItems(scanner: JsonScanner, at: number): RecordRange[] {
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

export function objectMembers(scanner: JsonScanner, at: number): Map<string, RecordRange> {
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

export function memberString(scanner: JsonScanner, r: RecordRange): string | undefined {
  return scanner.text.charCodeAt(r.start) === 0x22 ? scanner.stringValue(r.start, r.end) : undefined;
}


export function documentPositioner(text: string): Positioner {
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


/** The sniffed head of a stream, then the rest of it. */
export async function* replay(head: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* head;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}
