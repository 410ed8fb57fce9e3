// A rule's gate (compile.ts gateOf): its pattern without negative lookarounds. Detection runs the
// rule's own pattern only from where the gate matched, so the gate must match wherever the rule
// does, and findings must be the same with or without it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRule, gateOf } from '../../src/rules/compile.js';
import { loadRules } from '../../src/rules/load.js';
import { runRule } from '../../src/detect/detect.js';
import type { RawRule } from '../../src/rules/types.js';

describe('gateOf', () => {
  it.each([
    ['a(?!b)c', 'ac'],
    ['(?<!x)y', 'y'],
    ['x(?<!(?:a|b(?!c))d)y', 'xy'],
    ['[(?!]a(?!b)', '[(?!]a'], // a class: its parenthesis opens nothing
    ['[]a(?!b)', '[]a'], // `[]` is an empty class in JavaScript
    ['\\((?!b)\\)', '\\(\\)'],
    ['(?<q>["\']?)(?!x)(?<secret>\\w+)\\k<q>', '(?<q>["\']?)(?<secret>\\w+)\\k<q>'],
  ])('%s → %s', (pattern, gate) => {
    expect(gateOf(pattern, '')?.source).toBe(new RegExp(gate).source);
  });

  it('is undefined without a negative lookaround, or when one holds a capturing group', () => {
    expect(gateOf('a(?=b)c', '')).toBeUndefined();
    expect(gateOf('a\\(?!b', '')).toBeUndefined(); // an escaped parenthesis, made optional
    expect(gateOf('(?!(a))(b)\\2', '')).toBeUndefined();
    expect(gateOf('(?!(?<n>a))\\k<n>b', '')).toBeUndefined();
  });

  it('keeps the flags, with g', () => {
    expect(gateOf('a(?!b)', 'i')?.flags).toBe('gi');
  });
});

describe('detection through a gate', () => {
  const raw = (pattern: string): RawRule => ({ id: 't', title: 't', description: 'd', severity: 'low', pattern, keywords: ['k'], examples: [], negativeExamples: [] });

  it('finds the same matches as the pattern alone, on random text', () => {
    const pattern = '(?<!(?:REFRESH|ID)_?)(?:API_?KEY|TOKEN)(?!_ID)=(?<secret>[a-z0-9]{4,8})(?![a-z])';
    const gated = compileRule(raw(pattern), 'f', 'f.yaml', undefined, { gate: true });
    expect(gated.gate).toBeDefined();
    const plain = { ...gated, gate: undefined };
    const alphabet = ['REFRESH', 'ID', '_', 'API', 'KEY', 'TOKEN', '=', 'abc1', 'z', ' ', '9x'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(runRule(gated, text)).toEqual(runRule(plain, text));
      }),
      { numRuns: 2000 },
    );
  });

  it('is never given to a user rule: its pattern was checked for backtracking as written', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tokensprawl-gate-'));
    // A lookahead RE2 cannot take: the rule stays on V8 after the backtracking check.
    writeFileSync(path.join(dir, 'mine.yaml'), `rules:\n  - id: mine\n    title: T\n    description: d\n    severity: low\n    pattern: 'tok_(?!test)(?<secret>[a-z0-9]{8})'\n    keywords: [tok_]\n    examples: ['tok_abcd1234', 'x tok_abcd1234']\n    negativeExamples: ['tok_testabcd']\n`);
    const [mine] = await loadRules({ builtin: false, dirs: [dir] });
    expect(mine?.linear).toBeUndefined();
    expect(mine?.gate).toBeUndefined();
    expect(compileRule(mine!.raw, 'f', 'f.yaml').gate).toBeUndefined(); // no gate unless asked
  });

  it('changes no finding of a built-in gated rule on its own examples', async () => {
    const rules = (await loadRules({ builtin: true, dirs: [] })).filter((r) => r.gate);
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      for (const text of [...r.examples, ...r.negativeExamples]) expect(runRule(r, text), r.id).toEqual(runRule({ ...r, gate: undefined }, text));
    }
  });
});
