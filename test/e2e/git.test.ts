// End to end: `tokensprawl git` on throwaway repositories built from commit lists.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, ScanResult } from '../../src/core/types.js';
import { cli, jsonReport, runCli, type CliRun } from '../helpers/cli.js';
import { fakeGithubToken, fakeGitlabToken, fakeNpmToken, fakeSlack } from '../helpers/fake-tokens.js';
import { buildRepo, runGit, type Author, type TestRepo } from '../helpers/git-repo.js';
import { leakedSecret } from '../helpers/secrets.js';

const NOW = '2026-01-01T00:00:00Z';

/** `tokensprawl git` with one worker (worker start-up is most of a small scan). */
const tsGit = async (args: string[], opts: Parameters<typeof runCli>[1] = {}): Promise<CliRun> => runCli(['git', ...args, '--jobs', '1', '--no-progress'], opts);
const BOB: Author = { name: 'Bob Builder', email: 'bob@example.com' };
const CAROL: Author = { name: 'Carol Ops', email: 'carol@example.com' };

// One token per story, so each finding can be told apart by its secret.
const T = {
  kept: fakeGithubToken('ghp', 'git-kept'), // added once, kept through many commits, still at HEAD
  deleted: fakeNpmToken('git-deleted'), // added by Carol, then the file is deleted
  renamed: fakeGitlabToken('glpat', 'git-renamed'), // its file is renamed later
  side: fakeSlack('xoxb', 'git-side'), // on a side branch that is merged
  tagOnly: fakeGithubToken('ghp', 'git-tag-only'), // reachable only from a tag
  late: fakeGithubToken('gho', 'git-late'), // in the last commit
  space: fakeGithubToken('ghu', 'git-space'),
  unicode: fakeGithubToken('ghs', 'git-unicode'),
  quote: fakeGithubToken('ghr', 'git-quote'),
};
const ALL_SECRETS = Object.values(T);

const SPACE_PATH = 'deploy notes/prod env.txt';
const UNICODE_PATH = 'ünïcødé/ключ-設定.env';
const QUOTE_PATH = `ops/it's "quoted".env`;

let repo: TestRepo;
// scans shared by several tests
let full: CliRun;
let report: ScanResult;
let text: CliRun;

const byRuleSecret = (r: ScanResult, redactedStart: string, p: string): Finding[] =>
  r.findings.filter((f) => f.location.path === p && f.secret.redacted.startsWith(redactedStart));

/** The text report's block (first line at column 0, the rest indented) that names `p`. */
function textBlock(out: string, p: string): string {
  const blocks = out.split(/\n(?=\S)/);
  const hit = blocks.filter((b) => b.includes(`${p}:`));
  expect(hit, `one text block for ${p}`).toHaveLength(1);
  return hit[0] ?? '';
}

beforeAll(async () => {
  repo = buildRepo([
    /* 0 */ { files: { 'README.md': '# demo\n', 'app/config.env': `LOG_LEVEL=info\nGITHUB_TOKEN=${T.kept}\n` }, message: 'initial' },
    /* 1 */ { author: BOB, files: { 'app/config.env': `LOG_LEVEL=debug\nGITHUB_TOKEN=${T.kept}\n` } },
    /* 2 */ { author: BOB, files: { 'app/config.env': `LOG_LEVEL=debug\nGITHUB_TOKEN=${T.kept}\nPORT=8080\n` } },
    /* 3 */ { files: { 'app/config.env': `# app\nLOG_LEVEL=debug\nGITHUB_TOKEN=${T.kept}\nPORT=8080\n` } },
    /* 4 */ { author: CAROL, files: { 'secrets/old.env': `\n\nNPM_TOKEN=${T.deleted}\n` }, message: 'add npm token' },
    /* 5 */ { files: { 'secrets/old.env': null }, message: 'remove npm token' },
    /* 6 */ { files: { 'docs/setup.md': `Use this:\n\n    GITLAB_TOKEN=${T.renamed}\n` } },
    /* 7 */ { renames: { 'docs/setup.md': 'docs/install.md' }, message: 'rename setup' },
    /* 8 */ { branch: 'feature', author: BOB, files: { 'feature/slack.env': `SLACK_BOT_TOKEN=${T.side}\n` }, tag: 'v-feature' },
    /* 9 */ { branch: 'main', files: { 'CHANGELOG.md': 'v2\n' } },
    /* 10 */ { merge: 'feature', message: 'merge feature' },
    /* 11 */ {
      branch: 'tag-only',
      files: { 'hidden/token.txt': `token=${T.tagOnly}\n` },
      tag: 'orphaned-tag',
      after: [
        ['checkout', '-q', 'main'],
        ['branch', '-D', 'tag-only'],
      ],
    },
    /* 12 */ {
      branch: 'main',
      files: {
        [SPACE_PATH]: `GITHUB_TOKEN=${T.space}\n`,
        [UNICODE_PATH]: `GITHUB_TOKEN=${T.unicode}\n`,
        [QUOTE_PATH]: `GITHUB_TOKEN=${T.quote}\n`,
      },
      message: 'odd paths',
    },
    /* 13 */ { author: CAROL, files: { 'late.env': `GH=${T.late}\n` }, message: 'late token' },
  ]);
  // the default worker pool here, so this one run spawns the built binary (worker threads need
  // dist/ and the real CPUs); one worker in process elsewhere, to keep the suite fast
  full = cli(['git', repo.dir, '--format', 'json', '--now', NOW, '--no-progress']);
  report = jsonReport(full);
  text = await tsGit([repo.dir, '--now', NOW, '--no-progress']);
});

afterAll(() => repo?.cleanup());

describe('tokensprawl git: history', () => {
  it('exits 1, counts every commit (all refs, the tag-only one included) and reports no errors', () => {
    expect(full.status).toBe(1);
    expect(report.scan.command).toBe('git');
    expect(report.errors).toEqual([]);
    // one commit per step: the merge commit is step 10, the tag-only commit step 11
    expect(report.scan.stats.commits).toBe(repo.commits.length);
    for (const f of report.findings) {
      expect(f.location.source).toBe('git');
      expect(f.location.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(f.location.path).not.toMatch(/^\.\/|\\|^"/);
    }
  });

  it('reports a deleted token once, at the commit that added it, with author and date', () => {
    const hits = byRuleSecret(report, 'npm_', 'secrets/old.env');
    expect(hits).toHaveLength(1);
    const f = hits[0]!;
    expect(f.ruleId).toBe('npm-token');
    expect(f.location.commit).toBe(repo.commits[4]);
    expect(f.location.author).toContain('Carol Ops');
    expect(Date.parse(f.location.date ?? '')).toBe(Date.parse('2024-01-05T00:00:00Z'));
    expect(f.location.line).toBe(3);
    expect(f.location.column).toBe('NPM_TOKEN='.length + 1);
    expect(f.presentAtHead).toBe(false);
  });

  it('a token kept through many commits is one finding, at the first commit', () => {
    const hits = report.findings.filter((f) => f.ruleId === 'github-pat' && f.location.path === 'app/config.env');
    expect(hits).toHaveLength(1);
    expect(hits[0]?.location.commit).toBe(repo.commits[0]);
    expect(hits[0]?.location.author).toContain('Alice Example');
    expect(hits[0]?.presentAtHead).toBe(true);
  });

  it('the text report tells a deleted token ("no longer at HEAD") from a present one ("still present at HEAD")', () => {
    expect(text.status).toBe(1);
    const gone = textBlock(text.stdout, 'secrets/old.env');
    expect(gone).toContain('no longer at HEAD');
    expect(gone).toContain(repo.commits[4]!.slice(0, 7));
    expect(gone).toContain('Carol Ops');
    expect(gone).toContain('2024-01-05');
    const kept = textBlock(text.stdout, 'app/config.env');
    expect(kept).toContain('still present at HEAD');
    expect(kept).not.toContain('no longer at HEAD');
  });

  it('a renamed file does not produce a second finding', () => {
    const hits = report.findings.filter((f) => f.secret.redacted.startsWith('glpat-'));
    expect(hits.map((f) => [f.location.path, f.location.commit])).toEqual([['docs/setup.md', repo.commits[6]]]);
  });

  it('scans a side branch, its tag and the merge: the side token once, at its own commit', () => {
    const hits = report.findings.filter((f) => f.ruleId === 'slack-bot-token');
    expect(hits).toHaveLength(1);
    expect(hits[0]?.location.path).toBe('feature/slack.env');
    expect(hits[0]?.location.commit).toBe(repo.commits[8]);
    expect(hits[0]?.location.author).toContain('Bob Builder');
  });

  it('finds a token reachable only from a tag', () => {
    const hits = report.findings.filter((f) => f.location.path === 'hidden/token.txt');
    expect(hits).toHaveLength(1);
    expect(hits[0]?.location.commit).toBe(repo.commits[11]);
  });

  it('reports paths with spaces, unicode and quotes as they are (not git-quoted)', () => {
    const paths = report.findings.map((f) => f.location.path);
    expect(paths).toContain(SPACE_PATH);
    expect(paths).toContain(UNICODE_PATH);
    expect(paths).toContain(QUOTE_PATH);
    for (const p of [SPACE_PATH, UNICODE_PATH, QUOTE_PATH]) {
      const f = report.findings.find((x) => x.location.path === p);
      expect(f?.location.commit).toBe(repo.commits[12]);
      expect(f?.location.line).toBe(1);
      expect(f?.location.column).toBe('GITHUB_TOKEN='.length + 1);
    }
    expect(text.stdout).toContain(`${UNICODE_PATH}:1:14`);
    expect(text.stdout).toContain(`${QUOTE_PATH}:1:14`);
  });

  it('exactly the planted tokens, one finding each', () => {
    expect(report.findings.map((f) => f.location.path).sort()).toEqual(
      [
        'app/config.env',
        'docs/setup.md',
        'feature/slack.env',
        'hidden/token.txt',
        'late.env',
        'secrets/old.env',
        SPACE_PATH,
        UNICODE_PATH,
        QUOTE_PATH,
      ].sort(),
    );
  });

  it.each(['text', 'json', 'sarif'] as const)('never prints a raw secret (%s, stdout and stderr)', async (format) => {
    const run = format === 'json' ? full : format === 'text' ? text : await tsGit([repo.dir, '--format', format, '--now', NOW]);
    expect(run.status).toBe(1);
    expect(leakedSecret(run.stdout + run.stderr, ALL_SECRETS)).toBeNull();
  });
});

describe('tokensprawl git: narrowing the walk', () => {
  it('--since <rev> scans only commits not reachable from rev', async () => {
    const run = await tsGit([repo.dir, '--since', repo.commits[7]!, '--format', 'json', '--now', NOW]);
    expect(run.status).toBe(1);
    const r = jsonReport(run);
    const paths = r.findings.map((f) => f.location.path).sort();
    // commits 8..13 (merge included) but not the side commit's ancestors on main
    expect(paths).toEqual(['feature/slack.env', 'hidden/token.txt', 'late.env', SPACE_PATH, UNICODE_PATH, QUOTE_PATH].sort());
    expect(r.scan.stats.commits).toBe(6);
    for (const f of r.findings) expect(repo.commits.indexOf(f.location.commit ?? '')).toBeGreaterThan(7);
  });

  it('--since with a branch name works like a commit; an unknown rev exits 2 naming it', async () => {
    const r = jsonReport(await tsGit([repo.dir, '--since', 'v-feature', '--format', 'json', '--now', NOW]));
    expect(r.findings.some((f) => f.location.path === 'feature/slack.env')).toBe(false);
    expect(r.findings.some((f) => f.location.path === 'late.env')).toBe(true);
    const bad = await tsGit([repo.dir, '--since', 'no-such-rev', '--now', NOW]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('no-such-rev');
    expect(bad.stdout).toBe('');
  });

  it('--max-commits n scans at most n commits (the newest)', async () => {
    const run = await tsGit([repo.dir, '--max-commits', '1', '--format', 'json', '--now', NOW]);
    const r = jsonReport(run);
    expect(r.scan.stats.commits).toBe(1);
    expect(r.findings.map((f) => f.location.path)).toEqual(['late.env']);
    expect(run.status).toBe(1);
    expect((await tsGit([repo.dir, '--max-commits', '0'])).status).toBe(2);
  });
});

describe('tokensprawl git: merges', () => {
  it('a token written while resolving a merge is reported at the merge commit', async () => {
    const evil = fakeGithubToken('ghp', 'git-evil-merge');
    const fix = fakeNpmToken('git-conflict-fix');
    const r = buildRepo([
      { files: { 'a.txt': 'base\n' } },
      { branch: 'topic', files: { 'a.txt': 'topic\n' } },
      { branch: 'main', files: { 'a.txt': 'main\n' } },
      { merge: 'topic', files: { 'a.txt': `resolved NPM_TOKEN=${fix}\n`, 'evil.env': `T=${evil}\n` }, message: 'merge topic', author: BOB },
    ]);
    try {
      const run = await tsGit([r.dir, '--format', 'json', '--now', NOW]);
      expect(run.status).toBe(1);
      const rep = jsonReport(run);
      expect(rep.findings.map((f) => [f.location.path, f.ruleId, f.location.commit, f.location.author?.includes('Bob')])).toEqual([
        ['a.txt', 'npm-token', r.commits[3], true],
        ['evil.env', 'github-pat', r.commits[3], true],
      ]);
      expect(rep.scan.stats.commits).toBe(4);
      expect(leakedSecret(run.stdout + run.stderr, [evil, fix])).toBeNull();
    } finally {
      r.cleanup();
    }
  });
});

describe('tokensprawl git: inline allow in history', () => {
  it('a tokensprawl:allow line re-added in a later commit is one suppressed finding, like an unsuppressed one', async () => {
    const allowed = fakeGithubToken('ghp', 'git-inline-allow');
    const plain = fakeNpmToken('git-inline-plain');
    const line = `A=${allowed} # tokensprawl:allow test fixture\nN=${plain}\n`;
    const r = buildRepo([{ files: { 'x.sh': line } }, { files: { 'x.sh': null } }, { files: { 'x.sh': line } }]);
    try {
      const run = await tsGit([r.dir, '--format', 'json', '--now', NOW, '--show-suppressed']);
      const rep = jsonReport(run);
      // the unsuppressed token: one finding at its first commit
      expect(rep.findings.filter((f) => f.ruleId === 'npm-token').map((f) => f.location.commit)).toEqual([r.commits[0]]);
      // the allowed one: the same, marked
      const sup = rep.findings.filter((f) => f.suppressed);
      expect(sup.map((f) => [f.ruleId, f.suppressed?.by, f.location.commit])).toEqual([['github-pat', 'inline', r.commits[0]]]);
      expect(rep.scan.stats.suppressed).toBe(1);
      expect(new Set(rep.findings.map((f) => f.id)).size).toBe(rep.findings.length);
    } finally {
      r.cleanup();
    }
  });
});

describe('tokensprawl git --staged', () => {
  let staged: TestRepo;
  const stagedToken = fakeGithubToken('ghp', 'git-staged');
  const unstagedToken = fakeNpmToken('git-unstaged');

  beforeAll(() => {
    staged = buildRepo([{ files: { 'README.md': '# clean\n', 'notes.txt': 'nothing\n' } }]);
    writeFileSync(path.join(staged.dir, 'ci.env'), `\nGITHUB_TOKEN=${stagedToken}\n`);
    runGit(staged.dir, ['add', 'ci.env']);
    // changed in the working tree only: not what would be committed
    writeFileSync(path.join(staged.dir, 'notes.txt'), `NPM_TOKEN=${unstagedToken}\n`);
  });
  afterAll(() => staged?.cleanup());

  it('reports only what is staged, exit 1, and says "staged"', async () => {
    const run = await tsGit([staged.dir, '--staged', '--format', 'json', '--now', NOW]);
    expect(run.status).toBe(1);
    const r = jsonReport(run);
    expect(r.findings.map((f) => [f.ruleId, f.location.path, f.location.line])).toEqual([['github-pat', 'ci.env', 2]]);
    const t = await tsGit([staged.dir, '--staged', '--now', NOW]);
    expect(t.status).toBe(1);
    expect(t.stdout).toMatch(/staged/);
    expect(t.stdout).not.toMatch(/introduced in/);
    expect(leakedSecret(run.stdout + run.stderr + t.stdout + t.stderr, [stagedToken, unstagedToken])).toBeNull();
  });

  it('exits 0 when nothing staged holds a token', async () => {
    const clean = buildRepo([{ files: { 'a.txt': 'a\n' } }]);
    writeFileSync(path.join(clean.dir, 'a.txt'), `T=${stagedToken}\n`); // not staged
    const run = await tsGit([clean.dir, '--staged', '--now', NOW]);
    clean.cleanup();
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/no findings/);
  });
});

describe('tokensprawl git: shallow clones and bad targets', () => {
  it('a shallow clone is scanned with a note on stderr and in scan.notes', async () => {
    const dest = mkdtempSync(path.join(os.tmpdir(), 'tokensprawl-shallow-'));
    try {
      runGit(dest, ['clone', '-q', '--depth', '2', '--no-local', `file://${repo.dir}`, 'clone']);
      const clone = path.join(dest, 'clone');
      const run = await tsGit([clone, '--format', 'json', '--now', NOW]);
      const r = jsonReport(run);
      expect(run.stderr).toMatch(/note: shallow clone/);
      expect(r.scan.notes?.some((n) => /shallow clone/.test(n))).toBe(true);
      expect(r.scan.stats.commits).toBe(2);
      expect(r.findings.map((f) => f.location.path)).toContain('late.env');
      expect(leakedSecret(run.stdout + run.stderr, ALL_SECRETS)).toBeNull();
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });

  it('a folder that is not a repository exits 2 and names it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tokensprawl-norepo-'));
    const run = await tsGit([dir, '--now', NOW], { env: { GIT_CEILING_DIRECTORIES: os.tmpdir() } });
    rmSync(dir, { recursive: true, force: true });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(dir);
    expect(run.stderr).toMatch(/not a git repository/);
    expect(run.stdout).toBe('');
  });

  it('a missing path exits 2 and names it', async () => {
    const run = await tsGit(['no/such/repo', '--now', NOW]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no/such/repo');
  });
});
