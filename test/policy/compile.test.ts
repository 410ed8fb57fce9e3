// Compilation: a policy that does not parse or type-check is refused with file, policy and
// position on one line; hostile expressions (huge, deeply nested) fail cleanly.
import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../src/core/errors.js';
import { celInput, compileExpression, compilePolicy, createPolicyEnvironment, MAX_WHEN_CHARS, runPolicy, toCel } from '../../src/policy/compile.js';
import type { PolicySpec } from '../../src/policy/types.js';

const env = createPolicyEnvironment();
const ORIGIN = { kind: 'trusted', file: 'team/policies.yaml' } as const;

function compileError(spec: PolicySpec): string {
  try {
    compilePolicy(env, spec, ORIGIN);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as Error).message;
  }
  throw new Error('compiled, but should not');
}

const policy = (when: string, extra: Partial<PolicySpec> = {}): PolicySpec => ({ id: 'p1', when, severity: 'high', message: 'm', ...extra });

describe('compilePolicy: refused before any scan', () => {
  it.each([
    ['a syntax error', 'token.binding == ', /^policy team\/policies\.yaml: policy "p1": when, line 1, column 18: Unexpected token: EOF$/],
    ['an unknown field (typo)', 'token.isuer == "x"', /^policy team\/policies\.yaml: policy "p1": when, line 1, column \d+: No such key: isuer$/],
    ['a type mistake', 'token.scopes > 1', /policy "p1": when, line 1, column \d+: .*no such overload/i],
    ['an unknown variable', 'user.name == "x"', /policy "p1": when, line 1, column 1: .*user/i],
    ['an expression that is not true/false', 'token.issuer', /policy "p1": when, line 1, column 1: must be true or false, is string/],
    ['an empty expression', '   ', /policy "p1": when, line 1, column 1: empty expression/],
  ])('%s', (_name, when, message) => {
    const msg = compileError(policy(when));
    expect(msg).toMatch(message);
    expect(msg).not.toContain('\n');
  });

  it('names the line and column inside a multi-line expression', () => {
    expect(compileError(policy('token.kind == "jwt" &&\n  token.bogus'))).toMatch(/when, line 2, column 9: No such key: bogus/);
  });

  it('checks raise expressions too, naming which', () => {
    expect(compileError(policy('true', { raise: [{ when: 'token.nope', severity: 'critical' }] }))).toMatch(/policy "p1": raise #1, line 1, column \d+: No such key: nope/);
  });

  it('a new policy must give when, severity and message', () => {
    expect(compileError({ id: 'p1', when: 'true' })).toMatch(/policy "p1": severity, message missing/);
  });

  it('does not echo a secret pasted into the expression', () => {
    const fake = 'ghp_FAKEEXAMPLE0000000000000000000000000';
    const msg = compileError(policy(`credential.redacted == "${fake}" +`));
    expect(msg).not.toContain(fake);
  });
});

describe('hostile expressions fail cleanly', () => {
  it('very long', () => {
    const when = `token.kind == "${'x'.repeat(MAX_WHEN_CHARS)}"`;
    expect(compileError(policy(when))).toMatch(/longer than 2000 characters/);
  });
  it('deeply nested parentheses', () => {
    expect(compileError(policy(`${'('.repeat(500)}true${')'.repeat(500)}`))).toMatch(/maxDepth/);
  });
  it('deeply nested negations', () => {
    expect(compileError(policy(`${'!'.repeat(900)}true`))).toMatch(/policy "p1": when/);
  });
  it('too many nodes', () => {
    expect(compileError(policy(`${Array(450).fill('1').join('+')} > 0`))).toMatch(/maxAstNodes/);
  });
  it('comprehensions nested three deep (places × places × places)', () => {
    const when = 'credential.places.exists(a, credential.places.exists(b, credential.places.exists(c, a == b)))';
    expect(compileError(policy(when))).toMatch(/nested more than 2 deep/);
  });
  it('a config from the scanned tree may not nest comprehensions at all', () => {
    const when = 'credential.places.exists(a, credential.places.exists(b, a == b))';
    expect(() => compilePolicy(env, policy(when), { kind: 'tree', file: '.tokensprawl.yaml' })).toThrow(/nested more than 1 deep/);
    expect(() => compilePolicy(env, policy(when), ORIGIN)).not.toThrow();
  });
  it('two-deep comprehensions are fine', () => {
    expect(() => compilePolicy(env, policy('credential.places.exists(a, credential.sourceKinds.all(s, s == "dir"))'), ORIGIN)).not.toThrow();
  });
});

describe('runPolicy', () => {
  const p = compilePolicy(env, policy('token.lifetimeSeconds > limits.maxLifetimeSeconds', { raise: [{ when: 'token.lifetimeSeconds > 86400', severity: 'critical' }] }), ORIGIN);
  it.each([
    [{ lifetimeSeconds: 7200 }, { matched: true, severity: 'high' }],
    [{ lifetimeSeconds: 100000 }, { matched: true, severity: 'critical' }],
    [{ lifetimeSeconds: 60 }, { matched: false }],
  ])('%j → %j', (token, want) => {
    expect(runPolicy(p, celInput({ token, limits: { maxLifetimeSeconds: 3600 } }))).toEqual(want);
  });
  it('a missing field is an error value, not an exception', () => {
    expect(runPolicy(p, celInput({ token: {}, limits: { maxLifetimeSeconds: 3600 } }))).toEqual({ error: 'No such key: lifetimeSeconds' });
  });
  it('a value of the wrong type is an error value', () => {
    expect(runPolicy(p, celInput({ token: { lifetimeSeconds: 'long' }, limits: { maxLifetimeSeconds: 3600 } }))).toHaveProperty('error');
  });
});

describe('toCel', () => {
  it('whole numbers become int, null members are absent', () => {
    expect(toCel({ a: 1, b: 1.5, c: null, d: [1, null], e: { f: undefined, g: 'x' } })).toEqual({ a: 1n, b: 1.5, d: [1n], e: { g: 'x' } });
  });
});

describe('compileExpression', () => {
  it('accepts each README example', () => {
    for (const when of [
      'token.binding == "none" && token.scopes.exists(s, s.endsWith(":write"))',
      'token.lifetimeSeconds > 3600',
      'credential.sourceKinds.size() > 1',
      '!(token.issuer in ["https://login.example.com"])',
    ]) {
      expect(() => compileExpression(env, when, { file: 'f', id: 'x', field: 'when' })).not.toThrow();
    }
  });
});
