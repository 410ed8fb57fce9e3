import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { inShard, parseShard, shardOf } from '../../src/core/shard.js';

describe('parseShard', () => {
  it('reads k/n, 1-based', () => {
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 });
    expect(parseShard(' 2 / 4 ')).toEqual({ index: 2, count: 4 });
  });

  for (const bad of ['', '0/4', '5/4', '1/0', '-1/4', '1.5/4', '2', 'a/b', '1/2/3', '1/100000']) {
    it(`rejects ${JSON.stringify(bad)} with a UsageError naming it`, () => {
      expect(() => parseShard(bad)).toThrow(UsageError);
      expect(() => parseShard(bad)).toThrow(`--shard: "${bad}"`);
    });
  }
});

describe('inShard', () => {
  const paths = Array.from({ length: 2000 }, (_, i) => `src/dir${i % 37}/file-${i}.ts`);
  const shas = Array.from({ length: 500 }, (_, i) => (i * 2654435761).toString(16).padStart(40, '0').slice(-40));

  for (const count of [1, 2, 3, 7, 16]) {
    it(`puts every key in exactly one of ${count} shards`, () => {
      for (const key of [...paths, ...shas]) {
        const hits = Array.from({ length: count }, (_, i) => inShard(key, { index: i + 1, count })).filter(Boolean);
        expect(hits, key).toHaveLength(1);
      }
    });
  }

  it('spreads keys roughly evenly', () => {
    const counts = [0, 0, 0, 0];
    for (const p of paths) counts[shardOf(p, 4) - 1]! += 1;
    for (const c of counts) expect(c).toBeGreaterThan(350);
  });

  it('is stable: the same key always lands in the same shard (pinned values)', () => {
    expect(shardOf('src/app.ts', 4)).toBe(shardOf('src/app.ts', 4));
    // Pinned so that a change of hash (which would split one scan differently across
    // machines running different versions) is noticed.
    expect([shardOf('src/app.ts', 4), shardOf('README.md', 4), shardOf('0123456789abcdef0123456789abcdef01234567', 4)]).toEqual(PINNED);
  });
});

const PINNED = [3, 2, 4];
