import { describe, expect, it } from 'vitest';
import { compileBoundary, onBoundary } from '../../src/detect/boundary.js';
import { compileRule } from '../../src/rules/compile.js';
import { runRule } from '../../src/detect/detect.js';

const token = compileBoundary('token')!;
const tok = 'tsf_FAKE0123456789abcdef';

function at(text: string): boolean {
  const start = text.indexOf(tok);
  return onBoundary(token, text, start, start + tok.length);
}

describe('onBoundary', () => {
  it.each([
    ['plain', `x = ${tok}\n`],
    ['start and end of text', tok],
    ['quoted', `"${tok}"`],
    ['ANSI colour before', `\x1b[32m${tok}\x1b[0m`],
    ['ANSI reset and bold', `\x1b[0;1m${tok}`],
    ['percent-encoded quotes', `%22${tok}%22`],
    ['percent-encoded =', `token%3D${tok}&x=1`],
    ['JSON backslash escape', `"msg":"line\\n${tok}\\n"`],
    ['escaped quote', `\\"${tok}\\"`],
    ['unicode escape', `\\u0022${tok}\\u0022`],
    ['HTML entity', `&quot;${tok}&quot;`],
    ['numeric entity', `&#34;${tok}&#x22;`],
  ])('accepts a token with %s around it', (_name, text) => {
    expect(at(text)).toBe(true);
  });

  it.each([
    ['a letter before', `x${tok}`],
    ['a digit after', `${tok}9`],
    ['an underscore before', `_${tok}`],
    ['a dash after', `${tok}-x`],
  ])('rejects a token glued to %s', (_name, text) => {
    expect(at(text)).toBe(false);
  });

  it('rejects a match that starts inside an escape', () => {
    const b = compileBoundary('alnum')!;
    expect(onBoundary(b, '%22abc', 2, 6)).toBe(false); // from the "2" of %22
    expect(onBoundary(b, '%22abc', 3, 6)).toBe(true);
    expect(onBoundary(b, '\\nabc', 1, 5)).toBe(false);
    expect(onBoundary(b, '\\u0022abc', 3, 9)).toBe(false);
  });

  it('takes classes for each side', () => {
    const b = compileBoundary({ after: '[0-9]' })!;
    expect(b.before).toBeUndefined();
    expect(onBoundary(b, `x${tok}a`, 1, 1 + tok.length)).toBe(true);
    expect(onBoundary(b, `x${tok}1`, 1, 1 + tok.length)).toBe(false);
  });

  it('names the bad field', () => {
    expect(() => compileBoundary({ before: '[' })).toThrow(/boundary\.before is not a valid regular expression/);
  });
});

describe('rules with a boundary', () => {
  const rule = compileRule(
    {
      id: 'fake-test',
      title: 't',
      description: 'd',
      severity: 'high',
      pattern: 'tsf_[A-Za-z0-9]{20}',
      keywords: ['tsf_'],
      boundary: 'token',
      examples: ['x'],
      negativeExamples: ['y'],
    },
    'fake',
    'fake.yaml',
  );

  it('finds the token glued to escapes the regex alone would miss', () => {
    const secrets = (t: string) => runRule(rule, t).map((m) => m.secret);
    expect(secrets(`\x1b[36m${tok}\x1b[0m`)).toEqual([tok]);
    expect(secrets(`q=%22${tok}%22`)).toEqual([tok]);
    expect(secrets(`xx${tok}`)).toEqual([]);
    expect(secrets(`${tok}AAAA`)).toEqual([]);
  });
});
