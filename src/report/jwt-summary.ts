import { Chalk, type ChalkInstance } from 'chalk';
import type { Binding, JwtAnalysis, Severity } from '../core/types.js';
import { formatDuration } from '../analyze/duration.js';
import { compareSeverity } from '../core/severity.js';

const BINDING_LABEL: Record<Binding, string> = {
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
function relative(iso: string, now: Date): string {
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

function colourFor(c: ChalkInstance, s: Severity): (t: string) => string {
  switch (s) {
    case 'critical':
      return (t) => c.bold.red(t);
    case 'high':
      return (t) => c.red(t);
    case 'medium':
      return (t) => c.yellow(t);
    case 'low':
      return (t) => c.cyan(t);
    case 'info':
      return (t) => c.dim(t);
  }
}

function claimText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ');
  return JSON.stringify(v);
}

/**
 * The text output of `tokensprawl jwt`: a small table of the token's facts and its problems,
 * worst first. Colour only when opts.color.
 */
export function renderJwtDetails(a: JwtAnalysis, severity: Severity, now: Date, opts: { color: boolean }): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const paint = (s: Severity): ((t: string) => string) => colourFor(c, s);
  const rows: [string, string][] = [];
  const claims = a.claims ?? {};

  const algText = typeof a.header.alg === 'string' ? a.header.alg : '?';
  const typText = typeof a.header.typ === 'string' ? `, typ ${a.header.typ}` : '';
  const encText = typeof a.header.enc === 'string' ? `, enc ${a.header.enc}` : '';
  rows.push(['form', `${a.form.toUpperCase()} (alg ${algText}${encText}${typText})`]);
  if (typeof a.header.kid === 'string') rows.push(['key id', a.header.kid]);

  if (a.form !== 'jwe') {
    rows.push(['issuer', claimText(claims.iss) ?? '-']);
    if (a.family) rows.push(['family', a.family]);
    rows.push(['subject', claimText(claims.sub) ?? '-']);
    rows.push(['audience', a.audience.length > 0 ? a.audience.join(', ') : '- (none)']);
    const client = claimText(claims.client_id) ?? claimText(claims.azp);
    if (client !== null) rows.push(['client', client]);
    const scope = claimText(claims.scope) ?? claimText(claims.scp);
    if (scope !== null) rows.push(['scope', scope]);
    const roles = claimText(claims.roles);
    if (roles !== null) rows.push(['roles', roles]);
    rows.push(['issued', a.issuedAt ? `${a.issuedAt} (${relative(a.issuedAt, now)})` : '-']);
    if (a.notBefore && a.notBefore !== a.issuedAt) rows.push(['not before', `${a.notBefore} (${relative(a.notBefore, now)})`]);
    const expiry = a.expiresAt
      ? `${a.expiresAt} (${a.expired ? `expired ${relative(a.expiresAt, now)}` : `expires ${relative(a.expiresAt, now)}`})`
      : 'never';
    rows.push(['expires', a.expired ? paint('low')(expiry) : expiry]);
    rows.push(['lifetime', a.lifetimeSeconds !== null ? formatDuration(a.lifetimeSeconds) : '-']);
    rows.push(['binding', a.problems.some((p) => p.id === 'dpop-proof') ? 'DPoP proof (signed by the key in its header)' : BINDING_LABEL[a.binding]]);
  } else {
    rows.push(['claims', 'encrypted (not readable without the key)']);
  }
  const sigText: Record<JwtAnalysis['signature'], string> = {
    valid: c.green('valid (JWK Set)'),
    invalid: paint('high')('INVALID (JWK Set)'),
    unverified: 'unverified',
  };
  rows.push(['signature', sigText[a.signature]]);
  rows.push(['severity', paint(severity)(severity)]);

  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${c.bold(k.padEnd(width))}  ${v}`);

  const problems = [...a.problems].sort((x, y) => compareSeverity(y.severity, x.severity));
  lines.push('');
  if (problems.length === 0) {
    lines.push('no problems found');
  } else {
    lines.push(c.bold('problems'));
    const sevWidth = Math.max(...problems.map((p) => p.severity.length));
    for (const p of problems) {
      lines.push(`  ${paint(p.severity)(p.severity.padEnd(sevWidth))}  ${p.id}: ${p.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
