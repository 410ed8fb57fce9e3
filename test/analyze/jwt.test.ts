import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeJwt, bindingOf, looksLikeJwt, type JwtOptions } from '../../src/analyze/jwt.js';
import { jwtSeverity } from '../../src/analyze/severity.js';
import type { JwtAnalysis } from '../../src/core/types.js';
import { NOW, NOW_S, clean, es256, hs, jwe, raw, unsecured } from './jwt-helpers.js';

const vectors = JSON.parse(readFileSync(new URL('../../fixtures/jwt/vectors.json', import.meta.url), 'utf8')) as {
  tokens: Record<string, string>;
};
function vector(name: string): string {
  const t = vectors.tokens[name];
  if (!t) throw new Error(`no vector ${name}`);
  return t;
}

const opts: JwtOptions = { now: NOW, maxLifetimeSeconds: 3600 };

async function analyze(token: string, over: Partial<JwtOptions> = {}): Promise<JwtAnalysis> {
  const a = await analyzeJwt(token, { ...opts, ...over });
  if (!a) throw new Error('expected a JWT');
  return a;
}

function ids(a: JwtAnalysis): string[] {
  return a.problems.map((p) => p.id).sort();
}

describe('published vectors', () => {
  it('RFC 7515 A.1 / RFC 7519 §3.1 (HS256, CRLF inside the JSON): decoded, expired, signed with the RFC key', async () => {
    const a = await analyze(vector('rfc7515-a1-hs256'));
    expect(a.form).toBe('jws');
    expect(a.header).toEqual({ typ: 'JWT', alg: 'HS256' });
    // the private claim is not reported: only registered and binding/scope claims
    expect(a.claims).toEqual({ iss: 'joe', exp: 1300819380 });
    expect(a.expiresAt).toBe('2011-03-22T18:43:00.000Z');
    expect(a.issuedAt).toBeNull();
    expect(a.lifetimeSeconds).toBeNull();
    expect(a.expired).toBe(true);
    expect(a.audience).toEqual([]);
    expect(a.binding).toBe('none');
    expect(ids(a)).toEqual(['no-audience', 'unbound', 'weak-secret']);
    expect(a.problems.find((p) => p.id === 'weak-secret')?.message).toContain('JOSE RFC');
    expect(jwtSeverity(a, 'high')).toBe('critical');
  });

  it('RFC 7515 A.2 (RS256): expired bearer token is low', async () => {
    const a = await analyze(vector('rfc7515-a2-rs256'));
    expect(a.header).toEqual({ alg: 'RS256' });
    expect(a.expired).toBe(true);
    expect(a.signature).toBe('unverified');
    expect(ids(a)).toEqual(['no-audience', 'unbound']);
    expect(jwtSeverity(a, 'high')).toBe('low');
  });

  it('RFC 7515 A.3 (ES256): decoded like A.2', async () => {
    const a = await analyze(vector('rfc7515-a3-es256'));
    expect(a.header).toEqual({ alg: 'ES256' });
    expect(a.claims).toEqual({ iss: 'joe', exp: 1300819380 });
  });

  it('RFC 7515 A.5 (alg none): unsecured, alg-none, but expired so low', async () => {
    const a = await analyze(vector('rfc7515-a5-none'));
    expect(a.form).toBe('unsecured');
    expect(ids(a)).toContain('alg-none');
    expect(jwtSeverity(a, 'high')).toBe('low');
    // the same claims unexpired are critical
    const live = await analyze(vector('rfc7515-a5-none'), { now: new Date('2011-03-22T00:00:00Z') });
    expect(live.expired).toBe(false);
    expect(jwtSeverity(live, 'high')).toBe('critical');
  });

  it.each(['rfc9449-dpop-proof-token', 'rfc9449-dpop-proof-resource'])('RFC 9449 %s is a DPoP proof, not a bearer token', async (name) => {
    const a = await analyze(vector(name));
    expect(a.header.typ).toBe('dpop+jwt');
    expect(a.header).not.toHaveProperty('jwk');
    expect(a.binding).toBe('dpop');
    expect(ids(a)).toEqual(['dpop-proof']);
    expect(a.issuedAt).toMatch(/^2019-07-04T/);
    expect(jwtSeverity(a, 'high')).toBe('low');
  });

  it('RFC 9449 §6.1 access token with cnf.jkt: DPoP-bound, lifetime from nbf', async () => {
    const t = vector('rfc9449-dpop-bound-access-token');
    const a = await analyze(t, { now: new Date('2019-07-04T18:00:00Z') });
    expect(a.binding).toBe('dpop');
    // the RFC's encoded token says "NYY" where the proof key's thumbprint (and the RFC prose) say "NYy"
    expect(a.claims?.cnf).toEqual({ jkt: '0ZcOCORZNYY-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' });
    expect(a.header).toEqual({ alg: 'ES256', kid: 'BeALkb' });
    expect(a.notBefore).toBe('2019-07-04T17:50:11.000Z');
    expect(a.lifetimeSeconds).toBe(3605);
    expect(a.expired).toBe(false);
    expect(ids(a)).toEqual(['long-lifetime', 'no-audience']);
    expect(jwtSeverity(a, 'high')).toBe('medium');
    // with a 2h maximum the lifetime is fine
    const b = await analyze(t, { now: new Date('2019-07-04T18:00:00Z'), maxLifetimeSeconds: 7200 });
    expect(ids(b)).toEqual(['no-audience']);
    // and at NOW (2026) it has long expired
    expect((await analyze(t)).expired).toBe(true);
  });

  it("jwt.io's sample token: signed with your-256-bit-secret, never expires → critical", async () => {
    const a = await analyze(vector('jwtio-sample'));
    expect(a.claims).toEqual({ sub: '1234567890', iat: 1516239022 });
    expect(a.issuedAt).toBe('2018-01-18T01:30:22.000Z');
    expect(a.expiresAt).toBeNull();
    expect(ids(a)).toEqual(['no-audience', 'no-expiry', 'unbound', 'weak-secret']);
    const weak = a.problems.find((p) => p.id === 'weak-secret');
    expect(weak?.severity).toBe('critical');
    expect(weak?.message).toContain("jwt.io's sample secret");
    expect(weak?.message).not.toContain('your-256-bit-secret');
    expect(jwtSeverity(a, 'low')).toBe('critical');
  });
});

describe('forms and non-JWTs', () => {
  it('a JWE: header only, rule severity', async () => {
    const a = await analyze(await jwe({ sub: 'FAKE', exp: NOW_S - 10 }));
    expect(a.form).toBe('jwe');
    expect(a.header).toEqual({ alg: 'dir', enc: 'A256GCM', kid: 'FAKE-kid' });
    expect(a.claims).toBeUndefined();
    expect(a.expired).toBe(false);
    expect(a.problems).toEqual([]);
    expect(jwtSeverity(a, 'medium')).toBe('medium');
  });

  it('an unsecured token made by jose', async () => {
    const a = await analyze(unsecured(clean()));
    expect(a.form).toBe('unsecured');
    expect(a.signature).toBe('unverified');
    expect(ids(a)).toEqual(['alg-none']);
    expect(jwtSeverity(a, 'info')).toBe('critical');
  });

  it.each(['none', 'None', 'NONE', 'nOnE'])('alg %j in any casing is alg-none', async (alg) => {
    const a = await analyze(raw({ alg }, clean(), ''));
    expect(a.form).toBe('unsecured');
    expect(ids(a)).toContain('alg-none');
    expect(a.problems.find((p) => p.id === 'alg-none')?.message).toContain(alg);
  });

  const header = { alg: 'HS256', typ: 'JWT' };
  it.each<[string, string]>([
    ['empty string', ''],
    ['one part', 'abc'],
    ['three garbage parts', 'a.b.c'],
    ['four parts', `${raw(header, { sub: 'x' })}.extra`],
    ['header not JSON', raw('not json', { sub: 'x' })],
    ['payload not JSON', raw(header, 'not json')],
    ['payload a JSON array', raw(header, [1])],
    ['payload a JSON string', raw(header, '"FAKE"')],
    ['header a JSON array', raw([1], { sub: 'x' })],
    ['header without alg', raw({ typ: 'JWT' }, { sub: 'x' })],
    ['header alg not a string', raw({ alg: 5 }, { sub: 'x' })],
    ['empty payload', raw(header, '')],
    ['payload invalid UTF-8', `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}.sig`],
    ['non-base64url characters', `${raw(header, { sub: 'x' })}+/=`],
    ['five garbage parts', 'a.b.c.d.e'],
    ['five parts without enc', `${Buffer.from(JSON.stringify({ alg: 'dir' })).toString('base64url')}.a.b.c.d`],
    ['whitespace around', ` ${raw(header, { sub: 'x' })} `],
  ])('%s → null, never throws', async (_name, token) => {
    await expect(analyzeJwt(token, opts)).resolves.toBeNull();
  });

  it('looksLikeJwt accepts the shapes of JWS, unsecured JWT and JWE', async () => {
    expect(looksLikeJwt(vector('rfc7515-a1-hs256'))).toBe(true);
    expect(looksLikeJwt(vector('rfc7515-a5-none'))).toBe(true);
    expect(looksLikeJwt(await jwe({ sub: 'x' }))).toBe(true);
    expect(looksLikeJwt('a.b.c')).toBe(false);
    expect(looksLikeJwt('eyJhbGciOiJIUzI1NiJ9')).toBe(false);
    expect(looksLikeJwt('ghp_FAKE0000000000000000000000000000000')).toBe(false);
  });
});

describe('facts', () => {
  it('keeps registered, scope, client, roles and cnf claims; drops custom ones', async () => {
    const a = await analyze(
      raw(
        { alg: 'ES256', kid: 'k1', jku: 'https://issuer.example.com/jwks', x5u: 'https://issuer.example.com/x5u', crit: ['exp'], cty: 'JWT', jwk: { kty: 'EC' }, custom: 'FAKE' },
        clean({ jti: 'FAKE-jti', nbf: NOW_S - 60, scope: 'read write', scp: 'x', client_id: 'c1', azp: 'c2', roles: ['r'], email: 'fake@example.com', secret_note: 'FAKE' }),
      ),
    );
    expect(Object.keys(a.claims ?? {}).sort()).toEqual(
      ['aud', 'azp', 'client_id', 'cnf', 'exp', 'iat', 'iss', 'jti', 'nbf', 'roles', 'scope', 'scp', 'sub'].sort(),
    );
    expect(a.header).toEqual({
      alg: 'ES256',
      kid: 'k1',
      jku: 'https://issuer.example.com/jwks',
      x5u: 'https://issuer.example.com/x5u',
      crit: ['exp'],
      cty: 'JWT',
    });
  });

  it.each<[string, unknown, string[]]>([
    ['string', 'https://api.example.com', ['https://api.example.com']],
    ['array', ['reports', 'exports'], ['reports', 'exports']],
    ['absent', undefined, []],
    ['empty string', '', []],
    ['array with non-strings', ['a', 5, null], ['a']],
  ])('audience from a %s', async (_n, aud, expected) => {
    const claims = clean();
    if (aud === undefined) delete claims.aud;
    else claims.aud = aud as string;
    expect((await analyze(await es256(claims))).audience).toEqual(expected);
  });

  it('lifetime is exp - iat, else exp - nbf, else null', async () => {
    expect((await analyze(await es256(clean({ iat: NOW_S - 100, nbf: NOW_S - 50, exp: NOW_S + 200 })))).lifetimeSeconds).toBe(300);
    const noIat = clean({ nbf: NOW_S - 50, exp: NOW_S + 200 });
    delete noIat.iat;
    expect((await analyze(await es256(noIat))).lifetimeSeconds).toBe(250);
    const noStart = clean({ exp: NOW_S + 200 });
    delete noStart.iat;
    const a = await analyze(await es256(noStart));
    expect(a.lifetimeSeconds).toBeNull();
    expect(a.issuedAt).toBeNull();
    expect(a.expiresAt).toBe(new Date((NOW_S + 200) * 1000).toISOString());
  });

  it('expired means now >= exp', async () => {
    const t = await es256(clean({ exp: NOW_S }));
    expect((await analyze(t)).expired).toBe(true);
    expect((await analyze(t, { now: new Date(NOW.getTime() - 1000) })).expired).toBe(false);
    expect((await analyze(t, { now: new Date(NOW.getTime() + 1000) })).expired).toBe(true);
  });

  it('nbf in the future: judged unexpired, noted', async () => {
    const a = await analyze(await es256(clean({ iat: NOW_S + 600, nbf: NOW_S + 600, exp: NOW_S + 1200 })));
    expect(a.expired).toBe(false);
    expect(ids(a)).toEqual(['not-yet-valid']);
    expect(jwtSeverity(a, 'high')).toBe('medium');
  });

  it.each<[string, unknown, string]>([
    ['jkt', { jkt: 'FAKE' }, 'dpop'],
    ['x5t#S256', { 'x5t#S256': 'FAKE' }, 'mtls'],
    ['jwk', { jwk: { kty: 'EC' } }, 'jwk'],
    ['jwe', { jwe: 'FAKE.a.b.c.d' }, 'jwe'],
    ['jku', { jku: 'https://example.com/jwks', kid: 'k' }, 'jku'],
    ['kid', { kid: 'k' }, 'kid'],
    ['another member', { foo: 1 }, 'unknown'],
    ['a non-object', 'FAKE', 'unknown'],
  ])('binding from cnf %s', async (_n, cnf, binding) => {
    const a = await analyze(await es256(clean({ cnf })));
    expect(a.binding).toBe(binding);
    expect(ids(a)).not.toContain('unbound');
    expect(bindingOf(cnf)).toBe(binding);
  });

  it('no cnf: binding none and unbound', async () => {
    const claims = clean();
    delete claims.cnf;
    const a = await analyze(await es256(claims));
    expect(a.binding).toBe('none');
    expect(ids(a)).toEqual(['unbound']);
    expect(jwtSeverity(a, 'low')).toBe('high');
  });

  it('millisecond timestamps are flagged, not read as the year 57000', async () => {
    const a = await analyze(await es256(clean({ iat: (NOW_S - 60) * 1000, exp: (NOW_S + 540) * 1000 })));
    expect(a.issuedAt).toBe(new Date((NOW_S - 60) * 1000).toISOString());
    expect(a.expiresAt).toBe(new Date((NOW_S + 540) * 1000).toISOString());
    expect(a.lifetimeSeconds).toBe(600);
    expect(a.expired).toBe(false);
    expect(ids(a)).toEqual(['ms-timestamp', 'ms-timestamp']);
    expect(a.problems.map((p) => p.message).join('\n')).toMatch(/^iat is in milliseconds[\s\S]*\nexp is in milliseconds/);
  });

  it('non-numeric or absurd timestamps are ignored, not thrown on', async () => {
    const a = await analyze(await es256(clean({ iat: 'yesterday', exp: 1e30 })));
    expect(a.issuedAt).toBeNull();
    expect(a.expiresAt).toBeNull();
    expect(ids(a)).toContain('no-expiry');
  });
});

describe('problems', () => {
  it('a clean token has none', async () => {
    const a = await analyze(await es256(clean()));
    expect(a.problems).toEqual([]);
    expect(a.family).toBeUndefined();
    expect(jwtSeverity(a, 'high')).toBe('medium');
  });

  it('no-expiry → critical while unexpired', async () => {
    const claims = clean();
    delete claims.exp;
    const a = await analyze(await es256(claims));
    expect(ids(a)).toEqual(['no-expiry']);
    expect(a.expired).toBe(false);
    expect(jwtSeverity(a, 'low')).toBe('critical');
  });

  it('no-audience', async () => {
    const claims = clean();
    delete claims.aud;
    const a = await analyze(await es256(claims));
    expect(ids(a)).toEqual(['no-audience']);
    expect(a.problems[0]?.severity).toBe('medium');
  });

  it('long-lifetime follows maxLifetimeSeconds (lifetime == max is fine)', async () => {
    const t = await es256(clean({ iat: NOW_S - 60, exp: NOW_S - 60 + 3600 }));
    expect(ids(await analyze(t))).toEqual([]);
    expect(ids(await analyze(t, { maxLifetimeSeconds: 3599 }))).toEqual(['long-lifetime']);
    const p = (await analyze(t, { maxLifetimeSeconds: 900 })).problems[0];
    expect(p?.message).toBe('lives 1h, longer than the maximum of 15m.');
    expect(p?.severity).toBe('medium');
  });

  it('long-lifetime over 30 days is high, and a bound long-lived token keeps it', async () => {
    const a = await analyze(await es256(clean({ exp: NOW_S - 60 + 90 * 86_400 })));
    expect(a.problems).toEqual([expect.objectContaining({ id: 'long-lifetime', severity: 'high' })]);
    expect(jwtSeverity(a, 'info')).toBe('high');
  });

  it('long-lifetime without iat/nbf judges the time left', async () => {
    const claims = clean({ exp: NOW_S + 10 * 86_400 });
    delete claims.iat;
    const a = await analyze(await es256(claims));
    expect(a.lifetimeSeconds).toBeNull();
    expect(ids(a)).toEqual(['long-lifetime']);
    expect(a.problems[0]?.message).toContain('still valid for 10d');
  });

  it('weak-secret: HS256/384/512 with a listed secret is critical even when expired', async () => {
    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      const a = await analyze(await hs(clean({ exp: NOW_S - 10 }), 'keyboard cat', alg));
      expect(ids(a)).toContain('weak-secret');
      expect(a.expired).toBe(true);
      expect(jwtSeverity(a, 'low')).toBe('critical');
      expect(JSON.stringify(a)).not.toContain('keyboard cat');
    }
  });

  it('a strong HMAC secret is not weak', async () => {
    const a = await analyze(await hs(clean()));
    expect(ids(a)).toEqual([]);
  });

  it('typ-confusion: typ dpop+jwt on an access token', async () => {
    const a = await analyze(await es256(clean(), { typ: 'dpop+jwt', jwk: { kty: 'EC', crv: 'P-256', x: 'FAKE', y: 'FAKE' } }));
    expect(ids(a)).toEqual(['typ-confusion']);
    expect(a.binding).toBe('dpop'); // from cnf.jkt, not from the header
  });

  it('jku-x5u: key URLs in the header of a non-DPoP token', async () => {
    const a = await analyze(await es256(clean(), { jku: 'https://attacker.example.com/jwks.json' }));
    expect(ids(a)).toEqual(['jku-x5u']);
    expect(a.problems[0]?.message).toContain('jku');
    const b = await analyze(await es256(clean(), { x5u: 'https://attacker.example.com/cert.pem' }));
    expect(ids(b)).toEqual(['jku-x5u']);
  });

  it('id-token: an OIDC ID token is noted', async () => {
    const a = await analyze(await es256(clean({ nonce: 'FAKE-nonce' })));
    expect(a.problems).toEqual([expect.objectContaining({ id: 'id-token', severity: 'low' })]);
  });

  it('bad-signature and valid come from the JWKS verifier; errors from it are absorbed', async () => {
    const t = await es256(clean());
    const invalid = await analyze(t, { jwks: { source: 'x', keyCount: 1, verify: () => Promise.resolve('invalid') } });
    expect(invalid.signature).toBe('invalid');
    expect(ids(invalid)).toEqual(['bad-signature']);
    const valid = await analyze(t, { jwks: { source: 'x', keyCount: 1, verify: () => Promise.resolve('valid') } });
    expect(valid.signature).toBe('valid');
    expect(ids(valid)).toEqual([]);
    const broken = await analyze(t, { jwks: { source: 'x', keyCount: 1, verify: () => Promise.reject(new Error('boom')) } });
    expect(broken.signature).toBe('unverified');
  });
});

describe('families', () => {
  it('legacy Kubernetes service-account token: never expires, critical, says so', async () => {
    const a = await analyze(
      await es256({
        iss: 'kubernetes/serviceaccount',
        sub: 'system:serviceaccount:default:FAKE',
        'kubernetes.io/serviceaccount/namespace': 'default',
        'kubernetes.io/serviceaccount/secret.name': 'FAKE-token-0000',
      }),
    );
    expect(a.family).toBe('kubernetes');
    expect(a.problems.find((p) => p.id === 'no-expiry')?.message).toContain('Legacy Secret-based Kubernetes');
    expect(jwtSeverity(a, 'low')).toBe('critical');
  });

  it('Supabase service_role is critical; anon says it is public by design', async () => {
    const base = { iss: 'supabase', ref: 'FAKE0000', iat: NOW_S - 86_400, exp: NOW_S + 3650 * 86_400 };
    const service = await analyze(await hs({ ...base, role: 'service_role' }));
    expect(service.family).toBe('supabase');
    expect(ids(service)).toContain('service-role');
    expect(service.problems.find((p) => p.id === 'long-lifetime')?.message).toContain('Supabase');
    expect(jwtSeverity(service, 'low')).toBe('critical');
    const anon = await analyze(await hs({ ...base, role: 'anon' }));
    expect(ids(anon)).not.toContain('service-role');
    expect(anon.problems.find((p) => p.id === 'unbound')?.message).toContain('anon key');
    expect(jwtSeverity(anon, 'low')).toBe('high');
  });

  it('Auth0 Management API audience is flagged', async () => {
    const a = await analyze(await es256(clean({ iss: 'https://fake-tenant.eu.auth0.com/', aud: 'https://fake-tenant.eu.auth0.com/api/v2/' })));
    expect(a.family).toBe('auth0');
    expect(ids(a)).toEqual(['admin-audience']);
  });
});

describe('robustness', () => {
  it('never throws on arbitrary input', async () => {
    const inputs = ['.', '..', '....', 'ey.ey.ey', 'eyJ.eyJ.', 'ew..', `${'eyJ'.repeat(1000)}.x.y`, 'eyJhbGciOiJub25lIn0..'];
    for (const s of inputs) await expect(analyzeJwt(s, opts)).resolves.toBeNull();
  });
});
