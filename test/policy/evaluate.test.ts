// evaluatePolicies over credentials built by hand: violations are policy/<id> findings located
// at the credential's most relevant place; a policy that fails on one credential is an error
// naming it, and the others still run.
import { describe, expect, it } from 'vitest';
import type { Credential, Finding, Location } from '../../src/core/types.js';
import { compilePolicy, createPolicyEnvironment } from '../../src/policy/compile.js';
import { evaluatePolicies, primaryPlace } from '../../src/policy/evaluate.js';
import { buildCredentials } from '../../src/analyze/credentials.js';
import type { PolicySpec } from '../../src/policy/types.js';

const env = createPolicyEnvironment();
const compile = (spec: PolicySpec) => compilePolicy(env, spec, { kind: 'trusted', file: 'p.yaml' });
const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

function loc(source: Location['source'], path: string, line = 1): Location {
  return { source, path, line, column: 1, endLine: line, endColumn: 20 };
}

function credential(over: Partial<Credential> = {}): Credential {
  return {
    fingerprint: SHA_A,
    ruleId: 'jwt',
    title: 'JSON Web Token',
    redacted: 'eyJ…FAKE',
    places: [
      { findingId: 'f-git', location: { ...loc('git', 'old/app.env', 3), commit: '1'.repeat(40), author: 'dev', date: '2025-01-01T00:00:00Z' } },
      { findingId: 'f-dir', location: loc('dir', 'app.env', 7) },
    ],
    sourceKinds: ['git', 'dir'],
    owners: [{ kind: 'author', name: 'dev' }],
    atHead: true,
    token: { kind: 'jwt', issuer: 'https://evil.example.net', audience: [], scopes: ['repo:write'], binding: 'none', lifetimeSeconds: 86_400, expired: false },
    risk: { level: 'high', reasons: [] },
    tags: [],
    ...over,
  };
}

const opaque = credential({
  fingerprint: SHA_B,
  ruleId: 'github-pat',
  redacted: 'ghp_…FAKE',
  places: [{ findingId: 'f-ci', location: { ...loc('ci-log', 'build.log', 9), job: 'test' } }],
  sourceKinds: ['ci-log'],
  token: { kind: 'opaque' },
});

const sprawl = compile({ id: 'sprawl', when: 'credential.sourceKinds.size() > 1', severity: 'medium', message: 'Copied across source kinds', tags: ['OWASP-NHI9'] });
const longLived = compile({ id: 'long-lived', when: 'token.lifetimeSeconds > 3600', severity: 'high', message: 'Lives over an hour' });

describe('evaluatePolicies', () => {
  it('turns each violation into a policy/<id> finding and lists it on the credential', () => {
    const finding = { id: 'f-dir', secret: { redacted: 'eyJ…FAKE', sha256: SHA_A, length: 180 } } as Finding;
    const out = evaluatePolicies([credential(), opaque], [sprawl], { maxLifetimeSeconds: 3600, findings: [finding] });
    expect(out.errors).toEqual([]);
    expect(out.violations).toEqual([{ policyId: 'sprawl', fingerprint: SHA_A, severity: 'medium' }]);
    expect(out.findings).toHaveLength(1);
    const f = out.findings[0] as Finding;
    expect(f).toMatchObject({
      ruleId: 'policy/sprawl',
      title: 'Copied across source kinds',
      severity: 'medium',
      secret: { redacted: 'eyJ…FAKE', sha256: SHA_A, length: 180 },
      // the copy in the working tree, not the first place (an old commit)
      location: { source: 'dir', path: 'app.env', line: 7 },
    });
    expect(f.id).toMatch(/^[0-9a-f]{32}$/);
    expect(out.credentials.map((c) => c.violations)).toEqual([['sprawl'], undefined]);
  });

  it('gives a finding id that depends only on policy and secret', () => {
    const a = evaluatePolicies([credential()], [sprawl], { maxLifetimeSeconds: 3600 }).findings[0]?.id;
    const moved = credential({ places: [{ findingId: 'x', location: loc('dir', 'elsewhere.env', 99) }, { findingId: 'y', location: loc('git', 'z') }] });
    const b = evaluatePolicies([moved], [sprawl], { maxLifetimeSeconds: 3600 }).findings[0]?.id;
    const other = evaluatePolicies([credential({ fingerprint: SHA_B })], [sprawl], { maxLifetimeSeconds: 3600 }).findings[0]?.id;
    expect(a).toBe(b);
    expect(a).not.toBe(other);
  });

  it('a run-time failure (missing field) is one error naming the policy; the scan goes on', () => {
    const out = evaluatePolicies([opaque, credential(), { ...opaque, fingerprint: 'c'.repeat(64) }], [longLived, sprawl], { maxLifetimeSeconds: 3600 });
    expect(out.findings.map((f) => f.ruleId)).toEqual(['policy/long-lived', 'policy/sprawl']);
    expect(out.errors).toEqual([
      { target: 'policy long-lived', message: `could not be evaluated on 2 credentials; first: credential ghp_…FAKE (${SHA_B.slice(0, 12)}…): No such key: lifetimeSeconds` },
    ]);
  });

  it('raises severity by the first raise that holds', () => {
    const p = compile({ id: 'reach', when: 'token.kind == "jwt"', severity: 'low', message: 'm', raise: [{ when: 'token.scopes.exists(s, s.endsWith(":write"))', severity: 'critical' }] });
    expect(evaluatePolicies([credential()], [p], { maxLifetimeSeconds: 3600 }).findings[0]?.severity).toBe('critical');
  });

  it('reads places, owners and risk', () => {
    const p = compile({ id: 'owned', when: 'credential.owners.exists(o, o.kind == "author" && o.name == "dev") && credential.places.exists(p, p.location.line == 7) && credential.risk.level == "high"', severity: 'low', message: 'm' });
    expect(evaluatePolicies([credential()], [p], { maxLifetimeSeconds: 3600 }).violations).toHaveLength(1);
  });

  it('with no policies, returns the credentials unchanged', () => {
    const c = credential();
    expect(evaluatePolicies([c], [], { maxLifetimeSeconds: 3600 })).toEqual({ violations: [], findings: [], errors: [], credentials: [c] });
  });

  it('primaryPlace: first place in the working tree, else the first', () => {
    expect(primaryPlace(credential())?.findingId).toBe('f-dir');
    expect(primaryPlace(opaque)?.findingId).toBe('f-ci');
  });
});

describe('the credential view policies judge (buildCredentials)', () => {
  it('groups by secret, skipping suppressed and policy findings', () => {
    const base = { title: 't', severity: 'high' as const, secret: { redacted: 'r', sha256: SHA_A, length: 10 } };
    const findings: Finding[] = [
      { ...base, id: '1', ruleId: 'jwt', location: { ...loc('git', 'a'), author: 'dev', date: '2025-01-01T00:00:00Z' } },
      { ...base, id: '2', ruleId: 'jwt', location: { ...loc('queue', 'dump.json'), queue: 'orders', producer: 'billing', time: '2025-02-01T00:00:00Z' } },
      { ...base, id: '3', ruleId: 'jwt', location: loc('dir', 'x'), suppressed: { by: 'baseline' } },
      { ...base, id: '4', ruleId: 'policy/x', location: loc('dir', 'x') },
    ];
    const [c, ...rest] = buildCredentials(findings);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ fingerprint: SHA_A, sourceKinds: ['git', 'queue'], firstSeen: '2025-01-01T00:00:00Z', lastSeen: '2025-02-01T00:00:00Z' });
    expect(c?.places.map((p) => p.findingId)).toEqual(['1', '2']);
    expect(c?.owners.map((o) => [o.kind, o.name])).toEqual([['author', 'dev'], ['queue', 'billing']]);
    expect(c?.violations).toEqual(['x']);
  });
});
