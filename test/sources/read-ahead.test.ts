import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readAhead } from '../../src/sources/read-ahead.js';

describe('readAhead', () => {
  it('yields every chunk in order, pausing the stream past its bound, and surfaces errors', async () => {
    const stream = new PassThrough();
    const chunks = Array.from({ length: 200 }, (_, i) => Buffer.from(`chunk-${i};`.repeat(50)));
    let pausedSeen = false;
    setImmediate(() => {
      for (const c of chunks) stream.write(c);
      stream.end();
    });
    const got: Buffer[] = [];
    for await (const c of readAhead(stream, 4096)) {
      if (stream.isPaused()) pausedSeen = true;
      got.push(c);
    }
    expect(Buffer.concat(got).toString()).toBe(Buffer.concat(chunks).toString());
    expect(pausedSeen).toBe(true);

    const failing = new PassThrough();
    setImmediate(() => failing.destroy(new Error('git died')));
    await expect(async () => {
      for await (const _ of readAhead(failing)) void _;
    }).rejects.toThrow('git died');
  });
});
