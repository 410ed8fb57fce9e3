// A JSON document read piece by piece, split into the items of its records array without
// holding it: a 200 MB SQS export or an 80 MB report costs one record of memory, not the
// document's several times over. Used by the queue source and the baseline filter.

/** What a JSON document read piece by piece is made of, in order. */
export type DocumentPart =
  /** one item of the records array (an SQS "Messages", a "messages" list, a top-level array) */
  | { type: 'record'; text: string; line: number; column: number; queue?: string }
  /** text around the records, or a record too big to parse: scanned as raw text */
  | { type: 'raw'; text: string; line: number; column: number; more: boolean; continued: boolean; of: 'record' | 'outside' }
  /** where the document stops being JSON; what follows comes as raw text */
  | { type: 'error'; line: number; column: number; message: string };

/** Which root members hold the records, and which name the queue. */
export interface DocumentLayout {
  lists: ReadonlySet<string>;
  names: ReadonlySet<string>;
  /** the records array is a member of this root member's object, not of the root (HAR: `log.entries`) */
  parent?: string;
}

/** SQS ({"QueueUrl", "Messages": [...]}) and the {"queue"|"name", "messages": [...]} wrapper. */
export const QUEUE_LAYOUT: DocumentLayout = { lists: new Set(['Messages', 'messages']), names: new Set(['QueueUrl', 'queue', 'name']) };
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
  /** depth of the object whose keys are watched: the root (1), or the `parent` member's object (2) */
  private keyDepth = 1;
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

  constructor(
    private readonly maxRecordChars: number,
    private readonly layout: DocumentLayout = QUEUE_LAYOUT,
  ) {}

  /** The first character of the root value ("{" or "["), once read. */
  get root(): string | undefined {
    return this.rootChar;
  }

  /** Whether a records array was found (a root array is one). */
  get foundList(): boolean {
    return this.container >= 0;
  }

  private rootChar: string | undefined;

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
          this.rootChar = c === 0x5b ? '[' : '{';
          if (c === 0x5b) this.container = 1;
        }
        if (this.atKeyDepth() && c === 0x5b && this.container < 0 && this.lastKey !== undefined && this.layout.lists.has(this.lastKey)) {
          this.container = this.keyDepth + 1;
        }
        const enterParent = this.layout.parent !== undefined && this.keyDepth === 1 && this.atKeyDepth() && c === 0x7b && this.container < 0 && this.lastKey === this.layout.parent;
        this.stack.push(c);
        if (this.stack.length === 1 && c === 0x7b) this.rootExpectKey = true;
        if (enterParent) {
          this.keyDepth = 2;
          this.rootExpectKey = true;
          this.lastKey = undefined;
        }
      } else if (c === 0x7d || c === 0x5d) {
        const open = this.stack.pop();
        if (open === undefined || (open === 0x7b) !== (c === 0x7d)) {
          this.fail(open === undefined ? 'unexpected closing bracket' : 'mismatched bracket');
          break;
        }
        if (this.stack.length === 0) this.ended = true;
        if (this.keyDepth === 2 && this.stack.length === 1) {
          this.keyDepth = 1;
          this.rootExpectKey = false;
        }
        if (this.rec && !this.rec.scalar && this.stack.length === this.container) {
          this.step(c);
          segStart = this.endRecord(piece, segStart, i + 1);
          continue;
        }
      } else if (c === 0x2c && this.atKeyDepth()) {
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

  /** Directly inside the object whose keys are watched. */
  private atKeyDepth(): boolean {
    return this.stack.length === this.keyDepth && this.stack[this.keyDepth - 1] === 0x7b;
  }

  private startName(): void {
    const atRoot = this.atKeyDepth() && !this.rec;
    if (!atRoot) return;
    this.nameIsKey = this.rootExpectKey;
    if (!this.nameIsKey && (this.lastKey === undefined || !this.layout.names.has(this.lastKey))) return;
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
      this.out.push({ type: 'raw', text: rec.parts.join(''), line: rec.line, column: rec.column, more: false, continued: true, of: 'record' });
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
        this.out.push({ type: 'raw', text: rec.parts.join(''), line: rec.line, column: rec.column, more: true, continued: rec.overflow, of: 'record' });
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
    if (text !== '' || rec.overflow) this.out.push({ type: 'raw', text, line: rec.line, column: rec.column, more, continued: rec.overflow, of: 'record' });
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
      this.out.push({ type: 'raw', text: o.parts.join(''), line: o.line, column: o.column, more, continued: o.overflowed, of: 'outside' });
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
