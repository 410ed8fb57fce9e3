import { describe, expect, it } from 'vitest';
import { jwtSeverity } from '../../src/analyze/severity.js';
import { compareSeverity, maxSeverity, SEVERITY_RANK } from '../../src/core/severity.js';
import type { JwtAnalysis, JwtProblem, Severity } from '../../src/core/types.js';

function analysis(over: Partial<JwtAnalysis>, problems: [string, Severity][] = []): JwtAnalysis {
  return {
    form: 'jws',
    header: { alg: 'ES256' },
    claims: {},
    issuedAt: '2026-01-01T00:00:00.000Z',
    notBefore: null,
    expiresAt: '2026-01-01T00:10:00.000Z',
    lifetimeSeconds: 600,
    expired: false,
    audience: ['api'],
    binding: 'dpop',
    signature: 'unverified',
    problems: problems.map(([id, severity]): JwtProblem => ({ id, severity, message: id })),
    ...over,
  };
}

describe('SEVERITY_RANK and helpers', () => {
  it('orders info < low < medium < high < critical', () => {
    expect(SEVERITY_RANK).toEqual({ info: 0, low: 1, medium: 2, high: 3, critical: 4 });
    expect(compareSeverity('high', 'low')).toBeGreaterThan(0);
    expect(maxSeverity('low', 'critical', 'medium')).toBe('critical');
    expect(maxSeverity()).toBe('info');
  });
});

describe('jwtSeverity (SPEC order, first rule wins)', () => {
  it.each<[string, JwtAnalysis, Severity]>([
    ['1: weak-secret is critical even when expired', analysis({ expired: true }, [['weak-secret', 'critical']]), 'critical'],
    ['1: weak-secret is critical even when bound and short-lived', analysis({}, [['weak-secret', 'critical']]), 'critical'],
    ['2: unexpired alg-none', analysis({ form: 'unsecured' }, [['alg-none', 'critical']]), 'critical'],
    ['2: unexpired no-expiry', analysis({ expiresAt: null, lifetimeSeconds: null }, [['no-expiry', 'critical']]), 'critical'],
    ['2: other critical problem (service_role) while unexpired', analysis({ binding: 'none' }, [['service-role', 'critical']]), 'critical'],
    ['3: expired alg-none is at most low', analysis({ expired: true, form: 'unsecured' }, [['alg-none', 'critical']]), 'low'],
    ['3: expired unbound is at most low', analysis({ expired: true, binding: 'none' }, [['unbound', 'high']]), 'low'],
    ['4: unexpired unbound is at least high', analysis({ binding: 'none' }, [['unbound', 'medium']]), 'high'],
    ['4: unbound with no problems still high', analysis({ binding: 'none' }), 'high'],
    ['5: bound, short-lived, audience is at most medium', analysis({}, [['jku-x5u', 'high']]), 'medium'],
    ['5: bound, short-lived, audience, clean → medium (a live credential)', analysis({}), 'medium'],
    ['no rule: bound but long-lived keeps the worst problem', analysis({ lifetimeSeconds: 90 * 86_400 }, [['long-lifetime', 'high']]), 'high'],
    ['no rule: bound without audience keeps the worst problem', analysis({ audience: [] }, [['no-audience', 'medium'], ['jku-x5u', 'high']]), 'high'],
    ['DPoP proof floors at low', analysis({ expiresAt: null, lifetimeSeconds: null, audience: [] }, [['dpop-proof', 'info']]), 'low'],
  ])('%s', (_name, a, expected) => {
    expect(jwtSeverity(a, 'info')).toBe(expected);
  });

  it('a JWE takes the rule severity', () => {
    const jwe = analysis({ form: 'jwe', binding: 'unknown', expiresAt: null, audience: [] });
    expect(jwtSeverity(jwe, 'medium')).toBe('medium');
    expect(jwtSeverity(jwe, 'high')).toBe('high');
  });
});
