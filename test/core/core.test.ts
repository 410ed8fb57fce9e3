import { describe, expect, it } from 'vitest';
import { findingId, sha256Hex } from '../../src/core/fingerprint.js';
import { createLocator, lineAt } from '../../src/core/position.js';
import { redact } from '../../src/core/redact.js';
import type { Fragment } from '../../src/core/types.js';

describe('redact', () => {
  it('keeps the public prefix and at most a quarter of the rest, never the middle', () => {
    const secret = 'ghp_FAKE0123456789abcdefghijklmnopqrstuv';
    const r = redact(secret, /^(?:gh[pousr]_)/);
    expect(r.redacted).toBe('ghp_…stuv');
    expect(r.sha256).toBe(sha256Hex(secret));
    expect(r.length).toBe(secret.length);
  });
  it('shows no tail for short secrets', () => {
    expect(redact('abc').redacted).toBe('…');
    expect(redact('abcdefgh').redacted).toBe('…gh');
  });
  it('never shows more than 8 characters beyond the prefix', () => {
    for (const len of [8, 16, 40, 200, 4000]) {
      const s = 'x'.repeat(len);
      expect(redact(s).redacted.length - 1).toBeLessThanOrEqual(Math.min(8, Math.floor(len / 4)));
    }
  });
  it('does not reveal a secret whose "prefix" is most of it', () => {
    expect(redact('eyJabc', /^(?:eyJabc)/).redacted).toBe('…c');
  });
});

describe('findingId', () => {
  it('depends on rule, secret hash and path only', () => {
    const a = findingId('github-pat', 'ab'.repeat(32), 'src/a.ts');
    expect(findingId('github-pat', 'ab'.repeat(32), 'src/a.ts')).toBe(a);
    expect(findingId('github-pat', 'ab'.repeat(32), 'src/b.ts')).not.toBe(a);
    expect(findingId('slack-bot-token', 'ab'.repeat(32), 'src/a.ts')).not.toBe(a);
    expect(findingId('github-pat', 'cd'.repeat(32), 'src/a.ts')).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('createLocator', () => {
  const frag = (text: string, extra: Partial<Fragment> = {}): Fragment => ({ text, provenance: { kind: 'dir', path: 'x' }, line: 1, column: 1, ...extra });
  it('counts lines by \\n only and columns from 1', () => {
    const text = 'ab\ncd\r\nef\rgh\n';
    const loc = createLocator(frag(text));
    expect(loc(0)).toEqual({ line: 1, column: 1 });
    expect(loc(4)).toEqual({ line: 2, column: 2 });
    expect(loc(text.indexOf('gh'))).toEqual({ line: 3, column: 4 });
  });
  it('continues a chunk that starts mid-line', () => {
    const loc = createLocator(frag('xyz\nabc', { line: 7, column: 101 }));
    expect(loc(1)).toEqual({ line: 7, column: 102 });
    expect(loc(5)).toEqual({ line: 8, column: 2 });
  });
  it('maps rewritten lines through their column map', () => {
    const map = new Int32Array([10, 11, 12, 13]);
    const loc = createLocator(frag('a\nbcd', { columnMaps: new Map([[1, map]]) }));
    expect(loc(3)).toEqual({ line: 2, column: 12 });
  });
  it('handles offsets out of order', () => {
    const loc = createLocator(frag('a\nb\nc'));
    expect(loc(4)).toEqual({ line: 3, column: 1 });
    expect(loc(0)).toEqual({ line: 1, column: 1 });
  });
  it('lineAt returns the whole line', () => {
    expect(lineAt('one\ntwo three\nfour', 6)).toBe('two three');
    expect(lineAt('single', 2)).toBe('single');
  });
});
