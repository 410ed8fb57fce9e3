// Structural checks of tokens whose format embeds a checksum.
//
// GitHub (ghp_ gho_ ghu_ ghs_ ghr_, 2021-04) and npm (npm_, 2021-09) tokens end with 6
// base62 characters (0-9A-Za-z) encoding the CRC-32 (IEEE, as zlib) of the random part between
// the prefix and the checksum, left-padded with "0". A random look-alike passes with odds of
// about 1 in 4 billion, so this rejects hand-typed fakes and truncated or mangled copies.

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE62_BODY = /^[0-9A-Za-z]+$/;
const CHECKSUM_LENGTH = 6;

const CRC32_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, the zlib/PNG polynomial) of the UTF-8 bytes of `s`, as an unsigned int. */
export function crc32(s: string): number {
  let c = 0xffffffff;
  for (const byte of Buffer.from(s, 'utf8')) {
    c = (CRC32_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** Base62 (0-9A-Za-z) of a non-negative integer, most significant digit first. */
export function base62(n: number): string {
  if (n === 0) return '0';
  let out = '';
  let v = n;
  while (v > 0) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out;
}

/** The 6-character checksum that GitHub and npm append to `data` (the random part). */
export function crc32Base62(data: string): string {
  return base62(crc32(data)).padStart(CHECKSUM_LENGTH, '0');
}

/**
 * True when `secret` is `<prefix>_<data><checksum>` with a correct CRC-32/base62 checksum.
 * The prefix is everything up to the last "_" (`ghp_`, `npm_`); the body after it must be
 * base62 and longer than the checksum. Lengths are not fixed, since GitHub says they may grow.
 */
export function checkCrc32Base62(secret: string): boolean {
  const cut = secret.lastIndexOf('_');
  if (cut < 1) return false;
  const body = secret.slice(cut + 1);
  if (body.length <= CHECKSUM_LENGTH || !BASE62_BODY.test(body)) return false;
  const data = body.slice(0, -CHECKSUM_LENGTH);
  return crc32Base62(data) === body.slice(-CHECKSUM_LENGTH);
}
