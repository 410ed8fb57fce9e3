// How a string from the scan reaches the HTML report: control characters and bidi overrides made
// visible (escapeControl), cut to a length that cannot break the layout, then entity-escaped for
// text or a double-quoted attribute. Data for the page's script goes through scriptJson().
import { escapeControl } from '../core/redact.js';
import { unicodeEscape } from '../core/unicode-escape.js';

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes `& < > " '`: safe in element text and in a double- or single-quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITY[c] ?? c);
}

/** Longest scanned string shown whole; longer ones are cut and say by how much. */
export const MAX_SHOWN = 400;

/** A scanned string as shown: control characters visible, at most `max` characters (plus a count of the rest). */
export function shown(s: string, max = MAX_SHOWN): string {
  const visible = escapeControl(s);
  if (visible.length <= max) return visible;
  // never cut a surrogate pair in half
  let end = max;
  const code = visible.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${visible.slice(0, end)}… (+${visible.length - end} characters)`;
}

/** shown() then escapeHtml(): the one way a scanned string enters the markup. */
export function text(s: string, max = MAX_SHOWN): string {
  return escapeHtml(shown(s, max));
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` as \u escapes, so no
 * `</script>` or `<!--` can end or confuse the element, and U+2028/U+2029 escaped too (harmless
 * to JSON.parse, but kept out of anything a reader might paste into older JavaScript).
 */
export function scriptJson(value: unknown): string {
  return unicodeEscape(JSON.stringify(value), /[<>&\u2028\u2029]/g);
}
