// Text that is not plain UTF-8 with LF or CRLF line ends: UTF-16 (LE or BE, told by its BOM,
// or without one by its NULs)
// and files whose lines end in a lone CR (classic Mac, some exporters). Both are turned into
// ordinary text before scanning, so a UTF-16 file is not skipped as binary (its NULs) and a
// CR-only file is not one long line.
//
// Decoding uses the WHATWG TextDecoder built into Node ('utf-16le' needs no ICU); big-endian
// input is byte-swapped to little-endian first, so nothing depends on the ICU build and no
// dependency is added (iconv-lite would do the same for these two encodings).

import { TextDecoder } from 'node:util';

export type TextEncodingName = 'utf8' | 'utf16le' | 'utf16be';

export interface TextSniff {
  encoding: TextEncodingName;
  /** bytes of byte-order mark at the start (0 when none) */
  bom: number;
  /** lines end in a lone CR: the head has a CR and no LF */
  crOnly: boolean;
}

/** What the first bytes of a file say about how to decode it. */
export function sniffText(head: Uint8Array): TextSniff {
  let encoding: TextEncodingName = 'utf8';
  let bom = 0;
  if (head[0] === 0xff && head[1] === 0xfe) {
    encoding = 'utf16le';
    bom = 2;
  } else if (head[0] === 0xfe && head[1] === 0xff) {
    encoding = 'utf16be';
    bom = 2;
  } else if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    bom = 3;
  } else {
    encoding = utf16WithoutBom(head) ?? 'utf8';
  }
  let crOnly: boolean;
  if (encoding === 'utf8') {
    // a NUL says binary, whatever its line ends
    crOnly = head.includes(0x0d) && !head.includes(0x0a) && !head.includes(0);
  } else {
    let cr = false;
    let lf = false;
    const low = encoding === 'utf16le' ? 0 : 1;
    for (let i = bom; i + 1 < head.length; i += 2) {
      if (head[i + 1 - low] !== 0) continue;
      const unit = head[i + low];
      if (unit === 0x0d) cr = true;
      else if (unit === 0x0a) lf = true;
    }
    crOnly = cr && !lf;
  }
  return { encoding, bom, crOnly };
}

/**
 * UTF-16 written without a byte-order mark (.NET's Encoding.Unicode.GetBytes, some Windows
 * exporters): mostly ASCII text then has a NUL in every other byte. Told by the same statistics
 * as Windows' IsTextUnicode: in at least 32 code units, 95% are printable ASCII or whitespace
 * beside a NUL, all on the same side. A binary file seldom looks like that; when one does, it is
 * a table of UTF-16 strings, worth reading as text anyway.
 */
function utf16WithoutBom(head: Uint8Array): TextEncodingName | undefined {
  const units = Math.min(head.length >> 1, 4096);
  if (units < 32 || !head.includes(0)) return undefined;
  let le = 0;
  let be = 0;
  const texty = (b: number): boolean => (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d;
  for (let i = 0; i < units; i++) {
    const a = head[2 * i] as number;
    const b = head[2 * i + 1] as number;
    if (b === 0 && texty(a)) le++;
    else if (a === 0 && texty(b)) be++;
  }
  if (le >= units * 0.95) return 'utf16le';
  if (be >= units * 0.95) return 'utf16be';
  return undefined;
}

/** True when the bytes cannot be handed on as they are (UTF-8, LF or CRLF). */
export function needsDecoding(sniff: TextSniff): boolean {
  return sniff.encoding !== 'utf8' || sniff.crOnly;
}

/**
 * Decodes a byte stream piece by piece (characters split across pieces are kept whole) into
 * text without its BOM; with `crOnly`, a lone CR becomes LF (same length, so columns hold).
 */
export class TextNormalizer {
  private readonly decoder: TextDecoder;
  /** an odd byte of big-endian input, waiting for its pair */
  private odd: number | undefined;
  /** a CR at the end of the last piece: LF or not depends on the next character */
  private heldCr = false;

  constructor(private readonly sniff: TextSniff) {
    this.decoder = new TextDecoder(sniff.encoding === 'utf8' ? 'utf-8' : 'utf-16le');
  }

  push(bytes: Uint8Array): string {
    return this.lineEnds(this.decoder.decode(this.swap(bytes), { stream: true }), false);
  }

  end(): string {
    const rest = this.odd === undefined ? '' : '\ufffd';
    this.odd = undefined;
    return this.lineEnds(this.decoder.decode() + rest, true);
  }

  private swap(bytes: Uint8Array): Uint8Array {
    if (this.sniff.encoding !== 'utf16be') return bytes;
    const input = this.odd === undefined ? bytes : concat(this.odd, bytes);
    const even = input.length & ~1;
    const out = new Uint8Array(even);
    for (let i = 0; i < even; i += 2) {
      out[i] = input[i + 1] as number;
      out[i + 1] = input[i] as number;
    }
    this.odd = even < input.length ? input[even] : undefined;
    return out;
  }

  private lineEnds(text: string, last: boolean): string {
    if (!this.sniff.crOnly) return text;
    let t = this.heldCr ? `\r${text}` : text;
    this.heldCr = false;
    if (!last && t.endsWith('\r')) {
      this.heldCr = true;
      t = t.slice(0, -1);
    }
    return t.replace(/\r(?!\n)/g, '\n');
  }
}

function concat(first: number, rest: Uint8Array): Uint8Array {
  const out = new Uint8Array(rest.length + 1);
  out[0] = first;
  out.set(rest, 1);
  return out;
}

/** A whole buffer as text, when it needs decoding; undefined when its bytes can be used as they are. */
export function decodeWhole(bytes: Uint8Array): string | undefined {
  const sniff = sniffText(bytes.subarray(0, 8192));
  if (!needsDecoding(sniff)) return undefined;
  const n = new TextNormalizer(sniff);
  return n.push(bytes) + n.end();
}

/**
 * A byte stream as UTF-8 with LF or CRLF line ends: passed through untouched when it already
 * is (the common case, no copy), otherwise decoded and re-encoded piece by piece.
 */
export async function* toUtf8Stream(input: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let normalizer: TextNormalizer | null | undefined;
  let head: Buffer | undefined;
  for await (const piece of input) {
    const buf = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.length);
    if (normalizer === undefined) {
      // a BOM needs 3 bytes, UTF-16 without one 64; a pipe may hand over fewer at first
      head = head === undefined ? buf : Buffer.concat([head, buf]);
      if (head.length < 4 || (head.length < 64 && head.includes(0))) continue;
      const sniff = sniffText(head.subarray(0, 64 * 1024));
      normalizer = needsDecoding(sniff) ? new TextNormalizer(sniff) : null;
      const first = head;
      head = undefined;
      yield normalizer ? Buffer.from(normalizer.push(first), 'utf8') : first;
      continue;
    }
    if (normalizer === null) yield buf;
    else yield Buffer.from(normalizer.push(buf), 'utf8');
  }
  if (normalizer === undefined && head !== undefined && head.length > 0) {
    const sniff = sniffText(head);
    normalizer = needsDecoding(sniff) ? new TextNormalizer(sniff) : null;
    yield normalizer ? Buffer.from(normalizer.push(head), 'utf8') : head;
  }
  if (normalizer) {
    const rest = normalizer.end();
    if (rest !== '') yield Buffer.from(rest, 'utf8');
  }
}
