import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCredentials, scopesOf } from '../../src/analyze/credentials.js';
import type { Finding, JwtAnalysis, Location, Severity } from '../../src/core/types.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
// Only hashes and redacted forms are needed: the secrets themselves are never built here.
const KEY = 'FAKE-api-key-EXAMPLE-1';
const JWT = 'FAKE-jwt-EXAMPLE-2';

function finding(secret: string, loc: Partial<Location> & Pick<Location, 'source' | 'path'>, over: Partial<Finding> = {}): Finding {
  const ruleId = over.ruleId ?? 'github-pat';
  return {
    id: sha(`${ruleId}\0${sha(secret)}\0${loc.path}`).slice(0, 32),
    ruleId,
    title: 'GitHub personal access token',
    severity: 'high' as Severity,
    secret: { redacted: 'ghp_FAKE…', sha256: sha(secret), length: 40 },
    location: { line: 1, column: 1, endLine: 1, endColumn: 41, ...loc },
    ...over,
  };
}

function jwt(over: Partial<JwtAnalysis> = {}, claims: Record<string, unknown> = {}): JwtAnalysis {
  return {
    form: 'jws',
    header: { alg: 'HS256', typ: 'JWT' },
    claims: { iss: 'https://issuer.example', sub: 'svc-deploy', scope: 'repo:read repo:write', ...claims },
    issuedAt: '2026-01-01T00:00:00.000Z',
    notBefore: null,
    expiresAt: '2036-01-01T00:00:00.000Z',
    lifetimeSeconds: 10 * 365 * 86_400,
    expired: false,
    audience: ['https://api.example'],
    binding: 'none',
    signature: 'unverified',
    problems: [
      { id: 'unbound', severity: 'high', message: 'no cnf' },
      { id: 'long-lifetime', severity: 'high', message: 'lives 10y' },
    ],
    ...over,
  };
}

describe('buildCredentials', () => {
  it('groups every place of one secret, across source kinds, with owners and times from each source', () => {
    const creds = buildCredentials([
      finding(KEY, { source: 'dir', path: 'config/app.env' }, { owners: [{ kind: 'codeowners', name: '@acme/platform', via: '.github/CODEOWNERS:3' }] }),
      finding(KEY, { source: 'git', path: 'config/app.env', commit: 'a'.repeat(40), author: 'Dana Dev <dana@example.com>', date: '2025-03-01T10:00:00Z' }, { presentAtHead: true }),
      finding(KEY, { source: 'ci-log', path: 'logs/build.log', provider: 'github-actions', workflow: 'release', job: 'publish', step: 'npm publish', time: '2025-04-02T08:00:00Z', line: 40 }),
      finding(KEY, { source: 'queue', path: 'dump.jsonl', broker: 'kafka', queue: 'orders', producer: 'billing-svc', time: '2025-05-03T09:00:00Z', field: '/headers/auth' }),
      finding('other-FAKE-secret', { source: 'dir', path: 'README.md' }, { severity: 'low' }),
    ]);
    expect(creds).toHaveLength(2);
    const c = creds[0]!;
    expect(c.fingerprint).toBe(sha(KEY));
    expect(c.places.map((p) => p.location.source)).toEqual(['dir', 'git', 'ci-log', 'queue']);
    expect(c.places.map((p) => p.time)).toEqual([undefined, '2025-03-01T10:00:00Z', '2025-04-02T08:00:00Z', '2025-05-03T09:00:00Z']);
    expect(c.sourceKinds).toEqual(['dir', 'git', 'ci-log', 'queue']);
    expect(c.owners).toEqual([
      { kind: 'codeowners', name: '@acme/platform', via: '.github/CODEOWNERS:3' },
      { kind: 'author', name: 'Dana Dev <dana@example.com>', via: 'commit aaaaaaa' },
      { kind: 'ci', name: 'github-actions / workflow release / job publish', via: 'CI log logs/build.log, step npm publish' },
      { kind: 'queue', name: 'billing-svc', via: 'producer on kafka topic orders' },
    ]);
    expect(c.firstSeen).toBe('2025-03-01T10:00:00Z');
    expect(c.lastSeen).toBe('2025-05-03T09:00:00Z');
    expect(c.atHead).toBe(true);
    expect(c.token).toEqual({ kind: 'opaque' });
    expect(c.risk.level).toBe('critical'); // high, raised one step for sprawl across systems and owners
    expect(c.risk.reasons[0]).toBe('reused in 4 places across 4 source kinds and 4 owners');
    expect(c.risk.reasons).toContain('still at HEAD');
    expect(c.risk.reasons).not.toContain('still in the working tree');
    expect(c.risk.reasons).toContain('written to CI logs and queued messages');
    expect(c.tags).toEqual(['OWASP-NHI2', 'OWASP-NHI9', 'CWE-532', 'CWE-798']);
    expect(creds[1]!.risk.level).toBe('low');
    expect(creds[1]!.tags).toEqual(['OWASP-NHI2', 'CWE-798']);
  });

  it('a queue place without a producer is owned by its topic; a CI log without provider, workflow or job has no owner', () => {
    const [c] = buildCredentials([
      finding(KEY, { source: 'queue', path: 'q.json', broker: 'rabbitmq', queue: 'jobs' }),
      finding(KEY, { source: 'ci-log', path: 'raw.log', line: 2 }),
    ]);
    expect(c!.owners).toEqual([{ kind: 'queue', name: 'rabbitmq topic jobs', via: 'queue dump q.json' }]);
    expect(c!.atHead).toBeUndefined();
    expect(c!.firstSeen).toBeUndefined();
  });

  it('reads JWT facts: issuer, subject, audience, scopes, alg, lifetime, binding, and says why it is risky', () => {
    const [c] = buildCredentials([finding(JWT, { source: 'dir', path: 'k8s/secret.yaml' }, { ruleId: 'jwt', jwt: jwt() })]);
    expect(c!.token).toEqual({
      kind: 'jwt',
      issuer: 'https://issuer.example',
      subject: 'svc-deploy',
      audience: ['https://api.example'],
      scopes: ['repo:read', 'repo:write'],
      alg: 'HS256',
      lifetimeSeconds: 10 * 365 * 86_400,
      issuedAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2036-01-01T00:00:00.000Z',
      expired: false,
      binding: 'none',
      signature: 'unverified',
    });
    expect(c!.risk.reasons[0]).toBe('unbound, lives 10 years, write scope');
    expect(c!.risk.level).toBe('critical');
    expect(c!.tags).toEqual(['OWASP-NHI2', 'OWASP-NHI4', 'OWASP-NHI5', 'OWASP-NHI7', 'CWE-613', 'CWE-798']);
  });

  it('names alg none and a never-expiring token; an expired one says so', () => {
    const [forged] = buildCredentials([
      finding(JWT, { source: 'dir', path: 'a' }, { ruleId: 'jwt', jwt: jwt({ header: { alg: 'none' }, expiresAt: null, lifetimeSeconds: null, problems: [{ id: 'alg-none', severity: 'critical', message: 'x' }] }) }),
    ]);
    expect(forged!.risk.reasons).toContain('alg none: anyone can forge it');
    expect(forged!.risk.reasons.some((r) => r.includes('never expires'))).toBe(true);
    expect(forged!.tags).toContain('CWE-347');
    const [old] = buildCredentials([finding(JWT, { source: 'dir', path: 'a' }, { ruleId: 'jwt', jwt: jwt({ expired: true, expiresAt: '2020-01-01T00:00:00.000Z', lifetimeSeconds: 3600, problems: [] }) })]);
    expect(old!.risk.reasons).toContain('expired on 2020-01-01');
    expect(old!.tags).not.toContain('OWASP-NHI7');
  });

  it('history only: atHead false once every path lost it, with a reason', () => {
    const [c] = buildCredentials([
      finding(KEY, { source: 'git', path: 'a.env', commit: 'b'.repeat(40), author: 'x', date: '2024-01-01T00:00:00Z' }, { presentAtHead: false }),
      finding(KEY, { source: 'git', path: 'b.env', commit: 'c'.repeat(40), author: 'x', date: '2023-01-01T00:00:00Z' }, { presentAtHead: false }),
    ]);
    expect(c!.atHead).toBe(false);
    expect(c!.firstSeen).toBe('2023-01-01T00:00:00Z');
    expect(c!.owners).toHaveLength(1);
    expect(c!.risk.reasons).toEqual(['reused in 2 places', 'removed from HEAD but still in git history']);
    expect(c!.risk.level).toBe('high'); // one kind, one owner: no raise
  });

  it('suppressed findings do not count; policy findings become violations, not places', () => {
    const creds = buildCredentials([
      finding(KEY, { source: 'dir', path: 'a' }),
      finding(KEY, { source: 'dir', path: 'b' }, { suppressed: { by: 'baseline' } }),
      finding(KEY, { source: 'dir', path: 'a' }, { ruleId: 'policy/no-reuse' }),
      finding('only-FAKE-suppressed', { source: 'dir', path: 'c' }, { suppressed: { by: 'inline' } }),
    ]);
    expect(creds).toHaveLength(1);
    expect(creds[0]!.places).toHaveLength(1);
    expect(creds[0]!.violations).toEqual(['no-reuse']);
  });

  it('carries the rule remediation and revoke address, and sorts riskiest first', () => {
    const creds = buildCredentials(
      [finding('low-FAKE', { source: 'dir', path: 'a' }, { severity: 'low', ruleId: 'x' }), finding(KEY, { source: 'dir', path: 'b' }, { severity: 'critical' })],
      { remedy: (id) => (id === 'github-pat' ? { remediation: 'Delete it.', revoke: 'https://github.com/settings/tokens' } : undefined) },
    );
    expect(creds.map((c) => c.risk.level)).toEqual(['critical', 'low']);
    expect(creds[0]!.remediation).toBe('Delete it.');
    expect(creds[0]!.revoke).toBe('https://github.com/settings/tokens');
    expect(creds[1]!.revoke).toBeUndefined();
  });

  it('survives hostile input: odd claim types, unparsable times, empty names', () => {
    const creds = buildCredentials([
      finding(JWT, { source: 'ci-log', path: 'l', time: 'not a time', job: '' }, { ruleId: 'jwt', jwt: jwt({}, { iss: 42, sub: { x: 1 }, scope: ['a', 7, null], scp: 'b c' }) }),
      finding(JWT, { source: 'git', path: 'l', author: '', commit: 'e'.repeat(40), date: '' }, { ruleId: 'jwt' }),
    ]);
    expect(creds[0]!.token.issuer).toBeUndefined();
    expect(creds[0]!.token.scopes).toEqual(['a', 'b', 'c']);
    expect(creds[0]!.firstSeen).toBeUndefined();
    expect(creds[0]!.owners).toEqual([]);
  });

  it('scopesOf takes space-separated strings and lists, once each', () => {
    expect(scopesOf({ scope: 'read write', scp: ['write', 'admin'], scopes: 'x,y' })).toEqual(['read', 'write', 'admin', 'x', 'y']);
  });
});
