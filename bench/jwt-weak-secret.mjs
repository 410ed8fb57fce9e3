// Time the weak-secret check adds per JWT: median over 200 distinct HS256 tokens signed with
// strong secrets (the worst case: every candidate is tried). Needs dist/: `npm run build`.
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { analyzeJwt } from '../dist/analyze/jwt.js';
import { findWeakSecret, WEAK_SECRETS } from '../dist/analyze/weak-secrets.js';

const N = 200;
const now = new Date('2026-01-01T00:00:00Z');
const opts = { now, maxLifetimeSeconds: 3600 };

const tokens = [];
for (let i = 0; i < N; i++) {
  tokens.push(
    await new SignJWT({ sub: `FAKE-${i}`, aud: 'api', iat: 1767225600, exp: 1767229200 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(randomBytes(32)),
  );
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeEach(fn) {
  const out = [];
  for (const t of tokens) {
    const t0 = performance.now();
    await fn(t);
    out.push(performance.now() - t0);
  }
  return out;
}

// warm up the JIT and OpenSSL
for (const t of tokens.slice(0, 20)) findWeakSecret(t, 'HS256');

const check = await timeEach((t) => findWeakSecret(t, 'HS256'));
const withCheck = await timeEach((t) => analyzeJwt(t, opts));
const without = await timeEach((t) => analyzeJwt(t, { ...opts, weakSecrets: [] }));

const fmt = (ms) => `${(ms * 1000).toFixed(0)} µs`;
console.log(`candidates: ${WEAK_SECRETS.length}, tokens: ${N}`);
console.log(`findWeakSecret alone (median):        ${fmt(median(check))}`);
console.log(`analyzeJwt with the check (median):   ${fmt(median(withCheck))}`);
console.log(`analyzeJwt without the check (median): ${fmt(median(without))}`);
console.log(`added per token (difference of medians): ${fmt(median(withCheck) - median(without))}`);
