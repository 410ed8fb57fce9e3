import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/analyze/duration.js';
import { UsageError } from '../../src/core/errors.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90],
    ['15m', 900],
    ['1h', 3600],
    ['30d', 2_592_000],
    ['2w', 1_209_600],
    ['1h30m', 5400],
    ['3600', 3600],
    ['0', 0],
    [' 1H ', 3600],
  ])('%s → %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', 'h', '1x', '-5m', '1.5h', 'soon', '1h 30m', '15 m'])('rejects %j with a UsageError naming it', (text) => {
    expect(() => parseDuration(text)).toThrow(UsageError);
    expect(() => parseDuration(text)).toThrow(`"${text}"`);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45, '45s'],
    [900, '15m'],
    [3605, '1h'], // seconds are not adjacent to hours: dropped
    [5400, '1h 30m'],
    [2_592_000, '30d'],
    [2_591_999, '29d 23h'],
    [10 * 365 * 86_400, '10y'],
  ])('%i → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('long-lifetime message', () => {
  it('does not show a lifetime just over the maximum as the maximum', async () => {
    const { analyzeJwt } = await import('../../src/analyze/jwt.js');
    const { es256, clean, NOW, NOW_S } = await import('./jwt-helpers.js');
    const token = await es256(clean({ iat: NOW_S - 5, exp: NOW_S + 3600 }));
    const a = await analyzeJwt(token, { now: NOW, maxLifetimeSeconds: 3600 });
    const p = a?.problems.find((x) => x.id === 'long-lifetime');
    expect(p?.message).toContain('1h (3605 s)');
  });
});
