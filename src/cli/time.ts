/** A date-time without a zone means UTC, as a date alone does: results must not depend on the machine's TZ. */
export function withZone(value: string): string {
  return /T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(value.trim()) ? `${value.trim()}Z` : value;
}
