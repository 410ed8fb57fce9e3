import { describe, expect, it } from 'vitest';
import { compileRule } from '../../src/rules/compile.js';
import { PRECISIONS, withMinPrecision } from '../../src/rules/precision.js';
import type { RawRule } from '../../src/rules/types.js';

const make = (id: string, over: Partial<RawRule> = {}) =>
  compileRule({ id, title: id, description: 'd', severity: 'high', pattern: 'x', keywords: ['xx'], examples: ['x'], negativeExamples: ['y'], ...over }, 't', 't.yaml');

describe('withMinPrecision', () => {
  const rules = [make('vh', { precision: 'very-high' }), make('provider'), make('generic', { generic: true }), make('low', { precision: 'low', generic: true })];

  it('defaults: provider rules high, generic rules medium', () => {
    expect(rules.map((r) => r.precision)).toEqual(['very-high', 'high', 'medium', 'low']);
  });

  it.each([
    ['low', ['vh', 'provider', 'generic', 'low']],
    ['medium', ['vh', 'provider', 'generic']],
    ['high', ['vh', 'provider']],
    ['very-high', ['vh']],
  ] as const)('--min-precision %s keeps %j', (min, ids) => {
    expect(withMinPrecision(rules, min).map((r) => r.id)).toEqual(ids);
  });

  it('keeps every rule by default', () => {
    expect(withMinPrecision(rules)).toHaveLength(4);
    expect(PRECISIONS).toEqual(['low', 'medium', 'high', 'very-high']);
  });
});
