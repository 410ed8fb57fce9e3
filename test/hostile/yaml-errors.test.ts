// Found by the 100,000-input fuzz runs (issue 13): the yaml package's parse errors go on to quote
// the offending text, and a config or rule file may hold a secret right there.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { describeYamlError } from '../../src/core/schema-errors.js';
import { loadRules } from '../../src/rules/load.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';

const secret = fakeGithubToken('ghp', 'yaml-error');
// each of these made the yaml package quote the token in its message
const texts = [
  `|["O|]",false,null,7.0e+165,true]${secret}NO_HEADERS`,
  `|$i4'FQAjt!true..Partition:05.9e-170"${secret}", `,
  `a: !${secret} x`,
  `- a\nb: ${secret}`,
  `key: "${secret}\n  bad: [`,
  `|+9${secret}`,
];

function thrown(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return '';
}

describe('YAML errors never quote the file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tokensprawl-yaml-errors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(texts.map((t, i) => [i, t] as const))('config #%i', (_i, text) => {
    const message = thrown(() => parseConfig(text, path.join(dir, '.tokensprawl.yaml')));
    expect(message).toMatch(/\.tokensprawl\.yaml/);
    expect(message).not.toContain(secret);
    expect(message).not.toContain(secret.slice(0, 12));
  });

  it.each(texts.map((t, i) => [i, t] as const))('rule file #%i', async (i, text) => {
    const sub = path.join(dir, `rules-${i}`);
    await import('node:fs').then((fs) => fs.mkdirSync(sub));
    writeFileSync(path.join(sub, 'r.yaml'), text);
    const message = await loadRules({ builtin: false, dirs: [sub] }).then(
      () => '',
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    expect(message).toMatch(/r\.yaml/);
    expect(message).not.toContain(secret.slice(0, 12));
  });

  it('keeps the words that say what is wrong', () => {
    expect(describeYamlError(`Block scalar header includes extra characters: |x${secret} at line 1, column 2:\n\n|x`)).toBe('Block scalar header includes extra characters');
    expect(describeYamlError(`Unresolved tag: !${secret} at line 1, column 4:`)).toBe('Unresolved tag');
    expect(describeYamlError(`Unexpected scalar token in YAML stream: "${secret}" at line 2, column 4:`)).toBe('Unexpected scalar token in YAML stream');
    expect(describeYamlError('Map keys must be unique at line 2, column 1:')).toBe('Map keys must be unique');
  });
});

describe('YAML warnings never reach stderr', () => {
  // The yaml package reports an unknown tag (`!<anything>`) as a process warning quoting it; the
  // fuzzer found it printing a token-shaped tag. Config, policy and rule files parse silently.
  it('an unknown tag holding a token in a config, a policy file or a rule file', async () => {
    const seen: string[] = [];
    const listen = (w: Error): void => {
      seen.push(`${w.name}: ${w.message}`);
    };
    process.on('warning', listen);
    try {
      thrown(() => parseConfig(`allow: !${secret} x\n`, 'tree/.tokensprawl.yaml'));
      const { parsePolicyFile } = await import('../../src/policy/load.js');
      thrown(() => parsePolicyFile(`policies: !${secret} []\n`, 'p.yaml'));
      const dir = mkdtempSync(path.join(tmpdir(), 'tokensprawl-yaml-warn-'));
      writeFileSync(path.join(dir, 'r.yaml'), `rules: !${secret} []\n`);
      await loadRules({ builtin: false, dirs: [dir] }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', listen);
    }
    expect(seen.filter((w) => w.includes(secret))).toEqual([]);
  });
});
