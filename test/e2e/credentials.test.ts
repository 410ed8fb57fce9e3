// End to end: the credential view from `tokensprawl git` and `tokensprawl dir`, with owners from
// commit authors and from CODEOWNERS (read from HEAD's tree for history, from the folder for dir),
// and `merge` of the two reports' credentials.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/core/types.js';
import { jsonReport, runCli } from '../helpers/cli.js';
import { fakeGithubToken, fakeNpmToken } from '../helpers/fake-tokens.js';
import { buildRepo, type Author, type TestRepo } from '../helpers/git-repo.js';

const NOW = '2026-01-01T00:00:00Z';
const DANA: Author = { name: 'Dana Dev', email: 'dana@example.com' };
const ERIK: Author = { name: 'Erik Ops', email: 'erik@example.com' };
const SHARED = fakeGithubToken('ghp', 'cred-e2e-shared');
const GONE = fakeNpmToken('cred-e2e-gone');

let repo: TestRepo;
beforeAll(() => {
  repo = buildRepo([
    { files: { '.github/CODEOWNERS': '* @acme/everyone\n/deploy/ @acme/platform\n', 'README.md': 'hello\n' }, author: DANA, date: '2025-01-10T00:00:00Z' },
    { files: { 'deploy/prod.env': `GITHUB_TOKEN=${SHARED}\n`, 'old/.npmrc': `//registry.npmjs.org/:_authToken=${GONE}\n` }, author: DANA, date: '2025-02-01T00:00:00Z' },
    { files: { 'tools/ci.sh': `export GITHUB_TOKEN=${SHARED}\n` }, author: ERIK, date: '2025-03-01T00:00:00Z' },
    { files: { 'old/.npmrc': null }, author: ERIK, date: '2025-04-01T00:00:00Z' },
  ]);
});
afterAll(() => repo?.cleanup());

describe('credential view, end to end', () => {
  it('git: one credential per secret, owners from authors and CODEOWNERS at HEAD, times from commits, atHead', async () => {
    const run = await runCli(['git', repo.dir, '--format', 'json', '--now', NOW, '--jobs', '1', '--no-progress']);
    expect(run.stderr).toBe('');
    const report = jsonReport(run);
    expect(run.stdout).not.toContain(SHARED);
    const creds = report.credentials ?? [];
    expect(creds).toHaveLength(2);
    const shared = creds.find((c) => c.ruleId === 'github-pat');
    expect(shared?.places.map((p) => p.location.path)).toEqual(['deploy/prod.env', 'tools/ci.sh']);
    expect(shared?.owners.map((o) => `${o.kind}:${o.name}`)).toEqual([
      'author:Dana Dev <dana@example.com>',
      'codeowners:@acme/platform',
      'author:Erik Ops <erik@example.com>',
      'codeowners:@acme/everyone',
    ]);
    expect(shared?.firstSeen?.slice(0, 10)).toBe('2025-02-01');
    expect(shared?.lastSeen?.slice(0, 10)).toBe('2025-03-01');
    expect(shared?.atHead).toBe(true);
    expect(shared?.risk.reasons[0]).toBe('reused in 2 places across 4 owners');
    expect(shared?.revoke).toBe('https://github.com/settings/tokens');
    const gone = creds.find((c) => c.ruleId !== 'github-pat');
    expect(gone?.atHead).toBe(false);
    expect(gone?.risk.reasons).toContain('removed from HEAD but still in git history');
    // text opens with the to-do list
    const text = (await runCli(['git', repo.dir, '--now', NOW, '--jobs', '1', '--no-progress'])).stdout;
    expect(text.split('\n')[0]).toBe('2 credentials to revoke, riskiest first:');
    expect(text).not.toContain(SHARED);
  });

  it('dir: a CODEOWNERS line that does not parse is an error naming file and line; other owners still shown', async () => {
    writeFileSync(path.join(repo.dir, '.github/CODEOWNERS'), '* @acme/everyone\n/deploy/ not-an-owner\n');
    const run = await runCli(['dir', repo.dir, '--format', 'json', '--now', NOW, '--jobs', '1', '--no-progress']);
    const report = jsonReport(run);
    expect(run.status).toBe(2);
    expect(report.errors).toEqual([expect.objectContaining({ target: '.github/CODEOWNERS:2' })]);
    const shared = (report.credentials ?? []).find((c) => c.ruleId === 'github-pat');
    expect(shared?.owners.map((o) => o.name)).toEqual(['@acme/everyone']);
    expect(shared?.atHead).toBe(true);
  });
});

describe('SARIF end to end', () => {
  it('relatedLocations point at the other places of the same credential', async () => {
    const run = await runCli(['git', repo.dir, '--format', 'sarif', '--now', NOW, '--jobs', '1', '--no-progress']);
    const sarif = JSON.parse(run.stdout) as { runs: Array<{ taxonomies: unknown[]; results: Array<{ ruleId: string; relatedLocations?: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
    const run0 = sarif.runs[0]!;
    expect(run0.taxonomies).toHaveLength(2);
    const pats = run0.results.filter((r) => r.ruleId === 'github-pat');
    expect(pats.map((r) => r.relatedLocations?.map((l) => l.physicalLocation.artifactLocation.uri))).toEqual([['tools/ci.sh'], ['deploy/prod.env']]);
  });
});

describe('merge end to end', () => {
  it('merged reports carry the credentials of the merged findings', async () => {
    const a = await runCli(['git', repo.dir, '--format', 'json', '--now', NOW, '--jobs', '1', '--no-progress', '--shard', '1/2']);
    const b = await runCli(['git', repo.dir, '--format', 'json', '--now', NOW, '--jobs', '1', '--no-progress', '--shard', '2/2']);
    const whole = jsonReport(await runCli(['git', repo.dir, '--format', 'json', '--now', NOW, '--jobs', '1', '--no-progress']));
    // inside the throwaway repository (removed with it); history scans read commits, not these
    const fa = path.join(repo.dir, 'shard-a.json');
    const fb = path.join(repo.dir, 'shard-b.json');
    writeFileSync(fa, a.stdout);
    writeFileSync(fb, b.stdout);
    const merged = jsonReport<ScanResult>(await runCli(['merge', fa, fb]));
    expect(merged.credentials).toEqual(whole.credentials);
  });
});
