// One loader of configuration and rules for every command: `rules list`, `rules test` and
// `merge` see the rules a scan of the working directory would load (built-in, --rules, the
// config's `rules` folders, minus disabledRules), not only the built-in ones.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadRuleSet } from '../../src/config/rule-set.js';
import { runCli } from '../hostile/helpers.js';
import { tmpTrees } from '../helpers/tmp.js';

const { tree } = tmpTrees(afterEach);

// A gitleaks-format team rule: imported rules need no examples.
const TEAM_TOML = `title = "team"
[[rules]]
id = "team-key"
description = "Team service key"
regex = '''team_key\\s*=\\s*"?([A-Za-z0-9]{20})'''
keywords = ["team_key"]
`;
const TOKEN = 'FAKEq8Wm3Kp9Lx2Vb7Nt';

describe('loadRuleSet', () => {
  it('adds the rules of a config found in the root, and leaves out disabledRules of a --config', async () => {
    const dir = tree({ 'team.toml': TEAM_TOML, '.tokensprawl.yaml': 'rules: [team.toml]\n', 'own.yaml': 'disabledRules: [github-pat, no-such-rule]\n' });
    const found = await loadRuleSet({ builtin: true, ruleDirs: [], root: dir, cwd: dir });
    expect(found.trusted).toBe(false);
    expect(found.rules.some((r) => r.id === 'team-key')).toBe(true);
    expect(found.notes.join('\n')).toContain('.tokensprawl.yaml (from the scanned tree) applied');

    const own = await loadRuleSet({ builtin: true, ruleDirs: [], config: 'own.yaml', root: dir, cwd: dir });
    expect(own.trusted).toBe(true);
    expect(own.rules.some((r) => r.id === 'github-pat')).toBe(false);
    expect(own.rules.some((r) => r.id === 'team-key')).toBe(false); // --config replaces the one in the root
    expect(own.warnings).toEqual(['disabledRules names "no-such-rule", which is not a loaded rule (see: tokensprawl rules list)']);

    const ignored = await loadRuleSet({ builtin: true, ruleDirs: [], root: dir, repoConfig: false, cwd: dir });
    expect(ignored.rules.some((r) => r.id === 'team-key')).toBe(false);
  });

  it('a config from the tree cannot replace a loaded rule, and its broken rules are an error of the run, not a crash', async () => {
    const clash = TEAM_TOML.replace('id = "team-key"', 'id = "github-pat"');
    const dir = tree({ 'clash.toml': clash, '.tokensprawl.yaml': 'rules: [clash.toml]\n' });
    const set = await loadRuleSet({ builtin: true, ruleDirs: [], root: dir, cwd: dir });
    expect(set.rules.find((r) => r.id === 'github-pat')?.family).not.toBe('gitleaks');
    expect(set.notes.join('\n')).toContain('may not replace loaded rules; not applied: github-pat');

    const broken = tree({ 'bad.toml': '[[rules]]\nid = "x"\nregex = \'\'\'(\'\'\'\n', '.tokensprawl.yaml': 'rules: [bad.toml]\n' });
    const b = await loadRuleSet({ builtin: true, ruleDirs: [], root: broken, cwd: broken });
    expect(b.errors).toHaveLength(1);
    expect(b.errors[0]?.target).toBe('config rules');
  });

  it('refuses to run with no rule at all', async () => {
    const dir = tree({});
    await expect(loadRuleSet({ builtin: false, ruleDirs: [], root: dir, cwd: dir })).rejects.toThrow(/no rules loaded/);
  });
});

describe('commands that do not scan see the same rules', () => {
  it('rules list shows the rules of the config in the working directory, and not with --no-repo-config', async () => {
    const dir = tree({ 'team.toml': TEAM_TOML, '.tokensprawl.yaml': 'rules: [team.toml]\n' });
    const list = await runCli(['rules', 'list'], dir);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^team-key +high +high +gitleaks +0\/0 +Team service key$/m);
    const without = await runCli(['rules', 'list', '--no-repo-config'], dir);
    expect(without.stdout).not.toMatch(/^team-key /m);
    const disabled = tree({ 'c.yaml': 'disabledRules: [github-pat]\n' });
    expect((await runCli(['rules', 'list', '--config', 'c.yaml'], disabled)).stdout).not.toMatch(/^github-pat /m);
  });

  it('merge --format sarif describes a user rule from --rules as the scan loaded it, not as an unknown id', async () => {
    const dir = tree({ 'team.toml': TEAM_TOML, 'src/a.env': `team_key="${TOKEN}"\n` });
    const scanned = await runCli(['dir', 'src', '--rules', 'team.toml', '--format', 'json', '-o', 'shard.json', '--now', '2026-01-01T00:00:00Z'], dir);
    expect(scanned.status).toBe(1);

    type Sarif = { runs: Array<{ tool: { driver: { rules: Array<{ id: string; properties: { precision: string; tags: string[] } }> } } }> };
    const ruleOf = (out: string) => (JSON.parse(out) as Sarif).runs[0]?.tool.driver.rules.find((r) => r.id === 'team-key');
    const withRules = await runCli(['merge', 'shard.json', '--format', 'sarif', '--rules', 'team.toml'], dir);
    expect(withRules.status).toBe(0);
    expect(ruleOf(withRules.stdout)?.properties).toMatchObject({ precision: 'high', tags: expect.arrayContaining(['gitleaks']) });
    expect(withRules.stdout).not.toContain(TOKEN);

    // the rules may come from the config in the working directory as well
    const viaConfig = tree({ 'team.toml': TEAM_TOML, 'shard.json': readFileSync(path.join(dir, 'shard.json'), 'utf8'), '.tokensprawl.yaml': 'rules: [team.toml]\n' });
    expect(ruleOf((await runCli(['merge', 'shard.json', '--format', 'sarif'], viaConfig)).stdout)?.properties.tags).toContain('gitleaks');

    // without them, the rule is only an id that fired
    const bare = await runCli(['merge', 'shard.json', '--format', 'sarif', '--no-repo-config'], dir);
    expect(ruleOf(bare.stdout)?.properties.tags).not.toContain('gitleaks');
  });
});
