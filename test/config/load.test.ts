import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findConfig, loadConfig, parseConfig } from '../../src/config/load.js';
import { ConfigError, TargetError } from '../../src/core/errors.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/config/', import.meta.url));
const fixture = (...p: string[]) => join(FIXTURES, ...p);

async function configError(file: string): Promise<string[]> {
  const err = await loadConfig(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return (err as Error).message.split('\n');
}

describe('loadConfig', () => {
  it('reads every setting and resolves rule directories from the config file', async () => {
    const config = await loadConfig(fixture('valid', '.tokensprawl.yaml'));
    expect(config).toEqual({
      ignore: ['vendor/**', '**/*.min.js'],
      allow: [
        { sha256: '0000000000000000000000000000000000000000000000000000000000000001', reason: 'FAKE token in the test fixtures, never valid' },
        { sha256: '00000000000000000000000000000000000000000000000000000000000000ff', reason: 'sandbox key, rotated monthly', expires: '2026-12-31' },
      ],
      disabledRules: ['generic-bearer'],
      maxLifetime: '15m',
      failOn: 'high',
      rules: [resolve(FIXTURES, 'valid', 'team-rules'), resolve(FIXTURES, 'shared-rules')],
    });
  });

  it('gives defaults for what is absent, and takes a number of seconds as maxLifetime', async () => {
    expect(await loadConfig(fixture('minimal', '.tokensprawl.yml'))).toEqual({
      ignore: [],
      allow: [],
      disabledRules: [],
      maxLifetime: '3600',
      failOn: 'none',
      rules: [],
    });
    expect(await loadConfig(fixture('empty', '.tokensprawl.yaml'))).toEqual({ ignore: [], allow: [], disabledRules: [], rules: [] });
  });

  it('lists every bad field at once, each line naming the file', async () => {
    const file = fixture('invalid', '.tokensprawl.yaml');
    const lines = await configError(file);
    for (const line of lines) expect(line.startsWith(`config ${file}: `)).toBe(true);
    const problems = lines.map((l) => l.slice(`config ${file}: `.length)).sort();
    expect(problems).toEqual(
      [
        '/allow/0/expires must be a date (YYYY-MM-DD) or an ISO-8601 date-time with a zone',
        '/allow/0/reason must not be blank',
        '/allow/0/sha256 must match pattern ^[0-9a-f]{64}$',
        "/allow/1 must have required property 'sha256'",
        '/allow/2/expires is not a real date: "2026-02-30"',
        '/disableRules is not a known setting',
        '/disabledRules/0 must be a rule id (lower-case letters, digits and dashes: ^[a-z0-9][a-z0-9-]*$)',
        '/failOn must be one of info, low, medium, high, critical, none',
        '/ignore must be array',
        '/maxLifetime must be a duration such as 90s, 15m, 1h, 30d or 1h30m (a bare number is seconds)',
        '/rules/0 must be string',
      ].sort(),
    );
  });

  it('does not echo a value pasted into sha256 (it may be the secret itself)', () => {
    const pasted = `ghp_FAKE${'0'.repeat(32)}`;
    expect(() => parseConfig(`allow:\n  - sha256: ${pasted}\n    reason: oops\n`, 'c.yaml')).toThrow(ConfigError);
    try {
      parseConfig(`allow:\n  - sha256: ${pasted}\n    reason: oops\n`, 'c.yaml');
    } catch (err) {
      expect((err as Error).message).not.toContain(pasted);
    }
  });

  it('reports YAML syntax errors with their line and column', async () => {
    const lines = await configError(fixture('bad-yaml', '.tokensprawl.yaml'));
    expect(lines[0]).toMatch(/: invalid YAML: line 3, column \d+: /);
  });

  it('rejects a document that is not a mapping, and duplicate keys', () => {
    expect(() => parseConfig('- a\n- b\n', 'list.yaml')).toThrow(/config list.yaml: \/ must be object/);
    expect(() => parseConfig('failOn: high\nfailOn: low\n', 'dup.yaml')).toThrow(/config dup.yaml: invalid YAML: line 2, column 1: Map keys must be unique/);
  });

  it('accepts date-time expiries with a zone', () => {
    const c = parseConfig(`allow:\n  - sha256: "${'a'.repeat(64)}"\n    reason: r\n    expires: "2026-06-01T12:00:00+02:00"\n`, 'c.yaml');
    expect(c.allow[0]?.expires).toBe('2026-06-01T12:00:00+02:00');
  });

  it('is a TargetError when the file does not exist', async () => {
    await expect(loadConfig(fixture('nope', '.tokensprawl.yaml'))).rejects.toBeInstanceOf(TargetError);
    await expect(loadConfig(fixture('nope', '.tokensprawl.yaml'))).rejects.toThrow(/config .*nope.*cannot be read/);
  });
});

describe('findConfig', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tokensprawl-config-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('finds .tokensprawl.yaml, then .tokensprawl.yml, else null', async () => {
    expect(await findConfig(fixture('valid'))).toBe(join(fixture('valid'), '.tokensprawl.yaml'));
    expect(await findConfig(fixture('minimal'))).toBe(join(fixture('minimal'), '.tokensprawl.yml'));
    expect(await findConfig(tmp)).toBeNull();
    expect(await findConfig(join(tmp, 'missing-dir'))).toBeNull();
  });

  it('prefers .tokensprawl.yaml when both exist', async () => {
    const both = join(tmp, 'both');
    mkdirSync(both);
    writeFileSync(join(both, '.tokensprawl.yml'), 'failOn: low\n');
    writeFileSync(join(both, '.tokensprawl.yaml'), 'failOn: high\n');
    expect(await findConfig(both)).toBe(join(both, '.tokensprawl.yaml'));
  });
});
