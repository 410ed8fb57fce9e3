// Which repository, and who: the facts a history scan's provenance starts from (the work-tree
// root, shallow boundaries, the author of staged changes).
import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TargetError } from '../core/errors.js';
import { git, gitOutput } from './git-spawn.js';

export interface Repository {
  /** work-tree root, or the git directory of a bare repository */
  root: string;
  shallow: boolean;
  /** HEAD's commit, null on an unborn branch */
  head: string | null;
}

export const STAGED_COMMIT = '0'.repeat(40);

/** Finds the repository that holds `repo` (a work tree, a folder inside one, or a bare repository). */
export async function openRepository(repo: string): Promise<Repository> {
  const fail = (cause?: unknown): TargetError => new TargetError(`not a git repository: ${repo}`, { cause });
  const dir = resolve(repo);
  try {
    if (!(await stat(dir)).isDirectory()) throw fail();
  } catch (err) {
    throw err instanceof TargetError ? err : fail(err);
  }
  // One git process answers all four questions (each process costs a pre-commit run about
  // 10 ms): `--show-cdup` (unlike `--show-toplevel`) also works in a bare repository, where the
  // git directory is the root. Without commits `HEAD^{commit}` fails the whole query, so it is
  // asked again without it. Spawned directly, not through simple-git, whose loading costs more.
  const QUERY = ['rev-parse', '--absolute-git-dir', '--is-bare-repository', '--is-shallow-repository', '--show-cdup'];
  const physical = await realpath(dir);
  const withHead = await gitOutput(physical, [...QUERY, 'HEAD^{commit}']).catch(() => null);
  const info = withHead ?? (await gitOutput(physical, QUERY).catch((err: unknown) => err));
  if (typeof info !== 'string') throw fail(info);
  const lines = info.split('\n').map((s) => s.trim());
  if (lines.at(-1) === '') lines.pop();
  const head = withHead !== null ? (lines.pop() ?? null) : null;
  // No `--show-cdup` line in a bare repository, nor inside a .git folder: the root is then the git directory.
  const [gitDir = dir, , shallow, cdup] = lines;
  const root = cdup === undefined ? gitDir : resolve(physical, cdup);
  return { root: resolve(root), shallow: shallow === 'true', head };
}


/** Boundary commits of a shallow clone: their parents are not in the repository. */
export async function shallowBoundaries(root: string): Promise<string[]> {
  try {
    const file = (await (await git(root)).raw(['rev-parse', '--git-path', 'shallow'])).trim();
    const text = await readFile(resolve(root, file), 'utf8');
    return text.split('\n').filter((s) => s.length > 0);
  } catch {
    return [];
  }
}

/**
 * The repository of a pre-commit run. Git runs hooks at the top of the work tree, so when
 * `.git` is in the folder itself and no GIT_DIR or GIT_WORK_TREE moves things elsewhere, that
 * folder is the root and no git process is needed (each costs a hook ~10 ms). Anywhere else,
 * git is asked. `head` and `shallow` are not looked up: a staged scan uses neither.
 */
export async function openStagedRepository(repo: string, env: NodeJS.ProcessEnv = process.env): Promise<Repository> {
  if (env['GIT_DIR'] === undefined && env['GIT_WORK_TREE'] === undefined) {
    const physical = await realpath(resolve(repo)).catch(() => null);
    if (physical !== null && (await looksLikeGitDir(join(physical, '.git')))) return { root: physical, shallow: false, head: null };
  }
  return openRepository(repo);
}

/**
 * Whether git would take this `.git` as the repository rather than skip it and search the
 * parent folders: a gitfile (git reads it, or fails loudly), or a folder with HEAD, objects/
 * and refs/ (what git checks before accepting one). A stray or planted `.git` folder without
 * them sends the question to git, so the root is never a folder git did not use.
 */
async function looksLikeGitDir(dotGit: string): Promise<boolean> {
  const kind = await lstat(dotGit).catch(() => null);
  if (kind?.isFile()) return true;
  if (!kind?.isDirectory()) return false;
  const [head, objects, refs] = await Promise.all(['HEAD', 'objects', 'refs'].map((n) => lstat(join(dotGit, n)).catch(() => null)));
  return head?.isFile() === true && objects?.isDirectory() === true && refs?.isDirectory() === true;
}

/** A name or email git would print as given (no surrounding characters it strips, no <, > or line break). */
const PLAIN_IDENT_PART = /^[^\s.,:;<>"'\\\n][^<>\n]*(?<![\s.,:;<>"'\\])$/;

/**
 * "Name <email>" of whoever would author the commit; "" when git does not know. `git commit`
 * exports GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL to its hooks, and `git var` answers from them
 * first: when both are there, plainly written, they are the answer without a git process.
 */
export async function authorIdent(root: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const name = env['GIT_AUTHOR_NAME'];
  const email = env['GIT_AUTHOR_EMAIL'];
  if (name !== undefined && email !== undefined && PLAIN_IDENT_PART.test(name) && PLAIN_IDENT_PART.test(email)) return `${name} <${email}>`;
  try {
    const ident = (await gitOutput(root, ['var', 'GIT_AUTHOR_IDENT'])).trim();
    return ident.replace(/ \d+ [+-]\d{4}$/, '');
  } catch {
    return '';
  }
}
