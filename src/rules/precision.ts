import type { Rule } from './types.js';

export type Precision = Rule['precision'];

/** From the least to the most precise. */
export const PRECISIONS: readonly Precision[] = ['low', 'medium', 'high', 'very-high'];

/**
 * The rules at or above `min` precision (`--min-precision`, config `minPrecision`). The default,
 * `low`, keeps every rule. Generic context rules default to `medium`, provider rules to `high`.
 */
export function withMinPrecision<R extends Pick<Rule, 'precision'>>(rules: readonly R[], min: Precision = 'low'): R[] {
  const floor = PRECISIONS.indexOf(min);
  const kept = rules.filter((r) => PRECISIONS.indexOf(r.precision) >= floor);
  // The same list when nothing is dropped: the detector built for it is then shared with the redactor.
  return kept.length === rules.length ? (rules as R[]) : kept;
}
