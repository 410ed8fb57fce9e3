import { readFile } from 'node:fs/promises';
import { compactVerify, createLocalJWKSet, errors, importJWK } from 'jose';
import type { JWK, JWTVerifyGetKey } from 'jose';
import type { SignatureState } from '../core/types.js';
import { isObject } from '../core/guards.js';
import { TargetError, UsageError, describeError, describeJsonError } from '../core/errors.js';

/** Offline JWS signature check against a JWK Set. Never throws from verify(). */
export interface JwksVerifier {
  /** where the set came from, for messages */
  readonly source: string;
  readonly keyCount: number;
  /**
   * 'valid' or 'invalid' when a key of the set fits the token's kid/alg; 'unverified' when none
   * does (or the token is unsecured, a JWE, or uses an algorithm a JWK Set cannot hold).
   * exp and nbf are not checked: the signature is judged, not the validity window.
   */
  verify(token: string): Promise<SignatureState>;
}

/** Private members a verification key must not carry; stripped so a full key pair file still works. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'priv'] as const;


/** An algorithm to import a key with when it names none (jose needs one). */
function defaultAlg(key: Record<string, unknown>): string | undefined {
  if (typeof key.alg === 'string') return key.alg;
  switch (key.kty) {
    case 'RSA':
      return 'RS256';
    case 'EC':
      return ({ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as Record<string, string>)[String(key.crv)];
    case 'OKP':
      return 'EdDSA';
    default:
      return undefined;
  }
}

/**
 * A verifier over an already parsed JWK Set; `source` names it in errors. Every key is imported
 * once here so that a malformed key is a usage error now rather than a silent "unverified" later.
 */
export async function createJwksVerifier(jwks: unknown, source: string): Promise<JwksVerifier> {
  if (!isObject(jwks) || !Array.isArray(jwks.keys)) {
    throw new UsageError(`${source}: not a JWK Set (expected a JSON object with a "keys" array)`);
  }
  const keys: JWK[] = [];
  for (const [i, key] of jwks.keys.entries()) {
    if (!isObject(key) || typeof key.kty !== 'string') {
      throw new UsageError(`${source}: not a JWK Set (keys[${i}] is not a JWK with a "kty")`);
    }
    // symmetric keys cannot be in a public JWK Set (jose refuses HS* against one)
    if (key.kty === 'oct') continue;
    const pub: Record<string, unknown> = { ...key };
    for (const m of PRIVATE_MEMBERS) delete pub[m];
    const alg = defaultAlg(pub);
    if (alg === undefined) continue; // a key type no JWS algorithm here uses
    try {
      await importJWK(pub as JWK, alg);
    } catch (err) {
      // a published set may hold keys for algorithms jose lacks (e.g. ES256K): not the user's error
      if (err instanceof errors.JOSENotSupported) continue;
      throw new UsageError(`${source}: not a JWK Set (keys[${i}]: ${describeError(err)})`, { cause: err });
    }
    keys.push(pub as JWK);
  }
  let getKey: JWTVerifyGetKey;
  try {
    getKey = createLocalJWKSet({ keys });
  } catch (err) {
    throw new UsageError(`${source}: not a JWK Set (${describeError(err)})`, { cause: err });
  }
  return {
    source,
    keyCount: keys.length,
    verify: (token) => verifyWith(getKey, token),
  };
}

async function verifyWith(getKey: JWTVerifyGetKey, token: string): Promise<SignatureState> {
  if (token.split('.').length !== 3) return 'unverified';
  try {
    await compactVerify(token, getKey);
    return 'valid';
  } catch (err) {
    if (err instanceof errors.JWSSignatureVerificationFailed) return 'invalid';
    if (err instanceof errors.JWKSMultipleMatchingKeys) return verifyEach(err, token);
    // no matching key, unsupported alg (none, HS*), unusable key, malformed token
    return 'unverified';
  }
}

/** Several keys fit (no kid): valid if any of them verifies. */
async function verifyEach(err: errors.JWKSMultipleMatchingKeys, token: string): Promise<SignatureState> {
  let tried = 0;
  for await (const key of err) {
    tried++;
    try {
      await compactVerify(token, key);
      return 'valid';
    } catch {
      // try the next key
    }
  }
  return tried > 0 ? 'invalid' : 'unverified';
}

/**
 * Reads a JWK Set file. TargetError when it is missing or unreadable, UsageError when it is not
 * JSON or not a JWK Set; both name the file.
 */
export async function loadJwks(file: string): Promise<JwksVerifier> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new TargetError(`cannot read JWK Set ${file}: ${describeError(err)}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file}: not a JWK Set (${describeJsonError(err, text)})`, { cause: err });
  }
  return createJwksVerifier(parsed, file);
}
