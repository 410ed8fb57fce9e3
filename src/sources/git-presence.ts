// Presence at HEAD: is a secret found in history still in its path at HEAD? One
// `git cat-file --batch`, fed while the scan runs.
import { spawnGit, type GitProcess } from './git-spawn.js';

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
  /** resolves once every path asked so far is answered (or git is gone) */
  idle(): Promise<void>;
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
  const idle = (): Promise<void> => {
    send();
    return new Promise<void>((resolve) => {
      waiters.push(resolve);
      settle();
    });
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
      await idle();
      return items.map((it) => it.secrets.map((sec) => paths.get(it.path)?.present.get(sec) === true));
    },
    idle,
    close() {
      if (flushTimer) clearTimeout(flushTimer);
      proc?.child.stdin?.end();
      proc?.child.kill();
    },
  };
}

