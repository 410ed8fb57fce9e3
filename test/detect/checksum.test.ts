import { describe, expect, it } from 'vitest';
import {
  CHECKSUMS,
  base62,
  checkCrc32Base62,
  checkBech32,
  checkCrc32HexLe,
  checkGitlabRoutable,
  crc32,
  crc32Base36,
  crc32Base62,
  crc32HexLe,
  isGitlabRoutable,
} from '../../src/detect/checksum.js';

describe('crc32', () => {
  it.each([
    ['', 0],
    ['123456789', 0xcbf43926], // the standard check value of CRC-32/ISO-HDLC
    ['The quick brown fox jumps over the lazy dog', 0x414fa339],
  ])('crc32(%j) = %i', (input, expected) => {
    expect(crc32(input)).toBe(expected);
  });
});

describe('base62', () => {
  it.each([
    [0, '0'],
    [9, '9'],
    [10, 'A'],
    [35, 'Z'],
    [36, 'a'],
    [61, 'z'],
    [62, '10'],
    [0xffffffff, '4gfFC3'],
  ])('base62(%i) = %s', (n, expected) => {
    expect(base62(n)).toBe(expected);
  });
});

describe('crc32Base62', () => {
  it('left-pads short checksums with 0 to six characters', () => {
    // crc32 of this data is below 62^5, so its base62 form has five digits
    expect(crc32Base62('FAKE00000000000000000000000000')).toBe('0vhQVl');
  });
});

describe('checkCrc32Base62', () => {
  // Checksums computed independently (Python zlib.crc32 + base62) for these fake tokens.
  const valid = [
    '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',
    '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',
    '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',
  ];

  it.each(valid)('accepts %s', (token) => {
    expect(checkCrc32Base62(token)).toBe(true);
  });

  it.each([
    ['a changed checksum character', 'ghp_FAKErtW2SL3utTkakl7ML324lLY3kW1fR3u1'],
    ['a changed data character', 'ghp_FAKErtW2SL3utTkakl7ML324lLY3kX1fR3u0'],
    ['swapped case in the checksum', 'ghp_FAKErtW2SL3utTkakl7ML324lLY3kW1Fr3U0'],
    ['an unpadded checksum', 'ghp_FAKE00000000000000000000000000vhQVl'],
    ['a placeholder', 'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
    ['a non-base62 body', 'ghp_FAKErtW2SL3utTkakl7ML324l-Y3kW1fR3u0'],
    ['a body no longer than the checksum', 'ghp_1fR3u0'],
    ['no prefix separator', 'FAKErtW2SL3utTkakl7ML324lLY3kW1fR3u0'],
    ['an empty prefix', '_FAKErtW2SL3utTkakl7ML324lLY3kW1fR3u0'],
    ['the empty string', ''],
  ])('rejects %s', (_why, token) => {
    expect(checkCrc32Base62(token)).toBe(false);
  });

  it('takes the prefix up to the last underscore, whatever its length', () => {
    const data = 'FAKErtW2SL3utTkakl7ML324lLY3kW';
    expect(checkCrc32Base62(`some_long_prefix_${data}${crc32Base62(data)}`)).toBe(true);
  });

  it('accepts longer random parts, since GitHub says lengths may grow', () => {
    const data = 'FAKE' + 'a1B2c3D4e5'.repeat(5);
    expect(checkCrc32Base62(`ghp_${data}${crc32Base62(data)}`)).toBe(true);
  });
});

describe('crc32Base36', () => {
  it('is the lowercase base36 CRC-32, left-padded to seven characters', () => {
    expect(crc32Base36('123456789')).toBe((0xcbf43926).toString(36));
    expect(crc32Base36('')).toBe('0000000');
    expect(crc32Base36('x')).toHaveLength(7);
  });
});

describe('checkGitlabRoutable', () => {
  // Built as GitLab's RoutableToken generator builds them (urlsafe base64 of 16 "random" bytes
  // chosen to read FAKE…EXAMPLE, the routing fields and their length; version 01; base36
  // payload length; zlib CRC-32 in base36), computed independently in Python.
  const valid = [
    'glpat-FAKEtokenEXAMPLE0000AGM6MQpvOjIKdTozaww.01.131d2zha4',
    'glpat-FAKE0EXAMPLE0glpat00AGM6MQpvOjFhCnU6NXE4Dg.01.160lidm55',
    'glrt-FAKErunnerEXAMPLE000AGM6MQpvOjEKdDoxCw.01.121thjgs2',
    'gldt-FAKEdeployEXAMPLE000AGM6MQpvOjcKcDoyeAw.01.13150x70d',
  ];

  it.each(valid)('accepts %s', (token) => {
    expect(isGitlabRoutable(token)).toBe(true);
    expect(checkGitlabRoutable(token)).toBe(true);
  });

  it('accepts a token it builds itself with an instance prefix (the CRC covers the prefix)', () => {
    const head = 'acme-glpat-FAKEtokenEXAMPLE0000AGM6MQpvOjIKdTozaww.01.13';
    expect(checkGitlabRoutable(head + crc32Base36(head))).toBe(true);
  });

  it('passes the classic 20-character form, which has no checksum', () => {
    expect(isGitlabRoutable('glpat-FAKEW5Fl1r14uEKUZ61O')).toBe(false);
    expect(checkGitlabRoutable('glpat-FAKEW5Fl1r14uEKUZ61O')).toBe(true);
  });

  const good = 'glpat-FAKEtokenEXAMPLE0000AGM6MQpvOjIKdTozaww.01.131d2zha4';
  it.each([
    ['a changed CRC character', good.replace(/4$/, '5')],
    ['a changed payload character', good.replace('AGM6', 'AGM7')],
    ['a changed prefix (the CRC covers it)', good.replace('glpat-', 'glptt-')],
    ['a changed version', good.replace('.01.', '.02.')],
    ['a wrong payload length holder', good.replace('.01.13', '.01.14')],
    ['a payload length longer than the token', good.replace('.01.13', '.01.zz')],
    ['a zero payload length', good.replace('.01.13', '.01.00')],
    ['an upper-case CRC', good.replace('1d2zha4', '1D2ZHA4')],
    ['a made-up suffix', 'glpat-FAKEb3JnOjEKdTo5ZXhhbXBsZQp0OkZBS0VfMQ.01.0z1a2b3c4'],
    ['a dot without the routable suffix', 'glpat-FAKEW5Fl1r14uEKUZ61O.01'],
    ['a payload with a non-base64url character', 'glpat-FAKEtokenEXAMPLE0000AGM6MQpvOjIKdTo+aww.01.131d2zha4'],
  ])('rejects %s', (_why, token) => {
    expect(checkGitlabRoutable(token)).toBe(false);
  });
});

describe('crc32HexLe / checkCrc32HexLe (Grafana glsa_)', () => {
  it('writes the CRC-32 as little-endian bytes in lowercase hex', () => {
    // crc32('123456789') = 0xcbf43926: bytes 26 39 f4 cb
    expect(crc32HexLe('123456789')).toBe('2639f4cb');
    // a CRC below 2^24 keeps its leading zero byte: always 8 characters
    expect(crc32HexLe('')).toBe('00000000');
  });

  // Computed independently (Python: struct.pack('<I', zlib.crc32(key)).hex()).
  it.each(['glsa_FAKEQapkG4yL9w9Cjd58pMTKbs3itsIM_4f8a0aef'])('accepts %s', (token) => {
    expect(checkCrc32HexLe(token)).toBe(true);
  });

  const good = 'glsa_FAKEQapkG4yL9w9Cjd58pMTKbs3itsIM_4f8a0aef';
  it.each([
    ['a changed checksum character', good.replace(/f$/, 'e')],
    ['a changed secret character', good.replace('Qapk', 'Qapl')],
    ['the checksum in big-endian order', 'glsa_FAKEQapkG4yL9w9Cjd58pMTKbs3itsIM_ef0a8a4f'],
    ['an upper-case checksum', good.replace('4f8a0aef', '4F8A0AEF')],
    ['a short checksum', good.slice(0, -1)],
    ['no separator', good.replace(/_(?=[^_]*$)/, '')],
    ['a placeholder', 'glsa_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx_xxxxxxxx'],
    ['the empty string', ''],
  ])('rejects %s', (_why, token) => {
    expect(checkCrc32HexLe(token)).toBe(false);
  });
});

describe('checkBech32 (age identities)', () => {
  it.each([
    // BIP 173 valid test vectors
    'A12UEL5L',
    'a12uel5l',
    'an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs',
    'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw',
    // BIP 350 (Bech32m) valid test vector
    'A1LQFN3A',
    // fake age identities, checksums computed with a separate Python BIP 173 encoder
    'AGE-SECRET-KEY-1FAKEMKW76H3TSEAQJHDVFJHRTH5GG86ZNSTW4WFS3FLCL3MSTWAQU9F9ZF',
    'AGE-SECRET-KEY-PQ-1FAKEJ4YHC2LXL7PTAH6PUWUCPPNAA5T84YTV2S985A09TU33PG5QPZ85AR',
  ])('accepts %s', (s) => {
    expect(checkBech32(s)).toBe(true);
  });

  const good = 'AGE-SECRET-KEY-1FAKEMKW76H3TSEAQJHDVFJHRTH5GG86ZNSTW4WFS3FLCL3MSTWAQU9F9ZF';
  it.each([
    ['a changed data character', good.replace('FAKEMKW7', 'FAKEMKW8')],
    ['a changed checksum character', good.replace(/F$/, 'G')],
    ['a changed human-readable part', good.replace('AGE-SECRET-KEY-1', 'AGE-SECRET-KEZ-1')],
    ['mixed case', good.replace('FAKE', 'fake')],
    ['a character outside the alphabet', good.replace('FAKEMK', 'FAKEBK')],
    ['a made-up identity', 'AGE-SECRET-KEY-10GH7YQ7SWV77EFWFCQY2FAKEZNP37CMEUGHXZGLDSMN6CK6W4P325XD3J8'],
    ['no separator', 'AGESECRETKEY'],
    ['a checksum shorter than six', 'A1QQQQ'],
    ['the empty string', ''],
  ])('rejects %s', (_why, s) => {
    expect(checkBech32(s)).toBe(false);
  });
});

describe('CHECKSUMS', () => {
  it('names every checksum kind the rule schema allows', async () => {
    const { readFile } = await import('node:fs/promises');
    const schema = JSON.parse(await readFile(new URL('../../rules/schema.json', import.meta.url), 'utf8')) as {
      definitions: { rule: { properties: { checksum: { enum: string[] } } } };
    };
    expect(Object.keys(CHECKSUMS).sort()).toEqual([...schema.definitions.rule.properties.checksum.enum].sort());
  });
});
