// `tokensprawl jwt` and JWT judgement in dir/stdin scans, through the built CLI.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JwtAnalysis, Severity } from '../../src/core/types.js';
import { clean, es256, hs, raw } from '../analyze/jwt-helpers.js';
import { runCli, jsonReport, ROOT } from '../helpers/cli.js';

const NOW = '2026-01-01T00:00:00Z';
const vectors = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/jwt/vectors.json'), 'utf8')) as { tokens: Record<string, string> };
const V = (name: string): string => {
  const t = vectors.tokens[name];
  if (!t) throw new Error(`no vector ${name}`);
  return t;
};
type Judged = JwtAnalysis & { severity: Severity };

describe('tokensprawl jwt', () => {
  it('judges the jwt.io sample at a glance: weak secret, never expires, unbound, no audience', async () => {
    const run = await runCli(['jwt', V('jwtio-sample'), '--now', NOW]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^severity\s+critical$/m);
    expect(run.stdout).toMatch(/^expires\s+never$/m);
    expect(run.stdout).toMatch(/^binding\s+unbound bearer$/m);
    for (const id of ['weak-secret', 'no-expiry', 'unbound', 'no-audience']) expect(run.stdout).toContain(`${id}:`);
    expect(run.stdout).not.toContain(V('jwtio-sample'));
    expect(run.stderr).toBe('');
  });

  it('reads the token from stdin, with or without a "Bearer " prefix, and --format json gives the jwt object and severity', async () => {
    const run = await runCli(['jwt', '--format', 'json', '--now', NOW], { input: `Bearer ${V('rfc9449-dpop-bound-access-token')}\n` });
    expect(run.status).toBe(0);
    const j = JSON.parse(run.stdout) as Judged;
    expect(j.form).toBe('jws');
    expect(j.binding).toBe('dpop');
    expect(j.expired).toBe(true);
    expect(j.lifetimeSeconds).toBe(3605);
    expect(j.severity).toBe('low');
    expect(j.problems.map((p) => p.id)).not.toContain('unbound');
  });

  it('flags alg none (RFC 7519 §6.1) as forgeable', async () => {
    const j = JSON.parse((await runCli(['jwt', V('rfc7515-a5-none'), '--format', 'json', '--now', '2011-01-01T00:00:00Z'])).stdout) as Judged;
    expect(j.form).toBe('unsecured');
    expect(j.problems.map((p) => p.id)).toContain('alg-none');
    expect(j.severity).toBe('critical');
  });

  it('verifies offline with --jwks: valid, invalid, and unverified for a key the set does not cover', async () => {
    const jwks = 'fixtures/jwt/jwks-rfc7515.json';
    const valid = JSON.parse((await runCli(['jwt', V('rfc7515-a2-rs256'), '--format', 'json', '--jwks', jwks, '--now', NOW])).stdout) as Judged;
    expect(valid.signature).toBe('valid');
    const t = V('rfc7515-a2-rs256');
    const tampered = `${t.slice(0, -6)}${t.slice(-6) === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA'}`;
    const invalid = JSON.parse((await runCli(['jwt', tampered, '--format', 'json', '--jwks', jwks, '--now', NOW])).stdout) as Judged;
    expect(invalid.signature).toBe('invalid');
    expect(invalid.problems.map((p) => p.id)).toContain('bad-signature');
    const other = await es256(clean(), { kid: 'not-in-the-set' });
    const unknown = JSON.parse((await runCli(['jwt', other, '--format', 'json', '--jwks', jwks, '--now', NOW])).stdout) as Judged;
    expect(unknown.signature).toBe('unverified');
  });

  it('--max-lifetime moves the long-lifetime line', async () => {
    const token = await es256(clean({ exp: Date.parse(NOW) / 1000 + 2 * 3600, iat: Date.parse(NOW) / 1000 - 60 }));
    const ids = async (max: string) => (JSON.parse((await runCli(['jwt', token, '--format', 'json', '--now', NOW, '--max-lifetime', max])).stdout) as Judged).problems.map((p) => p.id);
    expect(await ids('1h')).toContain('long-lifetime');
    expect(await ids('3h')).not.toContain('long-lifetime');
  });

  it('--now decides expiry', async () => {
    const token = await hs(clean({ exp: Date.parse('2026-06-01T00:00:00Z') / 1000 }));
    const at = async (now: string) => JSON.parse((await runCli(['jwt', token, '--format', 'json', '--now', now])).stdout) as Judged;
    expect((await at(NOW)).expired).toBe(false);
    expect((await at('2026-07-01T00:00:00Z')).expired).toBe(true);
    expect((await at('2026-07-01T00:00:00Z')).severity).toBe('low');
  });

  it('not a JWT exits 2 without echoing the input', async () => {
    const garbage = raw('not json at all', { sub: 'x' });
    for (const input of ['hello', garbage, 'a.b.c.d.e']) {
      const run = await runCli(['jwt', input]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('is not a JWT');
      expect(run.stderr).not.toContain(input);
    }
  });
});

describe('JWTs in scans', () => {
  it('stdin: a leaked token carries the jwt object; garbage shaped like a JWT is not reported', async () => {
    const good = await hs({ sub: 'FAKE-user', iat: Date.parse(NOW) / 1000 - 10, exp: Date.parse(NOW) / 1000 + 30 * 86400, aud: ['reports', 'exports'] });
    const garbage = raw('not json', 'nor this');
    const run = await runCli(['stdin', '--format', 'json', '--now', NOW], { input: `token=${good}\nother=${garbage}\n` });
    const report = jsonReport(run);
    expect(report.findings.map((f) => f.ruleId)).toEqual(['jwt']);
    const f = report.findings[0]!;
    expect(f.severity).toBe('high');
    expect(f.jwt?.audience).toEqual(['reports', 'exports']);
    expect(f.jwt?.problems.map((p) => p.id).sort()).toEqual(['long-lifetime', 'unbound']);
    const text = (await runCli(['stdin', '--now', NOW], { input: `token=${good}\n` })).stdout;
    expect(text).toMatch(/unbound bearer · lives 30d · aud reports,exports · expires in 30d/);
  });
});
