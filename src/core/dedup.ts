// How findings collapse, for the scan (as it groups matches) and for `merge` (across shard
// reports): one rule, one module, so a merged report equals the report of one machine.
import type { Finding } from './types.js';

/**
 * History: one finding per id (a secret in a path is one finding across commits). Elsewhere one
 * per id and place: two occurrences of a secret in one file are two findings.
 */
export function dedupKey(f: Pick<Finding, 'id' | 'location'>): string {
  const l = f.location;
  // The source kind is part of the key: the same secret at the same line of the same path in
  // the working tree and in history (one multi-source run) is two places of one credential.
  if (l.source === 'git') return `git:${f.id}`;
  return `${l.source}:${f.id}:${l.line}:${l.column}:${l.field ?? ''}:${l.offset ?? ''}:${l.partition ?? ''}`;
}

/** What tells two occurrences of one history finding apart, as far as a report (JSON or SARIF) keeps it. */
export interface Occurrence {
  date?: string | undefined;
  commit?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
}

/**
 * Earliest commit wins: author date (an unparsable or missing date loses), then commit id for
 * a stable choice, then the first place in the file (the same commit added it twice).
 */
export function isEarlier(a: Occurrence, b: Occurrence): boolean {
  const ta = a.date === undefined ? NaN : Date.parse(a.date);
  const tb = b.date === undefined ? NaN : Date.parse(b.date);
  if (ta !== tb && !(Number.isNaN(ta) && Number.isNaN(tb))) {
    if (Number.isNaN(ta)) return false;
    if (Number.isNaN(tb)) return true;
    return ta < tb;
  }
  const ca = a.commit ?? '';
  const cb = b.commit ?? '';
  if (ca !== cb) return ca < cb;
  const la = a.line ?? 0;
  const lb = b.line ?? 0;
  return la !== lb ? la < lb : (a.column ?? 0) < (b.column ?? 0);
}

/** Whether `a` should replace `b` under one key: an unsuppressed finding first, then the earliest occurrence. */
export function isPreferred(a: { suppressed: boolean; at: Occurrence }, b: { suppressed: boolean; at: Occurrence }): boolean {
  if (a.suppressed !== b.suppressed) return !a.suppressed;
  return isEarlier(a.at, b.at);
}
