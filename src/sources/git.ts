// Git history source: the added lines of every commit reachable from any ref.
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
import { readAhead } from './read-ahead.js';
import { inShard } from '../core/shard.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SimpleGit } from 'simple-git';
import { describeError, TargetError, UsageError } from '../core/errors.js';
import type { Source, SourceItem } from '../core/types.js';
import { COMMIT_FORMAT, DiffParser, type CommitInfo } from './git-diff.js';

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

export interface Repository {
  /** work-tree root, or the git directory of a bare repository */
  root: string;
  shallow: boolean;
  /** HEAD's commit, null on an unborn branch */
  head: string | null;
}

export const STAGED_COMMIT = '0'.repeat(40);

/** Unreadable objects after which the scan gives up instead of restarting git again. */
const MAX_RESTARTS = 100;
const MAX_STDERR = 4096;

/**
 * Flags that make porcelain and plumbing output predictable whatever the user's config:
 * raw UTF-8 paths (only `"`, `\` and control characters stay C-quoted), fixed prefixes.
 */
const GIT_CONFIG = ['-c', 'core.quotePath=false', '-c', 'diff.suppressBlankEmpty=false'];
const DIFF_FLAGS = [
  '-p',
  '-U0',
  '-M',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--src-prefix=a/',
  '--dst-prefix=b/',
];

/**
 * simple-git for the small queries, loaded on first use: a history walk spawns its two git
 * processes directly and should not wait for the module to load.
 */
async function git(dir: string): Promise<SimpleGit> {
  const { simpleGit } = await import('simple-git');
  return simpleGit({ baseDir: dir, maxConcurrentProcesses: 4 });
}

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
  if (opts.staged) {
    const staged = startStaged(root);
    return { [Symbol.asyncIterator]: () => scanStaged(root, opts, staged), close: () => staged.diff.child.kill() };
  }
  const history = startHistory(root, opts);
  return { [Symbol.asyncIterator]: () => history.items(), close: () => history.close() };
}

/**
 * For each path, which of its secrets occur in that path as of HEAD (all false when the path
 * is gone). One `git cat-file --batch` answers every path: a process per path would cost more
 * than the history scan itself. The secrets are only compared in memory, never passed to git.
 */
export async function presentAtHead(
  root: string,
  items: ReadonlyArray<{ path: string; secrets: readonly string[] }>,
): Promise<boolean[][]> {
  const presence = headPresence(root);
  try {
    return await presence.lookup(items);
  } finally {
    presence.close();
  }
}

/** Answers "is this secret still in its path at HEAD?", fetching while the scan runs. */
export interface HeadPresence {
  /** a secret was found in `path`: HEAD's version of the path is fetched now, in the background */
  observe(path: string, secret: string): void;
  /** the answers for these paths and secrets; fetches again a path whose secrets came after its answer */
  lookup(items: ReadonlyArray<{ path: string; secrets: readonly string[] }>): Promise<boolean[][]>;
  close(): void;
}

interface PathState {
  secrets: Set<string>;
  /** per secret: present in HEAD's version; missing entries are not answered yet */
  present: Map<string, boolean>;
  /** requests for this path not yet answered */
  inFlight: number;
}

/** A blob of `git cat-file --batch` being searched for a path's secrets as it streams. */
interface BlobSearch {
  path: string;
  /** a blob (not a tree or other object: nothing is found in those) */
  blob: boolean;
  remaining: number;
  needles: Array<{ secret: string; bytes: Buffer }>;
  found: Set<string>;
  /** the end of the content so far, as long as the longest needle less one byte: a needle across pieces is found */
  tail: Buffer;
}

/** Looks for the needles in `piece`, after what came before it (`tail`). Bytes, not text: nothing is decoded. */
function searchPiece(b: BlobSearch, piece: Buffer): void {
  if (b.needles.length === 0 || piece.length === 0) return;
  const hay = b.tail.length > 0 ? Buffer.concat([b.tail, piece]) : piece;
  let longest = 0;
  for (const n of b.needles) {
    if (!b.found.has(n.secret) && hay.includes(n.bytes)) b.found.add(n.secret);
    longest = Math.max(longest, n.bytes.length);
  }
  b.tail = Buffer.from(hay.subarray(Math.max(0, hay.length - (longest - 1))));
}

/**
 * A history scan learns the paths with findings one by one, long before it ends: asking
 * `git cat-file --batch` about each as it comes, and checking the secrets when the blob arrives
 * (the blob is then dropped), takes the 30-50 ms this costs off the end of the scan.
 */
export function headPresence(root: string): HeadPresence {
  const paths = new Map<string, PathState>();
  let proc: GitProcess | null = null;
  /** paths asked, in the order cat-file answers */
  const asked: string[] = [];
  let waiters: Array<() => void> = [];
  let failed = false;
  let unsent: string[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** an answer's header line not yet whole */
  let head: Buffer = Buffer.alloc(0);
  /** the blob being read: searched piece by piece as it streams, never held (a blob may be 100 MB) */
  let body: BlobSearch | null = null;
  /** the newline after a blob's content is still to come */
  let skipNewline = false;

  const settle = (): void => {
    if (asked.length > 0 && !failed) return;
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  /** `searched` were looked for in HEAD's version of `path` (null: no such blob); `found` were in it. */
  const answer = (path: string, searched: ReadonlySet<string> | null, found: ReadonlySet<string>): void => {
    const st = paths.get(path);
    if (!st) return;
    st.inFlight--;
    for (const sec of st.secrets) {
      if (searched === null) st.present.set(sec, false);
      else if (searched.has(sec)) st.present.set(sec, found.has(sec));
    }
    // secrets that arrived while the blob streamed were not looked for: ask again
    if (searched !== null && [...st.secrets].some((sec) => !st.present.has(sec))) ask(path);
  };
  const finishBody = (): void => {
    const b = body as BlobSearch;
    body = null;
    skipNewline = true;
    asked.shift();
    answer(b.path, b.blob ? new Set(b.needles.map((n) => n.secret)) : null, b.found);
    settle();
  };
  // Each answer: "<oid> blob <size>\n<content>\n" or "<name> missing\n" (or "ambiguous").
  const onData = (d: Buffer): void => {
    const buf = head.length > 0 ? Buffer.concat([head, d]) : d;
    head = Buffer.alloc(0);
    let pos = 0;
    while (pos < buf.length) {
      if (body) {
        const take = Math.min(body.remaining, buf.length - pos);
        searchPiece(body, buf.subarray(pos, pos + take));
        body.remaining -= take;
        pos += take;
        if (body.remaining === 0) finishBody();
        continue;
      }
      if (skipNewline) {
        skipNewline = false;
        if (buf[pos] === 0x0a) pos++;
        continue;
      }
      const nl = buf.indexOf(0x0a, pos);
      if (nl === -1) {
        head = Buffer.from(buf.subarray(pos)); // a copy: the piece it came in is not kept
        return;
      }
      const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(buf.subarray(pos, nl).toString('latin1'));
      pos = nl + 1;
      // shifted when answered, not before: an empty queue tells lookup() that all is answered
      const path = asked[0];
      if (path === undefined) continue;
      if (!m) {
        asked.shift();
        answer(path, null, new Set());
        settle();
        continue;
      }
      const st = paths.get(path);
      const needles = m[1] === 'blob' && st ? [...st.secrets].filter((sec) => sec.length > 0).map((secret) => ({ secret, bytes: Buffer.from(secret, 'utf8') })) : [];
      body = { path, blob: m[1] === 'blob', remaining: Number(m[2]), needles, found: new Set(), tail: Buffer.alloc(0) };
      if (body.remaining === 0) finishBody();
    }
  };
  const ask = (path: string): void => {
    if (failed) return;
    if (!proc) {
      proc = spawnGit(root, ['cat-file', '--batch']);
      proc.child.stdout?.on('data', onData);
      void proc.done.then(() => {
        // git is gone: what was not answered stays "not known to be present"
        failed = true;
        body = null;
        while (asked.length > 0) answer(asked.shift() as string, null, new Set());
        settle();
      });
    }
    const st = paths.get(path);
    if (st) st.inFlight++;
    asked.push(path);
    // A path with a newline cannot be asked this way: "HEAD:" names the root tree, not a blob.
    unsent.push(`HEAD:${path.includes('\n') ? '' : path}\n`);
    // Questions go out in batches: a write per path woke cat-file each time, and on two cores
    // those wake-ups took 50 ms from the history scan they were meant to hide in.
    flushTimer ??= setTimeout(send, 20);
  };
  const send = (): void => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    if (unsent.length === 0) return;
    proc?.child.stdin?.write(unsent.join(''));
    unsent = [];
  };
  const state = (path: string): PathState => {
    let st = paths.get(path);
    if (!st) {
      st = { secrets: new Set(), present: new Map(), inFlight: 0 };
      paths.set(path, st);
    }
    return st;
  };

  return {
    observe(path, secret) {
      const st = state(path);
      const first = st.secrets.size === 0;
      st.secrets.add(secret);
      if (first) ask(path);
    },
    async lookup(items) {
      for (const it of items) {
        const st = state(it.path);
        for (const sec of it.secrets) st.secrets.add(sec);
        // asked again when a secret arrived after the answer (or it was never asked)
        if (st.inFlight === 0 && it.secrets.some((sec) => !st.present.has(sec))) ask(it.path);
      }
      send();
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        settle();
      });
      return items.map((it) => it.secrets.map((sec) => paths.get(it.path)?.present.get(sec) === true));
    },
    close() {
      if (flushTimer) clearTimeout(flushTimer);
      proc?.child.stdin?.end();
      proc?.child.kill();
    },
  };
}

interface StagedStart {
  diff: GitProcess;
  output: AsyncGenerator<Buffer>;
  author: Promise<string>;
}

/**
 * Starts `git diff --cached` and the author query at once, while the caller still opens the
 * repository and loads rules: a pre-commit hook's time is mostly waiting for processes.
 */
function startStaged(root: string): StagedStart {
  // In a repository without commits `git diff --cached` compares with the empty tree.
  const diff = spawnGit(root, [...GIT_CONFIG, 'diff', '--cached', ...DIFF_FLAGS, '--no-relative']);
  diff.child.stdin?.end();
  const author = authorIdent(root);
  return { diff, output: readAhead(diff.child.stdout!), author };
}

async function* scanStaged(root: string, opts: GitOptions, started: StagedStart): AsyncGenerator<SourceItem> {
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

function startHistory(root: string, opts: GitOptions): { items: () => AsyncGenerator<SourceItem>; close: () => void } {
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

/** Boundary commits of a shallow clone: their parents are not in the repository. */
async function shallowBoundaries(root: string): Promise<string[]> {
  try {
    const file = (await (await git(root)).raw(['rev-parse', '--git-path', 'shallow'])).trim();
    const text = await readFile(resolve(root, file), 'utf8');
    return text.split('\n').filter((s) => s.length > 0);
  } catch {
    return [];
  }
}

/** "Name <email>" of whoever would author the commit; "" when git does not know. */
async function authorIdent(root: string): Promise<string> {
  try {
    const ident = (await gitOutput(root, ['var', 'GIT_AUTHOR_IDENT'])).trim();
    return ident.replace(/ \d+ [+-]\d{4}$/, '');
  } catch {
    return '';
  }
}

interface GitProcess {
  child: ChildProcess;
  /** resolves on exit; `message` is git's own error line (never file content) */
  done: Promise<{ ok: boolean; message: string }>;
}

/** The standard output of a small git query; rejects with git's own error line. */
async function gitOutput(cwd: string, args: string[]): Promise<string> {
  const proc = spawnGit(cwd, args);
  proc.child.stdin?.end();
  const chunks: Buffer[] = [];
  proc.child.stdout?.on('data', (d: Buffer) => chunks.push(d));
  const { ok, message } = await proc.done;
  if (!ok) throw new Error(message);
  return Buffer.concat(chunks).toString('utf8');
}

function spawnGit(cwd: string, args: string[], stdin: 'pipe' | Readable = 'pipe', env: Record<string, string> = {}): GitProcess {
  // The child's environment is the only use of `process` here. GIT_NO_LAZY_FETCH (git 2.44+):
  // a partial clone must not fetch missing blobs over the network; LC_ALL: English messages.
  const child = spawn('git', args, {
    cwd,
    stdio: [stdin, 'pipe', 'pipe'],
    env: { ...process.env, GIT_NO_LAZY_FETCH: '1', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...env },
  });
  // A git that exits early (not a repository, a corrupt object) makes writes to its stdin fail;
  // its exit status says why, so the pipe error itself is not one more failure.
  child.stdin?.on('error', () => undefined);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < MAX_STDERR) stderr += d.toString('utf8');
  });
  const done = new Promise<{ ok: boolean; message: string }>((resolve) => {
    child.once('error', (err) => resolve({ ok: false, message: describeError(err) }));
    child.once('close', (code, signal) => {
      const lines = stderr.split('\n');
      const first = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0] ?? '';
      const why = first || (signal ? `killed by ${signal}` : `exit code ${code ?? '?'}`);
      resolve({ ok: code === 0, message: why.trim() });
    });
  });
  return { child, done };
}
