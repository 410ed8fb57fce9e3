import type { Fragment } from './types.js';

export interface Position {
  /** 1-based */
  line: number;
  /** 1-based, in the original line */
  column: number;
}

/**
 * Maps offsets in fragment.text to original positions. Offsets must be given in ascending
 * order: newlines are counted incrementally, so locating many matches stays linear.
 */
export function createLocator(fragment: Fragment): (offset: number) => Position {
  const { text } = fragment;
  let scanned = 0;
  let lineIndex = 0;
  let lineStart = 0;
  return (offset: number): Position => {
    if (offset < scanned) {
      scanned = 0;
      lineIndex = 0;
      lineStart = 0;
    }
    for (let nl = text.indexOf('\n', scanned); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
      lineIndex++;
      lineStart = nl + 1;
    }
    scanned = offset;
    const col = offset - lineStart;
    const map = fragment.columnMaps?.get(lineIndex);
    if (map) {
      const mapped = map[Math.min(col, map.length - 1)] ?? col;
      return { line: fragment.line + lineIndex, column: mapped + 1 };
    }
    return { line: fragment.line + lineIndex, column: lineIndex === 0 ? fragment.column + col : col + 1 };
  };
}

/** The text of the line holding `offset` (for inline-allow comments). */
export function lineAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  return text.slice(start, end === -1 ? text.length : end);
}
