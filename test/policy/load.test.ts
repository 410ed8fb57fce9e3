// Policy files and the config's `policies:` key: validated with every problem at once, never
// echoing a value (a pasted secret), JSON read as YAML, aliases refused.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRepoConfig, parseConfig } from '../../src/config/load.js';
import { ConfigError, PolicyError } from '../../src/core/errors.js';
import { parsePolicyFile } from '../../src/policy/load.js';
import { tmpTrees } from '../helpers/tmp.js';

const { tree } = tmpTrees(afterAll);

function policyError(text: string): string {
  try {
    parsePolicyFile(text, 'p.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as Error).message;
  }
  throw new Error('parsed, but should not');
}

describe('parsePolicyFile', () => {
  it('reads YAML and JSON', () => {
    const yaml = parsePolicyFile('policies:\n  - id: a\n    when: "true"\n    severity: low\n    message: m\n    tags: [OWASP-NHI2]\n', 'p.yaml');
    const json = parsePolicyFile(JSON.stringify({ policies: [{ id: 'a', when: 'true', severity: 'low', message: 'm', tags: ['OWASP-NHI2'] }] }), 'p.json');
    expect(yaml).toEqual(json);
    expect(yaml).toEqual([{ id: 'a', when: 'true', severity: 'low', message: 'm', tags: ['OWASP-NHI2'] }]);
  });

  it('names every problem at once, with the policy id', () => {
    const msg = policyError('policies:\n  - id: a\n    when: 1\n    severity: urgent\n    colour: red\n');
    expect(msg).toMatch(/^policy p\.yaml: /);
    expect(msg).toMatch(/\/policies\/0 \(policy "a"\)\/when must be string/);
    expect(msg).toMatch(/severity must be one of info, low, medium, high, critical/);
    expect(msg).toMatch(/"colour" is not a known field/);
    expect(msg).not.toContain('\n');
  });

  it('refuses a duplicate id, a bad id, a missing list', () => {
    expect(policyError('policies:\n  - id: a\n  - id: a\n')).toMatch(/policy "a": the id appears twice/);
    expect(policyError('policies:\n  - id: Not_An_Id\n')).toMatch(/\/policies\/0\/id does not have the expected form/);
    expect(policyError('rules: []\n')).toMatch(/must have required property 'policies'/);
  });

  it('never echoes a value that does not fit (it may be a pasted secret)', () => {
    const fake = 'ghp_FAKEEXAMPLE00000000000000000000000000';
    const msg = policyError(`policies:\n  - id: "${fake}"\n`);
    expect(msg).not.toContain(fake);
    expect(policyError(`policies:\n  - id: a\n    ${fake}: 1\n`)).not.toContain(fake);
  });

  it('refuses YAML aliases and names where YAML breaks', () => {
    expect(policyError('x: &a [1]\npolicies: *a\n')).toMatch(/aliases are not supported|must be array/);
    expect(policyError('policies: [\n')).toMatch(/^policy p\.yaml: invalid YAML at line \d+, column \d+$/);
  });
});

describe('the config key policies:', () => {
  it('is read as written', () => {
    const c = parseConfig('policies:\n  - id: no-audience\n    enabled: false\n  - id: mine\n    when: "true"\n    severity: high\n    message: m\n', '/x/.tokensprawl.yaml');
    expect(c.policies).toEqual([{ id: 'no-audience', enabled: false }, { id: 'mine', when: 'true', severity: 'high', message: 'm' }]);
  });

  it('is validated with the rest of the config', () => {
    expect(() => parseConfig('policies:\n  - when: "true"\n', '/x/c.yaml')).toThrow(ConfigError);
    expect(() => parseConfig('policies:\n  - id: a\n    severity: urgent\n', '/x/c.yaml')).toThrow(/\/policies\/0\/severity must be one of/);
  });

  it('a config from the scanned tree passes its policies on (src/policy decides what applies) and names them', async () => {
    const dir = tree({});
    const file = path.join(dir, '.tokensprawl.yaml');
    writeFileSync(file, 'policies:\n  - id: mine\n    when: "true"\n    severity: high\n    message: m\n');
    const out = await loadRepoConfig(file, '.tokensprawl.yaml', () => 3600);
    expect(out.config.policies).toEqual([{ id: 'mine', when: 'true', severity: 'high', message: 'm' }]);
    expect(out.notes[0]).toMatch(/applied: .*1 policy/);
  });
});
