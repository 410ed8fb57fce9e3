import { maxSeverity, minSeverity } from '../core/severity.js';
import type { JwtAnalysis, Severity } from '../core/types.js';

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
