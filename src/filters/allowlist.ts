// Allow-list from the config file: a secret (by sha256) that a person has looked at and accepted,
// with a reason and optionally an expiry after which it is reported again.

import type { Finding } from '../core/types.js';
import type { FilterOutcome } from './baseline.js';

export interface AllowEntry {
  /** lower-case hex sha256 of the raw secret (the finding's `secret.sha256`) */
  sha256: string;
  reason: string;
  /** ISO date or date-time; a bare date allows through the end of that day (UTC) */
  expires?: string;
}

export interface AllowlistOutcome extends FilterOutcome {
  /** unexpired entries that suppressed nothing: stale, worth removing */
  unused: AllowEntry[];
  /** entries past their expiry: they no longer suppress anything */
  expired: AllowEntry[];
}

export function applyAllowlist(findings: Finding[], entries: AllowEntry[], now: Date): AllowlistOutcome {
  const active = new Map<string, AllowEntry>();
  const expired: AllowEntry[] = [];
  for (const e of entries) {
    if (isExpired(e, now)) expired.push(e);
    else if (!active.has(e.sha256.toLowerCase())) active.set(e.sha256.toLowerCase(), e);
  }
  const used = new Set<AllowEntry>();
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const f of findings) {
    const entry = active.get(f.secret.sha256.toLowerCase());
    if (entry) {
      used.add(entry);
      suppressed.push({ ...f, suppressed: { by: 'allowlist', reason: entry.reason } });
    } else {
      kept.push(f);
    }
  }
  const unused = entries.filter((e) => !expired.includes(e) && !used.has(e));
  return { kept, suppressed, unused, expired };
}

/** `now` at or past the expiry; a bare date (YYYY-MM-DD) lasts until the end of that UTC day. */
export function isExpired(entry: AllowEntry, now: Date): boolean {
  if (entry.expires === undefined) return false;
  const end = expiryInstant(entry.expires);
  return end === null || now.getTime() >= end;
}

/** The first instant at which the entry no longer applies; null when unparseable (treated as expired). */
export function expiryInstant(expires: string): number | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(expires)) {
    const t = Date.parse(`${expires}T00:00:00Z`);
    return Number.isNaN(t) ? null : t + 24 * 60 * 60 * 1000;
  }
  const t = Date.parse(expires);
  return Number.isNaN(t) ? null : t;
}
