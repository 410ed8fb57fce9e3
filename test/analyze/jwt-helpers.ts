// Token factories for the JWT tests: everything is generated at test time with jose.
import { CompactEncrypt, SignJWT, UnsecuredJWT, generateKeyPair, type JWTPayload, type JWTHeaderParameters } from 'jose';

/** A random-looking HMAC secret that is in no weak-secret list. */
export const STRONG_SECRET = new TextEncoder().encode('FAKE-EXAMPLE-0000-strong-test-secret-9c1d8e2f7a6b5c4d');

export const NOW = new Date('2026-01-01T00:00:00Z');
export const NOW_S = NOW.getTime() / 1000;

const esKeys = generateKeyPair('ES256');

/** An ES256 token with the given claims and extra header members. */
export async function es256(claims: JWTPayload & Record<string, unknown>, header: Partial<JWTHeaderParameters> = {}): Promise<string> {
  const { privateKey } = await esKeys;
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', ...header }).sign(privateKey);
}

export async function hs(
  claims: JWTPayload & Record<string, unknown>,
  secret: Uint8Array | string = STRONG_SECRET,
  alg: 'HS256' | 'HS384' | 'HS512' = 'HS256',
): Promise<string> {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
}

export function unsecured(claims: JWTPayload & Record<string, unknown>): string {
  return new UnsecuredJWT(claims).encode();
}

/** A token built by hand, for shapes jose refuses to produce. */
export function raw(header: unknown, payload: unknown, signature = 'c2lnbmF0dXJlLUZBS0UtMDAwMA'): string {
  const enc = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  return `${enc(header)}.${enc(payload)}.${signature}`;
}

export async function jwe(claims: Record<string, unknown>): Promise<string> {
  const key = new Uint8Array(32).fill(7);
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: 'FAKE-kid' })
    .encrypt(key);
}

/** A short-lived, bound, audienced token: no problems at all. */
export function clean(over: Record<string, unknown> = {}): JWTPayload & Record<string, unknown> {
  return {
    iss: 'https://issuer.example.com',
    sub: 'FAKE-user-0000',
    aud: 'https://api.example.com',
    iat: NOW_S - 60,
    exp: NOW_S + 540,
    cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' },
    ...over,
  };
}
