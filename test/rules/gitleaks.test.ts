import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as re2 from 're2js';
import { describe, expect, it } from 'vitest';
import { createDetector, detect } from '../../src/detect/detect.js';
import { compileRule } from '../../src/rules/compile.js';
import { parseGitleaksToml, ruleId } from '../../src/rules/gitleaks.js';

const TEAM = readFileSync(fileURLToPath(new URL('../../fixtures/rules/team-gitleaks.toml', import.meta.url)), 'utf8');

describe('parseGitleaksToml', () => {
  it('maps rules, keywords, secretGroup, entropy, path and every allowlist form', async () => {
    const { doc, problems } = await parseGitleaksToml(TEAM);
    expect(problems).toEqual([]);
    const [acme, zorg] = doc!.rules;
    expect(acme).toMatchObject({
      id: 'acme-internal-token',
      title: 'Acme internal service token',
      severity: 'high',
      keywords: ['acme_token', 'acme-token', 'acmetoken'],
      secretGroup: 1,
      entropy: 3,
      engine: 're2',
      imported: 'gitleaks',
      allow: ['^EXAMPLEONLY'],
      stopwords: ['notreal'],
      pathAllow: ['(^|/)vendor/'],
    });
    expect(zorg).toMatchObject({ id: 'zorg-deploy-key', pathPattern: '\\.cfg$', allowLine: ['#\\s*test-only'] });
    expect(zorg!.secretGroup).toBeUndefined();
  });

  it('gives rules that find what gitleaks would', async () => {
    const { doc } = await parseGitleaksToml(TEAM);
    const rules = doc!.rules.map((r) => compileRule(r, 'gitleaks', 'team.toml', re2));
    const detector = createDetector(rules);
    const scan = (path: string, text: string) =>
      detect({ text, provenance: { kind: 'dir', path }, line: 1, column: 1 }, detector)
        .filter((m) => !m.placeholder)
        .map((m) => [m.ruleId, m.secret]);
    expect(scan('app/.env', 'ACME_TOKEN="Qz8Wm3Kp9Lx2Vb7NtR4c"')).toEqual([['acme-internal-token', 'Qz8Wm3Kp9Lx2Vb7NtR4c']]);
    expect(scan('vendor/x/.env', 'ACME_TOKEN="Qz8Wm3Kp9Lx2Vb7NtR4c"')).toEqual([]); // global path allowlist
    expect(scan('app/.env', 'ACME_TOKEN="EXAMPLEONLYq8Zr2LkW9vN"')).toEqual([]); // global regex allowlist
    expect(scan('app/.env', 'ACME_TOKEN="Qz8NOTREALKp9Lx2Vb7N"')).toEqual([]); // stopword
    // first capture group when secretGroup is unset; only on .cfg paths; line allowlist
    expect(scan('deploy/prod.cfg', 'key = zorg_q8w3k9p2l4x7m5n1')).toEqual([['zorg-deploy-key', 'q8w3k9p2l4x7m5n1']]);
    expect(scan('deploy/prod.txt', 'key = zorg_q8w3k9p2l4x7m5n1')).toEqual([]);
    expect(scan('deploy/prod.cfg', 'key = zorg_q8w3k9p2l4x7m5n1 # test-only')).toEqual([]);
  });

  it.each([
    ['[[rules]]\nid = "a"\nregex = "x"\n[rules.allowlist]\ncommits = ["abc"]\n', /rule a: allowlist 1: commits are not supported/],
    ['[[rules]]\nid = "a"\nregex = "x"\n[rules.allowlist]\ncondition = "AND"\nregexes = ["x"]\nstopwords = ["y"]\n', /rule a: allowlist 1: condition "AND" is not supported/],
    ['[[rules]]\nid = "a"\npath = "x"\n', /rule a: has no regex: path-only rules/],
    ['[[rules]]\nid = "a"\nregex = "x"\ncolour = "red"\n', /rule a: unknown key "colour"/],
    ['[[rules]]\nregex = "x"\n', /rule #1: has no id/],
    ['[[rules]]\nid = "a"\nregex = "x"\nsecretGroup = "one"\n', /rule a: secretGroup is not a whole number/],
    ['[[rules]]\nid = "a"\nregex = "x"\n[[rules]]\nid = "a"\nregex = "y"\n', /rule a: duplicate id/],
    ['[extend]\npath = "other.toml"\n[[rules]]\nid = "a"\nregex = "x"\n', /\[extend\] path\/url is not supported/],
    ['title = "nothing"\n', /no \[\[rules\]\]/],
  ])('rejects what it cannot carry over (%#)', async (text, why) => {
    const { doc, problems } = await parseGitleaksToml(text);
    expect(doc).toBeUndefined();
    expect(problems.join('\n')).toMatch(why);
  });

  it('reports a TOML syntax error by line without quoting the line', async () => {
    const { problems } = await parseGitleaksToml('[[rules]]\nid = "a"\nregex = "ghp_Q7rT2mX9kLp4Zb8N\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^not valid TOML \(line 3, column \d+\)/);
    expect(problems[0]).not.toContain('ghp_Q7rT2mX9kLp4Zb8N');
  });

  it('makes ids that config disabledRules can name', () => {
    expect(ruleId('Zorg_Deploy_Key')).toBe('zorg-deploy-key');
    expect(ruleId('__')).toBe('gitleaks-rule');
  });
});
