import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findWeakSecret, WEAK_SECRETS } from '../../src/analyze/weak-secrets.js';

function hs(alg: 'HS256' | 'HS384' | 'HS512', key: Buffer | string): string {
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ alg, typ: 'JWT' })}.${enc({ sub: 'FAKE-0000', iat: 1_700_000_000 })}`;
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg];
  return `${input}.${createHmac(hash, key).update(input).digest('base64url')}`;
}

describe('WEAK_SECRETS', () => {
  const texts = WEAK_SECRETS.map((w) => w.key.toString('latin1'));

  it('has at least 200 distinct entries', () => {
    expect(WEAK_SECRETS.length).toBeGreaterThanOrEqual(200);
    expect(new Set(WEAK_SECRETS.map((w) => w.key.toString('hex'))).size).toBe(WEAK_SECRETS.length);
  });

  it.each(['secret', 'your-256-bit-secret', 'changeme', 'secretkey', 'keyboard cat', 'supersecret', 'shhhhh', ''])(
    'includes %j',
    (s) => {
      expect(texts).toContain(s);
    },
  );

  it('includes the RFC 7515 A.1 HMAC key bytes', () => {
    const k = Buffer.from('AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow', 'base64url');
    expect(WEAK_SECRETS.some((w) => w.key.equals(k))).toBe(true);
  });
});

describe('findWeakSecret', () => {
  it.each(['HS256', 'HS384', 'HS512'] as const)('finds a %s token signed with a listed secret', (alg) => {
    expect(findWeakSecret(hs(alg, 'changeme'), alg)?.label).toBe('a framework or tutorial sample value');
  });

  it('returns null for a random secret', () => {
    expect(findWeakSecret(hs('HS256', 'FAKE-not-in-any-list-0000-9f8e7d6c5b4a'), 'HS256')).toBeNull();
  });

  it('returns null for a non-HMAC alg or a signature of the wrong length', () => {
    expect(findWeakSecret(hs('HS256', 'secret'), 'RS256')).toBeNull();
    expect(findWeakSecret(hs('HS256', 'secret'), 'HS512')).toBeNull();
  });

  it('uses the given candidate list', () => {
    const t = hs('HS256', 'FAKE-team-secret');
    expect(findWeakSecret(t, 'HS256', [{ label: 'custom', key: Buffer.from('FAKE-team-secret') }])?.label).toBe('custom');
  });
});
