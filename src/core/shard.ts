// `--shard k/n`: a deterministic partition of files (by path) or commits (by sha) across machines.
// Every key lands in exactly one shard, the same one on every machine and every run.

import { createHash } from 'node:crypto';
import { UsageError } from './errors.js';

export interface Shard {
  /** 1-based */
  index: number;
  count: number;
}

const MAX_SHARDS = 10_000;

export function parseShard(s: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(s);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new UsageError(`--shard: "${s}" is not k/n with 1 <= k <= n <= ${MAX_SHARDS} (e.g. 2/4)`);
  }
  return { index, count };
}

/** sha256 rather than a fast hash: stable across Node versions and platforms, and evenly spread. */
export function shardOf(key: string, count: number): number {
  const digest = createHash('sha256').update(key, 'utf8').digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

export function inShard(key: string, shard: Shard): boolean {
  return shardOf(key, shard.count) === shard.index;
}
