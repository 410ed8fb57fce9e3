// `tokensprawl policy test`: every policy against its own examples (must match) and
// negativeExamples (must not), as `rules test` does for rules.
import { celInput, runPolicy } from './compile.js';
import type { CompiledPolicy } from './types.js';

export interface PolicyCheckFailure {
  policyId: string;
  kind: 'example' | 'negativeExample' | 'policy';
  /** 0-based index in its list */
  index: number;
  message: string;
}

export function checkPolicies(policies: readonly CompiledPolicy[]): { checked: number; failures: PolicyCheckFailure[] } {
  const failures: PolicyCheckFailure[] = [];
  let checked = 0;
  for (const p of policies) {
    if (p.examples.length === 0) failures.push({ policyId: p.id, kind: 'policy', index: 0, message: 'has no examples: give at least one input it must match' });
    for (const [kind, list, want] of [['example', p.examples, true], ['negativeExample', p.negativeExamples, false]] as const) {
      list.forEach((input, index) => {
        checked++;
        const verdict = runPolicy(p, celInput(input));
        if ('error' in verdict) failures.push({ policyId: p.id, kind, index, message: `could not be evaluated: ${verdict.error}` });
        else if (verdict.matched !== want) failures.push({ policyId: p.id, kind, index, message: want ? 'does not match, but must' : 'matches, but must not' });
      });
    }
  }
  return { checked, failures };
}
