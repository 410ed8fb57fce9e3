// The built-in JWT judgements are the default policies of policies/default.yaml: each one decides
// its problem, a trusted config tunes (same id) or turns it off, a tree config can do neither.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeJwt, type JwtOptions } from '../../src/analyze/jwt.js';
import { jwtSeverity } from '../../src/analyze/severity.js';
import { PolicyError } from '../../src/core/errors.js';
import type { JwtAnalysis } from '../../src/core/types.js';
import { checkPolicies } from '../../src/policy/check.js';
import { defaultPolicySpecs } from '../../src/policy/defaults.js';
import { DEFAULT_POLICIES_FILE, parsePolicyFile } from '../../src/policy/load.js';
import { buildPolicySet, type PolicySources } from '../../src/policy/set.js';
import type { PolicySpec } from '../../src/policy/types.js';
import { NOW, NOW_S, es256, hs, raw } from '../analyze/jwt-helpers.js';

const DEFAULT_IDS = ['alg-none', 'weak-secret', 'unbound', 'no-expiry', 'long-lifetime', 'no-audience', 'bad-signature'];

async function sources(trusted: PolicySpec[] = [], tree: PolicySpec[] = []): Promise<PolicySources> {
  return {
    defaults: { file: 'policies/default.yaml', policies: await defaultPolicySpecs() },
    trusted: trusted.length > 0 ? [{ file: 'team.yaml', policies: trusted }] : [],
    tree: tree.length > 0 ? [{ file: '.tokensprawl.yaml', policies: tree }] : [],
  };
}

async function analyze(token: string, over: Partial<JwtOptions> = {}): Promise<JwtAnalysis> {
  const a = await analyzeJwt(token, { now: NOW, maxLifetimeSeconds: 3600, ...over });
  if (!a) throw new Error('expected a JWT');
  return a;
}
const ids = (a: JwtAnalysis) => a.problems.map((p) => p.id).sort();

describe('policies/default.yaml', () => {
  it('holds exactly the JWT judgements of the SPEC, each with tags', async () => {
    const specs = await defaultPolicySpecs();
    expect(specs.map((s) => s.id).sort()).toEqual([...DEFAULT_IDS].sort());
    for (const s of specs) expect(s.tags?.some((t) => t.startsWith('OWASP-NHI'))).toBe(true);
  });

  it('passes its own examples', async () => {
    const { set } = buildPolicySet(await sources());
    const all = [...set.judgements.values()].filter((p) => p !== null);
    const { checked, failures } = checkPolicies(all);
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it('the build cache holds the same policies as the file', () => {
    const fromFile = parsePolicyFile(readFileSync(DEFAULT_POLICIES_FILE, 'utf8'), 'policies/default.yaml');
    const cache = new URL('../../dist/default-policies.json', import.meta.url);
    const cached = JSON.parse(readFileSync(cache, 'utf8')) as { policies: PolicySpec[] };
    expect(cached.policies).toEqual(fromFile);
  });
});

describe('each default policy decides its JWT problem', () => {
  const live = { iat: NOW_S - 60, exp: NOW_S + 600 };
  it.each([
    ['alg-none', () => raw({ alg: 'none' }, { ...live, aud: 'api', cnf: { jkt: 'FAKE' } }, ''), 'critical'],
    ['weak-secret', () => hs({ ...live, aud: 'api', cnf: { jkt: 'FAKE' } }, 'secret'), 'critical'],
    ['unbound', () => es256({ ...live, aud: 'api' }), 'high'],
    ['no-expiry', () => es256({ iat: NOW_S, aud: 'api', cnf: { jkt: 'FAKE' } }), 'critical'],
    ['long-lifetime', () => es256({ iat: NOW_S, exp: NOW_S + 7200, aud: 'api', cnf: { jkt: 'FAKE' } }), 'medium'],
    ['no-audience', () => es256({ ...live, cnf: { jkt: 'FAKE' } }), 'medium'],
  ] as const)('%s', async (id, make, severity) => {
    const token = await make();
    const a = await analyze(token);
    expect(a.problems.find((p) => p.id === id)?.severity).toBe(severity);
    // turned off: the problem is gone, the others stay
    const { set } = buildPolicySet(await sources([{ id, enabled: false }]));
    const off = await analyze(token, { policies: set });
    expect(ids(off)).toEqual(ids(a).filter((x) => x !== id));
  });

  it('long-lifetime rises to high beyond 30 days (the raise of the default policy)', async () => {
    const a = await analyze(await es256({ iat: NOW_S, exp: NOW_S + 40 * 86_400, aud: 'api', cnf: { jkt: 'FAKE' } }));
    expect(a.problems).toEqual([expect.objectContaining({ id: 'long-lifetime', severity: 'high' })]);
  });

  it('long-lifetime follows limits.maxLifetimeSeconds (--max-lifetime)', async () => {
    const token = await es256({ iat: NOW_S, exp: NOW_S + 7200, aud: 'api', cnf: { jkt: 'FAKE' } });
    expect(ids(await analyze(token, { maxLifetimeSeconds: 7200 }))).toEqual([]);
  });
});

describe('tuning the defaults', () => {
  it('a trusted entry with a default id replaces the fields it gives: severity, and its own message', async () => {
    const token = await es256({ iat: NOW_S - 60, exp: NOW_S + 600, aud: 'api' });
    const { set } = buildPolicySet(await sources([{ id: 'unbound', severity: 'critical' }]));
    const a = await analyze(token, { policies: set });
    const p = a.problems.find((x) => x.id === 'unbound');
    expect(p?.severity).toBe('critical');
    expect(p?.message).toContain('no cnf claim'); // the analyser's detailed text stays
    expect(jwtSeverity(a, 'medium')).toBe('critical');
    const { set: worded } = buildPolicySet(await sources([{ id: 'unbound', message: 'Bind every token (team rule SEC-12).' }]));
    expect((await analyze(token, { policies: worded })).problems.find((x) => x.id === 'unbound')?.message).toBe('Bind every token (team rule SEC-12).');
  });

  it('a trusted entry can change when', async () => {
    // only tokens that can write count as unbound for this team
    const { set } = buildPolicySet(await sources([{ id: 'unbound', when: 'token.binding == "none" && token.scopes.exists(s, s.endsWith(":write"))' }]));
    const read = await es256({ iat: NOW_S - 60, exp: NOW_S + 600, aud: 'api', scope: 'repo:read' });
    const write = await es256({ iat: NOW_S - 60, exp: NOW_S + 600, aud: 'api', scope: 'repo:read repo:write' });
    expect(ids(await analyze(read, { policies: set }))).toEqual([]);
    expect(ids(await analyze(write, { policies: set }))).toEqual(['unbound']);
  });

  it('a tuned judgement that fails at run time is shown, not dropped', async () => {
    const { set } = buildPolicySet(await sources([{ id: 'unbound', when: 'token.issuer == "x"' }]));
    const a = await analyze(await es256({ iat: NOW_S - 60, exp: NOW_S + 600, aud: 'api' }), { policies: set });
    expect(a.problems.find((p) => p.id === 'unbound')?.message).toMatch(/policy unbound \(team\.yaml\) could not be evaluated on this token: No such key: issuer/);
  });

  it('a trusted policy that does not compile throws PolicyError naming file and policy', async () => {
    const bad: PolicySources = { defaults: { file: 'd', policies: [] }, trusted: [{ file: 'team.yaml', policies: [{ id: 'x', when: 'token.', severity: 'low', message: 'm' }] }] };
    expect(() => buildPolicySet(bad)).toThrow(PolicyError);
    expect(() => buildPolicySet(bad)).toThrow(/^policy team\.yaml: policy "x": when, line 1, column \d+: /);
  });
});

describe('a config from the scanned tree may only add policies', () => {
  it('cannot turn off or tune a default, nor override a trusted policy; its refusal is noted', async () => {
    const trusted: PolicySpec[] = [{ id: 'team-rule', when: 'true', severity: 'high', message: 'm' }];
    const tree: PolicySpec[] = [
      { id: 'unbound', enabled: false },
      { id: 'no-expiry', when: 'false' },
      { id: 'team-rule', when: 'false', severity: 'info', message: 'm' },
      { id: 'tree-extra', when: 'credential.sourceKinds.size() > 1', severity: 'low', message: 'added' },
    ];
    const built = buildPolicySet(await sources(trusted, tree));
    expect(built.set.judgements.get('unbound')?.when).toBe('has(token.binding) && token.binding == "none"');
    expect(built.set.judgements.get('no-expiry')?.origin.kind).toBe('default');
    expect(built.set.policies.map((p) => [p.id, p.origin.kind, p.when])).toEqual([
      ['team-rule', 'trusted', 'true'],
      ['tree-extra', 'tree', 'credential.sourceKinds.size() > 1'],
    ]);
    expect(built.notes).toEqual([expect.stringMatching(/may only add policies.*not applied: unbound, no-expiry, team-rule/)]);
    const a = await analyze(await es256({ iat: NOW_S - 60, exp: NOW_S + 600, aud: 'api' }), { policies: built.set });
    expect(ids(a)).toEqual(['unbound']);
  });

  it('a tree policy that does not compile is an error of the scan, not a crash', async () => {
    const built = buildPolicySet(await sources([], [{ id: 'bad', when: '(((', severity: 'low', message: 'm' }]));
    expect(built.errors).toEqual([{ target: '.tokensprawl.yaml', message: expect.stringMatching(/^not applied: policy \.tokensprawl\.yaml: policy "bad": when, line 1, column \d+: /) }]);
    expect(built.set.policies).toEqual([]);
  });
});
