// A JSON scanner that knows where every string is in the original text, which JSON.parse
// does not tell: a token in a dump must be reported at its own line and column.
// It validates structure as it goes, and its errors name an offset, never the input text.
import { MIN_SECRET_LENGTH, pointerSegment } from '../core/decode.js';

/** A string value of a JSON document, with its offsets in the scanned text (0-based). */
export interface StringLeaf {
  /** JSON pointer of the value, relative to where the scan started */
  pointer: string;
  /** offset of the member's key (its opening quote); -1 for an array item */
  keyStart: number;
  /** for an array item, offset of the item before it (a header name in a flat list); else -1 */
  prevStart: number;
  /** offset of the opening quote */
  start: number;
  /** offset after the closing quote */
  end: number;
  /** the unescaped value */
  value: string;
}

export class JsonScanError extends Error {
  override name = 'JsonScanError';
  constructor(
    /** 0-based offset in the scanned text */
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Deeper JSON is refused with a JsonScanError, not a stack overflow. */
export const MAX_JSON_DEPTH = 512;

const WS = new Uint8Array(128);
WS[0x20] = WS[0x09] = WS[0x0a] = WS[0x0d] = 1;

/**
 * Scans JSON values inside `text[..limit]`. Strings at least `minLength` long are handed to
 * `onLeaf` with their pointer; with no `onLeaf` it only finds where values end.
 */
export class JsonScanner {
  private readonly path: string[] = [];
  private depth = 0;
  onLeaf: ((leaf: StringLeaf) => void) | undefined = undefined;

  constructor(
    readonly text: string,
    readonly limit: number = text.length,
    readonly minLength: number = MIN_SECRET_LENGTH,
  ) {}

  skipWs(p: number): number {
    const t = this.text;
    while (p < this.limit) {
      const c = t.charCodeAt(p);
      if (c >= 128 || WS[c] !== 1) break;
      p++;
    }
    return p;
  }

  /** Scan the value starting at `p` (after whitespace); returns the offset after it. */
  value(p: number, keyStart = -1, prevStart = -1): number {
    p = this.skipWs(p);
    if (p >= this.limit) throw new JsonScanError(p, 'unexpected end of JSON');
    const c = this.text.charCodeAt(p);
    if (c === 0x22) {
      const end = this.stringEnd(p);
      const leafLen = end - p - 2;
      if (this.onLeaf && leafLen >= this.minLength) {
        this.onLeaf({ pointer: this.pointer(), keyStart, prevStart, start: p, end, value: this.stringValue(p, end) });
      }
      return end;
    }
    if (c === 0x7b) return this.object(p);
    if (c === 0x5b) return this.array(p);
    return this.scalar(p);
  }

  /** Offset after the string whose opening quote is at `p`. */
  stringEnd(p: number): number {
    const t = this.text;
    let q = p + 1;
    for (;;) {
      const i = t.indexOf('"', q);
      if (i < 0 || i >= this.limit) throw new JsonScanError(p, 'unterminated string');
      let b = i - 1;
      while (t.charCodeAt(b) === 0x5c) b--;
      if ((i - 1 - b) % 2 === 0) return i + 1;
      q = i + 1;
    }
  }

  stringValue(start: number, end: number): string {
    const raw = this.text.slice(start + 1, end - 1);
    if (!raw.includes('\\')) return raw;
    try {
      return JSON.parse(this.text.slice(start, end)) as string;
    } catch {
      throw new JsonScanError(start, 'bad escape in string');
    }
  }

  private pointer(): string {
    return this.path.length === 0 ? '' : `/${this.path.join('/')}`;
  }

  private enter(p: number): void {
    if (++this.depth > MAX_JSON_DEPTH) throw new JsonScanError(p, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  }

  private object(p: number): number {
    this.enter(p);
    const end = this.members(p);
    this.depth--;
    return end;
  }

  private array(p: number): number {
    this.enter(p);
    const end = this.items(p);
    this.depth--;
    return end;
  }

  private members(p: number): number {
    const t = this.text;
    p = this.skipWs(p + 1);
    if (t.charCodeAt(p) === 0x7d) return p + 1;
    for (;;) {
      if (t.charCodeAt(p) !== 0x22) throw new JsonScanError(p, 'expected a string key');
      const keyEnd = this.stringEnd(p);
      const key = this.onLeaf ? this.stringValue(p, keyEnd) : '';
      const colon = this.skipWs(keyEnd);
      if (t.charCodeAt(colon) !== 0x3a) throw new JsonScanError(colon, "expected ':'");
      this.path.push(pointerSegment(key));
      const after = this.value(colon + 1, p);
      this.path.pop();
      p = this.skipWs(after);
      const c = t.charCodeAt(p);
      if (c === 0x7d) return p + 1;
      if (c !== 0x2c) throw new JsonScanError(p, "expected ',' or '}'");
      p = this.skipWs(p + 1);
    }
  }

  private items(p: number): number {
    const t = this.text;
    p = this.skipWs(p + 1);
    if (t.charCodeAt(p) === 0x5d) return p + 1;
    let prev = -1;
    for (let i = 0; ; i++) {
      this.path.push(String(i));
      p = this.skipWs(p);
      const after = this.value(p, -1, prev);
      prev = p;
      this.path.pop();
      p = this.skipWs(after);
      const c = t.charCodeAt(p);
      if (c === 0x5d) return p + 1;
      if (c !== 0x2c) throw new JsonScanError(p, "expected ',' or ']'");
      p = p + 1;
    }
  }

  private scalar(p: number): number {
    const t = this.text;
    let q = p;
    while (q < this.limit) {
      const c = t.charCodeAt(q);
      if (c === 0x2c || c === 0x5d || c === 0x7d || (c < 128 && WS[c] === 1)) break;
      q++;
    }
    const word = t.slice(p, q);
    if (word === 'true' || word === 'false' || word === 'null') return q;
    if (q > p && /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(word)) return q;
    throw new JsonScanError(p, 'unexpected token');
  }
}

/**
 * Scan one JSON value in text[start..limit] and return its string leaves (of at least the
 * scanner's minimum length). Throws JsonScanError when the text is not one JSON value.
 */
export function scanLeaves(text: string, start = 0, limit = text.length): StringLeaf[] {
  const leaves: StringLeaf[] = [];
  const scanner = new JsonScanner(text, limit);
  scanner.onLeaf = (leaf) => leaves.push(leaf);
  const end = scanner.skipWs(scanner.value(start));
  if (end < limit) throw new JsonScanError(end, 'unexpected text after the JSON value');
  return leaves;
}

/** What a JSON document read piece by piece is made of, in order. */
export type DocumentPart =
  /** one item of the records array (an SQS "Messages", a "messages" list, a top-level array) */
  | { type: 'record'; text: string; line: number; column: number; queue?: string }
  /** text around the records, or a record too big to parse: scanned as raw text */
  | { type: 'raw'; text: string; line: number; column: number; more: boolean; continued: boolean }
  /** where the document stops being JSON; what follows comes as raw text */
  | { type: 'error'; line: number; column: number; message: string };

const QUEUE_KEYS = new Set(['QueueUrl', 'queue', 'name']);
const LIST_KEYS = new Set(['Messages', 'messages']);
/** A root-level key or queue name longer than this is not kept (it is scanned as raw text all the same). */
const MAX_NAME_CHARS = 4096;

/**
 * Splits a JSON document into its records without holding it: only the record being read (up
 * to `maxRecordChars`) is kept. Structure is checked as far as brackets, strings and what follows
 * the root; each record is parsed by its reader. Positions are 1-based lines and columns in
 * UTF-16 units, as the whole-document reader counts them.
 */
export class DocumentSplitter {
  private line = 1;
  private column = 1;
  /** open containers, by their opening character */
  private readonly stack: number[] = [];
  /** stack depth of the records array; -1 until found */
  private container = -1;
  private started = false;
  private ended = false;
  private broken = false;
  private inString = false;
  private escape = false;
  // root-object members
  private rootExpectKey = false;
  private nameBuf: string[] | null = null;
  private nameChars = 0;
  private nameIsKey = false;
  private lastKey: string | undefined;
  private queue: string | undefined;
  // the record being read
  private rec: { parts: string[]; chars: number; line: number; column: number; scalar: boolean; overflow: boolean } | null = null;
  // text outside records
  private outside: { parts: string[]; chars: number; line: number; column: number; meaningful: boolean; overflowed: boolean } | null = null;
  private out: DocumentPart[] = [];

  constructor(private readonly maxRecordChars: number) {}

  push(piece: string): DocumentPart[] {
    let segStart = 0;
    this.markSegment();
    const n = piece.length;
    for (let i = 0; i < n; i++) {
      const c = piece.charCodeAt(i);
      if (this.broken) break;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 0x5c) this.escape = true;
        else if (c === 0x22) {
          this.inString = false;
          this.endName();
          if (this.rec && this.rec.scalar && this.stack.length === this.container) {
            this.step(c);
            segStart = this.endRecord(piece, segStart, i + 1);
            continue;
          }
        } else if (this.nameBuf && this.nameChars < MAX_NAME_CHARS) {
          this.nameBuf.push(piece[i] as string);
          this.nameChars++;
        }
        this.step(c);
        continue;
      }
      if (this.rec && this.rec.scalar && this.stack.length === this.container && (c === 0x2c || c === 0x5d || c <= 0x20)) {
        segStart = this.endRecord(piece, segStart, i);
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff) {
        this.step(c);
        continue;
      }
      if (this.ended) {
        this.fail('unexpected text after the JSON document');
        break;
      }
      if (!this.rec && this.container >= 0 && this.stack.length === this.container && c !== 0x2c && c !== 0x5d) {
        segStart = this.startRecord(piece, segStart, i, c !== 0x7b && c !== 0x5b);
      } else if (!this.rec) {
        this.noteOutside(c);
      }
      if (c === 0x22) {
        this.inString = true;
        this.startName();
      } else if (c === 0x7b || c === 0x5b) {
        if (!this.started) {
          this.started = true;
          if (c === 0x5b) this.container = 1;
        }
        if (this.stack.length === 1 && this.stack[0] === 0x7b && c === 0x5b && this.container < 0 && this.lastKey !== undefined && LIST_KEYS.has(this.lastKey)) {
          this.container = 2;
        }
        this.stack.push(c);
        if (this.stack.length === 1 && c === 0x7b) this.rootExpectKey = true;
      } else if (c === 0x7d || c === 0x5d) {
        const open = this.stack.pop();
        if (open === undefined || (open === 0x7b) !== (c === 0x7d)) {
          this.fail(open === undefined ? 'unexpected closing bracket' : 'mismatched bracket');
          break;
        }
        if (this.stack.length === 0) this.ended = true;
        if (this.rec && !this.rec.scalar && this.stack.length === this.container) {
          this.step(c);
          segStart = this.endRecord(piece, segStart, i + 1);
          continue;
        }
      } else if (c === 0x2c && this.stack.length === 1 && this.stack[0] === 0x7b) {
        this.rootExpectKey = true;
      } else if (!this.started) {
        this.fail('expected a JSON object or array');
        break;
      }
      this.step(c);
    }
    this.keep(piece, segStart, n);
    const out = this.out;
    this.out = [];
    return out;
  }

  end(): DocumentPart[] {
    if (!this.broken && (this.inString || this.stack.length > 0 || !this.started)) {
      if (this.started || this.inString) this.fail('unexpected end of JSON');
    }
    if (this.rec) this.recordAsRaw(false);
    this.flushOutside(false);
    const out = this.out;
    this.out = [];
    return out;
  }

  // ---- positions

  private step(c: number): void {
    if (c === 0x0a) {
      this.line++;
      this.column = 1;
    } else {
      this.column++;
    }
  }

  /** Where the text not yet kept starts: outside text is kept lazily, from there. */
  private segLine = 1;
  private segColumn = 1;

  private markSegment(): void {
    this.segLine = this.line;
    this.segColumn = this.column;
  }

  private fail(message: string): void {
    this.out.push({ type: 'error', line: this.line, column: this.column, message });
    this.broken = true;
    // a record in progress is scanned as text, as is everything after
    if (this.rec) this.recordAsRaw(true);
  }

  // ---- root-level names (keys, the queue)

  private startName(): void {
    const atRoot = this.stack.length === 1 && this.stack[0] === 0x7b && !this.rec;
    if (!atRoot) return;
    this.nameIsKey = this.rootExpectKey;
    if (!this.nameIsKey && (this.lastKey === undefined || !QUEUE_KEYS.has(this.lastKey))) return;
    this.nameBuf = [];
    this.nameChars = 0;
  }

  private endName(): void {
    if (!this.nameBuf) return;
    const raw = this.nameChars >= MAX_NAME_CHARS ? undefined : this.nameBuf.join('');
    this.nameBuf = null;
    let value: string | undefined;
    try {
      value = raw === undefined ? undefined : (JSON.parse(`"${raw}"`) as string);
    } catch {
      value = undefined;
    }
    if (this.nameIsKey) {
      this.lastKey = value;
      this.rootExpectKey = false;
    } else if (value && this.queue === undefined) {
      this.queue = this.lastKey === 'QueueUrl' ? value.split('/').pop() : value;
    }
  }

  // ---- records

  private startRecord(piece: string, segStart: number, i: number, scalar: boolean): number {
    this.keep(piece, segStart, i);
    this.flushOutside(false);
    this.rec = { parts: [], chars: 0, line: this.line, column: this.column, scalar, overflow: false };
    return i;
  }

  private endRecord(piece: string, segStart: number, end: number): number {
    this.keep(piece, segStart, end);
    const rec = this.rec;
    this.rec = null;
    this.markSegment();
    if (rec && !rec.overflow) {
      const part: DocumentPart = { type: 'record', text: rec.parts.join(''), line: rec.line, column: rec.column };
      if (this.queue) part.queue = this.queue;
      this.out.push(part);
    } else if (rec) {
      this.out.push({ type: 'raw', text: rec.parts.join(''), line: rec.line, column: rec.column, more: false, continued: true });
    }
    return end;
  }

  /** Text of the piece from `from` to `to` goes to the record or the outside text being read. */
  private keep(piece: string, from: number, to: number): void {
    if (to <= from) return;
    const text = piece.slice(from, to);
    const rec = this.rec;
    if (rec) {
      rec.parts.push(text);
      rec.chars += text.length;
      if (rec.chars > this.maxRecordChars) {
        // too big to parse: handed on as raw text, in pieces, from where it started
        this.out.push({ type: 'raw', text: rec.parts.join(''), line: rec.line, column: rec.column, more: true, continued: rec.overflow });
        rec.overflow = true;
        rec.parts = [];
        rec.chars = 0;
      }
      return;
    }
    if (!this.outside) {
      this.outside = { parts: [], chars: 0, line: this.segLine, column: this.segColumn, meaningful: this.broken, overflowed: false };
    }
    const o = this.outside;
    o.parts.push(text);
    o.chars += text.length;
    if (this.broken) o.meaningful = true;
    if (o.chars > this.maxRecordChars) this.flushOutside(true);
  }

  private recordAsRaw(more: boolean): void {
    const rec = this.rec;
    if (!rec) return;
    this.rec = null;
    const text = rec.parts.join('');
    if (text !== '' || rec.overflow) this.out.push({ type: 'raw', text, line: rec.line, column: rec.column, more, continued: rec.overflow });
    // what follows continues this raw text
    if (more) this.outside = { parts: [], chars: 0, line: rec.line, column: rec.column, meaningful: true, overflowed: true };
  }

  /** Outside text with more than brackets, commas and names of the layout is scanned raw. */
  private noteOutside(c: number): void {
    if (c === 0x7b || c === 0x7d || c === 0x5b || c === 0x5d || c === 0x2c || c === 0x3a) return;
    if (this.outside) this.outside.meaningful = true;
    else this.pendingMeaningful = true;
  }

  private pendingMeaningful = false;

  private flushOutside(more: boolean): void {
    const o = this.outside;
    if (!o) {
      this.pendingMeaningful = false;
      return;
    }
    const meaningful = o.meaningful || this.pendingMeaningful;
    if (meaningful || o.overflowed) {
      this.out.push({ type: 'raw', text: o.parts.join(''), line: o.line, column: o.column, more, continued: o.overflowed });
    }
    this.pendingMeaningful = false;
    if (more) {
      o.parts = [];
      o.chars = 0;
      o.overflowed = true;
    } else {
      this.outside = null;
    }
  }
}
