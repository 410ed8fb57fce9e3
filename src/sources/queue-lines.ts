// A queue dump of lines: JSON lines (kcat -J, NDJSON) or kafka-console-consumer text, read
// line by line; a line too long to parse is scanned raw in windows.
import type { SourceItem } from '../core/types.js';
import { TextWindows } from './chunks.js';
import { consoleMessage, type QueueFormat } from './queue-formats.js';
import { recordsOfValue } from './queue-document.js';
import { lineError, malformed, messageItems, unparsedRecord, type Positioner } from './queue-fragments.js';
import { StringDecoder } from 'node:string_decoder';

export type DumpLine =
  | { kind: 'line'; text: string; lineNo: number; bytes: number }
  | { kind: 'part'; text: string; lineNo: number; bytes: number; first: boolean; last: boolean };

/** The lines of a stream, a batch per read chunk; a line never held whole past `maxLineBytes`. */
export async function* readLines(input: AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<DumpLine[]> {
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

export async function* scanLines(
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

export function lineItems(
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

