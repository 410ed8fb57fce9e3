// --format github and --summary through the built CLI.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, ROOT } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { leakedSecret } from '../helpers/secrets.js';
import { tmpTree } from '../helpers/tmp.js';

const NOW = '2026-01-01T00:00:00Z';
const TOKEN = fakeGithubToken('ghp', 'github-format');
// A file name that would break a workflow command or a Markdown table if passed through.
const HOSTILE = 'x,line=1::warning::y|<b>z</b>.env';
const tree = tmpTree({ 'app/.env': `GITHUB_TOKEN=${TOKEN}\n`, [`app/${HOSTILE}`]: `T=${TOKEN}\n` });
afterAll(() => tree.cleanup());

describe('--format github', () => {
  it('annotates each finding with paths relative to where it ran; exit code as for any format', async () => {
    const r = await runCli(['dir', 'app', '--format', 'github', '--now', NOW, '--no-progress'], { cwd: tree.dir });
    expect(r.status).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^::error file=app\/\.env,line=1,col=14,endLine=1,endColumn=54,title=github-pat%3A GitHub personal access token \(classic\)::high: GitHub personal access token \(classic\) \(github-pat\), secret ghp_…\w{4}, sha256 [0-9a-f]{16}…$/,
      ),
    );
    expect(r.stdout).toContain('file=app/x%2Cline=1%3A%3Awarning%3A%3Ay|<b>z</b>.env,line=1,');
    expect(lines.at(-1)).toBe('tokensprawl: 2 findings');
    expect(leakedSecret(r.stdout + r.stderr, [TOKEN])).toBeNull();
  });

  it('an unknown format is a usage error that lists the valid ones (exit 2)', async () => {
    const r = await runCli(['dir', '.', '--format', 'xml'], { cwd: tree.dir });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/argument 'xml' is invalid\. Allowed choices are text, json, sarif, github/);
  });
});

describe('--summary', () => {
  it('appends a Markdown summary, escaped and redacted, keeping what the file held', async () => {
    const file = path.join(tree.dir, 'summary.md');
    writeFileSync(file, '# Earlier step\n\n');
    const r = await runCli(['dir', 'app', '--summary', file, '--format', 'json', '--now', NOW, '--no-progress'], { cwd: tree.dir });
    expect(r.status).toBe(1);
    JSON.parse(r.stdout); // the report itself is unchanged
    const again = await runCli(['dir', 'app', '--summary', 'summary.md', '--now', NOW, '--no-progress'], { cwd: tree.dir });
    expect(again.status).toBe(1);
    const md = readFileSync(file, 'utf8');
    expect(md.startsWith('# Earlier step\n\n## tokensprawl: 2 findings\n')).toBe(true);
    expect(md.match(/^## tokensprawl: 2 findings$/gm)).toHaveLength(2);
    expect(md).toContain('<code>app/x,line=1\\:\\:warning\\:\\:y\\|&lt;b&gt;z&lt;/b&gt;\\.env\\:1\\:3</code>');
    expect(md).not.toContain('<b>');
    expect(leakedSecret(md, [TOKEN])).toBeNull();
  });

  it('a summary that cannot be written fails before the scan (exit 2, one line)', async () => {
    const r = await runCli(['dir', 'app', '--summary', path.join(tree.dir, 'missing/dir/summary.md'), '--no-progress'], { cwd: tree.dir });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^tokensprawl: --summary .*summary\.md: cannot write there/);
  });

  it('works beside --format github, as the Action runs it', async () => {
    const file = path.join(tree.dir, 'step-summary.md');
    const r = await runCli(['dir', path.join(ROOT, 'fixtures/demo-service'), '--format', 'github', '--summary', file, '--now', NOW, '--no-progress'], { cwd: tree.dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error file=/);
    expect(readFileSync(file, 'utf8')).toMatch(/### JWTs/);
  });
});
