// Issue 14, "Done when": one scenario where the same JWT and the same API key sit in a
// repository's history, a CI log and a queue dump. One `scan` over the three sources shows each
// credential with every place, owner and time, in JSON, text and SARIF; `merge` of the three
// per-source reports gives the same credentials.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credential, ScanResult } from '../../src/core/types.js';
import { jsonReport, runCli } from '../helpers/cli.js';
import { leakedSecret } from '../helpers/secrets.js';
import { buildSprawlScenario, SPRAWL_NOW as NOW, YEAR, type SprawlScenario } from '../helpers/sprawl-scenario.js';

let sc: SprawlScenario;
let jwt = '';
let KEY = '';
let work = '';
beforeAll(async () => {
  sc = await buildSprawlScenario();
  ({ jwt, key: KEY, work } = sc);
});
afterAll(() => sc?.cleanup());

const common = ['--now', NOW, '--jobs', '1', '--no-progress'];
const sources = (): string[] => sc.sources;

function byRule(report: ScanResult, ruleId: string): Credential {
  const c = (report.credentials ?? []).find((x) => x.ruleId === ruleId);
  if (!c) throw new Error(`no credential of ${ruleId}: ${JSON.stringify((report.credentials ?? []).map((x) => x.ruleId))}`);
  return c;
}

/** What must be equal between one scan and a merge of per-source reports. */
function essence(c: Credential): unknown {
  return {
    fingerprint: c.fingerprint,
    ruleId: c.ruleId,
    places: c.places.map((p) => [p.location.source, p.location.path.split('/').slice(-2).join('/'), p.location.line, p.time ?? null]),
    sourceKinds: c.sourceKinds,
    owners: c.owners.map((o) => `${o.kind}:${o.name}`).sort(),
    firstSeen: c.firstSeen,
    lastSeen: c.lastSeen,
    risk: c.risk,
    tags: c.tags,
  };
}

describe('one credential across history, CI and a queue', () => {
  it('JSON: every place, owner and time of the JWT and the API key', async () => {
    const run = await runCli(['scan', ...sources(), '--format', 'json', ...common], { cwd: work });
    expect(run.stderr).toBe('');
    expect(leakedSecret(run.stdout, [jwt, KEY])).toBeNull();
    const report = jsonReport(run);
    expect(report.scan.command).toBe('scan');

    for (const ruleId of ['jwt', 'github-pat']) {
      const c = byRule(report, ruleId);
      expect(c.places).toHaveLength(3);
      expect([...c.sourceKinds].sort()).toEqual(['ci-log', 'git', 'queue']);
      const owners = c.owners.map((o) => `${o.kind}:${o.name}`);
      expect(owners).toEqual(expect.arrayContaining(['author:Dana Dev <dana@example.com>', 'codeowners:@acme/payments']));
      expect(owners).toContain('ci:github-actions / job deploy');
      expect(owners.some((o) => o.startsWith('queue:') && o.includes('billing-svc'))).toBe(true);
      // times: the commit, the log line, the message
      const times = Object.fromEntries(c.places.map((p) => [p.location.source, p.time]));
      expect(times['git']).toBe('2025-01-10T00:00:00.000Z');
      expect(times['ci-log']).toBe(ruleId === 'jwt' ? '2025-03-01T10:00:01.200Z' : '2025-03-01T10:00:02.300Z');
      expect(times['queue']).toBe('2025-04-01T08:00:00.000Z');
      expect(Date.parse(c.firstSeen!)).toBe(Date.parse('2025-01-10T00:00:00Z'));
      expect(Date.parse(c.lastSeen!)).toBe(Date.parse('2025-04-01T08:00:00Z'));
      expect(c.atHead).toBe(true);
      expect(c.risk.reasons.join('; ')).toMatch(/reused in 3 places across 3 source kinds/);
      expect(c.tags).toEqual(expect.arrayContaining(['OWASP-NHI2', 'OWASP-NHI9']));
    }
    const token = (report.credentials ?? []).find((x) => x.token.kind === 'jwt')!;
    expect(token.token).toMatchObject({ issuer: 'https://login.example.test', subject: 'svc-orders', audience: ['orders-api'], binding: 'none', lifetimeSeconds: 10 * YEAR });
    expect(token.token.scopes).toEqual(['orders:read', 'orders:write']);
    expect(token.risk.reasons.join('; ')).toMatch(/unbound/);
    expect(token.tags).toEqual(expect.arrayContaining(['OWASP-NHI7']));
    // riskiest first
    expect(report.credentials?.[0]?.risk.level).toBe('critical');
  });

  it('text opens with the credentials to revoke; SARIF links every other place', async () => {
    const text = await runCli(['scan', ...sources(), ...common], { cwd: work });
    expect(text.stdout.split('\n')[0]).toBe('2 credentials to revoke, riskiest first:');
    expect(text.stdout.match(/3 places \(git, ci-log, queue\)/g)).toHaveLength(2);
    expect(leakedSecret(text.stdout, [jwt, KEY])).toBeNull();

    const sarif = await runCli(['scan', ...sources(), '--format', 'sarif', ...common], { cwd: work });
    const results = (JSON.parse(sarif.stdout) as { runs: Array<{ results: Array<{ ruleId: string; relatedLocations?: unknown[] }> }> }).runs.flatMap((r) => r.results);
    const placed = results.filter((r) => !r.ruleId.startsWith('policy/'));
    expect(placed).toHaveLength(6);
    for (const r of placed) expect(r.relatedLocations).toHaveLength(2);
    expect(leakedSecret(sarif.stdout, [jwt, KEY])).toBeNull();
  });

  it('merge of the three per-source reports gives the same credentials as one scan', async () => {
    const one = jsonReport(await runCli(['scan', ...sources(), '--format', 'json', ...common], { cwd: work }));
    const files: string[] = [];
    for (const [cmd, target] of sc.perSource) {
      const file = path.join(work, `${cmd}.json`);
      const run = await runCli([cmd, target, '--format', 'json', '-o', file, ...common], { cwd: work });
      expect(run.status).toBe(1);
      files.push(file);
    }
    const merged = jsonReport(await runCli(['merge', ...files], { cwd: work }));
    expect(merged.scan.command).toBe('scan');
    expect((merged.credentials ?? []).map(essence)).toEqual((one.credentials ?? []).map(essence));

    // …and the shards' one HTML page: a card per credential, the gate as --fail-on says, no secret
    const html = await runCli(['merge', ...files, '--format', 'html', '--fail-on', 'critical'], { cwd: work });
    expect(html.status).toBe(0);
    const cards = [...html.stdout.matchAll(/<article class="card sev-[a-z]+" data-fingerprint="([0-9a-f]{16})"/g)].map((m) => m[1]);
    expect(cards.sort()).toEqual((one.credentials ?? []).map((c) => c.fingerprint.slice(0, 16)).sort());
    expect(html.stdout).toContain('Content-Security-Policy');
    expect(leakedSecret(html.stdout, [jwt, KEY])).toBeNull();
    // SARIF inputs carry no credential view to draw: a usage error naming the way out
    const sarifFiles: string[] = [];
    for (const [cmd, target] of sc.perSource.slice(0, 2)) {
      const file = path.join(work, `${cmd}.sarif`);
      await runCli([cmd, target, '--format', 'sarif', '-o', file, ...common], { cwd: work });
      sarifFiles.push(file);
    }
    const refused = await runCli(['merge', ...sarifFiles, '--format', 'html'], { cwd: work });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/--format html: the inputs are SARIF reports.*merge JSON reports instead/);
  });
});
