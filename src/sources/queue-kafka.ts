// Kafka: kcat -J records and kafka-console-consumer lines.
import { MIN_SECRET_LENGTH, pointerSegment } from '../core/decode.js';
import { JsonScanError, scanLeaves, type StringLeaf } from './queue-json.js';
import { epochMillis, leafPart, topSegment, type JsonObject, type MessageMeta, type MessagePart, type QueueMessage } from './queue-message.js';

// kcat -J: {"topic","partition","offset","tstype","ts","broker","headers":[k,v,...],"key","payload"}
const KCAT_SKIP = new Set(['topic', 'tstype', 'broker', 'key_error', 'payload_error']);

export /** Header names a producer puts its name in (compared lower-case). */
const PRODUCER_HEADERS = new Set(['producer', 'app_id', 'app-id', 'appid', 'client.id', 'client_id', 'client-id', 'clientid', 'source']);

/** The first producer-naming header of a flat [name, value, …] list. */
function producerOf(headers: readonly unknown[] | undefined): string | undefined {
  if (!headers) return undefined;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i];
    const value = headers[i + 1];
    if (typeof name === 'string' && PRODUCER_HEADERS.has(name.toLowerCase()) && typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

export function kcatMessage(rec: JsonObject, leaves: StringLeaf[]): QueueMessage {
  const meta: MessageMeta = { broker: 'kafka' };
  if (typeof rec.topic === 'string' && rec.topic) meta.queue = rec.topic;
  if (typeof rec.partition === 'number') meta.partition = rec.partition;
  if (typeof rec.offset === 'number') meta.offset = rec.offset;
  // kcat's "ts" is epoch ms, with "tstype" create / logappend (none: no timestamp)
  const time = rec.tstype === 'none' ? undefined : epochMillis(rec.ts);
  if (time) meta.time = time;
  const headers = Array.isArray(rec.headers) ? (rec.headers as unknown[]) : undefined;
  const producer = producerOf(headers);
  if (producer) meta.producer = producer;
  const parts: MessagePart[] = [];
  for (const leaf of leaves) {
    const top = topSegment(leaf.pointer);
    if (KCAT_SKIP.has(top)) continue;
    if (top === 'headers' && headers) {
      // a flat array of alternating names and values: name the value by its header
      const m = /^\/headers\/(\d+)$/.exec(leaf.pointer);
      if (m) {
        const i = Number(m[1]);
        if (i % 2 === 0) continue; // a header name
        const name = headers[i - 1];
        if (typeof name !== 'string') {
          parts.push(leafPart(leaf));
          continue;
        }
        // shown with its name ("authorization","Bearer …") so context rules see the header
        const part = leafPart(leaf, `/headers/${pointerSegment(name)}`);
        if (leaf.prevStart >= 0) part.from = leaf.prevStart;
        parts.push(part);
        continue;
      }
    }
    parts.push(leafPart(leaf));
  }
  return { meta, parts };
}

/**
 * kafka-console-consumer with print.key / print.headers (and print.timestamp, print.partition,
 * print.offset): `[CreateTime:ts\t][Partition:p\t][Offset:o\t]headers\tkey\tvalue`, headers as
 * `k1:v1,k2:v2` or `NO_HEADERS`. Fields are named like kcat's: /headers/<name>, /key, /payload.
 */
export function consoleMessage(line: string): QueueMessage {
  const meta: MessageMeta = { broker: 'kafka' };
  const cols = splitTabs(line);
  let i = 0;
  for (; i < cols.length - 1; i++) {
    const col = cols[i];
    if (!col) break;
    const text = line.slice(col.start, col.end);
    const m = /^(CreateTime|LogAppendTime|Partition|Offset|Delivery):(-?\d+|NONE)$/.exec(text);
    if (m) {
      if (m[1] === 'Partition') meta.partition = Number(m[2]);
      if (m[1] === 'Offset') meta.offset = Number(m[2]);
      if (m[1] === 'CreateTime' || m[1] === 'LogAppendTime') {
        const time = epochMillis(m[2]);
        if (time) meta.time = time;
      }
    } else if (text !== 'NO_TIMESTAMP') break;
  }
  const rest = cols.slice(i);
  const parts: MessagePart[] = [];
  const first = rest[0];
  if (!first) return { meta, parts };
  const firstText = line.slice(first.start, first.end);
  let valueFrom = 0;
  if (rest.length >= 3 && (firstText === 'NO_HEADERS' || /^[^:,]+:/.test(firstText))) {
    if (firstText !== 'NO_HEADERS') {
      parts.push(...consoleHeaders(line, first.start, first.end));
      // `k1:v1,k2:v2`: a producer-naming header, whatever its length
      const producer = producerOf(firstText.split(/,(?=[^:,]+:)/).flatMap((h) => [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 1)]));
      if (producer) meta.producer = producer;
    }
    pushRaw(parts, line, '/key', rest[1]);
    valueFrom = 2;
  } else if (rest.length >= 2 && firstText === 'NO_HEADERS') {
    valueFrom = 1;
  } else if (rest.length >= 2) {
    pushRaw(parts, line, '/key', first);
    valueFrom = 1;
  }
  const valueCol = rest[valueFrom];
  if (!valueCol) return { meta, parts };
  // the value runs to the end of the line, tabs included
  const value = { start: valueCol.start, end: line.length };
  const c = line.charCodeAt(value.start);
  if (c === 0x7b || c === 0x5b) {
    try {
      for (const leaf of scanLeaves(line, value.start, value.end)) {
        parts.push(leafPart(leaf, `/payload${leaf.pointer}`));
      }
      return { meta, parts };
    } catch (err) {
      if (!(err instanceof JsonScanError)) throw err;
      // not JSON after all: scanned as text below
    }
  }
  pushRaw(parts, line, '/payload', value);
  return { meta, parts };
}

function consoleHeaders(line: string, start: number, end: number): MessagePart[] {
  // split on "," only where a new "name:" follows, so a value may hold commas
  const parts: MessagePart[] = [];
  const re = /(?:^|,)([^:,]+):/g;
  const text = line.slice(start, end);
  const heads: Array<{ name: string; from: number; valueStart: number }> = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const name = m[1] ?? '';
    const from = m.index + (m[0].startsWith(',') ? 1 : 0);
    heads.push({ name, from, valueStart: m.index + m[0].length });
  }
  heads.forEach((h, k) => {
    const next = heads[k + 1];
    const valueEnd = next ? next.from - 1 : text.length;
    if (valueEnd - h.valueStart < MIN_SECRET_LENGTH) return;
    parts.push({
      pointer: `/headers/${pointerSegment(h.name)}`,
      from: start + h.from,
      to: start + valueEnd,
      valueStart: start + h.valueStart,
      valueEnd: start + valueEnd,
      value: text.slice(h.valueStart, valueEnd),
      escaped: false,
    });
  });
  return parts;
}

function pushRaw(parts: MessagePart[], line: string, pointer: string, col: { start: number; end: number } | undefined): void {
  if (!col || col.end - col.start < MIN_SECRET_LENGTH) return;
  parts.push({
    pointer,
    from: col.start,
    to: col.end,
    valueStart: col.start,
    valueEnd: col.end,
    value: line.slice(col.start, col.end),
    escaped: false,
  });
}

function splitTabs(line: string): Array<{ start: number; end: number }> {
  const cols: Array<{ start: number; end: number }> = [];
  let start = 0;
  for (let i = line.indexOf('\t'); i >= 0; i = line.indexOf('\t', start)) {
    cols.push({ start, end: i });
    start = i + 1;
  }
  cols.push({ start, end: line.length });
  return cols;
}

