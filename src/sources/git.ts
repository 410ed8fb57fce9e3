// Git history source: the added lines of every commit reachable from any ref, or of the index.
// Split by job: git-walk.ts (rev-list | diff-tree, restarts, shards, staged), git-diff.ts
// (parsing the patch stream into fragments), git-presence.ts (still at HEAD?),
// git-provenance.ts (the repository, shallow boundaries, author ident), git-spawn.ts (spawning).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { TargetError, UsageError } from '../core/errors.js';
import type { Finding, Source } from '../core/types.js';
import { headPresence, type HeadPresence } from './git-presence.js';
import { openRepository, openStagedRepository, type Repository } from './git-provenance.js';
import { scanStaged, startHistory, startStaged, type GitOptions } from './git-walk.js';
import { parseCount, type OpenContext, type OpenedSource } from './source.js';

export type { GitOptions } from './git-walk.js';

export { openRepository, STAGED_COMMIT, type Repository } from './git-provenance.js';
export { headPresence, presentAtHead, type HeadPresence } from './git-presence.js';

/** A git source; `close` stops git processes it already started (safe to call more than once). */
export interface GitSource extends Source {
  close(): void;
  /** resolves when the git processes started so far have exited (for a small history: its output is then all buffered) */
  exited(): Promise<void>;
}

/**
 * The history (or, with `staged`, the index) of the repository at `root` as source items.
 * For history, git starts at once, while the caller still loads rules and configuration: the
 * scan's start-up then overlaps git's. Call `close` if the source will not be read to the end.
 */
export function gitSource(root: string, opts: GitOptions = {}): GitSource {
  if (opts.staged) {
    const staged = startStaged(root);
    const exited = staged.diff.done.then(() => undefined);
    return { [Symbol.asyncIterator]: () => scanStaged(root, opts, staged), close: () => staged.diff.child.kill(), exited: () => exited };
  }
  const history = startHistory(root, opts);
  return { [Symbol.asyncIterator]: () => history.items(), close: () => history.close(), exited: () => history.exited() };
}

/** `tokensprawl git [repo]` and `scan --git R`. */
export async function openGit(targets: string[], ctx: OpenContext): Promise<OpenedSource> {
  const target = targets[0] ?? '.';
  if (targets.length > 1) throw new UsageError(`git takes one repository; got ${targets.length} (scan --git R --git R2 takes several)`);
  const repo = path.resolve(ctx.cwd, target);
  const since = ctx.flags['since'] as string | undefined;
  const staged = ctx.flags['staged'] === true;
  const maxCommits = parseCount('--max-commits', ctx.flags['maxCommits']);
  // History: git starts now, in the folder given (git finds the repository from there), and
  // runs while the repository is confirmed and the rules and configuration load.
  const isFolder = await stat(repo).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const source = isFolder
    ? gitSource(repo, {
        ...(since ? { since } : {}),
        ...(staged ? { staged: true } : {}),
        ...(maxCommits !== undefined ? { maxCommits } : {}),
        ...(ctx.shard ? { shard: ctx.shard } : {}),
      })
    : undefined;
  let opened: Repository;
  try {
    opened = await (staged ? openStagedRepository(repo) : openRepository(repo));
  } catch (err) {
    source?.close();
    throw err;
  }
  if (!source) throw new TargetError(`not a git repository: ${repo}`);
  // One `git cat-file --batch`, fed while the scan runs, tells for every path with findings
  // whether each secret is still at HEAD.
  const presence = staged || !opened.head ? undefined : headPresence(opened.root);
  return {
    kind: 'git',
    root: opened.root,
    targets: [target],
    // The owners of a staged change are the working tree's CODEOWNERS (read from disk: no git
    // process in a pre-commit run); the history's are HEAD's.
    ...(staged
      ? { codeowners: async () => (await import('./codeowners-file.js')).readCodeownersFromDir(opened.root) }
      : opened.head
        ? { codeowners: async () => (await import('./codeowners-file.js')).readCodeownersFromGit(opened.root) }
        : {}),
    ...(presence ? { observe: (p: string, secret: string) => presence.observe(p, secret), annotate: (items) => annotatePresence(presence, items) } : {}),
    items: () => source,
    close: () => {
      source.close();
      presence?.close();
    },
  };
}

/** `presentAtHead` on each finding, asked path by path. */
async function annotatePresence(presence: HeadPresence, items: ReadonlyArray<{ finding: Finding; secret: string }>): Promise<Finding[]> {
  const byPath = new Map<string, Array<{ finding: Finding; secret: string }>>();
  for (const it of items) byPath.set(it.finding.location.path, [...(byPath.get(it.finding.location.path) ?? []), it]);
  const groups = [...byPath.values()];
  const present = await presence.lookup(groups.map((g) => ({ path: g[0]?.finding.location.path ?? '', secrets: g.map((x) => x.secret) })));
  return groups.flatMap((g, i) => g.map((x, j) => ({ ...x.finding, presentAtHead: present[i]?.[j] === true })));
}
