import { runRule } from '../detect/detect.js';
import type { Rule } from './types.js';

export interface RuleCheckFailure {
  ruleId: string;
  file: string;
  kind: 'example' | 'negativeExample';
  index: number;
  message: string;
}

/**
 * Every example must yield a secret from its own rule (after all gates); no negative example
 * may. Failures never quote the example text: it may hold a token-shaped string.
 */
export function checkRules(rules: readonly Rule[]): { checked: number; failures: RuleCheckFailure[] } {
  const failures: RuleCheckFailure[] = [];
  let checked = 0;
  for (const rule of rules) {
    rule.examples.forEach((text, index) => {
      checked++;
      if (runRule(rule, text).length === 0)
        failures.push({ ruleId: rule.id, file: rule.file, kind: 'example', index, message: 'does not match (or a gate rejects it)' });
    });
    rule.negativeExamples.forEach((text, index) => {
      checked++;
      const hits = runRule(rule, text);
      if (hits.length > 0)
        failures.push({ ruleId: rule.id, file: rule.file, kind: 'negativeExample', index, message: `matches ${hits.length} time(s)` });
    });
  }
  return { checked, failures };
}
