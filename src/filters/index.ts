// The post-detection filters as one step: baseline, then allow-list. Inline allows are decided in
// detection (they need the original line), so only their predicate is re-exported here.

import type { Finding } from '../core/types.js';
import { applyAllowlist, type AllowEntry } from './allowlist.js';
import { applyBaseline } from './baseline.js';

export { applyBaseline, loadBaseline, type FilterOutcome } from './baseline.js';
export { applyAllowlist, isExpired, expiryInstant, type AllowEntry, type AllowlistOutcome } from './allowlist.js';
export { isInlineAllowed } from './inline-allow.js';

export interface FilterOptions {
  baselineIds?: ReadonlySet<string>;
  allow?: AllowEntry[];
  now: Date;
}

export interface FiltersOutcome {
  kept: Finding[];
  /** each marked with what suppressed it */
  suppressed: Finding[];
  unusedAllow: AllowEntry[];
  expiredAllow: AllowEntry[];
}

/**
 * Allow-list first, then baseline: an allow entry whose secret is also baselined still counts as
 * used, so it is not reported as stale.
 */
export function applyFilters(findings: Finding[], opts: FilterOptions): FiltersOutcome {
  let kept = findings;
  const suppressed: Finding[] = [];
  let unusedAllow: AllowEntry[] = [];
  let expiredAllow: AllowEntry[] = [];
  if (opts.allow && opts.allow.length > 0) {
    const out = applyAllowlist(kept, opts.allow, opts.now);
    kept = out.kept;
    suppressed.push(...out.suppressed);
    unusedAllow = out.unused;
    expiredAllow = out.expired;
  }
  if (opts.baselineIds && opts.baselineIds.size > 0) {
    const out = applyBaseline(kept, opts.baselineIds);
    kept = out.kept;
    suppressed.push(...out.suppressed);
  }
  return { kept, suppressed, unusedAllow, expiredAllow };
}
