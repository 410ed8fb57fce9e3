// Turns a byte stream into fragments of bounded size. Consecutive fragments overlap by
// OVERLAP characters so a token on a chunk border is found whole in the next one; each
// fragment accepts only matches that start before its overlap tail (acceptBefore).
import { StringDecoder } from 'node:string_decoder';
import { chunkDecoder } from '../core/chunk-decoder.js';
import type { TextNormalizer } from '../core/text-decode.js';
import type { Fragment, Provenance } from '../core/types.js';

export const CHUNK_CHARS = 1024 * 1024;
export const OVERLAP = 16 * 1024;

export interface ChunkerOptions {
  chunkChars?: number;
  overlap?: number;
}

/** Fragments of a whole stream; `bytes` is called with the size of every buffer read. */
export async function* chunkStream(
  stream: AsyncIterable<Buffer | string>,
  provenance: Provenance,
  opts: ChunkerOptions = {},
): AsyncGenerator<Fragment> {
  const decoder = new StringDecoder('utf8');
  const windows = new TextWindows(provenance, opts);
  for await (const piece of stream) yield* windows.push(typeof piece === 'string' ? piece : decoder.write(piece));
  yield* windows.push(decoder.end());
  yield* windows.end();
}

/**
 * Text handed over piece by piece, cut into overlapping windows of bounded size: at most
 * chunkChars + overlap characters are held, however long the text or its lines.
 */
export class TextWindows {
  private readonly chunkChars: number;
  private readonly overlap: number;
  private pending = '';
  private line: number;
  private column: number;

  constructor(
    private readonly provenance: Provenance,
    opts: ChunkerOptions = {},
    start: { line: number; column: number } = { line: 1, column: 1 },
  ) {
    this.chunkChars = opts.chunkChars ?? CHUNK_CHARS;
    this.overlap = opts.overlap ?? OVERLAP;
    this.line = start.line;
    this.column = start.column;
  }

  *push(text: string): Generator<Fragment> {
    if (text === '') return;
    this.pending += text;
    while (this.pending.length >= this.chunkChars + this.overlap) {
      const window = this.pending.slice(0, this.chunkChars + this.overlap);
      yield { text: window, provenance: this.provenance, line: this.line, column: this.column, acceptBefore: this.chunkChars };
      ({ line: this.line, column: this.column } = advance(window, this.chunkChars, this.line, this.column));
      this.pending = this.pending.slice(this.chunkChars);
    }
  }

  *end(): Generator<Fragment> {
    if (this.pending.length > 0) yield { text: this.pending, provenance: this.provenance, line: this.line, column: this.column };
    this.pending = '';
  }
}

/**
 * Fragments of a file that must be decoded first (UTF-16, CR-only line ends; see
 * core/text-decode.ts): read in pieces, decoded, and cut into overlapping text windows.
 */
export function* chunkDecodedFile(read: (into: Uint8Array) => number, provenance: Provenance, normalizer: TextNormalizer, opts: ChunkerOptions = {}): Generator<Fragment> {
  const windows = new TextWindows(provenance, opts);
  const buf = Buffer.allocUnsafe(256 * 1024);
  for (;;) {
    const n = read(buf);
    if (n === 0) break;
    yield* windows.push(normalizer.push(buf.subarray(0, n)));
  }
  yield* windows.push(normalizer.end());
  yield* windows.end();
}

/** Position after `text.slice(0, upTo)`, starting from (line, column). */
export function advance(text: string, upTo: number, line: number, column: number): { line: number; column: number } {
  let nl = text.lastIndexOf('\n', upTo - 1);
  if (nl === -1) return { line, column: column + upTo };
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < upTo; i = text.indexOf('\n', i + 1)) count++;
  return { line: line + count, column: upTo - nl };
}

/**
 * Fragments of a file, as raw bytes (`read` fills the buffer it is given and returns the
 * count, 0 at the end): a large file is not decoded here but where
 * it is scanned (a worker), and each fragment's buffer is its own, so it is transferred, not
 * copied. Cuts fall on UTF-8 character boundaries; consecutive fragments overlap by `overlap`
 * bytes and a fragment accepts matches only before its cut (`acceptBeforeByte`).
 */
export function* chunkFile(read: (into: Uint8Array) => number, provenance: Provenance, opts: ChunkerOptions = {}): Generator<Fragment> {
  const chunk = opts.chunkChars ?? CHUNK_CHARS;
  const overlap = opts.overlap ?? OVERLAP;
  let line = 1;
  let column = 1;
  let carry: Uint8Array = new Uint8Array(0);
  for (;;) {
    const buf = Buffer.allocUnsafeSlow(chunk + overlap);
    buf.set(carry, 0);
    let len = carry.length;
    while (len < buf.length) {
      const n = read(buf.subarray(len));
      if (n === 0) break;
      len += n;
    }
    if (len < buf.length) {
      // The last chunk accepts everything; its acceptBeforeByte marks it as a chunk all the same.
      if (len > 0) yield { text: '', bytes: buf.subarray(0, len), provenance, line, column, acceptBeforeByte: len };
      return;
    }
    // Back off continuation bytes (10xxxxxx) so no character is split.
    let cut = chunk;
    while (cut > chunk - 3 && ((buf[cut] as number) & 0xc0) === 0x80) cut--;
    carry = Uint8Array.prototype.slice.call(buf, cut, len);
    const next = advanceBytes(buf, cut, line, column);
    yield { text: '', bytes: buf, provenance, line, column, acceptBeforeByte: cut };
    ({ line, column } = next);
  }
}

/**
 * Position after `bytes[0, upTo)` (UTF-8), starting from (line, column): newlines are counted as
 * bytes, and the column in UTF-16 units as the decoded text has them. ASCII (nearly always)
 * is counted without decoding; a line with other bytes is decoded, so that invalid sequences
 * count as the decoder's U+FFFD do.
 */
export function advanceBytes(bytes: Uint8Array, upTo: number, line: number, column: number): { line: number; column: number } {
  let count = 0;
  let last = -1;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < upTo; i = bytes.indexOf(0x0a, i + 1)) {
    count++;
    last = i;
  }
  let units = upTo - (last + 1);
  for (let i = last + 1; i < upTo; i++) {
    if ((bytes[i] as number) >= 0x80) {
      units = chunkDecoder.decode(bytes.subarray(last + 1, upTo)).length;
      break;
    }
  }
  return last === -1 ? { line, column: column + units } : { line: line + count, column: units + 1 };
}
