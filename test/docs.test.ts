// Docs that run: every `tokensprawl …` / `npx tokensprawl …` command line in the fenced code
// blocks of README.md and docs/*.md (and the `run:` lines of their YAML blocks) is extracted at
// test time and executed with the built CLI, in a temporary copy of this repository (a git
// repository with one commit), so documentation cannot drift from behaviour.
//
// Expected exit code: a trailing comment naming it (`# exit 1`, `# → exit 0: …`); without one,
// 0 or 1 (a scan's two outcomes), never 2 (a usage error or a missing target means the line
// no longer works). Lines that cannot run here are listed in CANNOT_RUN with the reason.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './helpers/cli.js';
import { runGit } from './helpers/git-repo.js';

/** Substring of a command line → why it cannot run in this test. */
const CANNOT_RUN: ReadonlyArray<[string, string]> = [
  ['kubectl logs', 'needs a Kubernetes cluster'],
  ['git fetch origin', 'needs a remote'],
  ['$CI_MERGE_REQUEST_TARGET_BRANCH_NAME', 'GitLab merge-request variables'],
  ['$CI_NODE_INDEX', 'GitLab parallel-job variables'],
  ['${{', 'a GitHub Actions expression'],
  ['--since origin/', 'needs a remote branch'],
];

interface DocLine {
  file: string;
  line: number;
  /** the whole line as written (prompt and YAML key removed) */
  text: string;
  /** what is run: the `&&`/`;`-separated parts that call tokensprawl */
  command: string;
  expected: number[];
}

const DOC_FILES = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

// tokensprawl in command position: first in a `&&`/`;` part (after `exec` or `npx`), or after
// a pipe; not an argument (`npm install --global tokensprawl` installs, it does not scan)
const CALL = /(^|\|)\s*(exec\s+)?(npx\s+(--no-install\s+|--yes\s+|-y\s+)?)?tokensprawl(\s|$)/;
// `tokensprawl dir [paths...]`, `merge <reports...>`: a synopsis, not a command
const SYNOPSIS = /tokensprawl\s+(\S+\s+)?(\[[\w. -]+\]|<[\w. -]+>)/;

export function extractCommands(file: string, markdown: string): DocLine[] {
  const out: DocLine[] = [];
  const lines = markdown.split('\n');
  let fence: { lang: string } | null = null;
  lines.forEach((raw, i) => {
    const open = /^\s*```(\w*)/.exec(raw);
    if (open) {
      fence = fence ? null : { lang: open[1] ?? '' };
      return;
    }
    if (!fence) return;
    let text = raw.trim();
    if (/^ya?ml$/.test(fence.lang)) {
      const run = /^(?:-\s+)?(?:run|entry):\s*(.+)$/.exec(text);
      if (!run) return;
      text = run[1]!;
    } else {
      if (!/^(sh|bash|shell|console|)$/.test(fence.lang)) return;
      // an unlabelled block is a listing (a synopsis, output) unless the line has a `$ ` prompt
      if (fence.lang === '' && !text.startsWith('$ ')) return;
      text = text.replace(/^\$\s+/, '');
    }
    if (text.startsWith('#') || SYNOPSIS.test(text)) return;
    const comment = /\s#\s(.*)$/.exec(text);
    const exit = comment ? /\bexit (\d)\b/.exec(comment[1]!) : null;
    const code = comment ? text.slice(0, comment.index) : text;
    const command = code
      .split(/\s*(?:&&|;)\s*/)
      .map((part) => part.trim())
      .filter((part) => CALL.test(part))
      .join(' && ');
    if (command === '') return;
    out.push({ file, line: i + 1, text, command, expected: exit ? [Number(exit[1])] : [0, 1] });
  });
  return out;
}

const ALL = DOC_FILES.flatMap((f) => extractCommands(f, readFileSync(path.join(ROOT, f), 'utf8')));
const cannotRun = (l: DocLine) => CANNOT_RUN.find(([s]) => l.text.includes(s));
const RUNNABLE = ALL.filter((l) => !cannotRun(l));

let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'tokensprawl-docs-'));
  const repo = path.join(work, 'repo');
  // This repository as committed plus new files, without node_modules/ or dist/.
  const files = runGit(ROOT, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']).split('\0').filter(Boolean);
  for (const f of files) {
    try {
      mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
      cpSync(path.join(ROOT, f), path.join(repo, f));
    } catch {
      // deleted in the working tree, not yet staged
    }
  }
  runGit(repo, ['init', '-q', '-b', 'main']);
  runGit(repo, ['add', '-A']);
  runGit(repo, ['-c', 'user.name=Docs', '-c', 'user.email=docs@example.com', 'commit', '-q', '-m', 'docs test']);
  // `tokensprawl` and `npx tokensprawl` both run the built CLI; npx of anything else fails.
  const shims = path.join(work, 'bin');
  mkdirSync(shims);
  const node = JSON.stringify(process.execPath);
  const bin = JSON.stringify(BIN);
  writeFileSync(path.join(shims, 'tokensprawl'), `#!/bin/sh\nexec ${node} ${bin} "$@"\n`);
  writeFileSync(
    path.join(shims, 'npx'),
    `#!/bin/sh\nwhile [ "$#" -gt 0 ]; do case "$1" in --no-install|--yes|-y) shift ;; *) break ;; esac; done\n[ "$1" = tokensprawl ] || { echo "npx shim: only tokensprawl" >&2; exit 127; }\nshift\nexec ${node} ${bin} "$@"\n`,
  );
  for (const s of ['tokensprawl', 'npx']) chmodSync(path.join(shims, s), 0o755);
  const vectors = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/jwt/vectors.json'), 'utf8')) as { tokens: Record<string, string> };
  env = {
    PATH: `${shims}${path.delimiter}${process.env['PATH'] ?? ''}`,
    HOME: work,
    NO_COLOR: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CEILING_DIRECTORIES: work,
    // variables the docs use
    TOKEN: vectors.tokens['jwtio-sample'],
    GITHUB_STEP_SUMMARY: path.join(work, 'step-summary.md'),
  };
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('command lines in the docs', () => {
  it('finds the documented commands (the extraction works)', () => {
    expect(RUNNABLE.length).toBeGreaterThan(3);
    expect(ALL.some((l) => l.file === 'README.md' && l.command.includes('tokensprawl dir fixtures/demo-service'))).toBe(true);
    // a synopsis line is not a command
    expect(ALL.some((l) => l.text.includes('[paths...]'))).toBe(false);
  });

  it('lists each line it cannot run with a reason', () => {
    for (const l of ALL.filter(cannotRun)) expect(cannotRun(l)![1]).toBeTruthy();
  });

  it('reads the documented exit code from a trailing comment', () => {
    const [l] = extractCommands('x.md', '```sh\nnpm ci && npx tokensprawl dir . --fail-on none   # exit 0: gate off\n```\n');
    expect(l).toMatchObject({ command: 'npx tokensprawl dir . --fail-on none', expected: [0] });
    expect(extractCommands('x.md', '```yaml\n- run: tokensprawl dir . -o x.sarif\n```\n')[0]).toMatchObject({ command: 'tokensprawl dir . -o x.sarif', expected: [0, 1] });
    // an argument is not a call; a pipe into it is
    expect(extractCommands('x.md', '```sh\nnpm install --global tokensprawl\n```\n')).toEqual([]);
    expect(extractCommands('x.md', '```sh\ncat a.log | tokensprawl stdin\n```\n')[0]?.command).toBe('cat a.log | tokensprawl stdin');
  });

  it.each(RUNNABLE.map((l) => [`${l.file}:${l.line}`, l] as const))('%s runs with its documented exit code', (_where, l) => {
    const r = spawnSync('bash', ['-c', l.command], { cwd: path.join(work, 'repo'), env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, input: '' });
    const detail = `${l.file}:${l.line}: ${l.command}\nexit ${r.status}\nstderr: ${r.stderr.slice(0, 2000)}`;
    expect(l.expected, detail).toContain(r.status);
    expect(r.stderr, detail).not.toMatch(/unknown option|error: |command not found|npx shim/);
  });
});
