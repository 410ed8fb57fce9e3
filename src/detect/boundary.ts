/**
 * Token boundaries as data. A rule says which one character may not stand right before and
 * after its match (`boundary: token`, or `{ before, after }` classes); the engine checks it after
 * the regex matched, and looks through the encodings that glue a token to its neighbours in
 * logs and dumps: ANSI escape sequences, percent-encoding (`%22`), backslash escapes (`\n`,
 * `\"`, `\u0022`, `\x22`) and HTML entities (`&quot;`, `&#34;`). A match that starts inside
 * one of them (`%22` matched from its `2`) is rejected, so the search moves on to the token.
 */

export type RawBoundary = 'token' | 'alnum' | 'base64' | 'none' | { before?: string; after?: string };

export interface Boundary {
  /** one character that may not precede the match */
  before?: RegExp;
  /** one character that may not follow the match */
  after?: RegExp;
}

const PRESETS: Record<Exclude<RawBoundary, object>, string | undefined> = {
  token: '[A-Za-z0-9_-]',
  alnum: '[A-Za-z0-9]',
  base64: '[A-Za-z0-9+/=_-]',
  none: undefined,
};

/** Throws an Error naming the bad field, like the rest of the rule compiler. */
export function compileBoundary(raw: RawBoundary | undefined): Boundary | undefined {
  if (raw === undefined || raw === 'none') return undefined;
  const sides = typeof raw === 'string' ? { before: PRESETS[raw], after: PRESETS[raw] } : raw;
  const one = (field: string, source: string | undefined): RegExp | undefined => {
    if (source === undefined) return undefined;
    try {
      return new RegExp(`^(?:${source})$`, 'u');
    } catch (err) {
      throw new Error(`boundary.${field} is not a valid regular expression: ${err instanceof Error ? err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(err)}`);
    }
  };
  return { before: one('before', sides.before), after: one('after', sides.after) };
}

const HEX = /^[0-9A-Fa-f]$/;
const isHex = (c: string | undefined): boolean => c !== undefined && HEX.test(c);

/** Encodings that may end right before `at`: an ANSI sequence, %XX, a backslash escape, an entity. */
const ENDS_WITH_SEPARATOR = /(?:\x1b\[[0-9;?]*[A-Za-z]|%[0-9A-Fa-f]{2}|\\(?:u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|[nrtbfv0"'/\\])|&(?:[A-Za-z]{2,8}|#[0-9]{1,6}|#[xX][0-9A-Fa-f]{1,6});)$/;
/** …and those that may start at a match's end. */
const STARTS_WITH_SEPARATOR = /^(?:\x1b|%[0-9A-Fa-f]{2}|\\|&(?:[A-Za-z]{2,8}|#[0-9]{1,6}|#[xX][0-9A-Fa-f]{1,6});)/;

/** Whether position `at` lies inside a percent-escape or a backslash escape (not at its start). */
function insideEscape(text: string, at: number): boolean {
  const c1 = text[at - 1];
  if (c1 === '%' && isHex(text[at]) && isHex(text[at + 1])) return true;
  if (text[at - 2] === '%' && isHex(c1) && isHex(text[at])) return true;
  if (c1 === '\\' && /[nrtbfv0"'/\\ux]/.test(text[at] ?? '')) return true;
  // \u0022 / \x22 matched from a digit inside them
  for (let back = 2; back <= 5; back++) {
    const s = at - back;
    if (s < 0) break;
    if (text[s] === '\\' && (text[s + 1] === 'u' || text[s + 1] === 'x')) {
      const len = text[s + 1] === 'u' ? 4 : 2;
      if (at < s + 2 + len && /^[0-9A-Fa-f]+$/.test(text.slice(s + 2, Math.min(at + 1, s + 2 + len)))) return true;
    }
  }
  return false;
}

/** Whether the match text[start, end) stands on the rule's boundaries. */
export function onBoundary(b: Boundary, text: string, start: number, end: number): boolean {
  if (b.before && start > 0) {
    if (insideEscape(text, start)) return false;
    const head = text.slice(Math.max(0, start - 16), start);
    if (!ENDS_WITH_SEPARATOR.test(head) && b.before.test(text[start - 1] ?? '')) return false;
  }
  if (b.after && end < text.length) {
    const tail = text.slice(end, end + 16);
    if (!STARTS_WITH_SEPARATOR.test(tail)) {
      // a surrogate pair counts as one character
      const cp = text.codePointAt(end);
      if (cp !== undefined && b.after.test(String.fromCodePoint(cp))) return false;
    }
  }
  return true;
}
