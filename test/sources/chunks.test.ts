import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLocator } from '../../src/core/position.js';
import type { Fragment } from '../../src/core/types.js';
import { createDetector, detect } from '../../src/detect/detect.js';
import { compileRule } from '../../src/rules/compile.js';
import { advance, chunkStream } from '../../src/sources/chunks.js';

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
  for (const f of frags) {
    const loc = createLocator(f);
    for (const m of detect(f, detector)) {
      const p = loc(m.secretStart);
      out.push([p.line, p.column, m.secret]);
    }
  }
  return out;
}

describe('chunkStream', () => {
  it('finds a token on every chunk border exactly once, at the right place', async () => {
    const token = 'tok_abcdefghij0123456789';
    // One long line plus some short ones; tokens placed so they straddle 64-char chunk borders.
    let text = '';
    const expected: Array<[number, number, string]> = [];
    let line = 1;
    for (let i = 0; i < 50; i++) {
      const pad = 'x'.repeat(40 + (i % 30));
      const col = text.length - (text.lastIndexOf('\n') + 1) + pad.length + 2;
      text += `${pad} ${token}`;
      expected.push([line, col, token]);
      if (i % 7 === 6) {
        text += '\n';
        line++;
      }
    }
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
