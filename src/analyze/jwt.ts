import type * as Jose from 'jose';
import type { Binding, JwtAnalysis, JwtForm, JwtProblem, SignatureState } from '../core/types.js';
import { isObject } from '../core/guards.js';
import type { Judgement } from '../policy/evaluate.js';
import type { PolicySet } from '../policy/types.js';
import { formatDuration } from './duration.js';
import { detectFamily, familyNote, familyProblems } from './families.js';
import type { JwksVerifier } from './jwks.js';
import { findWeakSecret, isHmacAlg, type WeakSecret } from './weak-secrets.js';

export type { JwksVerifier } from './jwks.js';

export interface JwtOptions {
  /** the instant against which expiry is judged */
  now: Date;
  /** longest acceptable lifetime (exp - iat/nbf) */
  maxLifetimeSeconds: number;
  /** verify signatures offline against this JWK Set */
  jwks?: JwksVerifier;
  /** weak-secret candidates; defaults to the shipped list */
  weakSecrets?: readonly WeakSecret[];
  /**
   * The run's policies: the default ones (policies/default.yaml, as tuned by the config) decide
   * the problems alg-none, weak-secret, unbound, no-expiry, long-lifetime, no-audience and
   * bad-signature. Defaults to the shipped file.
   */
  policies?: PolicySet;
}

type PolicyJudging = { jwtJudge: typeof import('../policy/evaluate.js').jwtJudge; defaults: Promise<PolicySet> };
let judging: Promise<PolicyJudging> | undefined;

/**
 * The policy evaluator and the shipped default policies, loaded on the first JWT (most scans of a
 * source tree find none, and CEL costs start-up), then shared by every call of the process.
 */
function policyJudging(): Promise<PolicyJudging> {
  judging ??= Promise.all([import('../policy/evaluate.js'), import('../policy/defaults.js')]).then(([evaluate, defaults]) => ({
    jwtJudge: evaluate.jwtJudge,
    // loaded only when a caller gives no PolicySet of its own
    get defaults() {
      return defaults.defaultPolicySet();
    },
  }));
  return judging;
}

/** Header members worth reporting; nothing else leaves the analyser. */
const HEADER_KEEP = ['alg', 'enc', 'typ', 'cty', 'kid', 'jku', 'x5u', 'crit'] as const;
/** Claims worth reporting: registered ones plus scope, client and binding claims; no custom values. */
const CLAIMS_KEEP = [
  'iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti',
  'scope', 'scp', 'client_id', 'azp', 'roles', 'cnf',
] as const;

/** NumericDate values above this are milliseconds (1e11 s is the year 5138). */
const MS_THRESHOLD = 1e11;

const B64U_PART = '[A-Za-z0-9_-]';
// header: a base64url JSON object starts "ey" ('{"') or "ew" ('{' + whitespace)
const JWS_SHAPE = new RegExp(`^e[wy]${B64U_PART}+\\.${B64U_PART}*\\.${B64U_PART}*$`);
const JWE_SHAPE = new RegExp(`^e[wy]${B64U_PART}+\\.${B64U_PART}*\\.${B64U_PART}*\\.${B64U_PART}*\\.${B64U_PART}*$`);

/** Cheap shape check: 3 or 5 base64url parts with a header that could be a JSON object. */
export function looksLikeJwt(s: string): boolean {
  return JWS_SHAPE.test(s) || JWE_SHAPE.test(s);
}


function pick(src: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in src) out[k] = src[k];
  return out;
}

interface Instant {
  ms: number;
  iso: string;
  /** the claim was written in milliseconds */
  millis: boolean;
}

/** A NumericDate claim as an instant; null when absent, not a number, or out of range. */
function instant(v: unknown): Instant | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  const millis = Math.abs(v) > MS_THRESHOLD;
  const ms = millis ? v : v * 1000;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return null;
  return { ms, iso: d.toISOString(), millis };
}

function normaliseAudience(aud: unknown): string[] {
  if (typeof aud === 'string') return aud === '' ? [] : [aud];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string' && a !== '');
  return [];
}

/** RFC 7800 confirmation method → binding. */
export function bindingOf(cnf: unknown): Binding {
  if (cnf === undefined) return 'none';
  if (!isObject(cnf)) return 'unknown';
  if ('jkt' in cnf) return 'dpop';
  if ('x5t#S256' in cnf) return 'mtls';
  if ('jwk' in cnf) return 'jwk';
  if ('jwe' in cnf) return 'jwe';
  if ('jku' in cnf) return 'jku';
  if ('kid' in cnf) return 'kid';
  return 'unknown';
}

type JoseDecoders = Pick<typeof Jose, 'decodeJwt' | 'decodeProtectedHeader'>;

/** Decoded parts, or null when the string is not a JWT. Never throws. */
function decode(token: string, { decodeJwt, decodeProtectedHeader }: JoseDecoders): { form: JwtForm; header: Record<string, unknown>; payload?: Record<string, unknown> } | null {
  if (!looksLikeJwt(token)) return null;
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    return null; // jose throws TypeError or JOSEError here; both mean "not a JOSE header"
  }
  if (typeof header.alg !== 'string') return null;
  if (token.split('.').length === 5) {
    return typeof header.enc === 'string' ? { form: 'jwe', header } : null;
  }
  let payload: Record<string, unknown>;
  try {
    payload = decodeJwt(token) as Record<string, unknown>;
  } catch {
    return null;
  }
  const form: JwtForm = header.alg.toLowerCase() === 'none' ? 'unsecured' : 'jws';
  return { form, header, payload };
}

function problem(id: string, severity: JwtProblem['severity'], message: string): JwtProblem {
  return { id, severity, message };
}

/** typ says DPoP proof (RFC 9449 §4.2), with or without the media-type prefix. */
function isDpopTyp(typ: unknown): boolean {
  return typeof typ === 'string' && /^(application\/)?dpop\+jwt$/i.test(typ);
}

/**
 * Decodes a compact JWS, unsecured JWT or JWE and judges it: lifetime, audience, binding,
 * signature and problems. null when the string is not a JWT. Never throws.
 */
export async function analyzeJwt(token: string, opts: JwtOptions): Promise<JwtAnalysis | null> {
  if (!looksLikeJwt(token)) return null;
  // jose is loaded on the first JWT: most scans of a source tree find none, and it costs start-up.
  const decoded = decode(token, await import('jose'));
  if (!decoded) return null;
  const { form, header, payload } = decoded;
  const keptHeader = pick(header, HEADER_KEEP);

  if (form === 'jwe' || !payload) {
    // claims are encrypted: only the header is known
    return {
      form: 'jwe',
      header: keptHeader,
      issuedAt: null,
      notBefore: null,
      expiresAt: null,
      lifetimeSeconds: null,
      expired: false,
      audience: [],
      binding: 'unknown',
      signature: 'unverified',
      problems: [],
    };
  }

  const now = opts.now.getTime();
  const iat = instant(payload.iat);
  const nbf = instant(payload.nbf);
  const exp = instant(payload.exp);
  const start = iat ?? nbf;
  const lifetimeSeconds = exp && start ? Math.round((exp.ms - start.ms) / 1000) : null;
  const expired = exp !== null && now >= exp.ms;
  const audience = normaliseAudience(payload.aud);
  const family = detectFamily(payload);
  const alg = String(header.alg);

  const typ = header.typ;
  // a DPoP proof is signed by the holder's key in its header: not a bearer access token
  const proofClaims = typeof payload.htm === 'string' && typeof payload.htu === 'string';
  const accessClaims = ['scope', 'scp', 'client_id', 'cnf', 'aud'].some((k) => k in payload);
  const dpopProof = isDpopTyp(typ) && isObject(header.jwk) && proofClaims && !accessClaims;
  const binding: Binding = dpopProof ? 'dpop' : bindingOf(payload.cnf);

  const problems: JwtProblem[] = [];
  const note = (id: string): string => familyNote(family, id, payload);

  // The facts the default policies judge (policy `token`): computed first, judged in the order
  // the problems are listed.
  const weak = isHmacAlg(alg) ? checkWeakSecret(token, alg, opts) : null;
  const signature = await checkSignature(token, form, opts);
  const remaining = exp ? Math.round((exp.ms - now) / 1000) : null;
  const facts: Record<string, unknown> = {
    kind: 'jwt',
    form,
    alg,
    audience,
    scopes: scopesOf(payload),
    expired,
    binding,
    signature,
    weakSecret: weak !== null,
    dpopProof,
    ...(typeof payload.iss === 'string' ? { issuer: payload.iss } : {}),
    ...(typeof payload.sub === 'string' ? { subject: payload.sub } : {}),
    ...(lifetimeSeconds !== null ? { lifetimeSeconds } : {}),
    ...(remaining !== null ? { remainingSeconds: remaining } : {}),
    ...(iat ? { issuedAt: iat.iso } : {}),
    ...(exp ? { expiresAt: exp.iso } : {}),
    ...(family ? { family } : {}),
  };
  const judging = await policyJudging();
  const judge = judging.jwtJudge(opts.policies ?? (await judging.defaults), facts, opts.maxLifetimeSeconds);
  const judged = (id: string, detail: () => string): void => {
    const j: Judgement | null = judge(id);
    if (j) problems.push(problem(id, j.severity, j.message ?? detail()));
  };

  judged('alg-none', () => `alg is "${alg}": the token is not signed, anyone can forge one with any claims.`);
  judged('weak-secret', () =>
    `the ${alg} signature verifies with ${weak?.label ?? 'a secret'} from tokensprawl's well-known list: anyone can mint tokens with any claims; change the signing secret.`,
  );

  if (dpopProof) {
    problems.push(
      problem(
        'dpop-proof',
        'info',
        'a DPoP proof (RFC 9449), not an access token: it is signed by the key in its header and accepted once, for the request it names (htm/htu), shortly after iat.',
      ),
    );
  } else if (isDpopTyp(typ)) {
    problems.push(
      problem(
        'typ-confusion',
        'medium',
        'typ is dpop+jwt but the claims are not a DPoP proof (access-token claims, or no htm/htu): a verifier that trusts typ may accept it in the wrong role.',
      ),
    );
  }
  judged('unbound', () => `no cnf claim: a bearer token that anyone holding it can replay.${note('unbound')}`);
  judged('no-expiry', () => `no exp claim: it never expires.${note('no-expiry')}`);
  judged('long-lifetime', () =>
    lifetimeSeconds !== null
      ? `lives ${overMax(lifetimeSeconds, opts.maxLifetimeSeconds)}, longer than the maximum of ${formatDuration(opts.maxLifetimeSeconds)}.${note('long-lifetime')}`
      : // no iat/nbf: judged on what is left instead
        `no iat or nbf, and still valid for ${formatDuration(remaining ?? 0)}, longer than the maximum of ${formatDuration(opts.maxLifetimeSeconds)}.${note('long-lifetime')}`,
  );
  judged('no-audience', () => 'no aud claim: any service that trusts the issuer accepts it.');

  for (const [name, value] of [['iat', iat], ['nbf', nbf], ['exp', exp]] as const) {
    if (value?.millis) {
      problems.push(
        problem(
          'ms-timestamp',
          'medium',
          `${name} is in milliseconds, not seconds (read here as ${value.iso}); a verifier that follows RFC 7519 reads it as tens of thousands of years away.`,
        ),
      );
    }
  }

  if (nbf && now < nbf.ms) {
    problems.push(problem('not-yet-valid', 'info', `not valid before ${nbf.iso}; judged as unexpired.`));
  }

  if (!dpopProof && ('jku' in header || 'x5u' in header)) {
    const which = ['jku', 'x5u'].filter((k) => k in header).join(' and ');
    problems.push(
      problem(
        'jku-x5u',
        'medium',
        `the header names a key URL (${which}): a verifier that fetches keys from the token's own header accepts forged tokens (RFC 8725 §3.10).`,
      ),
    );
  }

  if (['nonce', 'at_hash', 'c_hash'].some((k) => k in payload)) {
    problems.push(
      problem(
        'id-token',
        'low',
        'an OpenID Connect ID token (nonce/at_hash/c_hash): it proves a sign-in to one client; an API that accepts it as an access token is open to token confusion.',
      ),
    );
  }

  problems.push(...familyProblems(family, payload, audience));

  judged('bad-signature', () => {
    const kid = typeof header.kid === 'string' ? ` (kid ${header.kid})` : '';
    return `the signature does not verify against the JWK Set${kid}: the token was tampered with, forged, or signed by another key.`;
  });

  const analysis: JwtAnalysis = {
    form,
    header: keptHeader,
    claims: pick(payload, CLAIMS_KEEP),
    issuedAt: iat?.iso ?? null,
    notBefore: nbf?.iso ?? null,
    expiresAt: exp?.iso ?? null,
    lifetimeSeconds,
    expired,
    audience,
    binding,
    signature,
    problems,
  };
  if (family) analysis.family = family;
  return analysis;
}

// No memo here: the scan judges each distinct secret (by sha256) once.
function checkWeakSecret(token: string, alg: string, opts: JwtOptions): WeakSecret | null {
  return findWeakSecret(token, alg, opts.weakSecrets);
}

async function checkSignature(token: string, form: JwtForm, opts: JwtOptions): Promise<SignatureState> {
  if (!opts.jwks || form !== 'jws') return 'unverified';
  try {
    return await opts.jwks.verify(token);
  } catch {
    return 'unverified';
  }
}

/** OAuth scopes: `scope` (space-separated, RFC 8693) or `scp` (a list or a string). */
function scopesOf(payload: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const v of [payload.scope, payload.scp]) {
    if (typeof v === 'string') out.push(...v.split(/\s+/).filter((s) => s !== ''));
    else if (Array.isArray(v)) out.push(...v.filter((s): s is string => typeof s === 'string' && s !== ''));
  }
  return out;
}

/** A lifetime just over the maximum must not read like the maximum ("1h" for 3,605 s). */
function overMax(seconds: number, max: number): string {
  const shown = formatDuration(seconds);
  return shown === formatDuration(max) ? `${shown} (${Math.round(seconds)} s)` : shown;
}
