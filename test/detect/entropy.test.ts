import { describe, expect, it } from 'vitest';
import { shannonEntropy } from '../../src/detect/entropy.js';

describe('shannonEntropy', () => {
  it.each([
    ['', 0],
    ['a', 0],
    ['aaaaaaaa', 0],
    ['ab', 1],
    ['abab', 1],
    ['abcd', 2],
    ['aabb', 1],
    ['0123456789abcdef', 4],
  ])('shannonEntropy(%j) = %f bits/char', (input, expected) => {
    expect(shannonEntropy(input)).toBeCloseTo(expected, 10);
  });

  it('is log2 of the alphabet size for a string using each symbol once', () => {
    const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    expect(shannonEntropy(base62)).toBeCloseTo(Math.log2(62), 10);
  });

  it('weights unequal frequencies', () => {
    // p = 3/4, 1/4
    expect(shannonEntropy('aaab')).toBeCloseTo(-(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25)), 10);
  });

  it('ranks a random token above placeholders of the same length', () => {
    const token = 'FAKEFTS6qdvPKt7c3zoTHe_Q4j4zJRnR_GpyQ6XT';
    const placeholders = ['x'.repeat(token.length), 'your-access-token-here-your-access-token'];
    for (const p of placeholders) expect(shannonEntropy(token)).toBeGreaterThan(shannonEntropy(p) + 0.5);
  });
});
