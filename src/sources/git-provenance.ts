// Which repository, and who: the facts a history scan's provenance starts from (the work-tree
// root, shallow boundaries, the author of staged changes).
import { readFile, realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
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

/** "Name <email>" of whoever would author the commit; "" when git does not know. */
export async function authorIdent(root: string): Promise<string> {
  try {
    const ident = (await gitOutput(root, ['var', 'GIT_AUTHOR_IDENT'])).trim();
    return ident.replace(/ \d+ [+-]\d{4}$/, '');
  } catch {
    return '';
  }
}
