// Builds throwaway git repositories from declarative commit lists, with fixed authors and
// dates so that hashes are the same on every run. Isolated from the user's git config.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Author {
  name: string;
  email: string;
}

/** File content; null deletes the file. */
export type FileContent = string | Uint8Array | null;

export interface CommitStep {
  /** switch to this branch first, creating it at `from` (default: current HEAD) if missing */
  branch?: string;
  from?: string;
  /** merge this branch (no fast-forward); `files` are then written over the result (evil merge, conflict fix) */
  merge?: string;
  files?: Record<string, FileContent>;
  /** `git mv` from → to, before `files` are written */
  renames?: Record<string, string>;
  message?: string;
  author?: Author;
  /** ISO date used as author and committer date; default 2024-01-01 plus one day per step */
  date?: string;
  /** lightweight tag on the new commit */
  tag?: string;
  /** extra git commands run after the commit (e.g. delete a branch so only a tag keeps it) */
  after?: string[][];
}

export interface TestRepo {
  dir: string;
  /** hash of each step's commit, in step order */
  commits: string[];
  git(...args: string[]): string;
  cleanup(): void;
}

export const DEFAULT_AUTHOR: Author = { name: 'Alice Example', email: 'alice@example.com' };
const BASE_DATE = Date.UTC(2024, 0, 1);

/** Environment that ignores the machine's git config and any GIT_* of an enclosing hook. */
export function isolatedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C', ...extra };
}

export function runGit(dir: string, args: string[], env: Record<string, string> = {}, allowFail = false): string {
  const r = spawnSync('git', args, { cwd: dir, env: isolatedEnv(env), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0 && !allowFail) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

export function writeFiles(dir: string, files: Record<string, FileContent>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = join(dir, name);
    if (content === null) rmSync(file, { force: true });
    else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
}

/** A fresh repository (branch `main`, local identity = DEFAULT_AUTHOR) with one commit per step. */
export function buildRepo(steps: CommitStep[], opts: { dir?: string } = {}): TestRepo {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'tokensprawl-git-'));
  const git = (...args: string[]): string => runGit(dir, args);
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', DEFAULT_AUTHOR.name);
  git('config', 'user.email', DEFAULT_AUTHOR.email);
  git('config', 'commit.gpgsign', 'false');
  git('config', 'core.autocrlf', 'false');
  const commits: string[] = [];
  steps.forEach((step, i) => {
    const author = step.author ?? DEFAULT_AUTHOR;
    const date = step.date ?? new Date(BASE_DATE + i * 86_400_000).toISOString();
    const env = {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: author.name,
      GIT_COMMITTER_EMAIL: author.email,
      GIT_COMMITTER_DATE: date,
    };
    if (step.branch) {
      const exists = runGit(dir, ['rev-parse', '-q', '--verify', `refs/heads/${step.branch}`], {}, true).trim();
      const hasHead = runGit(dir, ['rev-parse', '-q', '--verify', 'HEAD'], {}, true).trim();
      if (exists) git('checkout', '-q', step.branch);
      else if (hasHead) git('checkout', '-q', '-b', step.branch, ...(step.from ? [step.from] : []));
      else git('checkout', '-q', '--orphan', step.branch);
    }
    if (step.merge) runGit(dir, ['merge', '-q', '--no-ff', '--no-commit', step.merge], env, true);
    for (const [from, to] of Object.entries(step.renames ?? {})) {
      mkdirSync(dirname(join(dir, to)), { recursive: true });
      git('mv', from, to);
    }
    writeFiles(dir, step.files ?? {});
    git('add', '-A');
    runGit(dir, ['commit', '-q', '--allow-empty', '--no-verify', '-m', step.message ?? `step ${i + 1}`], env);
    commits.push(git('rev-parse', 'HEAD').trim());
    if (step.tag) git('tag', step.tag);
    for (const cmd of step.after ?? []) runGit(dir, cmd, env);
  });
  return { dir, commits, git, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
