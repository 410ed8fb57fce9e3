import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDetector, detect } from '../../src/detect/detect.js';
import { placeholderReason } from '../../src/detect/placeholder.js';
import { compileRule } from '../../src/rules/compile.js';
import * as fake from '../helpers/fake-tokens.js';

describe('placeholderReason', () => {
  // [value, prefix regex source or '', reason]
  const placeholders: Array<[string, string, string]> = [
    ['ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'ghp_', 'repeated characters'],
    ['XXXXXXXXXXXXXXXXXXXX', '', 'repeated characters'],
    ['sk_live_000000000000000000000000', 'sk_live_', 'repeated characters'],
    ['sk_live_abc123abc123abc123abc123', 'sk_live_', 'repeated pattern'],
    ['abc123def456ghi789jkl012', '', 'sequential characters'],
    ['0123456789abcdef0123', '', 'sequential characters'],
    ['abcdefghijklmnopqrstuvwxyz', '', 'sequential characters'],
    ['your-token-here', '', 'placeholder words'],
    ['YOUR_API_KEY_HERE', '', 'placeholder words'],
    ['changeme', '', 'placeholder words'],
    ['xoxb-RANDOMSTRING1234', 'xoxb-', 'placeholder words'],
    ['sk-proj-YourSecretKeyHere123', 'sk-proj-', 'placeholder words'],
    ['insert-your-access-token', '', 'placeholder words'],
    ['<token>', '', 'template variable'],
    ['ghp_<your-token>', 'ghp_', 'template variable'],
    ['${GITHUB_TOKEN}', '', 'template variable'],
    ['$GITHUB_TOKEN', '', 'template variable'],
    ['${{ secrets.NPM_TOKEN }}', '', 'template variable'],
    ['{{ secrets.API_KEY }}', '', 'template variable'],
    ['%(api_key)s', '', 'template variable'],
    ['%API_TOKEN%', '', 'template variable'],
    ['__API_TOKEN__', '', 'template variable'],
    ['REDACTED', '', 'masked value'],
    ['[redacted]', '', 'masked value'],
    ['sk_live_***************', 'sk_live_', 'masked value'],
    ['********', '', 'masked value'],
    ['sk_live_83921', 'sk_live_', 'short run of digits'],
  ];
  it.each(placeholders)('suppresses %s (%s) as %s', (value, prefix, reason) => {
    expect(placeholderReason(value, prefix ? new RegExp(`^(?:${prefix})`) : undefined)).toBe(reason);
  });

  const SEEDS = [1, 2, 'fixture', 'demo-service', 'x', 42];
  const fakes: Array<[string, (s: string | number) => string]> = [
    ['ghp', (s) => fake.fakeGithubToken('ghp', s)],
    ['github_pat', fake.fakeGithubFineGrainedPat],
    ['npm', fake.fakeNpmToken],
    ['glpat', (s) => fake.fakeGitlabToken('glpat', s)],
    ['xoxb', (s) => fake.fakeSlack('xoxb', s)],
    ['xoxp', (s) => fake.fakeSlack('xoxp', s)],
    ['xapp', (s) => fake.fakeSlack('xapp', s)],
    ['slack webhook', fake.fakeSlackWebhook],
    ['stripe', (s) => fake.fakeStripe('sk', 'live', s)],
    ['openai proj', (s) => fake.fakeOpenAi('proj', s)],
    ['openai legacy', (s) => fake.fakeOpenAi('legacy', s)],
    ['anthropic', (s) => fake.fakeAnthropic('api03', s)],
    ['ya29', fake.fakeGoogleAccessToken],
    ['google refresh', fake.fakeGoogleRefreshToken],
    ['pypi', fake.fakePypiToken],
    ['vault', (s) => fake.fakeVaultToken('hvs', s)],
    ['databricks', fake.fakeDatabricksToken],
    ['shopify', (s) => fake.fakeShopifyToken('shpat', s)],
    ['sendgrid', fake.fakeSendgridKey],
    ['atlassian', fake.fakeAtlassianToken],
    ['aws id', (s) => fake.fakeAwsAccessKeyId('AKIA', s)],
    ['aws secret', fake.fakeAwsSecretAccessKey],
    ['entra', fake.fakeEntraClientSecret],
    ['hf', fake.fakeHuggingFaceToken],
    ['do', (s) => fake.fakeDigitalOceanToken('dop', s)],
    ['postman', fake.fakePostmanKey],
    ['grafana', fake.fakeGrafanaServiceAccountToken],
    ['linear', fake.fakeLinearKey],
    ['opaque', fake.fakeOpaqueToken],
    ['opaque short', (s) => fake.fakeOpaqueToken(s, 20)],
  ];
  it.each(fakes)('keeps the project fake token %s (FAKE/EXAMPLE inside random characters)', (_name, make) => {
    for (const seed of SEEDS) {
      const token = make(seed);
      expect(placeholderReason(token)).toBeUndefined();
      // with its prefix cut off too (the first four characters stand in for any prefix)
      expect(placeholderReason(token, /^[A-Za-z]+[-_.]/)).toBeUndefined();
    }
  });

  it('judges a short run of digits only after a real prefix', () => {
    expect(placeholderReason('83921')).toBeUndefined();
    expect(placeholderReason('sk_live_839217364019', /^sk_live_/)).toBeUndefined();
  });

  it('keeps real-looking values that hold one word', () => {
    for (const v of ['EXAMPLEq8Zr2LkW9vNc4Tx7YpB3mHd', 'q8Zr2LkW9vNc4Tx7YpB3mHdFAKE', 'token_q8Zr2LkW9vNc4Tx7YpB3mHd1Js', 'SuperSecret4Pa55wordXy9']) {
      expect(placeholderReason(v)).toBeUndefined();
    }
  });

  it('never suppresses a random high-entropy body (property)', () => {
    const alphabets = ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '0123456789abcdef', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];
    fc.assert(
      fc.property(
        fc.constantFrom(...alphabets).chain((abc) => fc.tuple(fc.constant(abc), fc.array(fc.integer({ min: 0, max: abc.length - 1 }), { minLength: 20, maxLength: 80 }))),
        fc.constantFrom('', 'ghp_', 'sk-proj-', 'xoxb-'),
        ([abc, idx], prefix) => {
          const body = idx.map((i) => abc[i]).join('');
          // the property is about random bodies: a draw of few distinct characters is not one
          fc.pre(new Set(body).size >= Math.min(12, abc.length / 2));
          expect(placeholderReason(prefix + body, prefix ? new RegExp(`^${prefix}`) : undefined)).toBeUndefined();
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('stays linear on long hostile values (no quadratic template or period search)', () => {
    for (const unit of ['${', '{{', '%(a', '<a', 'ab', 'abababababababababX', '*', 'your']) {
      const body = unit.repeat(Math.ceil(500_000 / unit.length));
      expect(() => placeholderReason(`ghp_${body}`, /^ghp_/)).not.toThrow();
    }
    expect(placeholderReason('x'.repeat(500_000))).toBe('repeated characters');
  });

  it('never throws on any string', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => void placeholderReason(s)), { numRuns: 2000 });
  });
});

describe('placeholders in detection', () => {
  const rule = compileRule(
    { id: 'acme', title: 'Acme', description: 'd', severity: 'high', pattern: 'acme_[A-Za-z0-9_<>-]{12,40}', prefix: 'acme_', keywords: ['acme_'], examples: ['x'], negativeExamples: ['y'] },
    'acme',
    'acme.yaml',
  );
  const detector = createDetector([rule]);
  const run = (text: string) => detect({ text, provenance: { kind: 'dir', path: 'a.env' }, line: 1, column: 1 }, detector);

  it('marks a placeholder match with its reason and leaves a random one unmarked', () => {
    expect(run('K=acme_your-token-here').map((m) => m.placeholder)).toEqual(['placeholder words']);
    expect(run('K=acme_q8Zr2LkW9vNc4Tx7YpB3').map((m) => m.placeholder)).toEqual([undefined]);
  });
});
