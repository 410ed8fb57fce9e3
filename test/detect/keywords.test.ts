import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createKeywordScanner, type KeywordScannerOptions } from '../../src/detect/keywords.js';
import { KEYWORDS_WASM } from '../../src/detect/keywords-wasm.js';

const sorted = (xs: string[]): string[] => [...xs].sort();

describe.each<[string, KeywordScannerOptions]>([
  ['WebAssembly', {}],
  ['JavaScript', { engine: 'js' }],
])('keyword scanner (%s loop)', (engine, opts) => {
  const scanner = createKeywordScanner(['ghp_', 'sk_', 'sk_live_', 'Bearer', 'eyj', 'q~', '::add-mask::', 'private key'], opts);

  it('runs the loop it says', () => {
    expect(scanner.engine).toBe(engine === 'WebAssembly' ? 'wasm' : 'js');
  });

  it.each([
    ['nothing', 'const x = require("fs");', []],
    ['one keyword', 'token = ghp_abc', ['ghp_']],
    ['any ASCII case', 'AUTHORIZATION: BEARER x; eYj', ['bearer', 'eyj']],
    ['a keyword and its extension both count', 'sk_live_123', ['sk_', 'sk_live_']],
    ['at the very start and very end', 'ghp_ ... q~', ['ghp_', 'q~']],
    ['two-character keyword (regex path), any case', 'Q~abc', ['q~']],
    ['with spaces and punctuation', '-----BEGIN PRIVATE KEY-----\n::add-mask::abc', ['::add-mask::', 'private key']],
    ['overlapping starts', 'gghp_', ['ghp_']],
    ['a prefix cut off by the end of the text', 'xx sk_liv', ['sk_']],
  ])('%s', (_name, text, expected) => {
    expect(sorted(scanner.scan(text))).toEqual(sorted(expected));
    // long texts take the WebAssembly loop (short ones are not worth the call)
    const pad = ' .'.repeat(400);
    expect(sorted(scanner.scan(`${pad}${text}${pad}`))).toEqual(sorted(expected));
    expect(sorted(scanner.scanBytes(Buffer.from(`${text}${pad}`)))).toEqual(sorted(expected));
  });

  // Texts under 512 characters take the JavaScript loop even where WebAssembly is available;
  // padded, the same texts take the WebAssembly one.
  const pad = '-'.repeat(600);

  it('reports each keyword once however often it occurs', () => {
    expect(scanner.scan('ghp_ ghp_ GHP_ ghp_')).toEqual(['ghp_']);
    expect(scanner.scan(`ghp_ ghp_ GHP_ ghp_${pad}`)).toEqual(['ghp_']);
  });

  it('does not fold characters outside ASCII onto ASCII letters (the hash aliases them)', () => {
    // U+00E7 & 31 == 'g' & 31, U+0168 & 31 == 'h' & 31: the table hits, the comparison must not.
    expect(scanner.scan('\u00e7hp_ \u0167hp_ g\u0168p_')).toEqual([]);
    expect(scanner.scan(`${'-'.repeat(600)}\u00e7hp_ \u0167hp_ g\u0168p_ \u0167\u0168\u0170_`)).toEqual([]);
    // The Kelvin sign upper-cases to K in Unicode, never in an ASCII comparison.
    expect(createKeywordScanner(['kty'], opts).scan('\u212Aty')).toEqual([]);
    expect(createKeywordScanner(['kty'], opts).scan(`${pad}\u212Aty`)).toEqual([]);
  });

  it('tells apart starts that share a table entry (the hash keeps 5 bits of each character)', () => {
    // '0' and 'p', '-' and 'm', '.' and 'n' have the same low 5 bits
    const s = createKeywordScanner(['pk_', '0k_', 'sk-', 'sg.', 'xoxb-'], opts);
    for (const p of ['', pad]) {
      expect(sorted(s.scan(`${p}0K_ and pk_`))).toEqual(['0k_', 'pk_']);
      expect(s.scan(`${p}PK_`)).toEqual(['pk_']);
      expect(s.scan(`${p}skm sgn xoxbm 0km`)).toEqual([]);
      expect(s.scan(`${p}SK-x`)).toEqual(['sk-']);
    }
  });

  it('handles keywords outside ASCII through its regex', () => {
    expect(createKeywordScanner(['clé_'], opts).scan('une CLÉ_ secrète')).toEqual(['clé_']);
    expect(createKeywordScanner(['clé_'], opts).scan(`${pad} une CLÉ_ secrète`)).toEqual(['clé_']);
  });

  it('agrees with a plain case-insensitive search on random text', () => {
    const words = ['ghp_', 'npm_', 'xoxb-', 'akia', 'asia', 'eyj', 'sg.', 'hf_', 'bearer', 'access_token', 'acca', 'q~'];
    const s = createKeywordScanner(words, opts);
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = 'aAbBcCeEgGhHiIkKmMnNpPqQsSxXyYjJoOrRtT_-.~ \n\u00e70\u0168';
    for (let round = 0; round < 300; round++) {
      let text = '';
      const len = rnd(round % 2 === 0 ? 200 : 2000);
      for (let i = 0; i < len; i++) text += alphabet[rnd(alphabet.length)];
      if (rnd(2) === 0) text += words[rnd(words.length)]!.toUpperCase();
      const lower = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
      const expected = words.filter((w) => lower.includes(w));
      expect(sorted(s.scan(text))).toEqual(sorted(expected));
    }
  });

  it('finds a keyword after more candidate places than one pass of the loop reports', () => {
    // 'gho' starts a keyword (gho_): 70,000 candidates before the real one at the end.
    const text = `${'gho'.repeat(70_000)} ghp_ at the end`;
    expect(scanner.scan(text)).toEqual(['ghp_']);
    expect(createKeywordScanner(['gho_', 'ghp_'], opts).scan(text)).toEqual(['ghp_']);
  });

  it('finds keywords after text outside ASCII (UTF-8 offsets differ from string offsets)', () => {
    expect(scanner.scan('déjà vu 🔑 ghp_ ünïcödé Bearer')).toEqual(['ghp_', 'bearer']);
    expect(scanner.scan(`déjà vu 🔑 ${pad} ghp_ ünïcödé Bearer`)).toEqual(['ghp_', 'bearer']);
    expect(scanner.scanBytes(Buffer.from(`déjà vu 🔑 ${pad} ghp_ ünïcödé Bearer`))).toEqual(['ghp_', 'bearer']);
  });

  it('finds the same keywords in UTF-8 bytes as in the decoded text', () => {
    const texts = ['déjà vu 🔑 ghp_ ünïcödé BEARER q~', 'Q~ only', '', 'sk_live_ and ::ADD-MASK::', 'nothing here at all'];
    for (const t of texts) expect(sorted(scanner.scanBytes(Buffer.from(t)))).toEqual(sorted(scanner.scan(t)));
    const nonAscii = createKeywordScanner(['clé_', 'ghp_'], opts);
    expect(sorted(nonAscii.scanBytes(Buffer.from('une CLÉ_ et ghp_')))).toEqual(['clé_', 'ghp_']);
    // a view into a larger buffer: only its own bytes count
    const whole = Buffer.from('ghp_ | Bearer');
    expect(scanner.scanBytes(whole.subarray(7))).toEqual(['bearer']);
  });
});

describe('keywords.wat', () => {
  it('is what keywords-wasm.ts holds (run scripts/build-wasm.mjs after editing it)', async () => {
    // @ts-expect-error: a plain-JavaScript build script
    const { assembleKeywordsWasm } = (await import('../../scripts/build-wasm.mjs')) as { assembleKeywordsWasm: () => Promise<Buffer> };
    const bytes = await assembleKeywordsWasm();
    expect(bytes.toString('base64')).toBe(KEYWORDS_WASM);
    expect(readFileSync(new URL('../../src/detect/keywords.wat', import.meta.url), 'utf8')).toContain('(export "scan")');
  });
});

describe('a large keyword library', () => {
  // 600 keywords with 600 distinct three-character starts: more than a byte of buckets holds.
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const words = Array.from({ length: 600 }, (_, i) => `${letters[i % 26]}${letters[Math.floor(i / 26) % 26]}${i % 10}_long_keyword_with_many_letters_${i}`);
  it.each(['wasm', 'js'] as const)('finds every keyword past the 255th start (%s loop)', (engine) => {
    const scanner = createKeywordScanner(words, { engine });
    const pad = ' '.repeat(2000);
    for (const w of [words[0], words[254], words[300], words[599]] as string[]) {
      expect(scanner.scan(`${pad}x ${w.toUpperCase()} y`)).toEqual([w]);
      expect(scanner.scan(`x ${w} y`)).toEqual([w]);
    }
    expect(scanner.scan(`${pad}${words.join(' ')}`).sort()).toEqual([...words].sort());
  });
});
