import { describe, expect, it } from 'vitest';
import { base62, checkCrc32Base62, crc32, crc32Base62 } from '../../src/detect/checksum.js';

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
