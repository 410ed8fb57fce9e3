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
export function scanLeaves(text: string, start = 0, limit = text.length, minLength = MIN_SECRET_LENGTH): StringLeaf[] {
  const leaves: StringLeaf[] = [];
  const scanner = new JsonScanner(text, limit, minLength);
  scanner.onLeaf = (leaf) => leaves.push(leaf);
  const end = scanner.skipWs(scanner.value(start));
  if (end < limit) throw new JsonScanError(end, 'unexpected text after the JSON value');
  return leaves;
}

