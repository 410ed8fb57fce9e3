import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { RuleError } from '../../src/core/errors.js';
import { loadRules, writeBuiltinRuleCache } from '../../src/rules/load.js';
import { tmpTree, tmpTrees } from '../helpers/tmp.js';

const good = `family: acme
rules:
  - id: acme-key
    title: Acme API key
    description: An Acme key.
    severity: high
    pattern: 'acme_(?<secret>[a-z0-9]{16})'
    keywords: [acme_]
    examples: ['key=acme_0123456789abcdef']
    negativeExamples: ['acme_short']
`;

const { track } = tmpTrees(afterEach);
function dirWith(files: Record<string, string>): string {
  const t = tmpTree(files);
  track(t.cleanup);
  return t.dir;
}
async function loadError(files: Record<string, string>): Promise<RuleError> {
  const err = await loadRules({ builtin: false, dirs: [dirWith(files)] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RuleError);
  return err as RuleError;
}

describe('loadRules', () => {
  it('loads and compiles a valid rule file', async () => {
    const rules = await loadRules({ builtin: false, dirs: [dirWith({ 'acme.yaml': good })] });
    expect(rules).toHaveLength(1);
    const r = rules[0]!;
    expect(r.id).toBe('acme-key');
    expect(r.family).toBe('acme');
    expect(r.hasSecretGroup).toBe(true);
    expect(r.regex.flags).toContain('g');
    expect(r.regex.flags).toContain('d');
  });

  it('reports every schema error at once, naming file, field and rule', async () => {
    const bad = good.replace('severity: high', 'severity: extreme').replace("keywords: [acme_]", 'keywords: []').replace('    title: Acme API key\n', '    colour: red\n');
    const err = await loadError({ 'acme.yaml': bad });
    expect(err.message).toContain('acme.yaml');
    expect(err.message).toContain('/rules/0/severity');
    expect(err.message).toContain('/rules/0/keywords');
    expect(err.message).toContain('unknown field "colour"');
    expect(err.message).toContain("must have required property 'title'");
    expect(err.message).toContain('(rule acme-key)');
  });

  it('names the file of an invalid regex', async () => {
    const err = await loadError({ 'broken.yaml': good.replace("'acme_(?<secret>[a-z0-9]{16})'", "'acme_([a-z'") });
    expect(err.message).toMatch(/broken\.yaml: \/rules\/0 \(acme-key\): pattern is not a valid regular expression: .+ at position \d+$/m);
  });

  it('reports YAML syntax errors with their line', async () => {
    const err = await loadError({ 'syntax.yaml': 'rules:\n  - id: [unclosed\n' });
    expect(err.message).toMatch(/syntax\.yaml \(line \d+\)/);
  });

  it('collects errors across files', async () => {
    const err = await loadError({ 'a.yaml': 'rules: []\n', 'b.yaml': 'nope: 1\n' });
    expect(err.message).toContain('a.yaml');
    expect(err.message).toContain('b.yaml');
  });

  it('fails on a missing rules directory', async () => {
    await expect(loadRules({ builtin: false, dirs: ['/nonexistent/rules'] })).rejects.toThrow(/rules directory .*does not exist/);
  });

  it('lets a user rule replace a built-in rule with the same id', async () => {
    const builtin = await loadRules({ builtin: true, dirs: [] });
    const some = builtin[0]!;
    const override = good.replace('acme-key', some.id).replace('Acme API key', 'Overridden');
    const rules = await loadRules({ builtin: true, dirs: [dirWith({ 'o.yaml': override })] });
    expect(rules.filter((r) => r.id === some.id)).toHaveLength(1);
    expect(rules.find((r) => r.id === some.id)?.title).toBe('Overridden');
    expect(rules).toHaveLength(builtin.length);
  });

  it('leaves out disabled rules', async () => {
    const rules = await loadRules({ builtin: false, dirs: [dirWith({ 'acme.yaml': good })], disabled: ['acme-key'] });
    expect(rules).toHaveLength(0);
  });

  it('every built-in rule passes its own examples', async () => {
    const { checkRules } = await import('../../src/rules/check.js');
    const rules = await loadRules({ builtin: true, dirs: [] });
    expect(rules.length).toBeGreaterThan(25);
    expect(checkRules(rules).failures).toEqual([]);
  });
});

describe('built-in rule cache', () => {
  /** A rule cache the build would write, in a folder of its own. */
  const writtenCache = async (): Promise<{ dir: string; cacheFile: string }> => {
    const dir = dirWith({});
    const cacheFile = `${dir}/builtin-rules.json`;
    await writeBuiltinRuleCache(cacheFile);
    return { dir, cacheFile };
  };

  it('is used when no rule file changed after it, else only when it matches the rule files byte for byte', async () => {
    const { cacheFile } = await writtenCache();
    const fresh = await loadRules({ builtin: true, dirs: [] });
    const cached = await loadRules({ builtin: true, dirs: [], cacheFile });
    expect(cached.map((r) => [r.id, r.title, r.regex.source])).toEqual(fresh.map((r) => [r.id, r.title, r.regex.source]));

    type Cache = { hash: string; files: string[]; docs: Array<{ rules: Array<{ title: string }> }> };
    const cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as Cache;
    const write = (c: unknown, age: 'newer' | 'older'): void => {
      writeFileSync(cacheFile, JSON.stringify(c));
      if (age === 'older') utimesSync(cacheFile, new Date(0), new Date(0)); // before every rule file: an edit since the build
    };
    const title = async (): Promise<string | undefined> => (await loadRules({ builtin: true, dirs: [], cacheFile }))[0]?.title;
    cache.docs[0]!.rules[0]!.title = 'FROM THE CACHE';
    // Written after every rule file, listing the same files: trusted without reading them (that is what makes it fast)…
    write(cache, 'newer');
    expect(await title()).toBe('FROM THE CACHE');
    // …a rule file renamed or added since (the list differs) sends it to the byte comparison, where the hash still matches…
    write({ ...cache, files: cache.files.map((f, i) => (i === 0 ? `renamed-${f}` : f)) }, 'newer');
    expect(await title()).toBe('FROM THE CACHE');
    // …and a rule file edited since the cache was written, with other bytes: validated anew.
    write({ ...cache, hash: 'stale' }, 'older');
    expect(await title()).toBe(fresh[0]?.title);
    write({ ...cache, hash: 'stale', files: [] }, 'newer');
    expect(await title()).toBe(fresh[0]?.title);
    // A cache from an older build (another format: not ASCII-only, texts inline) is not used.
    write({ ...cache, format: undefined }, 'newer');
    expect(await title()).toBe(fresh[0]?.title);
    writeFileSync(cacheFile, '{ not json');
    expect(await loadRules({ builtin: true, dirs: [], cacheFile })).toHaveLength(fresh.length);
  });

  it('keeps the rules\' texts in a file of its own, read only when a text is asked for', async () => {
    const { dir, cacheFile } = await writtenCache();
    const textsFile = `${dir}/builtin-rules-texts.json`;
    // Both files are ASCII (read without UTF-8 decoding); the cache holds no description.
    for (const f of [cacheFile, textsFile]) expect([...readFileSync(f)].every((b) => b < 0x80)).toBe(true);
    expect(readFileSync(cacheFile, 'utf8')).not.toContain('"description"');
    const fresh = await loadRules({ builtin: true, dirs: [] });
    const texts = (rules: typeof fresh) => rules.map((r) => [r.id, r.description, r.references, r.remediation ?? null, r.examples, r.negativeExamples]);
    expect(texts(await loadRules({ builtin: true, dirs: [], cacheFile }))).toEqual(texts(fresh));

    // One line per rule file, read when one of its rules is asked for: a damaged line fails
    // only its own rules.
    const cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as { textsAt: number[] };
    const bytes = readFileSync(textsFile);
    bytes.fill(0x20, cache.textsAt[1], (cache.textsAt[2] ?? 0) - 1);
    writeFileSync(textsFile, bytes);
    const partial = await loadRules({ builtin: true, dirs: [], cacheFile });
    const firstFile = partial.filter((r) => r.file === partial[0]?.file);
    const secondFile = partial.find((r) => r.file !== partial[0]?.file);
    expect(firstFile.map((r) => r.description)).toEqual(fresh.slice(0, firstFile.length).map((r) => r.description));
    expect(() => secondFile?.description).toThrow(/not from the build that wrote the rule cache beside it/);

    // Loading does not read the texts file: without it the rules load, and asking for a text is
    // then a clear error (exit 2), never an empty description.
    rmSync(textsFile);
    const lazy = await loadRules({ builtin: true, dirs: [], cacheFile });
    expect(lazy.map((r) => r.id)).toEqual(fresh.map((r) => r.id));
    expect(() => lazy[0]?.description).toThrow(/builtin-rules-texts\.json: cannot read the built-in rules' texts .*npm run build/);
    // A texts file from another build is refused the same way.
    writeFileSync(textsFile, JSON.stringify({ hash: 'another build', texts: [] }));
    const other = await loadRules({ builtin: true, dirs: [], cacheFile });
    expect(() => other[0]?.examples).toThrow(/not from the build that wrote the rule cache beside it/);
  });
});

describe('user and imported rules: linear time or rejected', () => {
  const yamlRule = (id: string, pattern: string) =>
    `rules:\n  - id: ${id}\n    title: T\n    description: d\n    severity: low\n    pattern: '${pattern}'\n    keywords: [tok_]\n    examples: ['tok_abcdefgh', 'x tok_abcdefgh']\n    negativeExamples: ['b']\n`;

  it('runs a user rule that RE2 takes on the linear-time engine', async () => {
    const [r] = await loadRules({ builtin: false, dirs: [dirWith({ 'u.yaml': yamlRule('plain', 'tok_(?<secret>[a-z]{8})') })] });
    expect(r!.linear).toBeDefined();
    expect(r!.raw.engine).toBe('re2');
  });

  it('keeps on V8 a lookahead pattern the checker shows safe', async () => {
    const [r] = await loadRules({ builtin: false, dirs: [dirWith({ 'u.yaml': yamlRule('ahead', 'tok_[a-z]{8}(?![a-z])') })] });
    expect(r!.linear).toBeUndefined();
    expect(r!.raw.engine).toBeUndefined();
  }, 60_000);

  it('rejects a catastrophically backtracking pattern: file, rule, position', async () => {
    const err = await loadError({ 'evil.yaml': yamlRule('evil', 'tok_(a+)+(?=b)') });
    expect(err.message).toMatch(/evil\.yaml: \/rules\/0 \(evil\): pattern can backtrack catastrophically \(exponential time\) at position \d+, and the linear-time engine cannot run it \(invalid or unsupported Perl syntax at position 10\)/);
  }, 60_000);

  it('loads gitleaks TOML files named directly or found in a rules folder', async () => {
    const toml = '[[rules]]\nid = "Team_Key"\nregex = \'\'\'(?i)team_key=([[:alnum:]]{16})\'\'\'\nkeywords = ["team_key"]\n';
    const dir = dirWith({ 'team.toml': toml, 'other.yaml': good });
    const rules = await loadRules({ builtin: false, dirs: [dir] });
    expect(rules.map((r) => [r.id, r.family, Boolean(r.linear)]).sort()).toEqual([
      ['acme-key', 'acme', true],
      ['team-key', 'gitleaks', true],
    ]);
    const direct = await loadRules({ builtin: false, dirs: [`${dir}/team.toml`] });
    expect(direct.map((r) => r.id)).toEqual(['team-key']);
  });

  it('names file and rule of RE2 syntax the engine cannot take, never the pattern', async () => {
    const err = await loadError({ 'team.toml': '[[rules]]\nid = "bytes"\nregex = \'\'\'tok_Q7rT2mX9kLp4\\C\'\'\'\n' });
    expect(err.message).toMatch(/team\.toml: \/rules\/0 \(bytes\): pattern: not a pattern the linear-time engine takes: invalid escape sequence at position 17/);
    expect(err.message).not.toContain('tok_Q7rT2mX9kLp4');
  });
});
