// Where detection runs (main thread or worker), matches get their original positions and the
// inline-allow verdict, so the fragment's text can be dropped right after detection.
import { chunkDecoder } from '../core/chunk-decoder.js';
import { createLocator, lineAt } from '../core/position.js';
import type { Fragment, LocatedMatch, Match } from '../core/types.js';
import { isInlineAllowed } from '../filters/inline-allow.js';
import { detect, rulesFor, searchedWithoutKeywords, type Detector } from './detect.js';

const decoder = new TextDecoder('utf-8');

/** The fragment with `bytes` decoded into `text` (and `acceptBeforeByte` into `acceptBefore`). */
export function decodeFragment(fragment: Fragment): Fragment {
  if (!fragment.bytes) return fragment;
  const { bytes, acceptBeforeByte, ...rest } = fragment;
  if (acceptBeforeByte === undefined) return { ...rest, text: decoder.decode(bytes) };
  // Decoded in two parts split at the cut (a character boundary): the first part's length is
  // where matches stop belonging to this fragment.
  const head = chunkDecoder.decode(bytes.subarray(0, acceptBeforeByte));
  return { ...rest, text: head + chunkDecoder.decode(bytes.subarray(acceptBeforeByte)), acceptBefore: head.length };
}

export function detectLocated(fragment: Fragment, detector: Detector): LocatedMatch[] {
  // Raw bytes are searched for keywords before they are decoded: most files of a source tree
  // hold none, and then need no decoding at all.
  const rules = fragment.bytes ? rulesFor(detector.keywords.scanBytes(fragment.bytes), detector) : undefined;
  if (rules && rules.length === 0 && !searchedWithoutKeywords(fragment)) return [];
  const f = decodeFragment(fragment);
  const matches = detect(f, detector, rules);
  return matches.length === 0 ? [] : locate(f, matches);
}

export function locate(fragment: Fragment, matches: readonly Match[]): LocatedMatch[] {
  const at = createLocator(fragment);
  const sorted = [...matches].sort((a, b) => startOf(a) - startOf(b));
  return sorted.map((m) => {
    const start = fragment.pinned ? { line: fragment.line, column: fragment.column } : at(startOf(m));
    const end = fragment.pinned
      ? { line: fragment.pinned.endLine, column: fragment.pinned.endColumn }
      : at(m.decoded?.valueEnd ?? m.secretEnd);
    return {
      ...m,
      span: { line: start.line, column: start.column, endLine: end.line, endColumn: Math.max(end.column, 1) },
      inlineAllowed: !fragment.pinned && isInlineAllowed(lineAt(fragment.text, m.matchStart)),
    };
  });
}

// A secret inside a decoded value is located where the encoded value starts.
function startOf(m: Match): number {
  return m.decoded?.valueStart ?? m.secretStart;
}
