import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sarifSchemaErrors, validateSarif } from '../helpers/sarif-schema.js';
import { describe, expect, it } from 'vitest';
import type { Finding, JwtAnalysis, Location, ScanResult, Severity } from '../../src/core/types.js';
import {
  FINGERPRINT_KEY,
  renderSarif,
  splitArchivePath,
  toUri,
  type SarifContext,
  type SarifLog,
} from '../../src/report/sarif.js';
import type { Rule } from '../../src/rules/types.js';

// ------------------------------------------------------------------------------------------
// Builders

function rule(id: string, over: Partial<Rule> = {}): Rule {
  return {
    id,
    title: `${id} title`,
    description: `${id} description`,
    severity: 'high',
    family: 'test',
    regex: /x/dg,
    hasSecretGroup: false,
    keywords: ['x'],
    generic: false,
    precision: 'high',
    jwt: false,
    allow: [],
    references: [],
    examples: ['x'],
    negativeExamples: ['y'],
    file: 'rules/test.yaml',
    raw: {
      id,
      title: `${id} title`,
      description: `${id} description`,
      severity: 'high',
      pattern: 'x',
      keywords: ['x'],
      examples: ['x'],
      negativeExamples: ['y'],
    },
    ...over,
  };
}

const RULES: Rule[] = [
  rule('github-pat', {
    title: 'GitHub personal access token',
    description: 'A classic GitHub personal access token (ghp_) grants the scopes its owner chose.',
    severity: 'critical',
    family: 'github',
    precision: 'very-high',
    references: ['https://docs.github.com/en/authentication'],
    remediation: 'Delete the token at https://github.com/settings/tokens and create a fine-grained one.',
  }),
  rule('jwt', {
    title: 'JSON Web Token',
    description: 'A signed JWT: a bearer credential until it expires.',
    severity: 'medium',
    family: 'jwt',
    precision: 'medium',
    jwt: true,
  }),
  rule('info-rule', { title: 'Informational', severity: 'info', family: 'misc', precision: 'low' }),
];

const ctx = (over: Partial<SarifContext> = {}): SarifContext => ({
  rules: new Map(RULES.map((r) => [r.id, r])),
  version: '0.1.0',
  informationUri: 'https://github.com/tokensprawl/tokensprawl',
  ...over,
});

function finding(
  secret: string,
  ruleId: string,
  severity: Severity,
  loc: Partial<Location> & Pick<Location, 'source' | 'path'>,
  extra: Partial<Finding> = {},
): Finding {
  // Local stand-ins for the scanner's redaction and fingerprint, so the golden file only
  // changes when the SARIF reporter does.
  const prefix = /^(ghp_|eyJ)/.exec(secret)?.[0] ?? '';
  const sha256 = createHash('sha256').update(secret).digest('hex');
  const ref = { redacted: `${prefix}…${secret.slice(-4)}`, sha256, length: secret.length };
  return {
    id: createHash('sha256').update(`${ruleId}\0${sha256}\0${loc.path}`).digest('hex').slice(0, 32),
    ruleId,
    title: RULES.find((r) => r.id === ruleId)?.title ?? ruleId,
    severity,
    secret: ref,
    location: { line: 3, column: 9, endLine: 3, endColumn: 9 + secret.length, ...loc },
    ...extra,
  };
}

/** Visibly fake, generated at test time (never scanned, so no checksum is needed). */
const fakeGhp = (seed: string) => `ghp_FAKE${createHash('sha256').update(seed).digest('hex').slice(0, 32)}`;

/** The raw secret, or any 12-character window of it past its public prefix, found in `text`. */
function leakedSecret(text: string, secrets: readonly string[]): string | null {
  for (const s of secrets) {
    if (text.includes(s)) return `${s.slice(0, 4)}… (whole)`;
    for (let i = 4; i + 12 <= s.length; i++) if (text.includes(s.slice(i, i + 12))) return `${s.slice(0, 4)}… (window at ${i})`;
  }
  return null;
}

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const RAW_JWT = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: 'FAKE-user', iss: 'https://issuer.example' })}.${Buffer.from('EXAMPLE-signature-0000-0000-0000').toString('base64url')}`;
const RAW_GHP = fakeGhp('sarif');
const RAW_GHP2 = fakeGhp('sarif-2');

const JWT: JwtAnalysis = {
  form: 'jws',
  header: { alg: 'HS256', typ: 'JWT' },
  claims: { sub: 'FAKE-user', iss: 'https://issuer.example', custom: 'not copied' },
  issuedAt: null,
  notBefore: null,
  expiresAt: null,
  lifetimeSeconds: null,
  expired: false,
  audience: [],
  binding: 'none',
  signature: 'unverified',
  problems: [
    { id: 'unbound', severity: 'high', message: 'no cnf claim: a bearer token that any holder can replay' },
    { id: 'no-expiry', severity: 'critical', message: 'no exp claim: it never expires' },
    { id: 'no-audience', severity: 'medium', message: 'no aud claim: accepted by any service that trusts the issuer' },
  ],
};

const COMMIT = '0123456789abcdef0123456789abcdef01234567';

function scanResult(findings: Finding[], over: Partial<ScanResult['scan']> = {}): ScanResult {
  return {
    tool: { name: 'tokensprawl', version: '0.1.0' },
    scan: {
      startedAt: '2026-01-01T00:00:00.000Z',
      now: '2026-01-01T00:00:00.000Z',
      command: 'dir',
      targets: ['.'],
      durationMs: 12,
      stats: { bytes: 100, files: 2, commits: 0, messages: 0 },
      ...over,
    },
    findings,
    errors: [],
  };
}

const FINDINGS = {
  dir: finding(RAW_GHP, 'github-pat', 'critical', { source: 'dir', path: 'src/config dir/app#1.env' }),
  jwtInDir: finding(RAW_JWT, 'jwt', 'critical', { source: 'dir', path: 'deploy/values.yaml', line: 10, column: 1, endLine: 10, endColumn: 1 + RAW_JWT.length }, {
    jwt: JWT,
    decodedFrom: ['base64'],
  }),
  git: finding(RAW_GHP2, 'github-pat', 'critical', {
    source: 'git',
    path: 'old/secrets.txt',
    commit: COMMIT,
    author: 'Alice Example',
    date: '2024-05-01T10:00:00Z',
  }, { presentAtHead: true }),
  ciLog: finding(RAW_GHP, 'github-pat', 'critical', {
    source: 'ci-log',
    path: 'logs_42.zip!build/3_Run tests.txt',
    job: 'build',
    step: 'Run tests',
    line: 120,
    column: 30,
    endLine: 120,
    endColumn: 70,
  }),
  queue: finding(RAW_JWT, 'jwt', 'high', {
    source: 'queue',
    path: 'dumps/orders.ndjson',
    queue: 'orders',
    partition: 0,
    offset: 42,
    messageId: 'm-1',
    field: '/headers/authorization',
    line: 7,
    column: 1,
    endLine: 7,
    endColumn: 300,
  }, { jwt: JWT, decodedFrom: ['json', 'base64'] }),
  info: finding('info-value-EXAMPLE-0000', 'info-rule', 'info', { source: 'stdin', path: 'stdin' }),
};

function parse(text: string): SarifLog {
  return JSON.parse(text) as SarifLog;
}

// ------------------------------------------------------------------------------------------
// Schema: the OASIS SARIF 2.1.0 schema shipped with @microsoft/jest-sarif (draft-04).

function expectSchemaValid(doc: unknown): void {
  expect(sarifSchemaErrors(doc)).toEqual([]);
}

describe('renderSarif: schema', () => {
  for (const [kind, f] of Object.entries(FINDINGS)) {
    it(`validates against SARIF 2.1.0 for a ${kind} finding`, () => {
      const { text } = renderSarif(scanResult([f]), ctx({ category: 'tokensprawl' }));
      expectSchemaValid(JSON.parse(text));
    });
  }

  it('validates with every kind of finding, scan errors and suppressed findings together', () => {
    const all = Object.values(FINDINGS);
    const result = scanResult([...all, { ...FINDINGS.dir, location: { ...FINDINGS.dir.location, line: 99 }, suppressed: { by: 'allowlist', reason: 'test fixture' } }]);
    result.errors.push({ target: 'unreadable.txt', message: 'EACCES: permission denied' });
    const sarif = parse(renderSarif(result, ctx()).text);
    expectSchemaValid(sarif);
    expect(sarif.runs[0]?.results).toHaveLength(all.length + 1);
    expect(sarif.runs[0]?.invocations[0]?.toolExecutionNotifications?.[0]?.message.text).toContain('unreadable.txt');
    expect(sarif.runs[0]?.results.at(-1)?.suppressions).toEqual([{ kind: 'external', justification: 'allowlist: test fixture' }]);
  });

  it('the schema check itself rejects a broken log', () => {
    expect(validateSarif({ version: '2.1.0', runs: [{ tool: {} }] })).toBe(false);
  });

  it('validates an empty scan (no results, no rules)', () => {
    const sarif = parse(renderSarif(scanResult([]), ctx()).text);
    expectSchemaValid(sarif);
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0]?.results).toEqual([]);
    expect(sarif.runs[0]?.tool.driver.rules).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------
// GitHub code scanning specifics

describe('renderSarif: what GitHub reads', () => {
  const all = Object.values(FINDINGS);
  const sarif = parse(renderSarif(scanResult(all), ctx({ category: 'tokensprawl-history' })).text);
  const run = sarif.runs[0]!;

  it('has $schema, version, one run, a named driver with semanticVersion and informationUri', () => {
    expect(sarif.$schema).toMatch(/^https:\/\/.*sarif-2\.1\.0/);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(1);
    expect(run.tool.driver).toMatchObject({ name: 'tokensprawl', semanticVersion: '0.1.0', informationUri: 'https://github.com/tokensprawl/tokensprawl' });
  });

  it('sets automationDetails.id from the category, ending in "/"', () => {
    expect(run.automationDetails).toEqual({ id: 'tokensprawl-history/' });
    const noCat = parse(renderSarif(scanResult(all), ctx()).text).runs[0]!;
    expect(noCat.automationDetails).toBeUndefined();
    const withSlash = parse(renderSarif(scanResult(all), ctx({ category: 'a/b/' })).text).runs[0]!;
    expect(withSlash.automationDetails).toEqual({ id: 'a/b/' });
  });

  it('lists only the rules that fired, each with descriptions, help, level, tags, precision', () => {
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['github-pat', 'info-rule', 'jwt']);
    for (const r of run.tool.driver.rules) {
      expect(r.shortDescription.text.length).toBeGreaterThan(0);
      expect(r.fullDescription.text.length).toBeGreaterThan(0);
      expect(r.fullDescription.text.length).toBeLessThanOrEqual(1024);
      expect(r.help.text).toContain('short-lived, bound credentials');
      expect(r.help.markdown).toContain('### Lasting remedy');
      expect(r.properties.tags).toEqual(expect.arrayContaining(['security', 'secret']));
      expect(r.properties.tags.length).toBeLessThanOrEqual(20);
      expect(['very-high', 'high', 'medium', 'low']).toContain(r.properties.precision);
    }
    const pat = run.tool.driver.rules[0]!;
    expect(pat.properties.tags).toContain('github');
    expect(pat.help.markdown).toContain('https://github.com/settings/tokens');
    expect(pat.helpUri).toBe('https://docs.github.com/en/authentication');
    expect(pat.properties.precision).toBe('very-high');
  });

  it('writes security-severity as a string in the band of the worst finding of the rule', () => {
    const bySev = Object.fromEntries(run.tool.driver.rules.map((r) => [r.id, r.properties['security-severity']]));
    // jwt rule default is medium, but one of its findings is critical: GitHub must see critical.
    expect(bySev).toEqual({ 'github-pat': '9.5', jwt: '9.5', 'info-rule': undefined });
    expect(Number(bySev['github-pat'])).toBeGreaterThan(9.0);
    const levels = Object.fromEntries(run.tool.driver.rules.map((r) => [r.id, r.defaultConfiguration.level]));
    expect(levels).toEqual({ 'github-pat': 'error', jwt: 'error', 'info-rule': 'note' });
  });

  it('maps each band to its GitHub score and level', () => {
    const cases: Array<[Severity, string | undefined, string]> = [
      ['critical', '9.5', 'error'],
      ['high', '8.0', 'error'],
      ['medium', '5.5', 'warning'],
      ['low', '2.0', 'note'],
      ['info', undefined, 'note'],
    ];
    for (const [severity, score, level] of cases) {
      const f = { ...FINDINGS.dir, severity };
      const r = parse(renderSarif(scanResult([f]), ctx()).text).runs[0]!;
      expect(r.tool.driver.rules[0]?.properties['security-severity']).toBe(score);
      expect(r.results[0]?.level).toBe(level);
    }
  });

  it('gives every result ruleId, matching ruleIndex, level, relative %SRCROOT% uri and a region >= 1', () => {
    expect(run.originalUriBaseIds['%SRCROOT%']).toBeDefined();
    for (const res of run.results) {
      expect(run.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
      const loc = res.locations[0]!.physicalLocation;
      expect(loc.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(loc.artifactLocation.uri).not.toMatch(/^(\/|\.\/|[a-z]+:)/i);
      for (const n of Object.values(loc.region)) expect(n).toBeGreaterThanOrEqual(1);
      expect(res.message.text.length).toBeGreaterThan(0);
    }
    const levels = run.results.map((r) => [r.ruleId, r.level]);
    expect(levels).toContainEqual(['info-rule', 'note']);
    expect(run.results.find((r) => r.properties.source === 'queue')?.level).toBe('error');
  });

  it('keeps region numbers >= 1 even for a degenerate location', () => {
    const bad = { ...FINDINGS.dir, location: { ...FINDINGS.dir.location, line: 0, column: 0, endLine: 0, endColumn: 0 } };
    const region = parse(renderSarif(scanResult([bad]), ctx()).text).runs[0]!.results[0]!.locations[0]!.physicalLocation.region;
    expect(region.startLine).toBe(1);
    expect(region.startColumn).toBe(1);
    expect(region.endLine).toBe(1);
    expect(region.endColumn).toBeGreaterThan(1);
  });

  it('uses the exact end position given (endColumn = column after the last character)', () => {
    const r = parse(renderSarif(scanResult([FINDINGS.dir]), ctx()).text).runs[0]!.results[0]!;
    expect(r.locations[0]!.physicalLocation.region).toEqual({ startLine: 3, startColumn: 9, endLine: 3, endColumn: 9 + RAW_GHP.length });
  });

  it('describes a rule it has no definition for (e.g. ci-masked-value) from the finding', () => {
    const masked: Finding = { ...FINDINGS.ciLog, ruleId: 'ci-masked-value', title: 'Value masked by the CI', severity: 'medium' };
    const sarif = parse(renderSarif(scanResult([masked]), ctx()).text);
    expectSchemaValid(sarif);
    const r = sarif.runs[0]!.tool.driver.rules[0]!;
    expect(r).toMatchObject({ id: 'ci-masked-value', shortDescription: { text: 'Value masked by the CI' }, defaultConfiguration: { level: 'warning' } });
    expect(r.properties).toMatchObject({ precision: 'medium', 'security-severity': '5.5' });
    expect(r.properties.tags).toEqual(expect.arrayContaining(['security', 'secret']));
  });

  it('percent-encodes paths into relative URIs', () => {
    const r = run.results.find((x) => x.properties.path === 'src/config dir/app#1.env')!;
    expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toBe('src/config%20dir/app%231.env');
    expect(toUri('node_modules/@scope/a+b,c.js')).toBe('node_modules/@scope/a+b,c.js');
    expect(toUri('./C:odd/x?.txt')).toBe('C%3Aodd/x%3F.txt');
  });

  it('carries the finding id in partialFingerprints and leaves primaryLocationLineHash to upload-sarif', () => {
    for (const [i, res] of run.results.entries()) {
      expect(res.partialFingerprints).toEqual({ [FINGERPRINT_KEY]: all[i]!.id });
    }
  });

  it('names the JWT problems and the redacted secret, with a short first sentence', () => {
    const r = run.results.find((x) => x.ruleId === 'jwt' && x.properties.source === 'dir')!;
    const first = r.message.text.split('. ')[0]!;
    expect(first).toBe(`JSON Web Token ${FINDINGS.jwtInDir.secret.redacted} is exposed (severity critical)`);
    expect(first.length).toBeLessThan(120);
    for (const id of ['unbound', 'no-expiry', 'no-audience']) expect(r.message.text).toContain(id);
    expect(r.message.text).toContain('Found after decoding base64.');
    const jwt = r.properties.jwt as Record<string, unknown>;
    expect(jwt).toMatchObject({ form: 'jws', binding: 'none', header: { alg: 'HS256', typ: 'JWT' } });
    expect((jwt.problems as unknown[]).length).toBe(3);
    expect(jwt.claims).toEqual({ sub: 'FAKE-user', iss: 'https://issuer.example' });
  });

  it('names the commit of a history finding in the message and the properties', () => {
    const r = run.results.find((x) => x.properties.source === 'git')!;
    expect(r.message.text).toContain('Introduced in 0123456 by Alice Example on 2024-05-01, still present at HEAD.');
    expect(r.properties).toMatchObject({ commit: COMMIT, author: 'Alice Example', date: '2024-05-01T10:00:00Z', presentAtHead: true });
    expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toBe('old/secrets.txt');
  });

  it('points a CI-log finding in an archive at the archive, naming member, job and step', () => {
    const r = run.results.find((x) => x.properties.source === 'ci-log')!;
    expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toBe('logs_42.zip');
    expect(r.message.text).toContain('In CI job build, step Run tests.');
    expect(r.message.text).toContain('Inside archive member build/3_Run tests.txt, line 120, column 30.');
    expect(r.properties).toMatchObject({ member: 'build/3_Run tests.txt', job: 'build', step: 'Run tests', path: 'logs_42.zip!build/3_Run tests.txt' });
  });

  it('points a queue finding at the dump file, naming queue, partition, offset, message id and field', () => {
    const r = run.results.find((x) => x.properties.source === 'queue')!;
    expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toBe('dumps/orders.ndjson');
    expect(r.message.text).toContain('In a queued message: queue orders, partition 0, offset 42, message id m-1, field /headers/authorization.');
    expect(r.properties).toMatchObject({ queue: 'orders', partition: 0, offset: 42, messageId: 'm-1', field: '/headers/authorization' });
  });

  it('splits archive member paths only after an archive name', () => {
    expect(splitArchivePath('logs.zip!a/b.txt')).toEqual({ artifact: 'logs.zip', member: 'a/b.txt' });
    expect(splitArchivePath('docs/wow!.txt')).toEqual({ artifact: 'docs/wow!.txt' });
  });

  it('never contains a raw secret (whole or in part), nor the JWT signature', () => {
    const text = renderSarif(scanResult(all), ctx()).text;
    expect(leakedSecret(text, [RAW_GHP, RAW_GHP2, RAW_JWT])).toBeNull();
    expect(text).not.toContain(RAW_JWT.split('.')[2]!);
    // the redacted forms are there
    expect(text).toContain(FINDINGS.dir.secret.redacted);
  });

  it('is minified JSON', () => {
    const text = renderSarif(scanResult(all), ctx()).text;
    expect(text.trimEnd()).not.toContain('\n');
  });
});

// ------------------------------------------------------------------------------------------
// Limits

describe('renderSarif: GitHub limits', () => {
  const SEVS: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

  function many(n: number): Finding[] {
    const out: Finding[] = [];
    for (let i = 0; i < n; i++) {
      const severity = SEVS[i % SEVS.length]!;
      out.push({
        id: `id-${i}`,
        ruleId: 'github-pat',
        title: 'GitHub personal access token',
        severity,
        secret: { redacted: 'ghp_…', sha256: i.toString(16).padStart(64, '0'), length: 40 },
        location: { source: 'dir', path: `f${String(i).padStart(6, '0')}.txt`, line: 1, column: 1, endLine: 1, endColumn: 41 },
      });
    }
    return out;
  }

  it('keeps the 25,000 most severe of 26,000 results, in report order, and warns', () => {
    const findings = many(26_000);
    const { text, warnings } = renderSarif(scanResult(findings), ctx());
    const results = parse(text).runs[0]!.results;
    expect(results).toHaveLength(25_000);
    // 26,000 = 5,200 of each severity: all but 1,000 of the info ones survive.
    const count = (s: string) => results.filter((r) => r.properties.severity === s).length;
    expect([count('critical'), count('high'), count('medium'), count('low'), count('info')]).toEqual([5200, 5200, 5200, 5200, 4200]);
    const kept = results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]!);
    const expected = findings.map((f) => f.id).filter((id) => kept.includes(id));
    expect(kept).toEqual(expected);
    expect(warnings).toEqual([expect.stringContaining("over GitHub's limit of 25,000 results per run: kept the 25,000 most severe")]);
    expect(gzipSync(text).length).toBeLessThan(10 * 1024 * 1024);
  });

  it('drops the least severe results until the gzipped file fits, and warns', () => {
    const findings = many(500);
    const full = renderSarif(scanResult(findings), ctx()).text;
    const limit = Math.floor(gzipSync(full).length / 2);
    const { text, warnings } = renderSarif(scanResult(findings), ctx({ limits: { maxGzipBytes: limit } }));
    expect(gzipSync(text).length).toBeLessThanOrEqual(limit);
    const results = parse(text).runs[0]!.results;
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThan(500);
    const ranks = results.map((r) => SEVS.indexOf(r.properties.severity as Severity));
    const dropped = findings.filter((f) => !results.some((r) => r.partialFingerprints[FINGERPRINT_KEY] === f.id));
    expect(Math.min(...ranks)).toBeGreaterThanOrEqual(Math.max(...dropped.map((f) => SEVS.indexOf(f.severity))));
    expect(warnings).toEqual([expect.stringMatching(/gzip-compressed: kept the \d+ most severe of 500 results/)]);
    expect(gunzipSync(gzipSync(text)).toString()).toBe(text);
  });

  it('has no warnings under the limits', () => {
    expect(renderSarif(scanResult(many(10)), ctx()).warnings).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------
// Golden file

describe('renderSarif: golden', () => {
  it('matches test/golden/scan.sarif.json', () => {
    const result = scanResult(Object.values(FINDINGS), { startedAt: '2026-01-01T00:00:00.000Z', durationMs: 0 });
    result.errors.push({ target: 'broken.zip', message: 'not a zip archive' });
    const { text } = renderSarif(result, ctx({ category: 'tokensprawl' }));
    const pretty = `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
    const golden = new URL('../golden/scan.sarif.json', import.meta.url);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, pretty);
    expect(pretty).toBe(readFileSync(golden, 'utf8').replace(/\r\n/g, '\n'));
  });
});
