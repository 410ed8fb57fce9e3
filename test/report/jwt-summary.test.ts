import { describe, expect, it } from 'vitest';
import { analyzeJwt } from '../../src/analyze/jwt.js';
import { jwtSeverity } from '../../src/analyze/severity.js';
import type { JwtAnalysis } from '../../src/core/types.js';
import { summarizeJwt } from '../../src/report/jwt-summary.js';
import { renderJwtDetails } from '../../src/report/text.js';
import { NOW, NOW_S, clean, es256, hs, jwe } from '../analyze/jwt-helpers.js';

const DAY = 86_400;

async function analyze(token: string): Promise<JwtAnalysis> {
  const a = await analyzeJwt(token, { now: NOW, maxLifetimeSeconds: 3600 });
  if (!a) throw new Error('expected a JWT');
  return a;
}

function unbound(over: Record<string, unknown>): Record<string, unknown> {
  const c: Record<string, unknown> = clean(over);
  delete c.cnf;
  return c;
}

describe('summarizeJwt', () => {
  it('an unbound 30-day token issued a day ago', async () => {
    const a = await analyze(await es256(unbound({ aud: ['reports', 'exports'], iat: NOW_S - DAY, exp: NOW_S + 29 * DAY })));
    expect(summarizeJwt(a, NOW)).toBe('unbound bearer · lives 30d · aud reports,exports · expires in 29d');
  });

  it('a DPoP-bound expired token with a family', async () => {
    const a = await analyze(await es256(clean({ iss: 'https://fake-org.okta.com/oauth2/default', iat: NOW_S - 7200, exp: NOW_S - 3600 })));
    expect(summarizeJwt(a, NOW)).toBe('DPoP-bound · okta · lives 1h · aud https://api.example.com · expired 1h ago');
  });

  it('no expiry, no audience, weak secret', async () => {
    const claims = unbound({});
    delete claims.aud;
    delete claims.exp;
    const a = await analyze(await hs(claims, 'secret'));
    expect(summarizeJwt(a, NOW)).toBe('weak HMAC secret · unbound bearer · no aud · never expires');
  });

  it('a JWE', async () => {
    expect(summarizeJwt(await analyze(await jwe({ sub: 'FAKE' })), NOW)).toBe('encrypted JWE A256GCM · claims unreadable');
  });
});

describe('renderJwtDetails', () => {
  it('prints the facts and the problems, worst first, without colour', async () => {
    const a = await analyze(
      await es256(unbound({ aud: ['reports', 'exports'], scope: 'read:reports', iat: NOW_S - DAY, exp: NOW_S + 29 * DAY }), { kid: 'FAKE-kid' }),
    );
    const text = renderJwtDetails(a, jwtSeverity(a, 'high'), NOW, { color: false });
    expect(text).toBe(
      [
        'form       JWS (alg ES256)',
        'key id     FAKE-kid',
        'issuer     https://issuer.example.com',
        'subject    FAKE-user-0000',
        'audience   reports, exports',
        'scope      read:reports',
        'issued     2025-12-31T00:00:00.000Z (1d ago)',
        'expires    2026-01-30T00:00:00.000Z (expires in 29d)',
        'lifetime   30d',
        'binding    unbound bearer',
        'signature  unverified',
        'severity   high',
        '',
        'problems',
        '  high    unbound: no cnf claim: a bearer token that anyone holding it can replay.',
        '  medium  long-lifetime: lives 30d, longer than the maximum of 1h.',
        '',
      ].join('\n'),
    );
    expect(text).not.toMatch(/\u001b\[/);
  });

  it('colours only when asked', async () => {
    const a = await analyze(await es256(clean()));
    const plain = renderJwtDetails(a, 'medium', NOW, { color: false });
    const coloured = renderJwtDetails(a, 'medium', NOW, { color: true });
    expect(coloured).toMatch(/\u001b\[/);
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
    expect(plain).toContain('no problems found');
    expect(plain).toContain('binding    DPoP-bound');
  });

  it('a JWE shows its header and that the claims are encrypted', async () => {
    const a = await analyze(await jwe({ sub: 'FAKE' }));
    const text = renderJwtDetails(a, 'medium', NOW, { color: false });
    expect(text).toContain('form       JWE (alg dir, enc A256GCM)');
    expect(text).toContain('claims     encrypted');
    expect(text).not.toContain('issuer');
  });

  it('never prints the token or a weak secret', async () => {
    const token = await hs(unbound({}), 'keyboard cat');
    const a = await analyze(token);
    const text = renderJwtDetails(a, jwtSeverity(a, 'high'), NOW, { color: false }) + summarizeJwt(a, NOW);
    expect(text).toContain('weak-secret');
    expect(text).not.toContain('keyboard cat');
    for (const part of token.split('.')) expect(text).not.toContain(part);
  });
});
