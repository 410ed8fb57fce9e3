// Incremental parser of `git diff-tree --stdin -p --cc -U0` (and `git diff --cached -p -U0`)
// output. It never holds more than one fragment (CHUNK_CHARS + OVERLAP characters) and one
// header line: a run of consecutive added lines becomes one fragment, cut with overlap when
// it grows past the chunk size, so huge blobs and minified one-line files stay bounded.
//
// Only ADDED lines are emitted: a secret kept across many commits appears once, at the
// commit that added it. For merges (combined diff, one prefix column per parent) only lines
// added relative to EVERY parent are emitted: evil-merge content and conflict resolutions,
// not what a side branch already brought (its own commits report that).
import { StringDecoder } from 'node:string_decoder';
import type { Fragment, SourceItem } from '../core/types.js';
import { advance, CHUNK_CHARS, OVERLAP } from './chunks.js';

/** The commit a diff belongs to, as it goes into provenance. */
export interface CommitInfo {
  commit: string;
  author: string;
  /** ISO 8601, UTC */
  date: string;
}

export interface DiffParserOptions {
  chunkChars?: number;
  overlap?: number;
  /** stats of a diff that is not a commit (the staged case) carry no `commits` count */
  countCommits?: boolean;
}

/** Separator that starts every commit header in our `--format`; it cannot start a diff line. */
export const RECORD_START = 0x1e;
export const FIELD_SEP = '\x1f';
/** `%H %P %aI %an <%ae>`: the author goes last so that any character in it is harmless. */
export const COMMIT_FORMAT = '%x1e%H%x1f%P%x1f%aI%x1f%an <%ae>';

/** Header lines longer than this are truncated (paths are bounded by PATH_MAX anyway). */
const MAX_HEADER_BYTES = 64 * 1024;
/** Bytes needed at a line start to decide what the line is (more for an octopus merge). */
const CLASSIFY_BYTES = 8;

type Mode = 'start' | 'added' | 'skip' | 'header';

const PLUS = 0x2b;
const MINUS = 0x2d;
const SPACE = 0x20;
const BACKSLASH = 0x5c;

/**
 * Feed it stdout chunks with `push`, then call `end`; both return the items produced.
 * One instance per git process.
 */
export class DiffParser {
  private readonly chunkChars: number;
  private readonly overlap: number;
  private readonly countCommits: boolean;
  private readonly decoder = new StringDecoder('utf8');

  private commit: CommitInfo | null;
  private commitOpen: boolean;
  private bytes = 0;
  private binary = 0;

  private path: string | null = null;
  private inHunk = false;
  /** prefix columns of a diff line: 1, or the number of parents in a combined diff */
  private columns = 1;
  /** new-file line number of the next line that belongs to the result */
  private newLine = 1;

  private mode: Mode = 'start';
  private head: string | null = null;
  private header: string[] = [];
  private headerBytes = 0;
  /** whether the current skipped line is part of the new file (advances newLine) */
  private skipInResult = false;

  /**
   * Current run of added lines, as parts joined when it becomes a fragment: a string built by
   * `+=` line after line is a tree that V8 must flatten before any scan, which cost more than
   * the scan itself.
   */
  private run: { parts: string[]; length: number; line: number; column: number } | null = null;

  /** the last commit whose header was parsed (the one being parsed, or the last complete one) */
  lastCommit: string | null = null;

  constructor(initial: CommitInfo | null, opts: DiffParserOptions = {}) {
    this.chunkChars = opts.chunkChars ?? CHUNK_CHARS;
    this.overlap = opts.overlap ?? OVERLAP;
    this.countCommits = opts.countCommits ?? true;
    this.commit = initial;
    this.commitOpen = initial !== null;
  }

  // One UTF-8 decode per chunk, then lines as strings: decoding line by line cost more than
  // the parse itself (a character split across chunks is held back by the decoder).
  push(chunk: Buffer): SourceItem[] {
    const out: SourceItem[] = [];
    const text = this.decoder.write(chunk);
    let pos = 0;
    while (pos < text.length) {
      if (this.mode === 'start' && this.head === null && this.inHunk && this.columns === 1 && text.charCodeAt(pos) === PLUS) {
        const end = this.addedLines(text, pos, out);
        if (end > pos) {
          pos = end;
          continue;
        }
      }
      const nl = text.indexOf('\n', pos);
      const end = nl === -1 ? text.length : nl;
      this.piece(text.slice(pos, end), nl !== -1, out);
      pos = end + 1;
    }
    return out;
  }

  /**
   * The complete "+" lines of a plain (one-parent) hunk from `start` on, taken as one block:
   * what classify() and piece() do line by line, with one slice and one replace for the block.
   * Most of a history's bytes are added files, so this is most of the parse. Returns the
   * position after the block (`start` when there is no complete line).
   */
  private addedLines(text: string, start: number, out: SourceItem[]): number {
    let end = start;
    let lines = 0;
    while (end < text.length && text.charCodeAt(end) === PLUS) {
      const nl = text.indexOf('\n', end);
      if (nl === -1) break;
      end = nl + 1;
      lines++;
    }
    if (lines === 0) return start;
    const block = text.slice(start, end);
    // each line's "+" is one byte, its newline counts
    this.bytes += byteLength(block) - lines;
    const content = block.slice(1, -1).replaceAll('\n+', '\n');
    if (this.run) this.appendToRun(`\n${content}`, out);
    else {
      this.run = newRun(this.newLine);
      this.appendToRun(content, out);
    }
    this.newLine += lines;
    return end;
  }

  end(): SourceItem[] {
    const out: SourceItem[] = [];
    const rest = this.decoder.end();
    if (rest) this.piece(rest, false, out);
    if (this.mode !== 'start' || this.head) this.piece('', true, out);
    this.finishCommit(out);
    return out;
  }

  private piece(seg: string, eol: boolean, out: SourceItem[]): void {
    if (this.mode === 'start') {
      if (this.head) {
        seg = this.head + seg;
        this.head = null;
      }
      if (!eol && seg.length < Math.max(CLASSIFY_BYTES, this.columns + 1)) {
        this.head = seg;
        return;
      }
      seg = this.classify(seg, out);
    }
    switch (this.mode) {
      case 'added':
        this.bytes += byteLength(seg);
        this.appendToRun(seg, out);
        if (eol) {
          this.bytes += 1;
          this.newLine++;
        }
        break;
      case 'skip':
        if (eol && this.skipInResult) this.newLine++;
        break;
      case 'header':
        if (this.headerBytes < MAX_HEADER_BYTES) {
          const room = MAX_HEADER_BYTES - this.headerBytes;
          const part = seg.length > room ? seg.slice(0, room) : seg;
          this.header.push(part);
          this.headerBytes += part.length;
        }
        if (eol) {
          const line = this.header.join('');
          this.header = [];
          this.headerBytes = 0;
          this.headerLine(line, out);
        }
        break;
      case 'start':
        break;
    }
    if (eol) this.mode = 'start';
  }

  /** Decides what the line starting with `seg` is; returns the part of `seg` left to process. */
  private classify(seg: string, out: SourceItem[]): string {
    if (this.inHunk) {
      const first = seg.charCodeAt(0);
      if (first === PLUS || first === MINUS || first === SPACE) {
        let added = true;
        let inResult = true;
        for (let i = 0; i < this.columns; i++) {
          const c = seg.charCodeAt(i);
          if (c !== PLUS) added = false;
          if (c === MINUS) inResult = false;
        }
        if (added) {
          this.mode = 'added';
          if (this.run) this.appendToRun('\n', out);
          else this.run = newRun(this.newLine);
          return seg.slice(this.columns);
        }
        this.flushRun(out);
        this.mode = 'skip';
        this.skipInResult = inResult;
        return seg;
      }
      if (first === BACKSLASH) {
        // "\ No newline at end of file"
        this.mode = 'skip';
        this.skipInResult = false;
        return seg;
      }
      this.flushRun(out);
      this.inHunk = false;
    }
    this.mode = 'header';
    return seg;
  }

  private headerLine(line: string, out: SourceItem[]): void {
    if (line.charCodeAt(0) === RECORD_START) {
      this.finishCommit(out);
      this.startCommit(line.slice(1));
    } else if (line.startsWith('diff ')) {
      this.path = null;
    } else if (line.startsWith('+++ ')) {
      this.path = parseDiffPath(line.slice(4), 'b/');
    } else if (line.startsWith('@@')) {
      const hunk = parseHunkHeader(line);
      if (hunk && this.path !== null) {
        this.inHunk = true;
        this.columns = hunk.columns;
        this.newLine = hunk.newStart;
      }
    } else if (line.startsWith('Binary files ') && line.endsWith(' differ') && !line.endsWith(' /dev/null differ')) {
      this.binary++;
    }
  }

  private startCommit(header: string): void {
    const [hash = '', , date = '', ...rest] = header.split(FIELD_SEP);
    const parsed = Date.parse(date);
    this.commit = {
      commit: hash,
      author: rest.join(FIELD_SEP),
      date: Number.isNaN(parsed) ? date : new Date(parsed).toISOString(),
    };
    this.commitOpen = true;
    this.lastCommit = hash;
    this.path = null;
    this.inHunk = false;
  }

  private finishCommit(out: SourceItem[]): void {
    this.flushRun(out);
    if (!this.commitOpen) return;
    const stat: SourceItem = { type: 'stat', bytes: this.bytes };
    if (this.countCommits) stat.commits = 1;
    if (this.binary > 0) stat.binarySkipped = this.binary;
    out.push(stat);
    this.bytes = 0;
    this.binary = 0;
    this.commitOpen = false;
  }

  private appendToRun(s: string, out: SourceItem[]): void {
    const run = this.run;
    if (!run || s.length === 0) return;
    run.parts.push(s);
    run.length += s.length;
    const limit = this.chunkChars + this.overlap;
    if (run.length < limit) return;
    let rest = run.parts.join('');
    while (rest.length >= limit) {
      const text = rest.slice(0, limit);
      const fragment = { ...this.fragment(text, run.line, run.column), acceptBefore: this.chunkChars };
      out.push({ type: 'fragment', fragment });
      ({ line: run.line, column: run.column } = advance(text, this.chunkChars, run.line, run.column));
      rest = rest.slice(this.chunkChars);
    }
    run.parts = [rest];
    run.length = rest.length;
  }

  private flushRun(out: SourceItem[]): void {
    const run = this.run;
    this.run = null;
    if (run && run.length > 0) {
      out.push({ type: 'fragment', fragment: this.fragment(run.parts.join(''), run.line, run.column) });
    }
  }


  private fragment(text: string, line: number, column: number): Fragment {
    const c = this.commit ?? { commit: '', author: '', date: '' };
    return {
      text,
      provenance: { kind: 'git', path: this.path ?? '', commit: c.commit, author: c.author, date: c.date },
      line,
      column,
    };
  }
}

/** `@@ -a,b +c,d @@` or, combined, `@@@ -a,b -c,d +e,f @@@`: prefix columns and new start line. */
export function parseHunkHeader(line: string): { columns: number; newStart: number } | null {
  let ats = 0;
  while (line.charCodeAt(ats) === 0x40) ats++;
  const m = / \+(\d+)(?:,\d+)? @/.exec(line);
  if (ats < 2 || !m?.[1]) return null;
  // "+c,0" (nothing added) names the line before; no added line follows then anyway
  return { columns: ats - 1, newStart: Number(m[1]) };
}

/**
 * A path in a `--- a/…` / `+++ b/…` line: `/dev/null`, a plain path (git appends a TAB when it
 * holds a space), or a C-quoted one (`"b/qu\"ote"`, octal escapes for bytes when
 * core.quotePath is on). Returns null for /dev/null.
 */
export function parseDiffPath(raw: string, prefix: string): string | null {
  let path: string;
  if (raw.startsWith('"')) {
    path = unquoteC(raw);
  } else {
    path = raw.endsWith('\t') ? raw.slice(0, -1) : raw;
    if (path === '/dev/null') return null;
  }
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 0x22, '\\': 0x5c };

/** Undoes git's quote_c_style: the result's bytes are UTF-8. Stops at the closing quote. */
export function unquoteC(quoted: string): string {
  const src = Buffer.from(quoted, 'utf8');
  const bytes: number[] = [];
  for (let i = 1; i < src.length; i++) {
    const c = src[i] as number;
    if (c === 0x22) break;
    if (c !== BACKSLASH) {
      bytes.push(c);
      continue;
    }
    const next = src[i + 1];
    if (next === undefined) break;
    if (next >= 0x30 && next <= 0x37) {
      bytes.push(parseInt(src.subarray(i + 1, i + 4).toString('latin1'), 8) & 0xff);
      i += 3;
    } else {
      bytes.push(C_ESCAPES[String.fromCharCode(next)] ?? next);
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function newRun(line: number): { parts: string[]; length: number; line: number; column: number } {
  return { parts: [], length: 0, line, column: 1 };
}
