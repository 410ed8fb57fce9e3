import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { analyzeJwt } from '../../src/analyze/jwt.js';
import { createJwksVerifier, loadJwks } from '../../src/analyze/jwks.js';
import { TargetError, UsageError } from '../../src/core/errors.js';
import { NOW, clean, hs, jwe, unsecured } from './jwt-helpers.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/jwt/${name}`, import.meta.url));
const vectors = (await import('../../fixtures/jwt/vectors.json', { with: { type: 'json' } })).default.tokens;

/** flip one character in the middle of the signature */
function tamper(token: string): string {
  const i = token.lastIndexOf('.') + 10;
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

async function keyPair(kid?: string) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), alg: 'ES256', ...(kid ? { kid } : {}) };
  const sign = (header: Record<string, unknown> = {}): Promise<string> =>
    new SignJWT(clean()).setProtectedHeader({ alg: 'ES256', ...(kid ? { kid } : {}), ...header }).sign(privateKey);
  return { jwk, privateJwk: { ...(await exportJWK(privateKey)), alg: 'ES256', kid }, sign };
}

describe('loadJwks on the RFC 7515 keys', () => {
  it('verifies A.2 (RS256) and A.3 (ES256) although they expired in 2011', async () => {
    const v = await loadJwks(fixture('jwks-rfc7515.json'));
    expect(v.keyCount).toBe(2);
    expect(await v.verify(vectors['rfc7515-a2-rs256'])).toBe('valid');
    expect(await v.verify(vectors['rfc7515-a3-es256'])).toBe('valid');
  });

  it('a tampered signature is invalid and becomes a bad-signature problem', async () => {
    const jwks = await loadJwks(fixture('jwks-rfc7515.json'));
    const t = tamper(vectors['rfc7515-a2-rs256']);
    expect(await jwks.verify(t)).toBe('invalid');
    const a = await analyzeJwt(t, { now: NOW, maxLifetimeSeconds: 3600, jwks });
    expect(a?.signature).toBe('invalid');
    expect(a?.problems.map((p) => p.id)).toContain('bad-signature');
  });

  it('HMAC, alg none, JWE and unknown kid stay unverified', async () => {
    const jwks = await loadJwks(fixture('jwks-rfc7515.json'));
    expect(await jwks.verify(vectors['rfc7515-a1-hs256'])).toBe('unverified');
    expect(await jwks.verify(await hs(clean()))).toBe('unverified');
    expect(await jwks.verify(vectors['rfc7515-a5-none'])).toBe('unverified');
    expect(await jwks.verify(unsecured(clean()))).toBe('unverified');
    expect(await jwks.verify(await jwe({ sub: 'FAKE' }))).toBe('unverified');
    const other = await keyPair('FAKE-unknown-kid');
    expect(await jwks.verify(await other.sign())).toBe('unverified');
    const a = await analyzeJwt(await other.sign(), { now: NOW, maxLifetimeSeconds: 3600, jwks });
    expect(a?.signature).toBe('unverified');
    expect(a?.problems.map((p) => p.id)).not.toContain('bad-signature');
  });

  it('garbage never throws', async () => {
    const jwks = await loadJwks(fixture('jwks-rfc7515.json'));
    for (const s of ['', 'a.b.c', 'eyJhbGciOiJSUzI1NiJ9.e30.', 'eyJhbGciOiJSUzI1NiJ9.e30.!!!']) {
      expect(['unverified', 'invalid']).toContain(await jwks.verify(s));
    }
  });
});

describe('createJwksVerifier with generated keys', () => {
  it('valid by kid; same kid, other key → invalid', async () => {
    const good = await keyPair('k1');
    const impostor = await keyPair('k1');
    const v = await createJwksVerifier({ keys: [good.jwk] }, 'test');
    expect(await v.verify(await good.sign())).toBe('valid');
    expect(await v.verify(await impostor.sign())).toBe('invalid');
  });

  it('no kid and several candidate keys: each is tried', async () => {
    const a = await keyPair();
    const b = await keyPair();
    const c = await keyPair();
    const v = await createJwksVerifier({ keys: [a.jwk, b.jwk] }, 'test');
    expect(await v.verify(await b.sign())).toBe('valid');
    expect(await v.verify(await c.sign())).toBe('invalid');
  });

  it('private members are stripped and oct keys skipped, so a key-pair file works', async () => {
    const k = await keyPair('k2');
    const v = await createJwksVerifier({ keys: [k.privateJwk, { kty: 'oct', k: 'RkFLRQ' }] }, 'test');
    expect(v.keyCount).toBe(1);
    expect(await v.verify(await k.sign())).toBe('valid');
  });
});

describe('loadJwks errors name the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokensprawl-jwks-'));

  it('missing file → TargetError', async () => {
    const file = join(dir, 'missing.json');
    await expect(loadJwks(file)).rejects.toBeInstanceOf(TargetError);
    await expect(loadJwks(file)).rejects.toThrow(file);
  });

  it('a directory → TargetError', async () => {
    await expect(loadJwks(dir)).rejects.toBeInstanceOf(TargetError);
  });

  it('invalid JSON → UsageError', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ not json');
    const err = await loadJwks(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err).not.toBeInstanceOf(TargetError);
    expect((err as Error).message).toContain(file);
  });

  it.each<[string, unknown]>([
    ['keys is not an array', null],
    ['a key without kty', { keys: [{ n: 'x' }] }],
    ['a JSON array', [1, 2]],
    ['a malformed RSA key', { keys: [{ kty: 'RSA', n: 5 }] }],
  ])('%s → UsageError', async (_n, content) => {
    const file = join(dir, 'set.json');
    writeFileSync(file, JSON.stringify(content));
    const err = await loadJwks(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain(file);
  });

  it('the not-a-jwks fixture → UsageError', async () => {
    await expect(loadJwks(fixture('not-a-jwks.json'))).rejects.toThrow(/not-a-jwks\.json: not a JWK Set/);
  });
});

describe('keys jose cannot use', () => {
  it('are skipped rather than rejected', async () => {
    const k = await keyPair('k3');
    const v = await createJwksVerifier(
      { keys: [{ kty: 'EC', crv: 'secp256k1', x: 'FAKE', y: 'FAKE' }, { kty: 'FAKE-kty' }, k.jwk] },
      'test',
    );
    expect(v.keyCount).toBe(1);
    expect(await v.verify(await k.sign())).toBe('valid');
  });
});
