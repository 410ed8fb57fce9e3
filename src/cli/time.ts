// Parsing of the time flags shared by the scanning commands and `jwt`.
import { parseDuration } from '../analyze/duration.js';
import { UsageError } from '../core/errors.js';

/** A date-time without a zone means UTC, as a date alone does: results must not depend on the machine's TZ. */
export function withZone(value: string): string {
  return /T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(value.trim()) ? `${value.trim()}Z` : value;
}

/** `--now`: the current time when absent; a usage error naming the flag when not a date-time. */
export function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const t = Date.parse(withZone(value));
  if (Number.isNaN(t)) throw new UsageError(`--now: "${value}" is not an ISO-8601 date-time`);
  return new Date(t);
}

/** A duration flag or setting in seconds; a usage error naming `name` when it does not parse. */
export function parseDurationFlag(name: string, value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new UsageError(`${name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
