// Which repository, and who: the facts a history scan's provenance starts from (the work-tree
// root, shallow boundaries, the author of staged changes).
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TargetError } from '../core/errors.js';
import { git } from './git-spawn.js';

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
  const g = await git(dir);
  // Three independent queries side by side (each is a git process): `--show-toplevel` fails in a
  // bare repository, where the git directory is the root.
  const [info, toplevel, head] = await Promise.all([
    g.revparse(['--absolute-git-dir', '--is-bare-repository', '--is-shallow-repository']).then(
      (s) => s.split('\n'),
      (err: unknown) => err,
    ),
    g.revparse(['--show-toplevel']).then(
      (s) => s.trim(),
      () => null,
    ),
    g.raw(['rev-parse', '-q', '--verify', 'HEAD^{commit}']).then(
      (s) => s.trim() || null,
      () => null,
    ),
  ]);
  if (!Array.isArray(info)) throw fail(info);
  const [gitDir = dir, bare, shallow] = info.map((s) => s.trim());
  const root = bare === 'true' || !toplevel ? gitDir : toplevel;
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
    const ident = (await (await git(root)).raw(['var', 'GIT_AUTHOR_IDENT'])).trim();
    return ident.replace(/ \d+ [+-]\d{4}$/, '');
  } catch {
    return '';
  }
}
