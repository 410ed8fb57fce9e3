// Git history source: the added lines of every commit reachable from any ref, or of the index.
// Split by job: git-walk.ts (rev-list | diff-tree, restarts, shards, staged), git-diff.ts
// (parsing the patch stream into fragments), git-presence.ts (still at HEAD?),
// git-provenance.ts (the repository, shallow boundaries, author ident), git-process.ts (spawning).
import type { Source } from '../core/types.js';
import { scanStaged, startHistory, type GitOptions } from './git-walk.js';

export type { GitOptions } from './git-walk.js';

export { openRepository, STAGED_COMMIT, type Repository } from './git-provenance.js';
export { headPresence, presentAtHead, type HeadPresence } from './git-presence.js';

/** A git source; `close` stops git processes it already started (safe to call more than once). */
export interface GitSource extends Source {
  close(): void;
}

/**
 * The history (or, with `staged`, the index) of the repository at `root` as source items.
 * For history, git starts at once, while the caller still loads rules and configuration: the
 * scan's start-up then overlaps git's. Call `close` if the source will not be read to the end.
 */
export function gitSource(root: string, opts: GitOptions = {}): GitSource {
  if (opts.staged) return { [Symbol.asyncIterator]: () => scanStaged(root, opts), close: () => undefined };
  const history = startHistory(root, opts);
  return { [Symbol.asyncIterator]: () => history.items(), close: () => history.close() };
}
