/**
 * `text` with each character `which` matches (a global regex) written as a `\uXXXX` escape: the
 * same text to JSON.parse and in JavaScript source, strings, regexes and comments alike.
 */
export function unicodeEscape(text: string, which: RegExp): string {
  return text.replace(which, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
