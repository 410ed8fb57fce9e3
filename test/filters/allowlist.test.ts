import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/types.js';
import { applyAllowlist, isExpired, type AllowEntry } from '../../src/filters/allowlist.js';
import { applyFilters } from '../../src/filters/index.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function finding(secret: string, path = 'a.txt'): Finding {
  return {
    id: sha(`r\0${sha(secret)}\0${path}`).slice(0, 32),
    ruleId: 'r',
    title: 'R',
    severity: 'high',
    secret: { redacted: '…', sha256: sha(secret), length: secret.length },
    location: { source: 'dir', path, line: 1, column: 1, endLine: 1, endColumn: 10 },
  };
}

const A = finding('FAKE-secret-A');
const A2 = finding('FAKE-secret-A', 'b.txt');
const B = finding('FAKE-secret-B');
const NOW = new Date('2026-03-01T12:00:00Z');

describe('applyAllowlist', () => {
  it('suppresses every finding of an allowed secret, wherever it is, with the reason', () => {
    const entry: AllowEntry = { sha256: sha('FAKE-secret-A'), reason: 'fixture' };
    const out = applyAllowlist([A, B, A2], [entry], NOW);
    expect(out.kept).toEqual([B]);
    expect(out.suppressed).toEqual([
      { ...A, suppressed: { by: 'allowlist', reason: 'fixture' } },
      { ...A2, suppressed: { by: 'allowlist', reason: 'fixture' } },
    ]);
    expect(out.unused).toEqual([]);
    expect(out.expired).toEqual([]);
  });

  it('matches the hash case-insensitively', () => {
    const out = applyAllowlist([A], [{ sha256: sha('FAKE-secret-A').toUpperCase(), reason: 'r' }], NOW);
    expect(out.kept).toEqual([]);
  });

  it('reports entries that matched nothing as unused', () => {
    const stale: AllowEntry = { sha256: sha('gone'), reason: 'old' };
    const used: AllowEntry = { sha256: sha('FAKE-secret-A'), reason: 'fixture' };
    const out = applyAllowlist([A], [used, stale], NOW);
    expect(out.unused).toEqual([stale]);
  });

  it('stops suppressing once an entry expired, and reports it as expired rather than unused', () => {
    const expired: AllowEntry = { sha256: sha('FAKE-secret-A'), reason: 'migration', expires: '2026-02-28' };
    const out = applyAllowlist([A], [expired], NOW);
    expect(out.kept).toEqual([A]);
    expect(out.suppressed).toEqual([]);
    expect(out.expired).toEqual([expired]);
    expect(out.unused).toEqual([]);
  });

  it('a bare date lasts through the end of that UTC day; a date-time is exact', () => {
    const day: AllowEntry = { sha256: 'x', reason: 'r', expires: '2026-03-01' };
    expect(isExpired(day, new Date('2026-03-01T23:59:59.999Z'))).toBe(false);
    expect(isExpired(day, new Date('2026-03-02T00:00:00Z'))).toBe(true);
    const instant: AllowEntry = { sha256: 'x', reason: 'r', expires: '2026-03-01T12:00:00Z' };
    expect(isExpired(instant, new Date('2026-03-01T11:59:59Z'))).toBe(false);
    expect(isExpired(instant, NOW)).toBe(true);
    expect(isExpired({ sha256: 'x', reason: 'r' }, new Date('2999-01-01'))).toBe(false);
    expect(isExpired({ sha256: 'x', reason: 'r', expires: 'garbage' }, NOW)).toBe(true);
  });
});

describe('applyFilters', () => {
  it('applies the allow-list and the baseline, so an allowed secret that is also baselined is not stale', () => {
    const entry: AllowEntry = { sha256: sha('FAKE-secret-A'), reason: 'fixture' };
    const out = applyFilters([A, B], { allow: [entry], baselineIds: new Set([A.id, B.id]), now: NOW });
    expect(out.kept).toEqual([]);
    expect(out.suppressed.map((f) => [f.id, f.suppressed?.by])).toEqual([
      [A.id, 'allowlist'],
      [B.id, 'baseline'],
    ]);
    expect(out.unusedAllow).toEqual([]);
  });

  it('passes everything through with no baseline and no allow entries', () => {
    const out = applyFilters([A, B], { now: NOW });
    expect(out).toEqual({ kept: [A, B], suppressed: [], unusedAllow: [], expiredAllow: [] });
  });
});
