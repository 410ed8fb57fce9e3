// Issue 13: a user's rule (or one a scanned tree's config brings) may quote a real token in its
// title, description, remediation or references. Findings are redacted with the run; the rule
// text printed beside them (SARIF tool.driver.rules, the text report, `rules list`) must be too.
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { leakedSecret } from '../helpers/secrets.js';
import { tmpTree } from '../helpers/tmp.js';

const quoted = fakeGithubToken('ghp', 'quoted-in-rule-text');
const rule = `rules:
  - id: acme-key
    title: "Acme key (was ${quoted})"
    description: "Found next to ${quoted} once"
    remediation: "Rotate it, like ${quoted}"
    references: ["https://example.com/docs?t=${quoted}"]
    severity: high
    pattern: 'acme_[a-z0-9]{20}'
    keywords: [acme_]
    examples: ['key = acme_q7x2m9k4p1z8w3v6n5r0', 'ACME=acme_t4k9q2x7m1p8z3w6v5n1']
    negativeExamples: ['acme_short']
`;

describe('rule text is redacted like findings', () => {
  const t = tmpTree({ 'rules/acme.yaml': rule, 'app.env': 'ACME_KEY=acme_t4k9q2x7m1p8z3w6v5n0\n' });
  afterAll(() => t.cleanup());

  it.each(['sarif', 'json', 'text', 'github'])('--format %s', async (format) => {
    const run = await runCli(['dir', 'app.env', '--rules', 'rules', '--format', format, '--no-progress'], { cwd: t.dir });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(format === 'sarif' ? 'Found next to' : 'Acme key');
    expect(leakedSecret(run.stdout + run.stderr, [quoted])).toBeNull();
  });

  it('a token the run does not look for (--no-builtin-rules) is still not echoed from a file name', async () => {
    const named = tmpTree({ 'rules/acme.yaml': rule, [`${quoted}.env`]: 'ACME_KEY=acme_t4k9q2x7m1p8z3w6v5n0\n' });
    try {
      const run = await runCli(['dir', '.', '--rules', 'rules', '--no-builtin-rules', '--format', 'json', '--no-progress'], { cwd: named.dir });
      expect(run.status).toBe(1);
      expect(run.stdout).toContain('acme-key');
      expect(leakedSecret(run.stdout + run.stderr, [quoted])).toBeNull();
    } finally {
      named.cleanup();
    }
  });

  it('rules list', async () => {
    const run = await runCli(['rules', 'list', '--rules', 'rules', '--no-builtin-rules'], { cwd: t.dir });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('acme-key');
    expect(leakedSecret(run.stdout + run.stderr, [quoted])).toBeNull();
  });
});
