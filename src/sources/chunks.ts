// Turns a byte stream into fragments of bounded size. Consecutive fragments overlap by
// OVERLAP characters so a token on a chunk border is found whole in the next one; each
// fragment accepts only matches that start before its overlap tail (acceptBefore).
import { StringDecoder } from 'node:string_decoder';
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
  const chunkChars = opts.chunkChars ?? CHUNK_CHARS;
  const overlap = opts.overlap ?? OVERLAP;
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 1;
  let column = 1;
  for await (const piece of stream) {
    pending += typeof piece === 'string' ? piece : decoder.write(piece);
    while (pending.length >= chunkChars + overlap) {
      const text = pending.slice(0, chunkChars + overlap);
      yield { text, provenance, line, column, acceptBefore: chunkChars };
      ({ line, column } = advance(text, chunkChars, line, column));
      pending = pending.slice(chunkChars);
    }
  }
  pending += decoder.end();
  if (pending.length > 0) yield { text: pending, provenance, line, column };
}

/** Position after `text.slice(0, upTo)`, starting from (line, column). */
export function advance(text: string, upTo: number, line: number, column: number): { line: number; column: number } {
  let nl = text.lastIndexOf('\n', upTo - 1);
  if (nl === -1) return { line, column: column + upTo };
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < upTo; i = text.indexOf('\n', i + 1)) count++;
  return { line: line + count, column: upTo - nl };
}
