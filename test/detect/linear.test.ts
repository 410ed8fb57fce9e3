import * as re2 from 're2js';
import { describe, expect, it } from 'vitest';
import { createDetector, detect } from '../../src/detect/detect.js';
import { compileLinear } from '../../src/detect/linear.js';
import { compileRule } from '../../src/rules/compile.js';

describe('compileLinear', () => {
  it('finds matches one after the other, with the secret group', () => {
    const p = compileLinear(re2, 'key=(?<secret>[a-z0-9]{4})');
    const text = 'é😀 key=ab12 key=cd34';
    const first = p.exec(text, 0)!;
    expect(text.slice(first.secretStart, first.secretEnd)).toBe('ab12');
    expect(text.slice(first.start, first.end)).toBe('key=ab12');
    const second = p.exec(text, first.end)!;
    expect(text.slice(second.secretStart, second.secretEnd)).toBe('cd34');
    expect(p.exec(text, second.end)).toBeNull();
  });

  it('takes Go RE2 syntax as written: (?i), (?i:…), (?P<n>…), [[:alpha:]], \\z', () => {
    expect(compileLinear(re2, '(?i)TOKEN_[a-z]{3}').test('token_ABC')).toBe(true);
    expect(compileLinear(re2, 'x(?i:abc)y').test('xABCy')).toBe(true);
    expect(compileLinear(re2, 'x(?i:abc)y').test('XABCY')).toBe(false);
    const named = compileLinear(re2, 'id=(?P<v>[[:alpha:]]+)\\z', '', 'v');
    const m = named.exec('id=abc', 0)!;
    expect([m.secretStart, m.secretEnd]).toEqual([3, 6]);
    expect(named.test('id=abc\n')).toBe(false);
  });

  it('numbered and first-participating secret groups (gitleaks secretGroup)', () => {
    const text = 'k: v=Zq9';
    const byNumber = compileLinear(re2, '(k): (v)=(\\w+)', '', 3).exec(text, 0)!;
    expect(text.slice(byNumber.secretStart, byNumber.secretEnd)).toBe('Zq9');
    const first = compileLinear(re2, '(?:(nope)|k): v=(\\w+)', '', 'first').exec(text, 0)!;
    expect(text.slice(first.secretStart, first.secretEnd)).toBe('Zq9');
    expect(() => compileLinear(re2, '(a)', '', 2)).toThrow(/secret group 2 does not exist/);
  });

  it('names what it cannot take by position, never quoting the pattern', () => {
    const secretish = 'tok_Q7rT2mX9kLp4';
    for (const [src, why] of [
      [`${secretish}(?=x)`, /unsupported Perl syntax at position 17/],
      [`${secretish}\\C`, /invalid escape sequence at position 17/],
      [`(a)${secretish}\\1`, /invalid escape sequence at position 20/],
    ] as const) {
      let message = '';
      try {
        compileLinear(re2, src);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(why);
      expect(message).not.toContain(secretish);
    }
  });

  it('runs a nested quantifier over 300 KB without backtracking', () => {
    const p = compileLinear(re2, '(a+)+$');
    expect(p.test('a'.repeat(300_000) + 'b')).toBe(false);
    expect(p.test('a'.repeat(300_000))).toBe(true);
  });
});

describe('rules on the linear-time engine in detection', () => {
  const raw = {
    id: 'acme',
    title: 'Acme',
    description: 'd',
    severity: 'high' as const,
    pattern: '(?i)acme_token\\s*=\\s*(?P<secret>[a-z0-9]{16})',
    keywords: ['acme_token'],
    boundary: 'token' as const,
    examples: ['x'],
    negativeExamples: ['y'],
    engine: 're2' as const,
    stopwords: ['notreal'],
    allowLine: ['#\\s*ignore-me'],
  };
  const rule = compileRule(raw, 'acme', 'acme.yaml', re2);
  const detector = createDetector([rule]);
  const run = (text: string) => detect({ text, provenance: { kind: 'dir', path: 'a.env' }, line: 1, column: 1 }, detector).filter((m) => !m.placeholder).map((m) => m.secret);

  it('finds the secret group, case-insensitively, and applies boundaries', () => {
    expect(run('ACME_TOKEN = Qz8Wm3Kp9Lx2Vb7N\nacme_token=Rc4Tn7Wq2Zp8Lk3M')).toEqual(['Qz8Wm3Kp9Lx2Vb7N', 'Rc4Tn7Wq2Zp8Lk3M']);
    expect(run('xacme_token=Qz8Wm3Kp9Lx2Vb7N')).toEqual([]);
  });

  it('applies stopwords and line allow patterns', () => {
    expect(run('acme_token=Qz8NotReal3Kp9Lx2')).toEqual([]);
    expect(run('acme_token=Qz8Wm3Kp9Lx2Vb7N # ignore-me\nacme_token=Rc4Tn7Wq2Zp8Lk3M')).toEqual(['Rc4Tn7Wq2Zp8Lk3M']);
  });

  it('needs the engine handed in', () => {
    expect(() => compileRule(raw, 'acme', 'acme.yaml')).toThrow(/linear-time engine/);
  });

  it('runs keyword-less rules on every fragment', () => {
    const r = compileRule({ ...raw, id: 'nokw', keywords: [] }, 'acme', 'acme.yaml', re2);
    const d = createDetector([r]);
    expect(detect({ text: 'acme_token=Qz8Wm3Kp9Lx2Vb7N', provenance: { kind: 'dir', path: 'a' }, line: 1, column: 1 }, d)).toHaveLength(1);
  });
});
