/**
 * The keyword prefilter: which of the rules' keywords occur in a text, ignoring ASCII case.
 *
 * One pass over the text keeps a rolling hash of the last three characters and looks it up in
 * a table of every keyword's first three characters; only where the table says "a keyword may
 * start here" are the characters compared. The hash keeps 5 bits of each character, which are
 * the same for both cases of an ASCII letter: one table entry per keyword start, whatever the
 * case, in a 32 KiB table. (A 21-bit table of every case variant cost a pre-commit run ~6 ms
 * of page faults to fill.) Characters that share their low 5 bits (`0` and `p`, `-` and `m`)
 * share entries too; the comparison tells them apart. The regex engine
 * cannot do this for us: an alternation of 90 keywords that start on twenty letters gives V8
 * no literal to search for, so it walks its automaton at every position (225 MB/s on 60 MB of
 * the bench corpus). The same loop in JavaScript runs at about 400 MB/s; in WebAssembly
 * (keywords.wat), over a file's bytes or a string narrowed to one byte per unit, at about
 * 800 MB/s. The JavaScript loop is kept for where WebAssembly is unavailable (node --jitless).
 *
 * Keywords shorter than three characters are looked up with indexOf, one case variant at a
 * time; keywords outside ASCII go to a regex of their own.
 */
import { KEYWORDS_WASM } from './keywords-wasm.js';

export interface KeywordScanner {
  /** distinct keywords present in `text` (lower case), compared ASCII-case-insensitively */
  scan(text: string): string[];
  /** the same for UTF-8 bytes, without decoding them (unless a keyword is outside ASCII) */
  scanBytes(bytes: Uint8Array): string[];
  /** which loop runs: WebAssembly, or JavaScript where WebAssembly is unavailable */
  readonly engine: 'wasm' | 'js';
}

export interface KeywordScannerOptions {
  /** force the JavaScript loop (tests compare both) */
  engine?: 'wasm' | 'js';
}

const HASH_BITS = 15; // the JavaScript loop's mask 0x7fff is this, written out
const WASM_MIN_LENGTH = 512;
const HASH_MASK = (1 << HASH_BITS) - 1;

/** Keywords grouped by their first three characters; `table` maps each case variant's hash to a group. */
interface HashedKeywords {
  keywords: readonly string[];
  table: Uint8Array;
  /** bucket → keyword ids; bucket 0 is empty */
  buckets: ReadonlyArray<readonly number[]>;
  /** per keyword id, its lower-case character codes */
  codes: ReadonlyArray<Int32Array>;
}

/** Adds each hashed keyword found in the input to `out` (once, via `found`). */
interface HashedScan {
  text: (text: string, found: Uint8Array, out: string[]) => void;
  bytes: (bytes: Uint8Array, found: Uint8Array, out: string[]) => void;
}

export function createKeywordScanner(words: readonly string[], opts: KeywordScannerOptions = {}): KeywordScanner {
  const keywords = [...new Set(words.map((w) => w.toLowerCase()))];
  const hashed: number[] = [];
  const others: number[] = [];
  for (const [id, k] of keywords.entries()) (k.length >= 3 && isAscii(k) ? hashed : others).push(id);

  // table[hash of the first three characters] = bucket; 0 = no keyword.
  const table = new Uint8Array(1 << HASH_BITS);
  const buckets: number[][] = [[]];
  for (const id of hashed) {
    const h = hash3(keywords[id] as string);
    let b = table[h] as number;
    if (b === 0) {
      // Starts with the same hash share a bucket, and past 255 buckets (what a byte holds) so
      // do others: confirm() compares whole keywords, so sharing costs a few more comparisons
      // on a hit, never a missed keyword.
      if (buckets.length <= 255) {
        b = buckets.length;
        buckets.push([]);
      } else {
        b = 1 + (h % 255);
      }
      table[h] = b;
    }
    buckets[b]?.push(id);
  }
  const set: HashedKeywords = { keywords, table, buckets, codes: keywords.map(charCodes) };
  // The WebAssembly loop is built on the first long text: a pre-commit run that only ever
  // scans short texts need not compile it.
  let wasm: HashedScan | null | undefined = opts.engine === 'js' || hashed.length === 0 ? null : undefined;
  const longScan = (): HashedScan | null => (wasm === undefined ? (wasm = wasmScan(set)) : wasm);
  const js = jsScan(set);
  // A call into WebAssembly and the copy into its memory cost more than they save on short
  // texts (a queue dump's millions of small fields): those take the JavaScript loop.
  const scanHashed: HashedScan = {
    text: (text, found, out) => (text.length < WASM_MIN_LENGTH ? js : (longScan() ?? js)).text(text, found, out),
    bytes: (bytes, found, out) => (bytes.length < WASM_MIN_LENGTH ? js : (longScan() ?? js)).bytes(bytes, found, out),
  };

  // Short ASCII keywords (`q~`): every case variant through indexOf, which V8 runs natively and
  // far faster than a case-insensitive regex over the whole text (which cost 3% of a dir scan).
  // (letters counted first: the variants of a long keyword would be 2^letters strings)
  const short = others.filter((id) => isAscii(keywords[id] as string) && ((keywords[id] as string).match(/[a-z]/gi)?.length ?? 0) <= 2);
  const shortVariants = short.map((id) => ({ id, variants: caseVariants(keywords[id] as string) }));
  const regexOnly = others.filter((id) => !short.includes(id));
  const rest = regexOnly.length > 0 ? new RegExp(regexOnly.map((id) => escapeRegex(keywords[id] as string)).join('|'), 'gi') : undefined;

  const addRest = (out: string[], text: string): void => {
    if (!rest) return;
    rest.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = rest.exec(text)) !== null) {
      const k = m[0].toLowerCase();
      if (!out.includes(k)) out.push(k);
    }
  };
  // One array for every call (reset each time): a queue dump calls this for millions of small
  // fields, where allocating it cost more than the scan.
  const found = new Uint8Array(keywords.length);

  return {
    get engine() {
      return longScan() ? 'wasm' : 'js';
    },
    scan(text) {
      found.fill(0);
      const out: string[] = [];
      if (hashed.length > 0) scanHashed.text(text, found, out);
      for (const { id, variants } of shortVariants) {
        for (const v of variants) {
          if (text.includes(v)) {
            out.push(keywords[id] as string);
            break;
          }
        }
      }
      addRest(out, text);
      return out;
    },
    scanBytes(bytes) {
      found.fill(0);
      const out: string[] = [];
      if (hashed.length > 0) scanHashed.bytes(bytes, found, out);
      if (shortVariants.length > 0) {
        const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        for (const { id, variants } of shortVariants) if (variants.some((v) => buf.includes(v))) out.push(keywords[id] as string);
      }
      if (rest) addRest(out, utf8.decode(bytes));
      return out;
    },
  };
}

const utf8 = new TextDecoder('utf-8');

/**
 * The keywords of `bucket` that start at `at` of an input of n units (`unit(i)`: the i-th,
 * compared ASCII-case-insensitively), each added to `out` once. Both loops report candidates
 * here: a table hit only says a keyword may start there.
 */
function confirm({ keywords, buckets, codes }: HashedKeywords, bucket: number, at: number, n: number, unit: (i: number) => number, found: Uint8Array, out: string[]): void {
  candidates: for (const id of buckets[bucket] as number[]) {
    if (found[id] === 1) continue;
    const c = codes[id] as Int32Array;
    const len = c.length;
    if (at + len > n) continue;
    for (let j = 0; j < len; j++) {
      let x = unit(at + j);
      if (x >= 65 && x <= 90) x |= 32;
      if (x !== c[j]) continue candidates;
    }
    found[id] = 1;
    out.push(keywords[id] as string);
  }
}

function jsScan(set: HashedKeywords): HashedScan {
  const text = jsScanText(set);
  return { text, bytes: (bytes, found, out) => text(utf8.decode(bytes), found, out) };
}

function jsScanText(set: HashedKeywords): HashedScan['text'] {
  const { table } = set;
  return (text, found, out) => {
    const n = text.length;
    const unit = (i: number): number => text.charCodeAt(i);
    let h = 0;
    for (let i = 0; i < n; i++) {
      // Characters above 127 alias ASCII ones here; confirm() rejects them. The mask
      // is a literal: a module constant is loaded from memory on every character.
      h = ((h << 5) | (text.charCodeAt(i) & 31)) & 0x7fff;
      const b = table[h] as number;
      if (b === 0) continue;
      if (i >= 2) confirm(set, b, i - 2, n, unit, found, out);
    }
  };
}

// The few WebAssembly APIs used here (the project's TypeScript libs do not declare them).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
};

interface WasmExports {
  memory: WasmMemory;
  scan: (p: number, i0: number, n: number, h0: number, tab: number, out: number, max: number) => number;
}

/**
 * The same scan in WebAssembly over the text's UTF-8 bytes (keywords are ASCII, so a byte
 * comparison is exact). Memory: the 32 KiB table, room for 64 Ki hits, then the input, grown to
 * the largest text seen (fragments are at most about 1 MiB). Null when WebAssembly is unavailable.
 */
function wasmScan(set: HashedKeywords): HashedScan | null {
  const { table } = set;
  let exports: WasmExports;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(KEYWORDS_WASM, 'base64')));
    exports = instance.exports as WasmExports;
  } catch {
    return null;
  }
  const { memory, scan } = exports;
  const TABLE = 0;
  const MAX_HITS = 64 * 1024;
  const HITS = table.length;
  const INPUT = HITS + MAX_HITS * 8;
  let bytes = Buffer.from(memory.buffer);
  let hits = new Int32Array(memory.buffer);
  const reserve = (inputBytes: number): void => {
    const need = INPUT + inputBytes;
    if (need > memory.buffer.byteLength) {
      memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
      bytes = Buffer.from(memory.buffer);
      hits = new Int32Array(memory.buffer);
    }
  };
  reserve(64 * 1024);
  bytes.set(table, TABLE);

  /**
   * Scans the n bytes at INPUT; `unit(i)` is the input's i-th unit as the candidates are
   * confirmed against it (the bytes themselves, or the string they were narrowed from).
   */
  const scanInput = (n: number, found: Uint8Array, out: string[], unit: (i: number) => number): void => {
    let from = 0;
    let h = 0;
    for (;;) {
      const count = scan(INPUT, from, n, h, TABLE, HITS, MAX_HITS);
      for (let k = 0; k < count; k++) {
        const at = (hits[(HITS >> 2) + 2 * k] as number) - 2;
        if (at >= 0) confirm(set, hits[(HITS >> 2) + 2 * k + 1] as number, at, n, unit, found, out);
      }
      if (count < MAX_HITS) return;
      // The hit list was full: go on after the last hit, with the hash of the bytes before it.
      const last = hits[(HITS >> 2) + 2 * (count - 1)] as number;
      from = last + 1;
      h = 0;
      for (let j = Math.max(0, last - 2); j <= last; j++) h = ((h << 5) | ((bytes[INPUT + j] as number) & 31)) & HASH_MASK;
    }
  };

  return {
    text(text, found, out) {
      // One byte per UTF-16 unit, the low eight bits (a copy for a string V8 stores as Latin-1,
      // which most text is): offsets stay string offsets, and the hash only uses five bits
      // anyway. A character above 255 may then look like an ASCII one to the loop, so the
      // candidates are confirmed against the string itself.
      reserve(text.length);
      bytes.write(text, INPUT, text.length, 'latin1');
      scanInput(text.length, found, out, (i) => text.charCodeAt(i));
    },
    bytes(input, found, out) {
      reserve(input.length);
      bytes.set(input, INPUT);
      scanInput(input.length, found, out, (i) => bytes[INPUT + i] as number);
    },
  };
}

function hash3(s: string): number {
  return hashCodes(s.charCodeAt(0), s.charCodeAt(1), s.charCodeAt(2));
}

function hashCodes(a: number, b: number, c: number): number {
  return (((a & 31) << 10) | ((b & 31) << 5) | (c & 31)) & HASH_MASK;
}

function charCodes(s: string): Int32Array {
  const out = new Int32Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function caseVariants(s: string): string[] {
  let out = [''];
  for (const ch of s) {
    const lo = ch.toLowerCase();
    const up = ch.toUpperCase();
    out = out.flatMap((p) => (lo === up ? [p + lo] : [p + lo, p + up]));
  }
  return out;
}

function isAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
