// The only forms in which secrets leave the scanner: redact() for one secret, the Redactor for
// every other string that reaches an output, and escapeControl() for what reaches a terminal.
import type { SecretRef } from './types.js';
import { sha256Hex } from './fingerprint.js';

/**
 * The only form in which a secret leaves the detector: its public prefix (when the format has
 * one), an ellipsis and at most 4 trailing characters — never more than a quarter of the rest.
 */
export function redact(secret: string, prefix?: RegExp): SecretRef {
  const shown = prefix?.exec(secret)?.[0] ?? '';
  // A prefix that is most of the secret would reveal it: then show nothing of it.
  const pre = shown.length <= secret.length / 2 ? shown : '';
  const rest = secret.length - pre.length;
  const tail = Math.min(4, Math.floor(rest / 4));
  return {
    redacted: `${pre}…${tail > 0 ? secret.slice(secret.length - tail) : ''}`,
    sha256: sha256Hex(secret),
    length: secret.length,
  };
}

/** A secret-shaped piece of a text, found by the rules' patterns: text.slice(start, end) is the secret. */
export interface SecretSpan {
  start: number;
  end: number;
  prefix?: RegExp;
}

/** Secrets shorter than this are only redacted where a rule's pattern finds them: shorter literals would cut up ordinary words. */
const MIN_KNOWN_SECRET = 8;
/** Keys whose values the scanner wrote itself (hashes, redacted forms): never rewritten. */
const OWN_KEYS = new Set(['sha256', 'redacted']);

/**
 * The one redactor of a run. It knows every secret the run found (`add`) and every rule's
 * pattern (`find`), and rewrites any string about to reach an output — paths, fields, message
 * ids, step and job names, entry names, JWT headers and claims, error messages, notes, stderr
 * lines — replacing each secret in it by its redacted form.
 */
export class Redactor {
  private readonly known = new Map<string, string>();
  /** known secrets by their first MIN_KNOWN_SECRET characters: a string is searched in one pass, whatever the number of secrets */
  private readonly byHead = new Map<string, string[]>();
  private readonly memo = new Map<string, string>();
  /** texts the scanner ships (built-in rules' titles, descriptions, remediation): nothing in them to redact */
  private readonly trusted = new Set<string>();
  /**
   * `find`: where the rules' patterns find secrets in a text. `shipped`: whether a text is one
   * the scanner shipped (a built-in rule's description, read when first needed), passed through
   * like the trusted ones.
   */
  constructor(
    private readonly find?: (text: string) => SecretSpan[],
    private readonly shipped?: (text: string) => boolean,
  ) {}

  /**
   * Texts the scanner itself wrote, passed through unchanged: the built-in rules' words repeat
   * on every finding, and running every pattern over them cost a pre-commit run ~15 ms.
   * test/rules/builtin-text.test.ts holds them to "nothing a pattern would redact".
   */
  trust(texts: Iterable<string>): void {
    for (const t of texts) this.trusted.add(t);
  }

  /** A raw secret found by the run (kept in memory only). */
  add(secret: string, prefix?: RegExp): void {
    if (secret.length < MIN_KNOWN_SECRET || this.known.has(secret)) return;
    this.known.set(secret, redact(secret, prefix).redacted);
    const head = secret.slice(0, MIN_KNOWN_SECRET);
    const list = this.byHead.get(head);
    if (list) list.push(secret);
    else this.byHead.set(head, [secret]);
    this.memo.clear();
  }

  /** The text with every known or pattern-shaped secret in it redacted. */
  text(s: string): string {
    if (s.length === 0 || this.trusted.has(s) || this.shipped?.(s) === true) return s;
    const cached = this.memo.get(s);
    if (cached !== undefined) return cached;
    let out = this.replaceKnown(s);
    if (this.find) {
      const spans = this.find(out)
        .filter((m) => m.end > m.start)
        .sort((a, b) => a.start - b.start);
      let rebuilt = '';
      let at = 0;
      for (const m of spans) {
        if (m.start < at) continue; // overlapping: the earlier one already covers it
        rebuilt += out.slice(at, m.start) + redact(out.slice(m.start, m.end), m.prefix).redacted;
        at = m.end;
      }
      if (at > 0) out = rebuilt + out.slice(at);
    }
    if (this.memo.size < 100_000) this.memo.set(s, out);
    return out;
  }

  private replaceKnown(s: string): string {
    if (this.byHead.size === 0 || s.length < MIN_KNOWN_SECRET) return s;
    let out = '';
    let from = 0;
    for (let i = 0; i + MIN_KNOWN_SECRET <= s.length; ) {
      let found: string | undefined;
      // the longest secret starting here wins
      for (const secret of this.byHead.get(s.slice(i, i + MIN_KNOWN_SECRET)) ?? []) if ((found === undefined || secret.length > found.length) && s.startsWith(secret, i)) found = secret;
      if (found === undefined) {
        i++;
        continue;
      }
      out += s.slice(from, i) + (this.known.get(found) ?? '…');
      i += found.length;
      from = i;
    }
    return from === 0 ? s : out + s.slice(from);
  }

  /** A deep copy of a report value (or any JSON-like value) with every string redacted, keys included; the scanner's own hashes are left alone. */
  value<T>(v: T): T {
    return this.walk(v, undefined) as T;
  }

  private walk(v: unknown, key: string | undefined): unknown {
    if (typeof v === 'string') return key !== undefined && OWN_KEYS.has(key) ? v : this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.walk(x, key));
    if (v !== null && typeof v === 'object' && !(v instanceof RegExp) && !(v instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[this.text(k)] = this.walk(x, k);
      return out;
    }
    return v;
  }
}

/**
 * Control characters (C0 incl. ESC, CR, BEL; DEL; C1) and bidi overrides/isolates escaped as
 * \xNN / \u{NNNN}, so that a scanned name cannot move the cursor, recolour, or reorder a terminal
 * line. Tabs and newlines are escaped too: one value stays on one line, unless `keep` names
 * them (a format that encodes line ends its own way: GitHub workflow commands).
 * The one control-character escaper of every output: terminal, annotations, Markdown summary.
 */
export function escapeControl(s: string, keep = ''): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (keep.includes(c)) return c;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** A deep copy with every string (keys too) escaped by escapeControl. */
export function escapeControlDeep<T>(v: T): T {
  if (typeof v === 'string') return escapeControl(v) as T;
  if (Array.isArray(v)) return v.map((x) => escapeControlDeep(x)) as T;
  if (v !== null && typeof v === 'object' && !(v instanceof RegExp) && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[escapeControl(k)] = escapeControlDeep(x);
    return out as T;
  }
  return v;
}
