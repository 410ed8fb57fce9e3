// The generators must produce tokens that the built-in rules accept (all gates included), so
// tests that plant them exercise real detection rather than look-alikes.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkCrc32Base62 } from '../../src/detect/checksum.js';
import { runRule } from '../../src/detect/detect.js';
import { compileRule } from '../../src/rules/compile.js';
import type { RawRuleFile, Rule } from '../../src/rules/types.js';
import * as fake from './fake-tokens.js';

const RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

function builtinRules(): Map<string, Rule> {
  const rules = new Map<string, Rule>();
  for (const file of readdirSync(RULES_DIR).filter((f) => f.endsWith('.yaml'))) {
    const doc = parse(readFileSync(RULES_DIR + file, 'utf8')) as RawRuleFile;
    for (const raw of doc.rules) rules.set(raw.id, compileRule(raw, doc.family ?? file, file));
  }
  return rules;
}

const rules = builtinRules();
const SEEDS: Array<string | number> = [1, 2, 'fixture', 'demo-service'];

type Case = [name: string, ruleId: string, make: (seed: string | number) => string, context?: (t: string) => string];

const cases: Case[] = [
  ['ghp', 'github-pat', (s) => fake.fakeGithubToken('ghp', s)],
  ['gho', 'github-oauth', (s) => fake.fakeGithubToken('gho', s)],
  ['ghu', 'github-app-token', (s) => fake.fakeGithubToken('ghu', s)],
  ['ghs', 'github-app-token', (s) => fake.fakeGithubToken('ghs', s)],
  ['ghr', 'github-refresh-token', (s) => fake.fakeGithubToken('ghr', s)],
  ['github_pat', 'github-fine-grained-pat', fake.fakeGithubFineGrainedPat],
  ['npm', 'npm-token', fake.fakeNpmToken],
  ['glpat', 'gitlab-pat', (s) => fake.fakeGitlabToken('glpat', s)],
  ['gldt', 'gitlab-token', (s) => fake.fakeGitlabToken('gldt', s)],
  ['glrt', 'gitlab-token', (s) => fake.fakeGitlabToken('glrt', s)],
  ['xoxb', 'slack-bot-token', (s) => fake.fakeSlack('xoxb', s)],
  ['xoxp', 'slack-user-token', (s) => fake.fakeSlack('xoxp', s)],
  ['xoxa', 'slack-legacy-token', (s) => fake.fakeSlack('xoxa', s)],
  ['xoxr', 'slack-legacy-token', (s) => fake.fakeSlack('xoxr', s)],
  ['xapp', 'slack-app-token', (s) => fake.fakeSlack('xapp', s)],
  ['slack webhook', 'slack-webhook-url', fake.fakeSlackWebhook],
  ['sk_live', 'stripe-secret-key', (s) => fake.fakeStripe('sk', 'live', s)],
  ['rk_live', 'stripe-restricted-key', (s) => fake.fakeStripe('rk', 'live', s)],
  ['sk_test', 'stripe-test-key', (s) => fake.fakeStripe('sk', 'test', s)],
  ['openai legacy', 'openai-api-key', (s) => fake.fakeOpenAi('legacy', s)],
  ['openai proj', 'openai-api-key', (s) => fake.fakeOpenAi('proj', s)],
  ['openai svcacct', 'openai-api-key', (s) => fake.fakeOpenAi('svcacct', s)],
  ['anthropic', 'anthropic-api-key', (s) => fake.fakeAnthropic('api03', s)],
  ['anthropic admin', 'anthropic-admin-key', (s) => fake.fakeAnthropic('admin01', s)],
  ['ya29', 'google-oauth-access-token', fake.fakeGoogleAccessToken],
  ['1//0', 'google-oauth-refresh-token', fake.fakeGoogleRefreshToken],
  ['pypi', 'pypi-token', fake.fakePypiToken],
  ['hvs', 'vault-token', (s) => fake.fakeVaultToken('hvs', s)],
  ['hvb', 'vault-token', (s) => fake.fakeVaultToken('hvb', s)],
  ['dapi', 'databricks-token', fake.fakeDatabricksToken],
  ['shpat', 'shopify-token', (s) => fake.fakeShopifyToken('shpat', s)],
  ['SG.', 'sendgrid-api-key', fake.fakeSendgridKey],
  ['ATATT3', 'atlassian-api-token', fake.fakeAtlassianToken],
  ['AKIA', 'aws-access-key-id', (s) => fake.fakeAwsAccessKeyId('AKIA', s)],
  ['ASIA', 'aws-access-key-id', (s) => fake.fakeAwsAccessKeyId('ASIA', s)],
  ['aws secret', 'aws-secret-access-key', fake.fakeAwsSecretAccessKey, (t) => `aws_secret_access_key = ${t}`],
  ['entra', 'azure-entra-client-secret', fake.fakeEntraClientSecret],
  ['hf_', 'huggingface-token', fake.fakeHuggingFaceToken],
  ['dop_v1', 'digitalocean-token', (s) => fake.fakeDigitalOceanToken('dop', s)],
  ['PMAK', 'postman-api-key', fake.fakePostmanKey],
  ['glsa', 'grafana-service-account-token', fake.fakeGrafanaServiceAccountToken],
  ['lin_api', 'linear-api-key', fake.fakeLinearKey],
  ['opaque bearer', 'bearer-header', fake.fakeOpaqueToken, (t) => `curl -H "Authorization: Bearer ${t}" https://api.example.com`],
  ['opaque access_token', 'oauth-token-value', fake.fakeOpaqueToken, (t) => `{"access_token":"${t}","token_type":"Bearer"}`],
];

describe('fake token generators', () => {
  describe.each(cases)('%s', (_name, ruleId, make, context = (t) => `TOKEN=${t}\n`) => {
    it('is deterministic per seed and differs across seeds', () => {
      expect(make('same')).toBe(make('same'));
      expect(new Set(SEEDS.map((s) => make(s))).size).toBe(SEEDS.length);
    });

    it('is visibly fake', () => {
      for (const seed of SEEDS) expect(make(seed)).toMatch(/FAKE|EXAMPLE|0000/);
    });

    it(`is found, whole, by rule ${ruleId}`, () => {
      const rule = rules.get(ruleId);
      expect(rule, `rule ${ruleId} exists`).toBeDefined();
      if (!rule) return;
      for (const seed of SEEDS) {
        const token = make(seed);
        expect(runRule(rule, context(token)).map((m) => m.secret)).toEqual([token]);
      }
    });
  });

  it('gives checksummed formats a valid CRC-32/base62 checksum', () => {
    for (const seed of SEEDS) {
      for (const p of ['ghp', 'gho', 'ghu', 'ghs', 'ghr'] as const) expect(checkCrc32Base62(fake.fakeGithubToken(p, seed))).toBe(true);
      expect(checkCrc32Base62(fake.fakeNpmToken(seed))).toBe(true);
    }
  });

  it('builds an Azure SAS URL whose sig the azure-sas-token rule finds', () => {
    const rule = rules.get('azure-sas-token');
    expect(rule).toBeDefined();
    if (!rule) return;
    const url = fake.fakeAzureSasUrl('x');
    const sig = new URL(url).searchParams.get('sig');
    expect(sig).toBeTruthy();
    expect(runRule(rule, `BACKUP_URL=${url}`).map((m) => m.secret)).toEqual([encodeURIComponent(sig ?? '')]);
  });

  it('pseudoRandom draws only from the charset and honours the length', () => {
    const s = fake.pseudoRandom('ab', 100, 'seed');
    expect(s).toMatch(/^[ab]{100}$/);
  });
});
