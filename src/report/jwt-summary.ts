import type { Binding, JwtAnalysis } from '../core/types.js';
import { formatDuration } from '../analyze/duration.js';

export const BINDING_LABEL: Record<Binding, string> = {
  none: 'unbound bearer',
  dpop: 'DPoP-bound',
  mtls: 'mTLS-bound',
  jwk: 'key-bound (cnf.jwk)',
  jwe: 'key-bound (cnf.jwe)',
  jku: 'key-bound (cnf.jku)',
  kid: 'key-bound (cnf.kid)',
  unknown: 'bound (unknown cnf method)',
};

function ms(iso: string): number {
  return new Date(iso).getTime();
}

/** "expires in 29d", "expired 3d ago", "never expires". */
function expiryPhrase(a: JwtAnalysis, now: Date): string {
  if (a.expiresAt === null) return 'never expires';
  const delta = Math.round((ms(a.expiresAt) - now.getTime()) / 1000);
  return a.expired ? `expired ${formatDuration(-delta)} ago` : `expires in ${formatDuration(delta)}`;
}

/** "3d ago" / "in 2h" for a timestamp relative to now. */
export function relative(iso: string, now: Date): string {
  const delta = Math.round((ms(iso) - now.getTime()) / 1000);
  if (delta === 0) return 'now';
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
}

/**
 * One line for a JWT finding, e.g. "unbound bearer · lives 30d · aud reports,exports · expires in 29d".
 * Names only public facts: never a claim value beyond audiences and the issuer family.
 */
export function summarizeJwt(a: JwtAnalysis, now: Date): string {
  if (a.form === 'jwe') {
    const enc = typeof a.header.enc === 'string' ? ` ${a.header.enc}` : '';
    return `encrypted JWE${enc} · claims unreadable`;
  }
  const parts: string[] = [];
  if (a.form === 'unsecured') parts.push('unsigned (alg none)');
  if (a.problems.some((p) => p.id === 'weak-secret')) parts.push('weak HMAC secret');
  if (a.problems.some((p) => p.id === 'dpop-proof')) parts.push('DPoP proof');
  else parts.push(BINDING_LABEL[a.binding]);
  if (a.family) parts.push(a.family);
  if (a.lifetimeSeconds !== null) parts.push(`lives ${formatDuration(a.lifetimeSeconds)}`);
  parts.push(a.audience.length > 0 ? `aud ${a.audience.join(',')}` : 'no aud');
  parts.push(expiryPhrase(a, now));
  if (a.signature !== 'unverified') parts.push(`signature ${a.signature}`);
  return parts.join(' · ');
}

/** A claim's value as text: strings as they are, arrays joined, anything else as JSON. */
export function claimText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ');
  return JSON.stringify(v);
}
