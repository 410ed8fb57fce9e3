// The history walk: the added lines of every commit reachable from any ref (or of the index).
//
// Bulk data comes from two plumbing processes spawned directly and streamed:
//   git rev-list --all --stdin (<stash entries> [^since] on stdin) [--max-count] --topo-order --reverse
//     │  commit hashes: a direct pipe, or through this process when a shard filter or a
//     │  restart point (after an unreadable object) must drop some
//     ▼
//   git diff-tree --stdin -r -p --cc -M -U0 --root --always --format=<header>   (GIT_FLUSH=0)
// Plumbing ignores porcelain diff config (external diff, noprefix, color), and `--stdin`
// streams: one commit in, its diff out. Small queries go through simple-git, loaded on demand.
//
// Why `--cc` for merges: `-m`/first-parent diffs repeat everything a side branch brought, so
// every secret of the branch would be re-emitted at the merge; `--cc` shows only hunks that
// differ from every parent, and the parser keeps only lines added relative to all parents:
// conflict resolutions and evil-merge content, each once.
//
// Order: parents before children (`--topo-order --reverse`), so when two commits add the same
// secret with the same author date, the first one yielded is the topologically earliest.
import { inShard } from '../core/shard.js';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describeError, UsageError } from '../core/errors.js';
import type { SourceItem } from '../core/types.js';
import { COMMIT_FORMAT, DiffParser, type CommitInfo } from './git-diff.js';
import { DIFF_FLAGS, git, GIT_CONFIG, spawnGit, type GitProcess } from './git-spawn.js';
import { authorIdent, shallowBoundaries, STAGED_COMMIT } from './git-provenance.js';
import { readAhead } from './read-ahead.js';

export interface GitOptions {
  /** only commits not reachable from this revision (`--all ^<since>`) */
  since?: string;
  /** only what is staged (the pre-commit case): `git diff --cached`; history is not walked */
  staged?: boolean;
  /** the most recent n commits (`--max-count`), still yielded oldest first */
  maxCommits?: number;
  /** 1-based index of count; commits are split by hash */
  shard?: { index: number; count: number };
  /** fragment size (characters) before a long run of added lines is cut; for tests */
  chunkChars?: number;
  /** overlap between cut fragments (characters); for tests */
  overlap?: number;
}

/** Unreadable objects after which the scan gives up instead of restarting git again. */
const MAX_RESTARTS = 100;

export interface StagedStart {
  diff: GitProcess;
  output: AsyncGenerator<Buffer>;
  author: Promise<string>;
}

/**
 * Starts `git diff --cached` and the author query at once, while the caller still opens the
 * repository and loads rules: a pre-commit hook's time is mostly waiting for processes.
 */
export function startStaged(root: string): StagedStart {
  // In a repository without commits `git diff --cached` compares with the empty tree.
  const diff = spawnGit(root, [...GIT_CONFIG, 'diff', '--cached', ...DIFF_FLAGS, '--no-relative']);
  diff.child.stdin?.end();
  return { diff, output: readAhead(diff.child.stdout!), author: authorIdent(root) };
}

export async function* scanStaged(root: string, opts: GitOptions, started: StagedStart): AsyncGenerator<SourceItem> {
  const commit: CommitInfo = { commit: STAGED_COMMIT, author: await started.author, date: new Date().toISOString() };
  const parser = new DiffParser(commit, { ...parserSizes(opts), countCommits: false });
  const proc = started.diff;
  let diffBytes = 0;
  async function* counted(chunks: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      diffBytes += chunk.length;
      yield chunk;
    }
  }
  try {
    yield* drain(counted(started.output), parser);
    const { ok, message } = await proc.done;
    if (!ok) yield { type: 'error', error: { target: root, message: `git diff --cached: ${message}` } };
    // A pre-commit hook with nothing staged should say so rather than report a clean scan.
    else if (diffBytes === 0) yield { type: 'note', message: 'nothing is staged: nothing to scan (git add the changes first)' };
  } finally {
    proc.child.kill();
  }
}

export function startHistory(root: string, opts: GitOptions): { items: () => AsyncGenerator<SourceItem>; close: () => void; exited: () => Promise<void> } {
  // The stash entries and `^since` go to rev-list's stdin once known; `--all` is on its command line.
  const revs = revisions(root, opts);
  const boundaries = shallowBoundaries(root);
  revs.catch(() => undefined); // observed when the items are read
  let prestarted: Walk | null = startWalk(root, revs, opts, null);
  const running = new Set<Walk>([prestarted]);
  async function* items(): AsyncGenerator<SourceItem> {
    let walk = prestarted ?? startWalk(root, revs, opts, null);
    prestarted = null;
    running.add(walk);
    try {
      await revs;
      for (const boundary of await boundaries) {
        yield { type: 'note', message: `shallow clone: history before ${boundary} is not scanned` };
      }
      let resumeAfter: string | null = null;
      for (let attempt = 0; attempt <= MAX_RESTARTS; attempt++) {
        const outcome: Outcome = { failed: null, lastCommit: null, firstSent: null };
        yield* readWalk(walk, outcome);
        if (outcome.failed === null) return;
        yield { type: 'error', error: { target: root, message: outcome.failed } };
        // git died on a commit (an unreadable object): start again after that commit; when git
        // died before printing anything, after the first commit it was given
        const next = outcome.lastCommit ?? outcome.firstSent;
        if (next === null || next === resumeAfter) return;
        resumeAfter = next;
        running.delete(walk);
        walk = startWalk(root, revs, opts, resumeAfter);
        running.add(walk);
      }
      yield { type: 'error', error: { target: root, message: `too many unreadable objects; history scan stopped` } };
    } finally {
      walk.kill();
      running.delete(walk);
    }
  }
  return {
    items,
    close() {
      for (const w of running) w.kill();
      running.clear();
    },
    async exited() {
      await Promise.all([...running].flatMap((w) => [w.list.done, w.diff.done]));
    },
  };
}

interface Outcome {
  /** why git failed, null when it did not */
  failed: string | null;
  /** last commit whose header diff-tree printed */
  lastCommit: string | null;
  /** first commit handed to diff-tree */
  firstSent: string | null;
}

/** One rev-list | diff-tree run, started. */
interface Walk {
  list: GitProcess;
  diff: GitProcess;
  /** the pipe from rev-list to diff-tree; resolves to the error that broke it, if any */
  piping: Promise<unknown>;
  /** first commit handed to diff-tree */
  firstSent: () => string | null;
  /** the first commit rev-list lists (another rev-list run; for restarts after a direct pipe) */
  firstListed: () => Promise<string | null>;
  kill: () => void;
  opts: GitOptions;
  /** diff-tree's output, read (ahead, bounded) from the start */
  output: AsyncGenerator<Buffer>;
}

/** `git rev-list` of the walk: `--all` here, the stash entries and `^since` fed on its stdin. */
function spawnRevList(root: string, revs: Promise<string[]>, opts: GitOptions, onFailure: () => void): GitProcess {
  const list = spawnGit(root, ['rev-list', '--topo-order', '--reverse', ...maxCount(opts), '--all', '--stdin']);
  revs.then((extra) => list.child.stdin?.end(extra.map((r) => `${r}\n`).join('')), onFailure);
  return list;
}

function startWalk(root: string, revs: Promise<string[]>, opts: GitOptions, resumeAfter: string | null): Walk {
  const list = spawnRevList(root, revs, opts, () => kill());
  // Without a shard or a restart point every commit goes to diff-tree: rev-list's output is then
  // diff-tree's input directly, a pipe between the two processes that never passes through here
  // (writing every hash to diff-tree from this thread cost 50 ms of a 0.7 s history scan).
  const direct = !opts.shard && resumeAfter === null;
  // GIT_FLUSH=0: diff-tree writes full buffers instead of flushing after every commit, so this
  // side reads a few large chunks instead of one small one per commit (3% of a history scan).
  const diff = spawnGit(
    root,
    [...GIT_CONFIG, 'diff-tree', '--stdin', '-r', '--root', '--always', '--cc', ...DIFF_FLAGS, '--encoding=UTF-8', `--format=${COMMIT_FORMAT}`],
    direct ? list.child.stdout! : 'pipe',
    { GIT_FLUSH: '0' },
  );
  function kill(): void {
    list.child.kill();
    diff.child.kill();
  }
  let first: string | null = null;
  let piping: Promise<unknown>;
  if (direct) {
    // diff-tree holds its own copy of the pipe; this one must not read from it
    list.child.stdout!.destroy();
    piping = Promise.resolve(null);
  } else {
    const select = selectCommits(opts.shard, resumeAfter, (sha) => {
      first ??= sha;
    });
    piping = pipeline(list.child.stdout!, select, diff.child.stdin!).then(
      () => null,
      (err: unknown) => err,
    );
  }
  const firstListed = async (): Promise<string | null> => {
    const again = spawnRevList(root, revs, opts, () => again.child.kill());
    let text = '';
    for await (const chunk of again.child.stdout!) {
      text += (chunk as Buffer).toString('latin1');
      if (text.includes('\n')) break;
    }
    again.child.kill();
    return /^[0-9a-f]{40,64}/.exec(text)?.[0] ?? null;
  };
  return { list, diff, piping, firstSent: () => first, firstListed, kill, opts, output: readAhead(diff.child.stdout!) };
}

/** Reads one started walk to its end; reports in `outcome` how it ended. */
async function* readWalk(walk: Walk, outcome: Outcome): AsyncGenerator<SourceItem> {
  const parser = new DiffParser(null, parserSizes(walk.opts));
  try {
    yield* drain(walk.output, parser);
    const broken = await walk.piping;
    const [listEnd, diffEnd] = await Promise.all([walk.list.done, walk.diff.done]);
    outcome.lastCommit = parser.lastCommit;
    outcome.firstSent = walk.firstSent();
    // A direct pipe does not see what rev-list sent: ask again when a restart needs it.
    if (!diffEnd.ok && outcome.lastCommit === null && outcome.firstSent === null) outcome.firstSent = await walk.firstListed();
    // diff-tree first: when it dies, rev-list may die of the broken pipe
    if (!diffEnd.ok) {
      const at = parser.lastCommit ?? outcome.firstSent;
      outcome.failed = `git diff-tree: ${diffEnd.message}${at ? ` (at commit ${at})` : ''}`;
    } else if (!listEnd.ok) outcome.failed = `git rev-list: ${listEnd.message}`;
    else if (broken) outcome.failed = `git: ${describeError(broken)}`;
  } finally {
    walk.kill();
  }
}

/** Yields the parser's items for every chunk of a git process's output. */
async function* drain(output: AsyncGenerator<Buffer>, parser: DiffParser): AsyncGenerator<SourceItem> {
  for await (const chunk of output) {
    yield* parser.push(chunk);
  }
  yield* parser.end();
}

/**
 * The revisions to walk besides `--all`: every stash entry (older ones live only in the stash
 * reflog), minus `since`. One per line on rev-list's stdin.
 */
async function revisions(root: string, opts: GitOptions): Promise<string[]> {
  const g = await git(root);
  const revs: string[] = [];
  try {
    const stash = await g.raw(['log', '-g', '--format=%H', 'refs/stash', '--']);
    revs.push(...stash.split('\n').filter((h) => /^[0-9a-f]{40,64}$/.test(h)));
  } catch {
    // no stash
  }
  if (opts.since !== undefined) {
    let resolved = '';
    try {
      // a leading "-" would be read as an option
      if (!opts.since.startsWith('-')) {
        resolved = (await g.raw(['rev-parse', '-q', '--verify', `${opts.since}^{commit}`])).trim();
      }
    } catch {
      resolved = '';
    }
    if (!resolved) throw new UsageError(`--since: not a commit in ${root}: ${opts.since}`);
    revs.push(`^${resolved}`);
  }
  return revs;
}

function maxCount(opts: GitOptions): string[] {
  return opts.maxCommits !== undefined ? [`--max-count=${Math.max(0, Math.floor(opts.maxCommits))}`] : [];
}

function parserSizes(opts: GitOptions): { chunkChars?: number; overlap?: number } {
  return {
    ...(opts.chunkChars ? { chunkChars: opts.chunkChars } : {}),
    ...(opts.overlap !== undefined ? { overlap: opts.overlap } : {}),
  };
}


/** Passes on the hash lines of this shard, skipping everything up to and including `resumeAfter`. */
function selectCommits(
  shard: GitOptions['shard'],
  resumeAfter: string | null,
  onKeep: (sha: string) => void,
): Transform {
  let skipping = resumeAfter !== null;
  let rest = '';
  const keep = (line: string): boolean => {
    if (!line) return false;
    if (skipping) {
      if (line === resumeAfter) skipping = false;
      return false;
    }
    if (shard && !inShard(line, shard)) return false;
    onKeep(line);
    return true;
  };
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      const lines = (rest + chunk.toString('latin1')).split('\n');
      rest = lines.pop() ?? '';
      const kept = lines.filter(keep);
      done(null, kept.length > 0 ? `${kept.join('\n')}\n` : undefined);
    },
    flush(done: TransformCallback) {
      done(null, keep(rest) ? `${rest}\n` : undefined);
    },
  });
}

