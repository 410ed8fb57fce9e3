// Edge cases found in review, each through the CLI in process (runCli); the TZ case spawns the
// built binary, since TZ is read from the real process environment.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, jsonReport, runCli } from '../helpers/cli.js';
import { fakeGithubToken, fakeNpmToken } from '../helpers/fake-tokens.js';
import { leakedSecret } from '../helpers/secrets.js';
import { tmpTree } from '../helpers/tmp.js';

const NOW = '2026-01-01T00:00:00Z';

describe('edge cases', () => {
  it('-o to a path that cannot be written exits 2 before scanning, naming it', async () => {
    const t = tmpTree({ 'a.txt': 'x' });
    try {
      for (const out of ['/nonexistent-dir/report.json', t.dir]) {
        const run = await runCli(['dir', t.dir, '-o', out]);
        expect(run.status).toBe(2);
        expect(run.stderr).toContain(out);
        expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
      }
    } finally {
      t.cleanup();
    }
  });

  it('finds checksummed tokens inside URL-encoded text (access logs, OAuth callbacks)', async () => {
    const gh = fakeGithubToken('ghp', 'url-encoded');
    const npm = fakeNpmToken('url-encoded');
    const t = tmpTree({
      'access.log': `GET /cb?q=%7B%22token%22%3A%22${gh}%22%7D HTTP/1.1\nPOST /x Authorization%3A%20Bearer%20${npm} 200\n`,
    });
    try {
      const r = jsonReport(await runCli(['dir', t.dir, '--format', 'json', '--now', NOW]));
      expect(r.findings.map((f) => [f.ruleId, f.location.line])).toEqual([
        ['github-pat', 1],
        ['npm-token', 2],
      ]);
    } finally {
      t.cleanup();
    }
  });

  it('a provider rule beats ci-masked-value on an ::add-mask:: line', async () => {
    const gh = fakeGithubToken('ghp', 'masked-provider');
    const t = tmpTree({ 'job.log': `2024-05-01T12:00:00.0000000Z ::add-mask::${gh}\n2024-05-01T12:00:01.0000000Z token is ${gh}\n` });
    try {
      const r = jsonReport(await runCli(['ci-log', path.join(t.dir, 'job.log'), '--format', 'json', '--now', NOW]));
      expect(r.findings.map((f) => f.ruleId)).toEqual(['github-pat', 'github-pat']);
      expect(new Set(r.findings.map((f) => f.id)).size).toBe(1);
    } finally {
      t.cleanup();
    }
  });

  it('a file given twice is scanned once', async () => {
    const t = tmpTree({ 'a.txt': `t=${fakeGithubToken('ghp', 'twice')}\n` });
    try {
      const f = path.join(t.dir, 'a.txt');
      const r = jsonReport(await runCli(['dir', f, f, `${t.dir}/./a.txt`, '--format', 'json']));
      expect(r.scan.stats.files).toBe(1);
      expect(r.findings).toHaveLength(1);
    } finally {
      t.cleanup();
    }
  });

  it('--no-builtin-rules with no rule loaded is a usage error, not a clean pass', async () => {
    const t = tmpTree({ 'empty/.keep': '', 'a.txt': 'x' });
    try {
      const run = await runCli(['dir', t.dir, '--no-builtin-rules', '--rules', path.join(t.dir, 'empty')]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('no rules loaded');
    } finally {
      t.cleanup();
    }
  });

  // spawns: TZ must be the child process's real environment
  it('--now without a zone is UTC whatever TZ says', () => {
    const t = tmpTree({ 'a.txt': 'x' });
    try {
      const r = jsonReport(cli(['dir', t.dir, '--format', 'json', '--now', '2026-01-01T00:00:00'], { env: { TZ: 'America/New_York' } }));
      expect(r.scan.now).toBe('2026-01-01T00:00:00.000Z');
    } finally {
      t.cleanup();
    }
  });

  it('--no-progress is accepted before the command and after rules', async () => {
    expect((await runCli(['--no-progress', 'rules', 'list'])).status).toBe(0);
    expect((await runCli(['rules', '--no-progress', 'list'])).status).toBe(0);
    const t = tmpTree({ 'a.txt': 'x' });
    try {
      expect((await runCli(['--no-progress', 'dir', t.dir])).status).toBe(0);
    } finally {
      t.cleanup();
    }
  });

  it('no raw secret in config, rules, baseline or JWKS error messages', async () => {
    const gh = fakeGithubToken('ghp', 'in-an-error');
    const t = tmpTree({
      'scan/a.txt': 'x',
      'scan/.tokensprawl.yaml': `allow:\n  - ${gh}: test fixture\n${gh}: 1\n`,
      'rules/r.yaml': `rules:\n  - id: r\n    title: t\n    description: d\n    severity: low\n    pattern: '${gh}('\n    keywords: [ghp_]\n    examples: [x]\n    negativeExamples: [y]\n    ${gh}: 1\n`,
      'baseline.json': `${gh} not json`,
      'jwks.json': `{"keys": ${gh}}`,
    });
    try {
      const runs = [
        await runCli(['dir', path.join(t.dir, 'scan')]),
        await runCli(['dir', path.join(t.dir, 'scan', 'a.txt'), '--rules', path.join(t.dir, 'rules')]),
        await runCli(['dir', path.join(t.dir, 'scan', 'a.txt'), '--baseline', path.join(t.dir, 'baseline.json')]),
        await runCli(['dir', path.join(t.dir, 'scan', 'a.txt'), '--jwks', path.join(t.dir, 'jwks.json')]),
      ];
      for (const run of runs) {
        expect(run.status).toBe(2);
        expect(leakedSecret(run.stdout + run.stderr, [gh])).toBeNull();
        expect(run.stderr).not.toContain(gh.slice(4, 14));
      }
    } finally {
      t.cleanup();
    }
  });

  it('the SARIF uri of `dir sub` is relative to where the scan ran, so code scanning finds the file', async () => {
    const t = tmpTree({ 'sub/keep/y.txt': `t=${fakeGithubToken('ghp', 'sarif-prefix')}\n` });
    try {
      const run = await runCli(['dir', 'sub', '--format', 'sarif'], { cwd: t.dir });
      const sarif = JSON.parse(run.stdout) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
      expect(sarif.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('sub/keep/y.txt');
      // the JSON report keeps paths relative to the scanned root, as SPEC says
      expect(jsonReport(await runCli(['dir', 'sub', '--format', 'json'], { cwd: t.dir })).findings[0]?.location.path).toBe('keep/y.txt');
    } finally {
      t.cleanup();
    }
  });
});

