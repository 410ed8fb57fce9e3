// End to end: `tokensprawl ci-log` on the CI log fixtures (GitHub Actions archive and run folder,
// gh run view, GitLab, Jenkins, plain CRLF), as a user runs it from the folder holding the logs.
import zlib from 'node:zlib';
import { storedZip } from '../helpers/zip.js';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding, ScanResult } from '../../src/core/types.js';
import { ciLogSource } from '../../src/sources/ci-log.js';
import { runCli, jsonReport, ROOT } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { leakedSecret, rawSecrets } from '../helpers/secrets.js';
import { tmpTree } from '../helpers/tmp.js';

const NOW = '2026-01-01T00:00:00Z';
const FIX = path.join(ROOT, 'fixtures/ci-log');

async function scanJson(args: string[], cwd: string): Promise<{ status: number; report: ScanResult; stderr: string }> {
  const run = await runCli(['ci-log', ...args, '--format', 'json', '--now', NOW, '--no-progress', '--jobs', '1'], { cwd });
  return { status: run.status, report: jsonReport(run), stderr: run.stderr };
}

/** 1-based line and column (UTF-16 units, "\n" only) of the first `needle` in the raw file. */
function positionIn(file: string, needle: string): { line: number; column: number } {
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(needle);
  expect(at, `${needle.slice(0, 12)}… in ${file}`).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, at);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: at - lineStart + 1 };
}

/** The `::add-mask::` values a fixture declares (never `***`). */
function maskValues(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/::add-mask::(\S+)/g)].map((m) => m[1] ?? '').filter((v) => v !== '***' && !v.startsWith('$'));
}

const key = (f: Finding): string => `${f.ruleId} ${f.location.line}:${f.location.column}`;

let secrets: string[] = [];
beforeAll(async () => {
  secrets = await rawSecrets(ciLogSource([FIX], { cwd: ROOT }));
  secrets.push(...maskValues(path.join(FIX, 'github-actions-run/0_build.txt')));
  expect(secrets.length).toBeGreaterThanOrEqual(6);
});

describe('GitHub Actions', () => {
  const RUN = path.join(FIX, 'github-actions-run');
  const DEPLOY_STEP = path.join(RUN, 'deploy/2_Run deploy.txt');
  let zip: Awaited<ReturnType<typeof scanJson>>;
  let folder: Awaited<ReturnType<typeof scanJson>>;
  beforeAll(async () => {
    zip = await scanJson(['logs_42.zip'], path.join(FIX, 'github-actions-zip'));
    folder = await scanJson(['github-actions-run'], FIX);
  });

  it('reports archive members as logs_42.zip!job/N_Step.txt with job and step, from the step logs only', async () => {
    expect(zip.status).toBe(1);
    expect(zip.report.errors).toEqual([]);
    expect(zip.report.scan.command).toBe('ci-log');
    const paths = [...new Set(zip.report.findings.map((f) => f.location.path))].sort();
    expect(paths).toEqual(['logs_42.zip!build/3_Register deploy token.txt', 'logs_42.zip!deploy/2_Run deploy.txt']);
    for (const f of zip.report.findings) {
      expect(f.location.source).toBe('ci-log');
      expect(f.location.job).toBe(f.location.path.includes('!build/') ? 'build' : 'deploy');
    }
    const deploy = zip.report.findings.filter((f) => f.location.path.endsWith('2_Run deploy.txt'));
    expect(new Set(deploy.map((f) => f.location.step))).toEqual(new Set(['Run deploy']));
    // the whole-job logs (0_build.txt, 1_deploy.txt) repeat the same lines: not reported again
    expect(zip.report.findings).toHaveLength(4);
  });

  it('locates each token at its line and column in the original step log (timestamp and ANSI kept)', async () => {
    const deploy = zip.report.findings.filter((f) => f.location.path.endsWith('2_Run deploy.txt'));
    const gh = deploy.find((f) => f.ruleId === 'github-pat');
    expect(gh?.location).toMatchObject(positionIn(DEPLOY_STEP, 'ghp_'));
    const bearer = deploy.find((f) => f.ruleId === 'bearer-header');
    const bearerAt = positionIn(DEPLOY_STEP, 'legacy header Authorization: Bearer ');
    expect(bearer?.location.line).toBe(bearerAt.line);
    expect(bearer?.location.column).toBe(bearerAt.column + 'legacy header Authorization: Bearer '.length);
  });

  it('a value declared with ::add-mask:: and printed unmasked later is a ci-masked-value finding', async () => {
    const [mask] = maskValues(path.join(RUN, 'build/3_Register deploy token.txt'));
    expect(mask).toBeDefined();
    const masked = zip.report.findings.filter((f) => f.ruleId === 'ci-masked-value' && f.location.path.endsWith('2_Run deploy.txt'));
    expect(masked).toHaveLength(1);
    expect(masked[0]?.location).toMatchObject(positionIn(DEPLOY_STEP, mask ?? '?'));
  });

  it('the unpacked run folder gives the same findings as the archive', async () => {
    expect(folder.status).toBe(1);
    const strip = (r: ScanResult) =>
      r.findings.map((f) => ({ ...f.location, path: f.location.path.replace(/^.*?(!|github-actions-run\/)/, '') })).map((l) => JSON.stringify(l));
    expect(strip(folder.report)).toEqual(strip(zip.report));
    expect(folder.report.findings.map((f) => f.id)).not.toEqual(zip.report.findings.map((f) => f.id)); // paths differ
  });

  it('`***` is never a finding', async () => {
    for (const f of [...zip.report.findings, ...folder.report.findings]) {
      const member = f.location.path.replace(/^.*!/, '').replace(/^github-actions-run\//, '');
      const line = readFileSync(path.join(RUN, member), 'utf8').split('\n')[f.location.line - 1] ?? '';
      expect(line.slice(f.location.column - 1, f.location.column + 2)).not.toBe('***');
    }
  });
});

describe('gh run view, GitLab, Jenkins, plain', () => {
  it('gh run view --log: job and step from the columns, column in the original line', async () => {
    const { status, report } = await scanJson(['gh-run-view/run-42.log'], FIX);
    expect(status).toBe(1);
    const file = path.join(FIX, 'gh-run-view/run-42.log');
    const gh = report.findings.find((f) => f.ruleId === 'github-pat');
    expect(gh?.location).toMatchObject({ path: 'gh-run-view/run-42.log', job: 'deploy', step: 'Run deploy', ...positionIn(file, 'ghp_') });
    const masked = report.findings.filter((f) => f.ruleId === 'ci-masked-value');
    expect(masked.map((f) => f.location.step).sort()).toEqual(['Register deploy token', 'Run deploy']);
    expect(report.findings.map((f) => f.ruleId).sort()).toEqual(['bearer-header', 'ci-masked-value', 'ci-masked-value', 'github-pat']);
  });

  it('GitLab: ANSI colour codes stripped for matching, the column is in the original line; section is the step', async () => {
    const { status, report } = await scanJson(['gitlab/job-1234.log'], FIX);
    expect(status).toBe(1);
    expect(report.findings).toHaveLength(1); // "[MASKED]" is not a token
    const f = report.findings[0]!;
    const at = positionIn(path.join(FIX, 'gitlab/job-1234.log'), 'ghp_');
    expect(f.ruleId).toBe('github-pat');
    expect(f.location).toMatchObject({ path: 'gitlab/job-1234.log', step: 'publish', ...at });
    // the escape sequence before the token counts in the column
    const line = readFileSync(path.join(FIX, 'gitlab/job-1234.log'), 'utf8').split('\n')[at.line - 1] ?? '';
    expect(line.slice(0, at.column - 1)).toContain('\u001b[');
    expect(f.location.endColumn - f.location.column).toBe(40);
  });

  it('Jenkins consoleText: the stage is the step, **** is not a finding', async () => {
    const { status, report } = await scanJson(['jenkins/consoleText'], FIX);
    expect(status).toBe(1);
    expect(report.findings.map(key)).toEqual([
      `bearer-header ${positionIn(path.join(FIX, 'jenkins/consoleText'), 'Bearer FAKE').line}:${positionIn(path.join(FIX, 'jenkins/consoleText'), 'Bearer FAKE').column + 7}`,
    ]);
    expect(report.findings[0]?.location.step).toBe('Deploy');
  });

  it('plain log with CRLF and carriage-return progress: line counted by \\n, the \\r not in the span', async () => {
    const { status, report } = await scanJson(['plain/deploy.log'], FIX);
    expect(status).toBe(1);
    const at = positionIn(path.join(FIX, 'plain/deploy.log'), 'Bearer FAKE');
    expect(report.findings.map((f) => [f.ruleId, f.location.line, f.location.column, f.location.job, f.location.step])).toEqual([
      ['bearer-header', at.line, at.column + 7, undefined, undefined],
    ]);
    const f = report.findings[0]!;
    const line = readFileSync(path.join(FIX, 'plain/deploy.log'), 'utf8').split('\n')[at.line - 1] ?? '';
    expect(f.location.endColumn).toBe(line.replace(/\r$/, '').length + 1);
  });
});

describe('masks, errors and leaks', () => {
  it('only `***` placeholders: no findings, exit 0; a mask value printed later is found where it is printed', async () => {
    const value = 'FAKE-release-key-9Qz7Lm2Xv';
    const t = tmpTree({
      'masked.log': 'Authorization: Bearer ***\nDEPLOY_TOKEN: ***\n::add-mask::***\ncurl -H "Authorization: Bearer ***"\n',
      'leaky.log': `::add-mask::${value}\nstep one\nupload with key ${value} done\n`,
    });
    try {
      const clean = await runCli(['ci-log', 'masked.log', '--now', NOW, '--jobs', '1'], { cwd: t.dir });
      expect(clean.status).toBe(0);
      expect(clean.stdout).toMatch(/^no findings/m);
      const leaky = await scanJson(['leaky.log'], t.dir);
      expect(leaky.status).toBe(1);
      const masked = leaky.report.findings.filter((f) => f.ruleId === 'ci-masked-value' && f.location.line === 3);
      expect(masked.map((f) => f.location.column)).toEqual(['upload with key '.length + 1]);
      expect(leakedSecret(JSON.stringify(leaky.report) + leaky.stderr, [value])).toBeNull();
    } finally {
      t.cleanup();
    }
  });

  it('a missing path exits 2 and names it', async () => {
    const run = await runCli(['ci-log', 'no/such/job.log', '--now', NOW]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no/such/job.log');
    expect(run.stdout).toBe('');
  });

  it('a corrupt archive entry is an error naming the member; the other members are scanned', async () => {
    const token = fakeGithubToken('ghp', 'ci-corrupt');
    const t = tmpTree({});
    try {
      writeFileSync(path.join(t.dir, 'run.zip'), corruptibleZip([
        ['build/1_Broken.txt', '2024-05-01T12:00:00.0000000Z hello world\n'],
        ['build/2_Push.txt', `2024-05-01T12:00:01.0000000Z pushing with ${token}\n`],
      ], 'hello world'));
      const { status, report, stderr } = await scanJson(['run.zip'], t.dir);
      expect(status).toBe(2); // incomplete: one member could not be read
      expect(report.errors.map((e) => e.target)).toEqual(['run.zip!build/1_Broken.txt']);
      expect(stderr).toContain('run.zip!build/1_Broken.txt');
      expect(report.findings.map((f) => [f.location.path, f.location.step, f.ruleId])).toEqual([['run.zip!build/2_Push.txt', 'Push', 'github-pat']]);
    } finally {
      t.cleanup();
    }
  });

  it.each(['text', 'json', 'sarif'])('never prints a raw secret or mask value (%s, stdout and stderr)', async (format) => {
    const run = await runCli(['ci-log', '.', '--format', format, '--now', NOW, '--no-progress', '--jobs', '1'], { cwd: FIX });
    expect(run.status).toBe(1);
    expect(leakedSecret(run.stdout + run.stderr, secrets)).toBeNull();
  });
});

/**
 * A zip of stored entries; the entry holding `corrupt` keeps the CRC of its data as written, then
 * has that text altered, so it fails its CRC-32 check.
 */
function corruptibleZip(entries: Array<[string, string]>, corrupt?: string): Buffer {
  return storedZip(
    entries.map(([name, content]) => {
      const data = Buffer.from(content);
      const at = corrupt ? data.indexOf(corrupt) : -1;
      if (at < 0) return { name, data };
      const crc = zlib.crc32(data);
      data[at] = (data[at] ?? 0) ^ 1;
      return { name, data, crc };
    }),
  );
}
