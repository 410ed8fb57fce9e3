import { describe, expect, it } from 'vitest';
import type { Fragment } from '../../src/core/types.js';
import { candidateRules, createDetector, detect } from '../../src/detect/detect.js';
import { detectLocated } from '../../src/detect/locate.js';
import { compileRule } from '../../src/rules/compile.js';
import type { RawRule } from '../../src/rules/types.js';
import { checkRules } from '../../src/rules/check.js';

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
    ['whole match is the secret', 'key acme_0123456789ab end', [['acme', 'acme_0123456789ab']]],
    ['named group is the secret', 'Authorization: Bearer Zx9Qw8Er7Ty6Ui5Op', [['bearer', 'Zx9Qw8Er7Ty6Ui5Op']]],
    ['keywords are case-insensitive', 'AUTHORIZATION: BEARER Zx9Qw8Er7Ty6Ui5Op', []],
    ['entropy gate rejects placeholders', 'Authorization: Bearer aaaaaaaaaaaa', []],
    ['allow list rejects variables', 'Authorization: Bearer $TOKEN_FROM_ENV_abcdef', []],
    ['provider rule beats the generic one on the same secret', 'Authorization: Bearer acme_0123456789ab', [['acme', 'acme_0123456789ab']]],
    ['no keyword, no regex', 'nothing to see here', []],
  ])('%s', (_name, text, expected) => {
    const got = detect(frag(text), detector).map((m) => [m.ruleId, m.secret]);
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
    const text = 'acme_0123456789ab acme_ba9876543210';
    expect(detect(frag(text, { acceptBefore: 10 }), detector).map((m) => m.secret)).toEqual(['acme_0123456789ab']);
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
    expect(detect(frag('acme_0123456789ab'), d)).toHaveLength(0);
    expect(detect({ ...frag('acme_0123456789ab'), provenance: { kind: 'dir', path: 'a/config.txt' } }, d)).toHaveLength(0);
    expect(detect({ ...frag('acme_0123456789ab'), provenance: { kind: 'dir', path: 'a/prod.env' } }, d)).toHaveLength(1);
  });
});

describe('checkRules', () => {
  it('fails a rule whose example does not match or whose negative example does', () => {
    const r = compileRule(
      { id: 'r', title: 'r', description: 'd', severity: 'low', pattern: 'abc', keywords: ['abc'], examples: ['xyz'], negativeExamples: ['abc'] },
      'test',
      'r.yaml',
    );
    const out = checkRules([r]);
    expect(out.checked).toBe(2);
    expect(out.failures.map((f) => f.kind)).toEqual(['example', 'negativeExample']);
  });
});

describe('detectLocated on raw bytes', () => {
  const bytesFrag = (text: string, path: string): Fragment => ({ text: '', bytes: Buffer.from(text), provenance: { kind: 'dir', path }, line: 1, column: 1 });

  it('finds tokens in a file handed over as bytes', () => {
    expect(detectLocated(bytesFrag('const k = "acme_0123456789ab";\n', 'src/a.js'), detector).map((m) => m.secret)).toEqual(['acme_0123456789ab']);
  });

  it('still decodes a non-code file without keywords: whole encoded values may hide a token', () => {
    const encoded = Buffer.from('acme_0123456789ab-and-some-padding').toString('base64');
    const hits = detectLocated(bytesFrag(`data:\n  token: ${encoded}\n`, 'k8s/secret.yaml'), detector);
    expect(hits.map((m) => [m.secret, m.decoded?.layers])).toEqual([['acme_0123456789ab', ['base64']]]);
    // the same value in a source file is not decoded (by design), and nothing else is there
    expect(detectLocated(bytesFrag(`token = "${encoded}"\n`, 'src/a.py'), detector)).toEqual([]);
  });
});
