// `tokensprawl scan`: any mix of sources in one run, in process (runCli), with the same
// reports and exit codes as the single-source commands; one spawn of the built binary.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/core/types.js';
import { jsonReport, runCli } from '../helpers/cli.js';
import { fakeGithubToken, fakeGitlabToken } from '../helpers/fake-tokens.js';
import { buildRepo } from '../helpers/git-repo.js';
import { leakedSecret } from '../helpers/secrets.js';
import { tmpTrees } from '../helpers/tmp.js';

const NOW = '2026-01-01T00:00:00Z';
const { tree, track } = tmpTrees(afterAll);
const COMMON = ['--format', 'json', '--now', NOW, '--no-progress', '--jobs', '1'];

const gh = fakeGithubToken('ghp', 'scan-1');
const gl = fakeGitlabToken('glpat', 'scan-2');

function fixture(): string {
  return tree({
    'src/app.env': `GITHUB_TOKEN=${gh}\n`,
    'logs/build.log': `2024-03-01T10:00:00.0000000Z ##[group]Run deploy\n2024-03-01T10:00:01.5000000Z export TOKEN=${gh}\n`,
    'dumps/kafka.jsonl': `${JSON.stringify({ topic: 'deploys', partition: 0, offset: 7, tstype: 'create', ts: 1709287200000, broker: 1, headers: ['producer', 'ci-bot'], key: null, payload: `{"token":"${gl}"}` })}\n`,
  });
}

describe('scan over several sources', () => {
  const dir = fixture();

  it('reports the findings of every source, each with its own source kind, as command "scan"', async () => {
    const run = await runCli(['scan', '--dir', 'src', '--ci-log', 'logs', '--queue', 'dumps/kafka.jsonl', '--stdin', '--stdin-name', 'piped.txt', ...COMMON], {
      cwd: dir,
      input: `token: ${gl}\n`,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const r = jsonReport<ScanResult>(run);
    expect(r.scan.command).toBe('scan');
    expect(r.scan.targets).toEqual(['dir:src', 'ci-log:logs', 'queue:dumps/kafka.jsonl', 'stdin:piped.txt']);
    const places = r.findings.map((f) => `${f.location.source}:${f.location.path}:${f.location.line}`).sort();
    // one root for the whole report (the current folder): the folder's files are under src/, so
    // that SARIF and every path name the file from where the scan ran
    expect(places).toEqual(['ci-log:logs/build.log:2', 'dir:src/app.env:1', 'queue:dumps/kafka.jsonl:1', 'stdin:piped.txt:1']);
    expect(r.scan.stats.messages).toBe(1);
    expect(r.errors).toEqual([]);
    expect(leakedSecret(run.stdout + run.stderr, [gh, gl])).toBeNull();
  });

  it('gives the same findings as the single-source commands, source by source', async () => {
    const multi = jsonReport<ScanResult>(await runCli(['scan', '--ci-log', 'logs', '--queue', 'dumps/kafka.jsonl', ...COMMON], { cwd: dir }));
    const ci = jsonReport<ScanResult>(await runCli(['ci-log', 'logs', ...COMMON], { cwd: dir }));
    const q = jsonReport<ScanResult>(await runCli(['queue', 'dumps/kafka.jsonl', ...COMMON], { cwd: dir }));
    expect(ci.scan.command).toBe('ci-log');
    const strip = (r: ScanResult) => r.findings.map((f) => ({ id: f.id, location: f.location, severity: f.severity }));
    expect(strip(multi)).toEqual([...strip(ci), ...strip(q)].sort((a, b) => a.location.path.localeCompare(b.location.path)));
  });

  it('takes each flag more than once, and a repeated target once', async () => {
    const r = jsonReport<ScanResult>(await runCli(['scan', '--dir', 'src', '--dir', 'logs', '--dir', 'src', ...COMMON], { cwd: dir }));
    expect(r.scan.targets).toEqual(['dir:src', 'dir:logs']);
    expect(r.findings.map((f) => f.location.path).sort()).toEqual(['logs/build.log', 'src/app.env']);
  });

  it('scans a git history beside a folder; history findings keep commit and author, dir findings do not', async () => {
    const repo = buildRepo([{ files: { 'config.yml': `token: ${gh}\n` }, message: 'add config' }, { files: { 'config.yml': 'token: from-vault\n' }, message: 'remove it' }]);
    track(repo.cleanup);
    const run = await runCli(['scan', '--git', repo.dir, '--dir', path.join(dir, 'src'), ...COMMON], { cwd: dir });
    expect(run.status).toBe(1);
    const r = jsonReport<ScanResult>(run);
    const git = r.findings.filter((f) => f.location.source === 'git');
    const fs = r.findings.filter((f) => f.location.source === 'dir');
    expect(git).toHaveLength(1);
    expect(git[0]?.location.commit).toBe(repo.commits[0]);
    expect(git[0]?.location.author).toContain('Alice Example');
    expect(git[0]?.presentAtHead).toBe(false);
    expect(fs).toHaveLength(1);
    expect(fs[0]?.location.commit).toBeUndefined();
    expect(fs[0]?.presentAtHead).toBeUndefined();
  });

  it('exits 2 naming the target when one target is missing, before scanning anything', async () => {
    const run = await runCli(['scan', '--dir', 'src', '--queue', 'nope.jsonl', ...COMMON], { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('nope.jsonl');
  });

  it('reports an unreadable record of one source as an error (exit 2) and still reports the others', async () => {
    const bad = tree({ 'q.jsonl': '{"topic":"t","partition":0,"payload":\n', 'a.env': `GITHUB_TOKEN=${gh}\n` });
    const run = await runCli(['scan', '--queue', 'q.jsonl', '--dir', 'a.env', ...COMMON], { cwd: bad });
    expect(run.status).toBe(2);
    const r = jsonReport<ScanResult>(run);
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors[0]?.target).toContain('q.jsonl');
    expect(r.findings.some((f) => f.location.source === 'dir')).toBe(true);
  });

  it('says so when one named target held something but nothing was read from it', async () => {
    const t = tree({ 'only-ignored/.tokensprawlignore': '*\n', 'only-ignored/x.txt': 'hello\n', 'logs/a.log': 'fine\n' });
    const run = await runCli(['scan', '--dir', 'only-ignored', '--ci-log', 'logs', ...COMMON], { cwd: t });
    expect(run.status).toBe(2);
    expect(jsonReport<ScanResult>(run).errors.map((e) => e.target)).toEqual(['only-ignored']);
  });

  it('refuses no source at all, and standard input named twice (usage errors, exit 2)', async () => {
    const none = await runCli(['scan', '--no-progress'], { cwd: dir });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('name at least one source');
    const twice = await runCli(['scan', '--stdin', '--queue', '-', ...COMMON], { cwd: dir });
    expect(twice.status).toBe(2);
    expect(twice.stderr).toContain('standard input can be read once');
  });

  it('exits 0 on a clean mix, and honours --fail-on', async () => {
    const clean = tree({ 'a.txt': 'nothing here\n', 'b.log': 'all good\n' });
    expect((await runCli(['scan', '--dir', 'a.txt', '--ci-log', 'b.log', ...COMMON], { cwd: clean })).status).toBe(0);
    expect((await runCli(['scan', '--dir', 'src', '--fail-on', 'none', ...COMMON], { cwd: dir })).status).toBe(0);
  });

  it('writes SARIF and text for a mixed run (built binary, end to end)', async () => {
    const sarif = await runCli(['scan', '--dir', 'src', '--ci-log', 'logs', '--format', 'sarif', '--now', NOW, '--no-progress'], { cwd: dir });
    expect(sarif.status).toBe(1);
    const doc = JSON.parse(sarif.stdout) as { runs: Array<{ results: unknown[] }> };
    expect(doc.runs[0]?.results).toHaveLength(2);
    const text = await runCli(['scan', '--dir', 'src', '--ci-log', 'logs', '--now', NOW, '--no-progress'], { cwd: dir });
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('logs/build.log');
    expect(leakedSecret(sarif.stdout + text.stdout + text.stderr, [gh])).toBeNull();
  });
});
