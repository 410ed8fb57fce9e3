// The one severity order. Every ranking, threshold, sort and "worst of" goes through here.
import { SEVERITIES, type Severity } from './types.js';

export { SEVERITIES };

/** From the most to the least severe: the order in which reports list and count them. */
export const SEVERITIES_WORST_FIRST: readonly Severity[] = [...SEVERITIES].reverse();

/** `--fail-on` and the config's `failOn`: a severity, or `none` (never fail on findings). */
export const FAIL_ON_CHOICES: readonly (Severity | 'none')[] = [...SEVERITIES, 'none'];

/** 0 for info up to 4 for critical. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = Object.fromEntries(SEVERITIES.map((s, i) => [s, i])) as Record<Severity, number>;

export function severityRank(s: Severity): number {
  return SEVERITY_RANK[s];
}

/** Whether a string is one of the five severities (reports read back from disk). */
export function isSeverity(s: unknown): s is Severity {
  return typeof s === 'string' && (SEVERITIES as readonly string[]).includes(s);
}

/** Negative when a is less severe than b. */
export function compareSeverity(a: Severity, b: Severity): number {
  return severityRank(a) - severityRank(b);
}

export function maxSeverity(...list: Severity[]): Severity {
  return list.reduce<Severity>((m, s) => (compareSeverity(s, m) > 0 ? s : m), 'info');
}

export function minSeverity(a: Severity, b: Severity): Severity {
  return compareSeverity(a, b) <= 0 ? a : b;
}

/** Whether `s` reaches a `--fail-on` threshold (`none` is never reached). */
export function atOrAbove(s: Severity, threshold: Severity | 'none'): boolean {
  return threshold !== 'none' && compareSeverity(s, threshold) >= 0;
}
