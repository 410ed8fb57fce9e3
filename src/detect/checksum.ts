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

// GitLab routable tokens (GitLab 17.x+, `Authn::TokenField::Generator::RoutableToken` in
// gitlab-org/gitlab, and the "Routable tokens" design document in GitLab's handbook):
//
//   <prefix><base64url payload>.<version: 2 base36>.<payload length: 2 base36><crc: 7 base36>
//
// The payload is url-safe base64 (no padding) of 16 random bytes, the routing fields
// (`c:…\no:…\nu:…`) and one byte with the routing fields' length. The CRC is zlib's CRC-32 of
// everything before it — prefix included — in lowercase base36, left-padded with "0" to seven
// characters; the length holder is the payload's length in base36, padded to two.
// The classic form (`glpat-` + 20 characters) carries no checksum.

const BASE36_CRC_LENGTH = 7;
const ROUTABLE_SUFFIX = /\.([0-9a-z]{2})\.([0-9a-z]{2})([0-9a-z]{7})$/;
const BASE64URL_BODY = /^[A-Za-z0-9_-]+$/;

/** The 7-character base36 CRC-32 that GitLab appends to `data` (everything before it). */
export function crc32Base36(data: string): string {
  return crc32(data).toString(36).padStart(BASE36_CRC_LENGTH, '0');
}

/** True when `secret` ends with GitLab's routable suffix (`.vv.llccccccc`). */
export function isGitlabRoutable(secret: string): boolean {
  return ROUTABLE_SUFFIX.test(secret);
}

/**
 * True when `secret` is a GitLab routable token whose payload length and CRC-32 are right, or a
 * classic token without the routable suffix (which has no checksum to check). The prefix is
 * whatever precedes the payload (`glpat-`, `glrt-`, an instance prefix); the length holder says
 * where the payload starts, so the payload's own `-` characters are no problem.
 */
export function checkGitlabRoutable(secret: string): boolean {
  const m = ROUTABLE_SUFFIX.exec(secret);
  if (!m) return !secret.includes('.');
  const [suffix, , lengthHolder = '', crc = ''] = m;
  const head = secret.slice(0, secret.length - suffix.length);
  const payloadLength = Number.parseInt(lengthHolder, 36);
  if (payloadLength < 1 || payloadLength >= head.length) return false;
  if (!BASE64URL_BODY.test(head.slice(head.length - payloadLength))) return false;
  return crc32Base36(secret.slice(0, -BASE36_CRC_LENGTH)) === crc;
}

// Grafana service account tokens (`Grafana satokengen`, pkg/components/satokengen/tokengen.go):
//
//   gl<service id>_<32 random alphanumerics>_<checksum>
//
// The checksum is the CRC-32 (IEEE) of everything before the last "_", written as its four
// bytes in little-endian order in lowercase hex (Go's hex.EncodeToString), so always 8 chars.

const HEX_LE_CHECKSUM = /^[0-9a-f]{8}$/;

/** The 8 lowercase hex characters of the little-endian CRC-32 of `data` (Grafana's checksum). */
export function crc32HexLe(data: string): string {
  const buf = Buffer.alloc(4);
  buf.writeUInt32LE(crc32(data));
  return buf.toString('hex');
}

/** True when `secret` is `<data>_<crc32HexLe(data)>` (Grafana's glsa_ tokens). */
export function checkCrc32HexLe(secret: string): boolean {
  const cut = secret.lastIndexOf('_');
  if (cut < 1) return false;
  const checksum = secret.slice(cut + 1);
  if (!HEX_LE_CHECKSUM.test(checksum)) return false;
  return crc32HexLe(secret.slice(0, cut)) === checksum;
}

// Bech32 (BIP 173), as age encodes its identities (`AGE-SECRET-KEY-1…`, age-encryption.org/v1):
// human-readable part, the separator "1", 5-bit data characters and a 6-character BCH checksum
// over both. age lifts BIP 173's 90-character limit. The Bech32m constant (BIP 350) is accepted
// too, so that a future identity kind encoded that way is not dropped.

const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
const BECH32_CONST = 1;
const BECH32M_CONST = 0x2bc830a3;

function bech32Polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ (BECH32_GENERATORS[i] ?? 0)) >>> 0;
  }
  return chk;
}

/** True when `secret` is a Bech32 (or Bech32m) string whose checksum is right; one case only. */
export function checkBech32(secret: string): boolean {
  if (secret !== secret.toLowerCase() && secret !== secret.toUpperCase()) return false;
  const s = secret.toLowerCase();
  const sep = s.lastIndexOf('1');
  if (sep < 1 || s.length - sep - 1 < 6) return false;
  const hrp = s.slice(0, sep);
  const values: number[] = [];
  for (const c of hrp) {
    const code = c.charCodeAt(0);
    if (code < 33 || code > 126) return false;
    values.push(code >>> 5);
  }
  values.push(0);
  for (const c of hrp) values.push(c.charCodeAt(0) & 31);
  for (const c of s.slice(sep + 1)) {
    const v = BECH32_CHARSET.indexOf(c);
    if (v === -1) return false;
    values.push(v);
  }
  const pm = bech32Polymod(values);
  return pm === BECH32_CONST || pm === BECH32M_CONST;
}

/** The structural checks a rule may name in its `checksum` field. */
export const CHECKSUMS = {
  'crc32-base62': checkCrc32Base62,
  'gitlab-routable': checkGitlabRoutable,
  'crc32-hex-le': checkCrc32HexLe,
  bech32: checkBech32,
} as const satisfies Record<string, (secret: string) => boolean>;

export type ChecksumKind = keyof typeof CHECKSUMS;
