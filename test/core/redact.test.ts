import { describe, expect, it } from 'vitest';
import { escapeControl, escapeControlDeep, Redactor } from '../../src/core/redact.js';

describe('Redactor', () => {
  const A = 'FAKE-EXAMPLE-secret-aaaa1111';
  const B = 'FAKE-EXAMPLE-secret-aaaa1111-longer';
  it('replaces every known secret, the longest one at a place, in strings and keys, leaving the scanner\'s own hashes', () => {
    const r = new Redactor();
    r.add(A);
    r.add(B);
    r.add('short'); // below the minimum: not a literal to look for
    const v = r.value({ path: `x/${B}/y-${A}`, [A]: 1, sha256: A, redacted: A, list: [A], n: 3, short: 'short' });
    expect(JSON.stringify(v)).not.toContain('aaaa1111-longer');
    expect(v.path).toMatch(/^x\/…[^/]*\/y-…/);
    expect(v.sha256).toBe(A);
    expect(v.redacted).toBe(A);
    expect(v.short).toBe('short');
    expect(Object.keys(v).some((k) => k.includes('secret-aaaa'))).toBe(false);
  });

  it('redacts spans the pattern finder reports', () => {
    const r = new Redactor((t) => [...t.matchAll(/tok_[A-Z]{8}/g)].map((m) => ({ start: m.index, end: m.index + m[0].length, prefix: /^tok_/ })));
    expect(r.text('a tok_FAKEFAKE b')).toBe('a tok_…KE b');
    expect(r.text('a tok_FAKEFAKE b')).not.toContain('FAKEFAKE');
  });
});

describe('escapeControl', () => {
  it('escapes C0, DEL, C1 and bidi controls, keeps ordinary text', () => {
    expect(escapeControl('a\u001b[31mb\rc\u0007d\u009be\u202ef\tg\nh')).toBe('a\\x1b[31mb\\x0dc\\x07d\\x9be\\u{202e}f\\x09g\\x0ah');
    expect(escapeControl('plain/ü/名前')).toBe('plain/ü/名前');
    expect(escapeControlDeep({ 'k\u001b': ['v\u0007'] })).toEqual({ 'k\\x1b': ['v\\x07'] });
  });
});
