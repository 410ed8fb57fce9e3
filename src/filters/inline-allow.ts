// `tokensprawl:allow` in a comment on the same line as the match suppresses it.
// Languages are not parsed: a comment opener counts when it is outside a double-quoted string and
// starts the line or follows whitespace (so `http://`, `a--b`, `x;y` and `url#frag` do not count).

const MARKER = 'tokensprawl:allow';

interface Opener {
  token: string;
  /** the comment ends here on the same line (block comments) */
  close?: string;
  /** the opener must start the line or follow whitespace */
  spaced: boolean;
}

const OPENERS: readonly Opener[] = [
  { token: '<!--', close: '-->', spaced: false },
  { token: '/*', close: '*/', spaced: false },
  { token: '//', spaced: true },
  { token: '--', spaced: true },
  { token: '#', spaced: true },
  { token: ';', spaced: true },
];

export function isInlineAllowed(lineText: string): boolean {
  if (!lineText.includes(MARKER)) return false;
  let inString = false;
  for (let i = 0; i < lineText.length; i++) {
    const c = lineText[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    for (const op of OPENERS) {
      if (!lineText.startsWith(op.token, i)) continue;
      if (op.spaced && i > 0 && !/\s/.test(lineText[i - 1] as string)) continue;
      const bodyStart = i + op.token.length;
      const bodyEnd = op.close ? lineText.indexOf(op.close, bodyStart) : -1;
      const body = lineText.slice(bodyStart, bodyEnd === -1 ? undefined : bodyEnd);
      if (hasMarker(body)) return true;
      // A line comment runs to the end of the line: nothing after it is code.
      if (!op.close) return false;
      if (bodyEnd === -1) return false;
      i = bodyEnd + (op.close.length - 1);
      break;
    }
  }
  return false;
}

/** The marker as a word of its own: `tokensprawl:allowed` or `x-tokensprawl:allow` do not count. */
function hasMarker(text: string): boolean {
  for (let at = text.indexOf(MARKER); at !== -1; at = text.indexOf(MARKER, at + 1)) {
    const before = at === 0 ? '' : (text[at - 1] as string);
    const after = text[at + MARKER.length] ?? '';
    if (!/[\w-]/.test(before) && !/[\w-]/.test(after)) return true;
  }
  return false;
}
