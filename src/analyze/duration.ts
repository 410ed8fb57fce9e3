import { UsageError } from '../core/errors.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * A duration such as `90s`, `15m`, `1h`, `30d`, `2w`, `1h30m`, or plain seconds (`3600`), in seconds.
 * Throws UsageError naming the value when it is not one.
 */
export function parseDuration(s: string): number {
  const text = s.trim().toLowerCase();
  if (/^\d+$/.test(text)) return Number(text);
  // one or more <integer><unit> groups, largest first by convention but not required
  if (text === '' || !/^(\d+[smhdw])+$/.test(text)) {
    throw new UsageError(
      `invalid duration "${s}": expected a number of seconds or <n><unit> with unit s, m, h, d or w (e.g. 90s, 15m, 1h, 30d, 1h30m)`,
    );
  }
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([smhdw])/g)) {
    total += Number(n) * (UNIT_SECONDS[unit ?? 's'] ?? 1);
  }
  if (!Number.isSafeInteger(total)) throw new UsageError(`invalid duration "${s}": too large`);
  return total;
}

/** Compact human form of a duration in seconds: `45s`, `15m`, `1h 30m`, `29d 23h`, `10y`. */
export function formatDuration(seconds: number): string {
  let rest = Math.max(0, Math.round(Math.abs(seconds)));
  if (rest === 0) return '0s';
  const units: [string, number][] = [
    ['y', 365 * 86_400],
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  for (const [name, size] of units) {
    if (parts.length === 2) break;
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(`${n}${name}`);
      rest -= n * size;
    } else if (parts.length === 1) {
      break; // "1y" rather than "1y 0d 5h": the second unit must be adjacent
    }
  }
  return parts.join(' ');
}
