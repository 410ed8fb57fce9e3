import { describe, expect, it } from 'vitest';
import type { Fragment } from '../../src/core/types.js';
import { candidateRules, createDetector, detect } from '../../src/detect/detect.js';
import { detectLocated } from '../../src/detect/locate.js';
import { compileRule } from '../../src/rules/compile.js';
import type { RawRule } from '../../src/rules/types.js';
import { checkRules, examplePath } from '../../src/rules/check.js';

function rule(over: Partial<RawRule> & Pick<RawRule, 'id' | 'pattern' | 'keywords'>): ReturnType<typeof compileRule> {
  return compileRule(
    { title: over.id, description: 'test rule', severity: 'high', examples: ['x'], negativeExamples: ['y'], ...over },
    'test',
    'test.yaml',
  );
}
function frag(text: string, extra: Partial<Fragment> = {}): Fragment {
  return { text, provenance: { kind: 'dir', path: 'f.txt' }, line: 1, column: 1, ...extra };
}

const acme = rule({ id: 'acme', pattern: 'acme_[A-Za-z0-9]{12}', keywords: ['acme_'], prefix: 'acme_' });
const bearer = rule({
  id: 'bearer',
  pattern: '[Bb]earer\\s+(?<secret>[A-Za-z0-9._~+/-]+=*)',
  keywords: ['bearer'],
  generic: true,
  entropy: 3,
  allow: ['^\\$'],
});
const detector = createDetector([acme, bearer]);

describe('detect', () => {
  it.each([
    ['whole match is the secret', 'key acme_Q7rT2mX9kLp4 end', [['acme', 'acme_Q7rT2mX9kLp4']]],
    ['named group is the secret', 'Authorization: Bearer Zx9Qw8Er7Ty6Ui5Op', [['bearer', 'Zx9Qw8Er7Ty6Ui5Op']]],
    ['keywords are case-insensitive', 'AUTHORIZATION: BEARER Zx9Qw8Er7Ty6Ui5Op', []],
    ['entropy gate rejects placeholders', 'Authorization: Bearer aaaaaaaaaaaa', []],
    ['allow list rejects variables', 'Authorization: Bearer $TOKEN_FROM_ENV_abcdef', []],
    ['provider rule beats the generic one on the same secret', 'Authorization: Bearer acme_Q7rT2mX9kLp4', [['acme', 'acme_Q7rT2mX9kLp4']]],
    ['no keyword, no regex', 'nothing to see here', []],
  ])('%s', (_name, text, expected) => {
    const got = detect(frag(text), detector).filter((m) => !m.placeholder).map((m) => [m.ruleId, m.secret]);
    expect(got).toEqual(expected);
  });

  it('BEARER in capitals still runs the rule (the regex decides)', () => {
    expect(candidateRules('BEARER x', detector).map((r) => r.id)).toEqual(['bearer']);
  });

  it('gives offsets of the secret, not of the whole match', () => {
    const text = 'x\nAuthorization: Bearer Zx9Qw8Er7Ty6Ui5Op\n';
    const [m] = detect(frag(text), detector);
    expect(text.slice(m!.secretStart, m!.secretEnd)).toBe('Zx9Qw8Er7Ty6Ui5Op');
    expect(m!.matchStart).toBe(text.indexOf('Bearer'));
  });

  it('drops matches that start in the overlap tail (acceptBefore)', () => {
    const text = 'acme_Q7rT2mX9kLp4 acme_ba9876543210';
    expect(detect(frag(text, { acceptBefore: 10 }), detector).map((m) => m.secret)).toEqual(['acme_Q7rT2mX9kLp4']);
  });

  it('reports known secrets (::add-mask:: values) wherever they occur', () => {
    const got = detect(frag('a s3cr3t-value b s3cr3t-value', { knownSecrets: ['s3cr3t-value'] }), detector);
    expect(got.map((m) => [m.ruleId, m.secretStart])).toEqual([
      ['ci-masked-value', 2],
      ['ci-masked-value', 17],
    ]);
  });

  it('only runs path-restricted rules on their paths', () => {
    const onlyEnv = rule({ id: 'env-only', pattern: 'acme_[A-Za-z0-9]{12}', keywords: ['acme_'], paths: ['*.env'] });
    const d = createDetector([onlyEnv]);
    expect(detect(frag('acme_Q7rT2mX9kLp4'), d)).toHaveLength(0);
    expect(detect({ ...frag('acme_Q7rT2mX9kLp4'), provenance: { kind: 'dir', path: 'a/config.txt' } }, d)).toHaveLength(0);
    expect(detect({ ...frag('acme_Q7rT2mX9kLp4'), provenance: { kind: 'dir', path: 'a/prod.env' } }, d)).toHaveLength(1);
    // a target outside the current folder: paths start with ../ (this threw before)
    expect(detect({ ...frag('acme_Q7rT2mX9kLp4'), provenance: { kind: 'dir', path: '../../b/prod.env' } }, d)).toHaveLength(1);
    expect(detect({ ...frag('acme_Q7rT2mX9kLp4'), provenance: { kind: 'dir', path: '../../b/prod.txt' } }, d)).toHaveLength(0);
  });
});

describe('checkRules', () => {
  const make = (over: Partial<RawRule>) =>
    compileRule({ id: 'r', title: 'r', description: 'd', severity: 'low', pattern: 'abc_[A-Za-z0-9]{12}', keywords: ['abc_'], examples: [], negativeExamples: [], ...over }, 'test', 'r.yaml');
  const good = ['k=abc_Q7rT2mX9kLp4', '{"t":"abc_Zr8Wq3Nv6Yb1"}'];

  it('passes a rule with two matching examples and a clean negative one', () => {
    expect(checkRules([make({ examples: good, negativeExamples: ['abc_short'] })]).failures).toEqual([]);
  });

  it('fails a rule whose example does not match or whose negative example does', () => {
    const out = checkRules([make({ examples: [...good, 'abc_nope'], negativeExamples: ['abc_Q7rT2mX9kLp4'] })]);
    expect(out.checked).toBe(4);
    expect(out.failures.map((f) => [f.kind, f.index])).toEqual([
      ['example', 2],
      ['negativeExample', 0],
    ]);
  });

  it('requires two positive examples and one negative example', () => {
    const out = checkRules([make({ examples: [good[0]!], negativeExamples: [] })]);
    expect(out.failures.map((f) => f.kind)).toEqual(['rule', 'rule']);
    expect(out.failures[0]!.message).toMatch(/at least 2/);
    expect(out.failures[1]!.message).toMatch(/at least 1/);
  });

  it('fails an example that holds none of the keywords, even when the regex matches it', () => {
    const r = make({ keywords: ['acme'], examples: good, negativeExamples: ['x'] });
    const out = checkRules([r]);
    expect(out.failures).toHaveLength(2);
    expect(out.failures[0]!.message).toMatch(/none of the rule's keywords/);
  });

  it('fails an example that is a placeholder, naming the reason', () => {
    const out = checkRules([make({ examples: [...good, 'k=abc_xxxxxxxxxxxx'], negativeExamples: ['x'] })]);
    expect(out.failures.map((f) => f.message)).toEqual(['is suppressed as a placeholder (repeated characters)']);
  });

  it('runs examples on a path that the rule\'s paths take', () => {
    const r = make({ paths: ['**/*.tfvars'], examples: good, negativeExamples: ['x'] });
    expect(examplePath(r)).toBe('example.tfvars');
    expect(checkRules([r]).failures).toEqual([]);
    expect(examplePath(make({ paths: ['**/.npmrc'] }))).toBe('.npmrc');
    expect(examplePath(make({}))).toBe('example.txt');
  });

  it('never quotes an example in a failure', () => {
    const secret = 'abc_Q7rT2mX9kLp4';
    const out = checkRules([make({ examples: ['x'], negativeExamples: [`k=${secret}`] })]);
    expect(JSON.stringify(out.failures)).not.toContain(secret);
  });
});

describe('detectLocated on raw bytes', () => {
  const bytesFrag = (text: string, path: string): Fragment => ({ text: '', bytes: Buffer.from(text), provenance: { kind: 'dir', path }, line: 1, column: 1 });

  it('finds tokens in a file handed over as bytes', () => {
    expect(detectLocated(bytesFrag('const k = "acme_Q7rT2mX9kLp4";\n', 'src/a.js'), detector).map((m) => m.secret)).toEqual(['acme_Q7rT2mX9kLp4']);
  });

  it('still decodes a non-code file without keywords: whole encoded values may hide a token', () => {
    const encoded = Buffer.from('acme_Q7rT2mX9kLp4-and-some-padding').toString('base64');
    const hits = detectLocated(bytesFrag(`data:\n  token: ${encoded}\n`, 'k8s/secret.yaml'), detector);
    expect(hits.map((m) => [m.secret, m.decoded?.layers])).toEqual([['acme_Q7rT2mX9kLp4', ['base64']]]);
    // the same value in a source file is not decoded (by design), and nothing else is there
    expect(detectLocated(bytesFrag(`token = "${encoded}"\n`, 'src/a.py'), detector)).toEqual([]);
  });
});
