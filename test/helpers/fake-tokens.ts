// Deterministic, format-correct, visibly fake tokens for tests and fixtures.
// Each generator takes a seed; the same seed always gives the same token. Where the charset
// allows, the random part starts with FAKE (or a 0000 run for hex formats), and checksummed
// formats (GitHub, npm: CRC-32/base62; Grafana: CRC-32 little-endian hex) carry a correct
// checksum so that checksum gates pass.
import { crc32Base62, crc32HexLe } from '../../src/detect/checksum.js';
import { ALNUM, BASE32, BASE64, BASE64URL, DIGITS, HEX, LETTERS, pseudoRandom, UPPER } from './pseudo-random.mjs';

export { pseudoRandom };

export type GithubPrefix = 'ghp' | 'gho' | 'ghu' | 'ghs' | 'ghr';

/** `ghp_FAKE…` + 6-char checksum: 40 chars, valid CRC-32/base62. */
export function fakeGithubToken(prefix: GithubPrefix, seed: string | number = 1): string {
  const data = 'FAKE' + pseudoRandom(ALNUM, 26, seed, prefix);
  return `${prefix}_${data}${crc32Base62(data)}`;
}

/** `github_pat_11FAKE…_…`: 22 + "_" + 59 alphanumerics (no public checksum). */
export function fakeGithubFineGrainedPat(seed: string | number = 1): string {
  const a = '11FAKE' + pseudoRandom(ALNUM, 16, seed, 'github_pat_a');
  const b = 'EXAMPLE' + pseudoRandom(ALNUM, 52, seed, 'github_pat_b');
  return `github_pat_${a}_${b}`;
}

/** `npm_FAKE…` + checksum, same scheme as GitHub. */
export function fakeNpmToken(seed: string | number = 1): string {
  const data = 'FAKE' + pseudoRandom(ALNUM, 26, seed, 'npm');
  return `npm_${data}${crc32Base62(data)}`;
}

export type GitlabPrefix = 'glpat' | 'gldt' | 'glrt' | 'glptt' | 'glft' | 'glimt' | 'glagent' | 'gloas';

/** Classic GitLab token: prefix + "-" + 20 of [0-9A-Za-z_-]. */
export function fakeGitlabToken(prefix: GitlabPrefix = 'glpat', seed: string | number = 1): string {
  return `${prefix}-FAKE${pseudoRandom(ALNUM, 16, seed, prefix)}`;
}

export type SlackKind = 'xoxb' | 'xoxp' | 'xoxa' | 'xoxr' | 'xapp';

export function fakeSlack(kind: SlackKind, seed: string | number = 1): string {
  const num = (n: number, l: string): string => '1' + pseudoRandom(DIGITS, n - 1, seed, kind + l);
  switch (kind) {
    case 'xoxb':
      return `xoxb-${num(12, 'a')}-${num(13, 'b')}-FAKE${pseudoRandom(ALNUM, 20, seed, kind)}`;
    case 'xoxp':
      return `xoxp-${num(12, 'a')}-${num(12, 'b')}-${num(13, 'c')}-0000${pseudoRandom(HEX, 28, seed, kind)}`;
    case 'xoxa':
    case 'xoxr':
      return `${kind}-2-${num(12, 'a')}-${num(12, 'b')}-${num(13, 'c')}-0000${pseudoRandom(HEX, 60, seed, kind)}`;
    case 'xapp':
      return `xapp-1-AFAKE${pseudoRandom(UPPER + DIGITS, 6, seed, kind)}-${num(13, 'a')}-0000${pseudoRandom(HEX, 60, seed, kind)}`;
  }
}

export function fakeSlackWebhook(seed: string | number = 1): string {
  const t = 'T0FAKE' + pseudoRandom(UPPER + DIGITS, 4, seed, 'whT');
  const b = 'B0FAKE' + pseudoRandom(UPPER + DIGITS, 5, seed, 'whB');
  return `https://hooks.slack.com/services/${t}/${b}/FAKE${pseudoRandom(ALNUM, 20, seed, 'wh')}`;
}

/** Stripe secret (`sk_`) or restricted (`rk_`) key, live or test mode. */
export function fakeStripe(kind: 'sk' | 'rk' = 'sk', mode: 'live' | 'test' = 'live', seed: string | number = 1): string {
  return `${kind}_${mode}_51FAKE${pseudoRandom(ALNUM, 93, seed, kind + mode)}`;
}

export type OpenAiKind = 'legacy' | 'proj' | 'svcacct' | 'admin';

/** OpenAI key: the random part is split by the `T3BlbkFJ` marker (base64 of "OpenAI"). */
export function fakeOpenAi(kind: OpenAiKind = 'proj', seed: string | number = 1): string {
  if (kind === 'legacy') {
    return `sk-FAKE${pseudoRandom(ALNUM, 16, seed, 'oa1')}T3BlbkFJ${pseudoRandom(ALNUM, 20, seed, 'oa2')}`;
  }
  const a = 'FAKE' + pseudoRandom(BASE64URL, 70, seed, kind + '1');
  const b = pseudoRandom(BASE64URL, 74, seed, kind + '2');
  return `sk-${kind}-${a}T3BlbkFJ${b}`;
}

/** `sk-ant-api03-` + 93 of [A-Za-z0-9_-] + `AA` (or the admin01 form). */
export function fakeAnthropic(kind: 'api03' | 'admin01' = 'api03', seed: string | number = 1): string {
  return `sk-ant-${kind}-FAKE${pseudoRandom(BASE64URL, 89, seed, 'ant' + kind)}AA`;
}

export function fakeGoogleAccessToken(seed: string | number = 1): string {
  return `ya29.a0FAKE${pseudoRandom(BASE64URL, 150, seed, 'ya29')}`;
}

export function fakeGoogleRefreshToken(seed: string | number = 1): string {
  return `1//0gFAKE${pseudoRandom(BASE64URL, 90, seed, 'g1//')}`;
}

/** PyPI API token: the macaroon prefix that names pypi.org, then base64url. */
export function fakePypiToken(seed: string | number = 1): string {
  return `pypi-AgEIcHlwaS5vcmcFAKE${pseudoRandom(BASE64URL, 150, seed, 'pypi')}`;
}

export function fakeVaultToken(kind: 'hvs' | 'hvb' = 'hvs', seed: string | number = 1): string {
  return `${kind}.CAESIFAKE${pseudoRandom(BASE64URL, kind === 'hvs' ? 86 : 130, seed, kind)}`;
}

export function fakeDatabricksToken(seed: string | number = 1): string {
  return `dapi0000${pseudoRandom(HEX, 28, seed, 'dapi')}`;
}

export function fakeShopifyToken(kind: 'shpat' | 'shpca' | 'shppa' | 'shpss' = 'shpat', seed: string | number = 1): string {
  return `${kind}_0000${pseudoRandom(HEX, 28, seed, kind)}`;
}

export function fakeSendgridKey(seed: string | number = 1): string {
  return `SG.FAKE${pseudoRandom(BASE64URL, 18, seed, 'sg1')}.EXAMPLE${pseudoRandom(BASE64URL, 36, seed, 'sg2')}`;
}

/** Atlassian API token: `ATATT3` + 186 chars ending in `=` + 8 hex (a CRC we do not check). */
export function fakeAtlassianToken(seed: string | number = 1): string {
  const body = 'xFfGF0FAKE' + pseudoRandom(BASE64URL, 167, seed, 'atl');
  return `ATATT3${body}=${pseudoRandom(HEX, 8, seed, 'atlcrc').toUpperCase()}`;
}

export function fakeAwsAccessKeyId(prefix: 'AKIA' | 'ASIA' | 'ABIA' | 'ACCA' = 'AKIA', seed: string | number = 1): string {
  return `${prefix}FAKE${pseudoRandom(BASE32, 12, seed, 'aws' + prefix)}`;
}

export function fakeAwsSecretAccessKey(seed: string | number = 1): string {
  return `FAKE${pseudoRandom(BASE64, 36, seed, 'awssecret')}`;
}

/** A blob-storage URL with a service SAS: `sv`, `se`, `sp` and a URL-encoded base64 `sig`. */
export function fakeAzureSasUrl(seed: string | number = 1, expiry = '2027-01-01T00:00:00Z'): string {
  const sig = encodeURIComponent(Buffer.from('FAKE' + pseudoRandom(ALNUM, 28, seed, 'sas')).toString('base64'));
  return `https://demostorage.blob.core.windows.net/backups?sv=2022-11-02&ss=b&srt=co&sp=rl&se=${encodeURIComponent(expiry)}&spr=https&sig=${sig}`;
}

/** Microsoft Entra client secret: 3 chars, a digit, `Q~`, 34 of [A-Za-z0-9_~.-]. */
export function fakeEntraClientSecret(seed: string | number = 1): string {
  return `abc8Q~FAKE${pseudoRandom(ALNUM + '_~.-', 30, seed, 'entra')}`;
}

export function fakeHuggingFaceToken(seed: string | number = 1): string {
  return `hf_FAKE${pseudoRandom(LETTERS, 30, seed, 'hf')}`;
}

export function fakeDigitalOceanToken(kind: 'dop' | 'doo' | 'dor' = 'dop', seed: string | number = 1): string {
  return `${kind}_v1_0000${pseudoRandom(HEX, 60, seed, kind)}`;
}

export function fakePostmanKey(seed: string | number = 1): string {
  return `PMAK-0000${pseudoRandom(HEX, 20, seed, 'pm1')}-0000${pseudoRandom(HEX, 30, seed, 'pm2')}`;
}

export function fakeGrafanaServiceAccountToken(seed: string | number = 1): string {
  const key = `glsa_FAKE${pseudoRandom(ALNUM, 28, seed, 'glsa')}`;
  return `${key}_${crc32HexLe(key)}`;
}

export function fakeLinearKey(seed: string | number = 1): string {
  return `lin_api_FAKE${pseudoRandom(ALNUM, 36, seed, 'lin')}`;
}

/** An opaque bearer token in the RFC 9110 token68 charset, with the `~` and `.` of RFC 9449. */
export function fakeOpaqueToken(seed: string | number = 1, length = 40): string {
  const body = pseudoRandom(ALNUM + '-._~', length - 4, seed, 'opaque');
  return `FAKE${body.replace(/^[-._~]/, 'x').replace(/[-._~]$/, 'x')}`;
}
