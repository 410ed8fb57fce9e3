// Deterministic, format-correct, visibly fake tokens for the benchmark corpora, in plain JS (the
// bench runs on dist/ and loads no TypeScript); the same seeds as test/helpers/fake-tokens.ts
// (both draw from test/helpers/pseudo-random.mjs), plus `plantLine`, which wraps a token in a realistic line of code, config or log.
import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';

import { ALNUM, BASE32, BASE64, BASE64URL, DIGITS, HEX, LETTERS, LOWER, pseudoRandom, UPPER } from '../test/helpers/pseudo-random.mjs';

export { pseudoRandom };
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// The scanner's own checksum code (built into dist/ before the bench runs).
export { crc32Base62 } from '../dist/detect/checksum.js';
import { crc32Base62 } from '../dist/detect/checksum.js';

const gh = (prefix) => (s) => {
  const data = 'FAKE' + pseudoRandom(ALNUM, 26, s, prefix);
  return `${prefix}_${data}${crc32Base62(data)}`;
};
const num = (kind, n, l, s) => '1' + pseudoRandom(DIGITS, n - 1, s, kind + l);
const opaque = (s, length = 40) => {
  const body = pseudoRandom(ALNUM + '-._~', length - 4, s, 'opaque');
  return `FAKE${body.replace(/^[-._~]/, 'x').replace(/[-._~]$/, 'x')}`;
};

/**
 * Token kinds: [kind, make(seed) → token, contexts]. A context turns the token into one line;
 * `{T}` is replaced by the token. The expected rule is informational (recall is by place).
 */
const q = (t) => [`const TOKEN = "${t}";`, `TOKEN=${t}`, `  token: ${t}`, `{"token": "${t}"}`];
export const KINDS = [
  ['ghp', gh('ghp'), (t) => [`GITHUB_TOKEN=${t}`, `git clone https://x-access-token:${t}@github.com/acme/api.git`, `  github_token: "${t}"`]],
  ['gho', gh('gho'), (t) => [`{"access_token":"${t}","token_type":"bearer","scope":"repo"}`]],
  ['ghs', gh('ghs'), q],
  ['github_pat', (s) => `github_pat_11FAKE${pseudoRandom(ALNUM, 16, s, 'github_pat_a')}_EXAMPLE${pseudoRandom(ALNUM, 52, s, 'github_pat_b')}`, (t) => [`export GH_TOKEN=${t}`, ...q(t)]],
  ['npm', (s) => {
    const data = 'FAKE' + pseudoRandom(ALNUM, 26, s, 'npm');
    return `npm_${data}${crc32Base62(data)}`;
  }, (t) => [`//registry.npmjs.org/:_authToken=${t}`, `NPM_TOKEN=${t}`]],
  ['glpat', (s) => `glpat-FAKE${pseudoRandom(ALNUM, 16, s, 'glpat')}`, (t) => [`GITLAB_TOKEN=${t}`, `curl --header "PRIVATE-TOKEN: ${t}" https://gitlab.example.com/api/v4/projects`]],
  ['xoxb', (s) => `xoxb-${num('xoxb', 12, 'a', s)}-${num('xoxb', 13, 'b', s)}-FAKE${pseudoRandom(ALNUM, 20, s, 'xoxb')}`, (t) => [`SLACK_BOT_TOKEN=${t}`, `slack = WebClient(token="${t}")`]],
  ['xoxp', (s) => `xoxp-${num('xoxp', 12, 'a', s)}-${num('xoxp', 12, 'b', s)}-${num('xoxp', 13, 'c', s)}-0000${pseudoRandom(HEX, 28, s, 'xoxp')}`, q],
  ['sk_live', (s) => `sk_live_51FAKE${pseudoRandom(ALNUM, 93, s, 'sklive')}`, (t) => [`stripe.api_key = "${t}"`, `STRIPE_SECRET_KEY=${t}`]],
  ['rk_live', (s) => `rk_live_51FAKE${pseudoRandom(ALNUM, 93, s, 'rklive')}`, q],
  ['openai', (s) => `sk-proj-FAKE${pseudoRandom(BASE64URL, 70, s, 'proj1')}T3BlbkFJ${pseudoRandom(BASE64URL, 74, s, 'proj2')}`, (t) => [`OPENAI_API_KEY=${t}`, `client = OpenAI(api_key="${t}")`]],
  ['anthropic', (s) => `sk-ant-api03-FAKE${pseudoRandom(BASE64URL, 89, s, 'antapi03')}AA`, (t) => [`ANTHROPIC_API_KEY=${t}`, `  "x-api-key": "${t}",`]],
  ['ya29', (s) => `ya29.a0FAKE${pseudoRandom(BASE64URL, 150, s, 'ya29')}`, (t) => [`curl -H "Authorization: Bearer ${t}" https://www.googleapis.com/drive/v3/files`, ...q(t)]],
  ['pypi', (s) => `pypi-AgEIcHlwaS5vcmcFAKE${pseudoRandom(BASE64URL, 150, s, 'pypi')}`, (t) => [`password = ${t}`, `TWINE_PASSWORD=${t}`]],
  ['hvs', (s) => `hvs.CAESIFAKE${pseudoRandom(BASE64URL, 86, s, 'hvs')}`, (t) => [`VAULT_TOKEN=${t}`, `  "X-Vault-Token": "${t}"`]],
  ['SG', (s) => `SG.FAKE${pseudoRandom(BASE64URL, 18, s, 'sg1')}.EXAMPLE${pseudoRandom(BASE64URL, 36, s, 'sg2')}`, (t) => [`SENDGRID_API_KEY=${t}`, ...q(t)]],
  ['AKIA', (s) => `AKIAFAKE${pseudoRandom(BASE32, 12, s, 'awsAKIA')}`, (t) => [`aws_access_key_id = ${t}`, `AWS_ACCESS_KEY_ID=${t}`]],
  ['aws-secret', (s) => `FAKE${pseudoRandom(BASE64, 36, s, 'awssecret')}`, (t) => [`aws_secret_access_key = ${t}`, `AWS_SECRET_ACCESS_KEY="${t}"`]],
  ['dapi', (s) => `dapi0000${pseudoRandom(HEX, 28, s, 'dapi')}`, q],
  ['hf', (s) => `hf_FAKE${pseudoRandom(LETTERS, 30, s, 'hf')}`, q],
  ['bearer-opaque', (s) => opaque(s, 40), (t) => [`curl -H "Authorization: Bearer ${t}" https://api.example.com/v1/me`, `> Authorization: Bearer ${t}`, `{"headers":{"authorization":"Bearer ${t}","content-type":"application/json"}}`]],
  ['access-token', (s) => opaque(`at${s}`, 48), (t) => [`{"access_token":"${t}","token_type":"Bearer","expires_in":3600}`, `grant_type=refresh_token&refresh_token=${t}&client_id=demo`]],
  ['jwt', null, (t) => [`Authorization: Bearer ${t}`, `const idToken = "${t}";`, `JWT=${t}`, `{"id_token":"${t}"}`]],
];

/** A deterministic HS256 JWT (jose), with claims that vary by seed. */
export async function makeJwt(seed) {
  const n = Number.parseInt(pseudoRandom(DIGITS, 6, seed, 'jwtn'), 10);
  const iat = 1_767_225_600 + n;
  const claims = { iss: 'https://auth.example.com/', sub: `FAKE-user-${seed}`, scope: 'read write', iat, exp: iat + (n % 3 === 0 ? 86_400 * 30 : 3_600) };
  if (n % 2 === 0) claims.aud = 'api.example.com';
  const key = Buffer.from(`bench-FAKE-secret-${pseudoRandom(ALNUM, 24, seed, 'jwtkey')}`);
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
}

/** sha256 hex of a token (what the JSON report carries). */
export const sha256 = (s) => createHash('sha256').update(s).digest('hex');

/**
 * Token `i` of a planting run (cycling through KINDS): { kind, token, line }.
 * Async because JWTs are signed with jose.
 */
export async function plantLine(i, tag) {
  const [kind, make, contexts] = KINDS[i % KINDS.length];
  const seed = `${tag}-${i}`;
  const token = make ? make(seed) : await makeJwt(seed);
  const ctx = contexts(token);
  const line = ctx[Math.floor(i / KINDS.length) % ctx.length];
  return { kind, token, line };
}

/** mulberry32: a small deterministic PRNG. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
