import { describe, expect, it } from 'vitest';
import { isInlineAllowed } from '../../src/filters/inline-allow.js';

const T = 'ghp_FAKE0000000000000000000000000000000';

describe('isInlineAllowed', () => {
  const allowed: Array<[string, string]> = [
    ['shell/YAML #', `TOKEN=${T} # tokensprawl:allow`],
    ['# without a space after it', `token: ${T} #tokensprawl:allow`],
    ['# with a reason first', `token: ${T} # test fixture, tokensprawl:allow (rotated)`],
    ['// line comment', `const t = "${T}"; // tokensprawl:allow`],
    ['/* block */ comment', `const t = "${T}"; /* tokensprawl:allow */`],
    ['/* block */ before code', `/* tokensprawl:allow */ const t = "${T}";`],
    ['<!-- HTML -->', `<meta name="t" content="${T}"><!-- tokensprawl:allow -->`],
    ['-- SQL', `INSERT INTO t VALUES ('${T}'); -- tokensprawl:allow`],
    ['; ini', `token = ${T} ; tokensprawl:allow`],
    ['whole-line comment', `# tokensprawl:allow`],
    ['apostrophe before the comment', `note: it's ${T} # tokensprawl:allow`],
    ['after a closed string with # inside', `x = "a#b" + "${T}"  # tokensprawl:allow`],
  ];
  for (const [name, line] of allowed) {
    it(`allows: ${name}`, () => expect(isInlineAllowed(line)).toBe(true));
  }

  const notAllowed: Array<[string, string]> = [
    ['no marker', `TOKEN=${T} # fine`],
    ['marker outside any comment', `TOKEN=${T} tokensprawl:allow`],
    ['marker inside a double-quoted string', `const s = "// tokensprawl:allow ${T}";`],
    ['URL, not a comment', `url = https://tokensprawl:allow@example.com/${T}`],
    ['# glued to a value', `token=${T}#tokensprawl:allow`],
    ['-- glued to a word', `a--tokensprawl:allow ${T}`],
    ['marker after a closed block comment', `/* note */ ${T} tokensprawl:allow`],
    ['longer word', `${T} # tokensprawl:allowed`],
    ['prefixed word', `${T} # not-tokensprawl:allow`],
    ['other tool', `${T} # gitleaks:allow`],
    ['empty line', ''],
  ];
  for (const [name, line] of notAllowed) {
    it(`does not allow: ${name}`, () => expect(isInlineAllowed(line)).toBe(false));
  }
});
