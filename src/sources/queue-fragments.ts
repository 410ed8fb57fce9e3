// A queue message's fields as fragments: each located exactly in the dump (JSON escapes
// mapped column by column), or decoded and pinned where the encoded value starts.
import type { Fragment, Provenance, SourceItem } from '../core/types.js';
import { decodeLayers, looksEncoded } from '../core/decode.js';
import type { MessageMeta, MessagePart, QueueMessage } from './queue-formats.js';
import { JsonScanError, JsonScanner } from './queue-json.js';

/** Maps an offset of the scanned text to its 1-based line and column in the dump. */
export interface Positioner {
  at(offset: number): { line: number; column: number };
}


export function* messageItems(text: string, message: QueueMessage, rel: string, pos: Positioner): Generator<SourceItem> {
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
export function* partFragments(text: string, part: MessagePart, meta: MessageMeta, rel: string, pos: Positioner): Generator<Fragment> {
  yield* fieldFragments(text, part, { kind: 'queue', path: rel, ...meta, field: part.pointer }, pos);
}

/** A provenance that names the field of a structured record (queue message, HAR entry). */
export type FieldProvenance = Extract<Provenance, { kind: 'queue' | 'har' }>;

/** partFragments for any source whose records are JSON: decoded layers extend `field`. */
export function* fieldFragments(text: string, part: MessagePart, provenance: FieldProvenance, pos: Positioner): Generator<Fragment> {
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
      provenance: { ...provenance, field: (provenance.field ?? '') + (d.pointer ?? '') },
      line: at.line,
      column: at.column,
      pinned: { endLine: end.line, endColumn: end.column },
      decodedFrom: d.layers,
    };
  }
}

export function rawFragment(text: string, part: MessagePart, provenance: Provenance, pos: Positioner): Fragment {
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
export async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

/** A record that is not JSON is still text that may hold a token: scanned as it is. */
export function unparsedRecord(text: string, rel: string, line: number, column: number): SourceItem {
  return { type: 'fragment', fragment: { text, provenance: { kind: 'queue', path: rel }, line, column } };
}

export function lineError(rel: string, line: number, message: string): SourceItem {
  return { type: 'error', error: { target: `${rel}:${line}`, message } };
}

/** Where a record stops being JSON, without quoting it (it may hold a secret). */
export function malformed(text: string, start: number, end: number, pos: Positioner): string {
  try {
    const scanner = new JsonScanner(text, end);
    const after = scanner.skipWs(scanner.value(start));
    if (after < end) throw new JsonScanError(after, 'unexpected text after the JSON value');
  } catch (err) {
    if (err instanceof JsonScanError) return `malformed JSON record at column ${pos.at(err.offset).column}: ${err.message}`;
  }
  return 'malformed JSON record';
}

export { isObject } from '../core/guards.js';
