// `tokensprawl policy test`: every policy against its own examples (must match) and
// negativeExamples (must not), as `rules test` does for rules.
import { celInput, CREDENTIAL_FIELDS, LIMIT_FIELDS, runPolicy, TOKEN_FIELDS } from './compile.js';
import type { CompiledPolicy, PolicyInput } from './types.js';

const KNOWN: Record<keyof PolicyInput, ReadonlySet<string>> = {
  token: new Set(Object.keys(TOKEN_FIELDS)),
  credential: new Set(Object.keys(CREDENTIAL_FIELDS)),
  limits: new Set(Object.keys(LIMIT_FIELDS)),
};

/** Fields of an example that no policy can read: a typo there makes a negative example pass for nothing. */
function unknownFields(input: PolicyInput): string[] {
  const out: string[] = [];
  for (const v of ['token', 'credential', 'limits'] as const) {
    for (const k of Object.keys(input[v] ?? {})) if (!KNOWN[v].has(k)) out.push(`${v}.${k.length <= 24 ? k : `${k.slice(0, 4)}…`}`);
  }
  return out;
}

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
        const unknown = unknownFields(input);
        if (unknown.length > 0) {
          failures.push({ policyId: p.id, kind, index, message: `${unknown.join(', ')}: not a field policies can read` });
          return;
        }
        const verdict = runPolicy(p, celInput(input));
        if ('error' in verdict) failures.push({ policyId: p.id, kind, index, message: `could not be evaluated: ${verdict.error}` });
        else if (verdict.matched !== want) failures.push({ policyId: p.id, kind, index, message: want ? 'does not match, but must' : 'matches, but must not' });
      });
    }
  }
  return { checked, failures };
}
