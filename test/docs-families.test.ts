// README lists the rule families; this keeps the list in step with rules/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
// @ts-expect-error plain JavaScript build script without types
import { families, familiesSection, withFamilies } from '../scripts/families.mjs';

describe('README families', () => {
  it('lists every family of rules/ with its rule count (run `node scripts/families.mjs` after adding rules)', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(withFamilies(readme)).toBe(readme);
  });

  it('meets the breadth issue 12 asks for: 250 families, 400 rules', () => {
    const map = families() as Map<string, number>;
    expect(map.size).toBeGreaterThanOrEqual(250);
    expect([...map.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(400);
    expect(familiesSection(new Map([['a', 1], ['b', 3]]))).toContain('**2 families, 4 rules**');
  });
});
