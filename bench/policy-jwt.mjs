// What judging JWTs by the default policies costs: analyzeJwt on 10,000 distinct ES256 JWTs with
// the shipped default policies, against the same with no policies at all (an empty PolicySet:
// decode, lifetime, binding, no problems from policies). CPU time, median of 5 runs, after a
// warm-up. Run after `npm run build`: node bench/policy-jwt.mjs
const { analyzeJwt } = await import('../dist/analyze/jwt.js');
const { defaultPolicySet } = await import('../dist/policy/defaults.js');

const N = 10_000;
const enc = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
const tokens = Array.from({ length: N }, (_, i) =>
  `${enc({ alg: 'ES256', typ: 'JWT' })}.${enc({ iss: 'https://login.example.com', sub: `FAKE-EXAMPLE-${i}`, aud: 'api', scope: 'read', iat: 1767225600, exp: 1767225600 + (i % 3) * 86400 })}.${Buffer.from(`FAKE-EXAMPLE-signature-${i}`).toString('base64url')}`,
);
const base = { now: new Date('2026-01-01T00:00:00Z'), maxLifetimeSeconds: 3600 };
const variants = {
  'no policies': { ...base, policies: { judgements: new Map(), policies: [] } },
  'default policies': { ...base, policies: await defaultPolicySet() },
};

async function measure(opts) {
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    for (const t of tokens) await analyzeJwt(t, opts);
    const c = process.cpuUsage(c0);
    runs.push((c.user + c.system) / 1000);
  }
  return runs.sort((a, b) => a - b)[2];
}

for (const opts of Object.values(variants)) await analyzeJwt(tokens[0], opts);
const results = {};
for (const [name, opts] of Object.entries(variants)) results[name] = await measure(opts);
for (const [name, ms] of Object.entries(results)) console.log(`${name.padEnd(18)} ${ms.toFixed(0).padStart(6)} ms CPU for ${N} JWTs (${((ms * 1000) / N).toFixed(1)} µs each)`);
const extra = results['default policies'] - results['no policies'];
console.log(`policies add ${extra.toFixed(0)} ms per ${N} JWTs (${((extra * 1000) / N).toFixed(1)} µs each)`);
