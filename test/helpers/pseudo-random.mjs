// The deterministic "random" of every fake token: plain JavaScript, so that the TypeScript test
// helpers (fake-tokens.ts) and the benchmark's corpora (bench/tokens.mjs, which runs on dist/ and
// loads no TypeScript) make the same tokens from the same seeds.
import { createHash } from 'node:crypto';

export const DIGITS = '0123456789';
export const HEX = '0123456789abcdef';
export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const LETTERS = UPPER + LOWER;
export const ALNUM = DIGITS + LETTERS;
export const BASE64URL = ALNUM + '-_';
export const BASE64 = ALNUM + '+/';
export const BASE32 = UPPER + '234567';

/** `n` characters of `charset`, derived from sha256(label:seed:counter) blocks. */
export function pseudoRandom(charset, n, seed, label = '') {
  let out = '';
  for (let block = 0; out.length < n; block++) {
    const bytes = createHash('sha256').update(`${label}:${String(seed)}:${block}`).digest();
    for (const b of bytes) {
      if (out.length === n) break;
      out += charset[b % charset.length];
    }
  }
  return out;
}
