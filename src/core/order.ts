import type { Finding } from './types.js';

/** The order of the JSON report: path, line, column, rule, then what tells queue records apart. */
export function compareFindings(a: Finding, b: Finding): number {
  const la = a.location;
  const lb = b.location;
  return (
    compareStrings(la.path, lb.path) ||
    la.line - lb.line ||
    la.column - lb.column ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(la.field ?? '', lb.field ?? '') ||
    (la.offset ?? 0) - (lb.offset ?? 0) ||
    compareStrings(a.id, b.id)
  );
}

/** Code-unit order: the same on every machine, whatever the locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
