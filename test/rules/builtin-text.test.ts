// The run's redactor passes the built-in rules' own words through untouched (Redactor.trust):
// that is safe only while no pattern would find a secret in them. This holds them to it.
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { isShippedRuleText, loadRules } from '../../src/rules/load.js';
import { isBuiltinRule, shippedTexts } from '../../src/rules/shown.js';
import { createRunRedactor, secretFinder } from '../../src/scan.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';

describe('built-in rule texts', () => {
  it('hold nothing any rule pattern would redact', async () => {
    const rules = await loadRules({ builtin: true, dirs: [] });
    expect(rules.every(isBuiltinRule)).toBe(true);
    const patterns = new Redactor(secretFinder(rules)); // no trust: every pattern runs
    // shippedTexts (trusted up front) and what isShippedRuleText passes once read
    const texts = (r: (typeof rules)[number]): string[] => [...shippedTexts(r), r.description, ...r.references, ...(r.remediation !== undefined ? [r.remediation] : [])];
    const changed = rules.flatMap((r) => texts(r).filter((t) => patterns.text(t) !== t).map((t) => `${r.id}: ${t.slice(0, 80)}`));
    expect(changed).toEqual([]);
    expect(rules.every((r) => r.description.length > 0 && isShippedRuleText(r.description))).toBe(true);
  });

  it('pass a description through once read, not a user rule quoting a token in its own', async () => {
    const rules = await loadRules({ builtin: true, dirs: [] });
    const builtin = rules[1]!;
    const token = fakeGithubToken('ghp', 'builtin-description');
    const user = { ...builtin, id: 'user-rule', description: `see ${token}`, file: '/home/u/rules/mine.yaml' };
    const redactor = createRunRedactor([...rules, user]);
    expect(redactor.text(builtin.description)).toBe(builtin.description);
    expect(isShippedRuleText(user.description)).toBe(false);
    expect(redactor.text(user.description)).not.toContain(token);
  });

  it('are trusted only for built-in rules: a user rule quoting a token in its title is still redacted', async () => {
    const rules = await loadRules({ builtin: true, dirs: [] });
    const builtin = rules[0];
    const token = fakeGithubToken('ghp', 'builtin-text');
    const user = { ...builtin!, id: 'user-rule', title: `leaked ${token}`, file: '/home/u/rules/mine.yaml' };
    const redactor = createRunRedactor([...rules, user]);
    expect(redactor.text(builtin!.title)).toBe(builtin!.title);
    expect(redactor.text(user.title)).not.toContain(token);
  });
});
