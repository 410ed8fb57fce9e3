// The credential view in every format, and merge rebuilding it: one secret found in a folder, in
// history, in a CI log and in a queue dump; a second secret in one place.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCredentials } from '../../src/analyze/credentials.js';
import type { Finding, Location, ScanResult, Severity } from '../../src/core/types.js';
import { mergeResults } from '../../src/merge.js';
import { renderJson } from '../../src/report/json.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { sarifSchemaErrors } from '../helpers/sarif-schema.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const REVOKE = 'https://github.com/settings/tokens';

function finding(secret: string, loc: Partial<Location> & Pick<Location, 'source' | 'path'>, over: Partial<Finding> = {}): Finding {
  const ruleId = over.ruleId ?? 'github-pat';
  return {
    id: sha(`${ruleId}\0${sha(secret)}\0${loc.path}`).slice(0, 32),
    ruleId,
    title: 'GitHub personal access token (classic)',
    severity: 'high' as Severity,
    secret: { redacted: 'ghp_…FAKE', sha256: sha(secret), length: 40 },
    location: { line: 3, column: 5, endLine: 3, endColumn: 45, ...loc },
    ...over,
  };
}

const KEY = 'ghp_FAKE-shared';
const places: Finding[] = [
  finding(KEY, { source: 'dir', path: 'config/app.env' }, { owners: [{ kind: 'codeowners', name: '@acme/platform', via: '.github/CODEOWNERS:2' }] }),
  finding(KEY, { source: 'git', path: 'config/app.env', commit: 'a'.repeat(40), author: 'Dana Dev <dana@example.com>', date: '2025-03-01T10:00:00Z' }, { presentAtHead: true, owners: [{ kind: 'codeowners', name: '@acme/platform', via: '.github/CODEOWNERS:2' }] }),
  finding(KEY, { source: 'ci-log', path: 'logs/release.log', provider: 'github-actions', workflow: 'release', job: 'publish', time: '2025-04-02T08:00:00Z', line: 120 }),
  finding(KEY, { source: 'queue', path: 'dumps/orders.jsonl', broker: 'kafka', queue: 'orders', producer: 'billing-svc', partition: 0, offset: 42, field: '/headers/authorization', time: '2025-05-03T09:00:00Z' }),
  finding('ghp_FAKE-lonely', { source: 'dir', path: 'README.md', line: 9 }, { severity: 'medium' }),
];

function result(findings: Finding[], command: ScanResult['scan']['command'] = 'dir'): ScanResult {
  return {
    tool: { name: 'tokensprawl', version: '0.0.0-test' },
    scan: { startedAt: '2026-01-01T00:00:00.000Z', now: '2026-01-01T00:00:00.000Z', command, targets: ['.'], durationMs: 1, stats: { bytes: 1, files: 1, commits: 0, messages: 0 } },
    findings,
    credentials: buildCredentials(findings, { remedy: (id) => (id === 'github-pat' ? { remediation: '1. Delete the token.\n2. Check the audit log.', revoke: REVOKE } : undefined) }),
    errors: [],
  };
}

describe('credential view in the reports', () => {
  const full = result(places);

  it('JSON carries credentials with places, owners, times, risk, tags and revoke', () => {
    const doc = JSON.parse(renderJson(full)) as ScanResult;
    const [c] = doc.credentials ?? [];
    expect(c?.places).toHaveLength(4);
    expect(c?.owners.map((o) => o.kind)).toEqual(['codeowners', 'author', 'ci', 'queue']);
    expect(c?.firstSeen).toBe('2025-03-01T10:00:00Z');
    expect(c?.lastSeen).toBe('2025-05-03T09:00:00Z');
    expect(c?.revoke).toBe(REVOKE);
    expect(c?.tags).toContain('OWASP-NHI9');
  });

  it('text opens with the credentials, riskiest first, as a to-do list', () => {
    const text = renderText(full, { color: false, now: new Date('2026-01-01T00:00:00Z') });
    const lines = text.split('\n');
    expect(lines[0]).toBe('2 credentials to revoke, riskiest first:');
    expect(lines[1]).toBe('1.  CRITICAL ghp_…FAKE  github-pat  4 places (dir, git, ci-log, queue)');
    expect(text).toContain('owners: @acme/platform (CODEOWNERS), Dana Dev <dana@example.com> (commit author), github-actions / workflow release / job publish (CI), billing-svc (queue)');
    expect(text).toContain('why: reused in 4 places across 4 source kinds and 4 owners; still at HEAD; written to CI logs and queued messages');
    expect(text).toContain('first seen 2025-03-01T10:00:00Z, last seen 2025-05-03T09:00:00Z');
    expect(text).toContain('standards: OWASP-NHI2 OWASP-NHI9 CWE-532 CWE-798');
    expect(text).toContain(`→ revoke at ${REVOKE}`);
    expect(lines.indexOf('2.  MEDIUM   ghp_…FAKE  github-pat  1 place (dir)')).toBeGreaterThan(1);
    // then the findings, as before
    expect(text.indexOf('config/app.env:3:5')).toBeGreaterThan(text.indexOf('→ revoke at'));
  });

  it('text colours only when asked, and escapes control characters from the scanned tree', () => {
    const hostile = result([finding('ghp_FAKE-x', { source: 'queue', path: 'q', producer: 'evil\u001b[31mred', queue: 't' })]);
    const plain = renderText(hostile, { color: false, now: new Date() });
    expect(plain).not.toContain('\u001b');
    expect(renderText(hostile, { color: true, now: new Date() })).toMatch(/\u001b\[/);
  });

  it('SARIF: each result lists its credential other places as relatedLocations, with taxonomies and relationships, and validates', () => {
    const rules = new Map();
    // read loosely, as a consumer of the file would
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const sarif: any = JSON.parse(renderSarif(full, { rules, version: '0.0.0', informationUri: 'https://example.com' }).text);
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    const run = sarif.runs[0];
    expect(run.taxonomies.map((t: { name: string }) => t.name)).toEqual(['OWASP NHI Top 10', 'CWE']);
    expect(run.tool.driver.supportedTaxonomies).toEqual([
      { name: 'OWASP NHI Top 10', index: 0 },
      { name: 'CWE', index: 1 },
    ]);
    const rule = run.tool.driver.rules[0];
    const targets = rule.relationships.map((r: { target: { id: string; toolComponent: { name: string } } }) => `${r.target.toolComponent.name}:${r.target.id}`);
    expect(targets).toEqual(expect.arrayContaining(['OWASP NHI Top 10:NHI2', 'OWASP NHI Top 10:NHI9', 'CWE:798', 'CWE:532']));
    for (const r of rule.relationships) {
      const taxonomy = run.taxonomies[r.target.toolComponent.index];
      expect(taxonomy.taxa[r.target.index].id).toBe(r.target.id);
    }
    expect(rule.properties.tags).toEqual(expect.arrayContaining(['security', 'OWASP-NHI2', 'external/cwe/cwe-532']));
    expect(rule.properties.tags.length).toBeLessThanOrEqual(20);

    const shared = run.results.filter((r: { properties: { sha256: string } }) => r.properties.sha256 === sha(KEY));
    expect(shared).toHaveLength(4);
    for (const r of shared) {
      expect(r.relatedLocations).toHaveLength(3);
      expect(r.properties.tags).toContain('OWASP-NHI9');
      expect(r.properties.credential.places).toBe(4);
    }
    const fromDir = shared.find((r: { properties: { source: string } }) => r.properties.source === 'dir');
    expect(fromDir.relatedLocations.map((l: { message: { text: string } }) => l.message.text)).toEqual([
      'The same secret in git history, commit aaaaaaa by Dana Dev <dana@example.com> at 2025-03-01T10:00:00Z (config/app.env:3).',
      'The same secret in a CI log, github-actions, workflow release, job publish at 2025-04-02T08:00:00Z (logs/release.log:120).',
      'The same secret in a queued message, kafka, topic orders, partition 0, offset 42, field /headers/authorization, producer billing-svc at 2025-05-03T09:00:00Z (dumps/orders.jsonl:3).',
    ]);
    const lonely = run.results.find((r: { properties: { sha256: string } }) => r.properties.sha256 === sha('ghp_FAKE-lonely'));
    expect(lonely.relatedLocations).toBeUndefined();
  });

  it('SARIF from a result without credentials (an older report) builds them', () => {
    const { credentials: _drop, ...old } = full;
    const sarif = JSON.parse(renderSarif(old, { rules: new Map(), version: '0', informationUri: '' }).text) as { runs: Array<{ results: Array<{ relatedLocations?: unknown[] }> }> };
    expect(sarif.runs[0]!.results.filter((r) => r.relatedLocations?.length === 3)).toHaveLength(4);
  });
});

describe('merge rebuilds the credential view', () => {
  it('per-source reports merged give the same credentials as one run over every source', () => {
    const one = result(places);
    const parts = [result(places.filter((f) => f.location.source === 'dir')), result(places.filter((f) => f.location.source === 'git')), result(places.filter((f) => f.location.source === 'ci-log' || f.location.source === 'queue'))];
    const merged = mergeResults(parts).result;
    expect(merged.credentials).toEqual(one.credentials);
    // and in any order of the reports
    expect(mergeResults([...parts].reverse()).result.credentials).toEqual(one.credentials);
  });

  it('keeps remediation and revoke from the reports; a report without credentials still merges', () => {
    const { credentials: _drop, ...bare } = result(places.slice(2, 4));
    const merged = mergeResults([result(places.slice(0, 2)), bare as ScanResult]).result;
    expect(merged.credentials?.[0]?.places).toHaveLength(4);
    expect(merged.credentials?.[0]?.revoke).toBe(REVOKE);
  });

  it('hostile credentials in a report are ignored: the view is rebuilt from findings', () => {
    const bad = { ...result(places.slice(0, 1)), credentials: [null, { ruleId: 7 }, 'x'] } as unknown as ScanResult;
    const merged = mergeResults([bad, result(places.slice(1))]).result;
    expect(merged.credentials?.[0]?.places).toHaveLength(4);
  });
});
