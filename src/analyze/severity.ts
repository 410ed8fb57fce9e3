import type { JwtAnalysis, Severity } from '../core/types.js';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** Negative when a is less severe than b. */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITY_RANK[a] - SEVERITY_RANK[b];
}

export function maxSeverity(...list: Severity[]): Severity {
  return list.reduce<Severity>((m, s) => (compareSeverity(s, m) > 0 ? s : m), 'info');
}

export function minSeverity(a: Severity, b: Severity): Severity {
  return compareSeverity(a, b) <= 0 ? a : b;
}

function has(a: JwtAnalysis, id: string): boolean {
  return a.problems.some((p) => p.id === id);
}

/**
 * Severity of a JWT finding. The SPEC rules apply in order, the first that applies wins:
 *   1. weak-secret → critical (anyone can mint tokens, expiry is irrelevant);
 *   2. unexpired with alg-none, no-expiry or another critical problem (e.g. Supabase
 *      service_role) → critical;
 *   3. expired → at most low;
 *   4. unexpired and unbound → at least high;
 *   5. bound, short-lived and with an audience → at most medium.
 * The base they adjust is the worst problem severity, floored at medium for a live credential
 * (low for a DPoP proof, which only works once, for one request). A JWE takes ruleSeverity.
 */
export function jwtSeverity(a: JwtAnalysis, ruleSeverity: Severity): Severity {
  if (a.form === 'jwe') return ruleSeverity;
  const proof = has(a, 'dpop-proof');
  const floor: Severity = a.expired || proof ? 'low' : 'medium';
  const base = maxSeverity(floor, ...a.problems.map((p) => p.severity));

  if (has(a, 'weak-secret')) return 'critical';
  if (!a.expired && (has(a, 'alg-none') || has(a, 'no-expiry') || a.problems.some((p) => p.severity === 'critical'))) {
    return 'critical';
  }
  if (a.expired) return minSeverity(base, 'low');
  if (a.binding === 'none') return maxSeverity(base, 'high');
  const shortLived = a.expiresAt !== null && !has(a, 'long-lifetime');
  if (shortLived && a.audience.length > 0) return minSeverity(base, 'medium');
  return base;
}
