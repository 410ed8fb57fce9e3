// Issue 13 item 5: every built-in pattern scans adversarial inputs in linear time. It iterates
// over whatever is in rules/ when it runs, so rules added later are held to it too. Each input is
// 300 KB: the rule's keywords repeated, spaces, separators, and each keyword followed by a long
// run of the rule's own body alphabet (the near-miss that makes a backtracking engine retry at
// every position). The bound is CPU time of this thread, generous (1 s for 300 KB, where a
// linear pattern needs a few ms), so load on the machine cannot make it flaky; a pattern that
// backtracks catastrophically takes minutes to hours on these inputs, not seconds.
import { describe, expect, it } from 'vitest';
import { runRule } from '../../src/detect/detect.js';
import { loadRules } from '../../src/rules/load.js';
import type { Rule } from '../../src/rules/types.js';

const SIZE = 300 * 1024;
const CPU_BOUND_MS = 1000;
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

function repeatTo(unit: string, size = SIZE): string {
  return unit.length === 0 ? '' : unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** The printable characters of the pattern's widest character class: its body alphabet. */
export function bodyAlphabet(pattern: string): string {
  let best = '';
  for (const cls of pattern.match(/\[(?:\\.|[^\]\\])+\]/g) ?? []) {
    let re: RegExp;
    try {
      re = new RegExp(`^${cls}$`);
    } catch {
      continue;
    }
    const chars = [...PRINTABLE].filter((c) => re.test(c)).join('');
    if (chars.length > best.length) best = chars;
  }
  return best || 'A1b2C3d4';
}

function adversarialInputs(rule: Rule): Array<[string, string]> {
  const body = bodyAlphabet(rule.raw.pattern);
  const inputs: Array<[string, string]> = [
    ['spaces', repeatTo(' ')],
    ['separators', repeatTo('=:"\' ,;\t')],
    ['newlines and separators', repeatTo('=\n:\r\n"')],
  ];
  for (const k of rule.raw.keywords) {
    inputs.push([`keyword ${k} repeated`, repeatTo(k)]);
    inputs.push([`keyword ${k} then a run of its body alphabet`, k + repeatTo(body, SIZE - k.length)]);
    inputs.push([`keyword ${k} = body, repeated`, repeatTo(`${k}=${body.slice(0, 40)} `)]);
    inputs.push([`keyword ${k} with spaces`, repeatTo(`${k} `)]);
  }
  return inputs;
}

const rules = await loadRules({ builtin: true, dirs: [] });

describe('built-in patterns run in linear time on adversarial input', () => {
  it('covers every built-in rule', () => {
    expect(rules.length).toBeGreaterThan(25);
  });

  it.each(rules.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    for (const [name, text] of adversarialInputs(rule)) {
      const before = process.cpuUsage();
      runRule(rule, text);
      const used = process.cpuUsage(before);
      const ms = (used.user + used.system) / 1000;
      expect(ms, `${rule.id} on ${name}: ${ms.toFixed(0)} ms of CPU for 300 KB`).toBeLessThan(CPU_BOUND_MS);
    }
  }, 120_000);
});

describe('bodyAlphabet', () => {
  it('takes the widest class of the pattern', () => {
    expect(bodyAlphabet('ghp_[A-Za-z0-9]{36}')).toHaveLength(62);
    expect(bodyAlphabet('x[0-9]+y[a-f0-9]{8}')).toBe('0123456789abcdef');
  });
});
