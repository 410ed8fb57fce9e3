import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLocator } from '../../src/core/position.js';
import type { Fragment } from '../../src/core/types.js';
import { createDetector, detect } from '../../src/detect/detect.js';
import { compileRule } from '../../src/rules/compile.js';
import { decodeFragment } from '../../src/detect/locate.js';
import { advance, advanceBytes, chunkFile, chunkStream } from '../../src/sources/chunks.js';

const rule = compileRule(
  { id: 't', title: 't', description: 'd', severity: 'high', pattern: 'tok_[a-z0-9]{20}', keywords: ['tok_'], examples: ['x'], negativeExamples: ['y'] },
  'test',
  't.yaml',
);
const detector = createDetector([rule]);

async function collect(stream: AsyncIterable<Buffer | string>, chunkChars: number, overlap: number): Promise<Fragment[]> {
  const out: Fragment[] = [];
  for await (const f of chunkStream(stream, { kind: 'dir', path: 'big.txt' }, { chunkChars, overlap })) out.push(f);
  return out;
}

function positions(frags: Fragment[]): Array<[number, number, string]> {
  const out: Array<[number, number, string]> = [];
  for (const f of frags.map(decodeFragment)) {
    const loc = createLocator(f);
    for (const m of detect(f, detector)) {
      const p = loc(m.secretStart);
      out.push([p.line, p.column, m.secret]);
    }
  }
  return out;
}

const TOKEN = 'tok_abcdefghij0123456789';

/**
 * `count` tokens, each after a pad of varying length so that they straddle chunk borders, on a
 * few long lines; with the [line, column, token] where each one is.
 */
function tokensAcrossBorders(count: number, pad: (i: number) => string): { text: string; expected: Array<[number, number, string]> } {
  let text = '';
  const expected: Array<[number, number, string]> = [];
  let line = 1;
  for (let i = 0; i < count; i++) {
    const p = pad(i);
    expected.push([line, text.length - (text.lastIndexOf('\n') + 1) + p.length + 2, TOKEN]);
    text += `${p} ${TOKEN}`;
    if (i % 7 === 6) {
      text += '\n';
      line++;
    }
  }
  return { text, expected };
}

describe('chunkStream', () => {
  it('finds a token on every chunk border exactly once, at the right place', async () => {
    const { text, expected } = tokensAcrossBorders(50, (i) => 'x'.repeat(40 + (i % 30)));
    // Feed it in odd-sized pieces, as a stream would.
    const pieces: Buffer[] = [];
    const buf = Buffer.from(text);
    for (let i = 0; i < buf.length; i += 37) pieces.push(buf.subarray(i, i + 37));
    const frags = await collect(Readable.from(pieces), 64, 32);
    expect(frags.length).toBeGreaterThan(10);
    expect(positions(frags)).toEqual(expected);
  });

  it('decodes multi-byte UTF-8 split across reads and tolerates invalid bytes', async () => {
    const text = Buffer.concat([Buffer.from('ü€ '), Buffer.from([0xff, 0xfe]), Buffer.from(' tok_abcdefghij0123456789')]);
    const pieces = [text.subarray(0, 1), text.subarray(1, 3), text.subarray(3)];
    const frags = await collect(Readable.from(pieces), 1024, 64);
    expect(frags.map((f) => f.text).join('')).toContain('ü€');
    expect(positions(frags)).toEqual([[1, 7, 'tok_abcdefghij0123456789']]);
  });

  it('advance() moves line and column over a prefix', () => {
    expect(advance('ab\ncd\nef', 7, 3, 5)).toEqual({ line: 5, column: 2 });
    expect(advance('abc', 2, 3, 5)).toEqual({ line: 3, column: 7 });
  });
});

/** chunkFile over an in-memory file, read in pieces of at most `piece` bytes. */
function chunkBuffer(file: Buffer, chunkChars: number, overlap: number, piece = 1 << 20): Fragment[] {
  let pos = 0;
  const read = (into: Uint8Array): number => {
    const n = Math.min(into.length, piece, file.length - pos);
    into.set(file.subarray(pos, pos + n));
    pos += n;
    return n;
  };
  return [...chunkFile(read, { kind: 'dir', path: 'big.txt' }, { chunkChars, overlap })];
}

describe('chunkFile (bytes, decoded where scanned)', () => {
  const token = TOKEN;

  it.each([
    ['ASCII', 'x'],
    ['two-byte characters', 'ü'],
    ['three-byte characters', '€'],
    ['four-byte characters (two UTF-16 units each)', '🔑'],
  ])('finds a token on every chunk border exactly once, at the right place, between %s', (_name, filler) => {
    const { text, expected } = tokensAcrossBorders(60, (i) => filler.repeat(10 + (i % 23)));
    const frags = chunkBuffer(Buffer.from(text), 64, 32, 37);
    expect(frags.length).toBeGreaterThan(10);
    // every fragment but the last has its own buffer (so it can be transferred) and a cut
    for (const f of frags.slice(0, -1)) {
      expect(f.text).toBe('');
      expect(f.bytes!.byteOffset).toBe(0);
      expect(f.bytes!.byteLength).toBe(f.bytes!.buffer.byteLength);
      expect(f.acceptBeforeByte).toBeLessThanOrEqual(64);
    }
    expect(positions(frags)).toEqual(expected);
    // the pieces put back together are the file
    const decoded = frags.map(decodeFragment);
    expect(decoded.map((f) => f.text.slice(0, f.acceptBefore)).join('')).toBe(text);
  });

  it('never cuts inside a character', () => {
    const text = `${'a'.repeat(63)}€${'b'.repeat(100)}`;
    const [first] = chunkBuffer(Buffer.from(text), 64, 16);
    expect(first!.acceptBeforeByte).toBe(63);
    expect(decodeFragment(first!).text.startsWith(`${'a'.repeat(63)}€`)).toBe(true);
  });

  it('a file of at most one chunk is one fragment accepting everything; an empty one is none', () => {
    expect(chunkBuffer(Buffer.from('small'), 64, 16).map((f) => [Buffer.from(f.bytes!).toString(), f.acceptBeforeByte])).toEqual([['small', 5]]);
    expect(chunkBuffer(Buffer.alloc(0), 64, 16)).toEqual([]);
  });

  it('advanceBytes() counts lines and UTF-16 columns without decoding', () => {
    expect(advanceBytes(Buffer.from('ab\ncd\nef'), 7, 3, 5)).toEqual({ line: 5, column: 2 });
    expect(advanceBytes(Buffer.from('abc'), 2, 3, 5)).toEqual({ line: 3, column: 7 });
    const emoji = Buffer.from('\n€🔑x');
    expect(advanceBytes(emoji, emoji.length, 1, 1)).toEqual({ line: 2, column: 1 + '€🔑x'.length });
  });

  it('counts columns as the decoder does on bytes that are not UTF-8 (Latin-1 in a large file)', () => {
    // 0xA3 (a Latin-1 pound sign) alone is invalid UTF-8: one U+FFFD, one column, each.
    const file = Buffer.concat([Buffer.alloc(60, 'a'), Buffer.alloc(10, 0xa3), Buffer.from(` ${token} `), Buffer.alloc(100, 'b')]);
    const frags = chunkBuffer(file, 64, 32);
    expect(frags.length).toBeGreaterThan(1);
    expect(positions(frags)).toEqual([[1, 60 + 10 + 2, token]]);
    expect(advanceBytes(Buffer.from([0x61, 0xa3, 0xa3, 0xff, 0x62]), 5, 1, 1)).toEqual({ line: 1, column: 6 });
  });

  it('keeps a U+FEFF that falls at the start of a chunk (it is not a byte-order mark there)', () => {
    const file = Buffer.concat([Buffer.from(`${'a'.repeat(30)}\n${'b'.repeat(33)}`), Buffer.from('\ufeff'), Buffer.from(`x ${token}\n${'c'.repeat(100)}`)]);
    const frags = chunkBuffer(file, 64, 32);
    expect(frags[1]!.acceptBeforeByte).toBeDefined();
    // '\ufeff' sits at byte 64, the first cut; the token is on line 2 after 33 b, U+FEFF, x, space
    expect(positions(frags)).toEqual([[2, 33 + 1 + 2 + 1, token]]);
  });
});
