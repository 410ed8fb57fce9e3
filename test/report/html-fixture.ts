// The HTML report's fixture scenario, built directly as a ScanResult with a credential view (the
// credential stage is built elsewhere): one unbound ten-year JWT copied into four source kinds
// with three owners and a policy violation, a GitHub token left in history, bound short-lived
// JWTs, an alg-none token, hostile names (markup, control characters, bidi overrides, a very
// long path), errors, notes, and optionally thousands of filler findings.
import { createHash } from 'node:crypto';
import type { Credential, Finding, JwtAnalysis, Location, Place, ScanResult, Severity, SourceKind } from '../../src/core/types.js';
import { redact } from '../../src/core/redact.js';
import { fakeGithubToken, fakeOpaqueToken, pseudoRandom } from '../helpers/fake-tokens.js';

export const NOW = new Date('2026-01-01T00:00:00Z');

/** Markup that must render as text: each sets window.__xss if it ever runs. */
export const HOSTILE = {
  script: '<script>window.__xss=1</script>',
  img: '"><img src=x onerror="window.__xss=2">',
  title: '<script>window.__xss=3</script> token </textarea></style>',
  svg: "<svg onload='window.__xss=4'>",
  json: '</script><script>window.__xss=5</script><!--',
  control: '\u001b[31mEve\u202eliame\u0007\u0000',
  long: `${'a/'.repeat(2500)}deep.env`,
} as const;

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A JWT-shaped fake token (signature visibly fake). */
export function fakeJwt(claims: Record<string, unknown>, alg = 'RS256'): string {
  return `${b64url({ alg, typ: 'JWT' })}.${b64url(claims)}.${alg === 'none' ? '' : `FAKE${pseudoRandom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', 40, JSON.stringify(claims), 'sig')}`}`;
}

function jwtAnalysis(claims: Record<string, unknown>, over: Partial<JwtAnalysis> = {}): JwtAnalysis {
  const iat = typeof claims.iat === 'number' ? claims.iat : null;
  const exp = typeof claims.exp === 'number' ? claims.exp : null;
  const iso = (s: number | null) => (s === null ? null : new Date(s * 1000).toISOString());
  const aud = claims.aud === undefined ? [] : Array.isArray(claims.aud) ? (claims.aud as string[]) : [String(claims.aud)];
  const binding = claims.cnf === undefined ? 'none' : 'jkt' in (claims.cnf as object) ? 'dpop' : 'x5t#S256' in (claims.cnf as object) ? 'mtls' : 'jwk';
  const problems = [
    ...(binding === 'none' ? [{ id: 'unbound', severity: 'high' as Severity, message: 'no cnf claim: a bearer token that any holder can replay' }] : []),
    ...(exp === null ? [{ id: 'no-expiry', severity: 'critical' as Severity, message: 'no exp claim: it never expires' }] : []),
    ...(iat !== null && exp !== null && exp - iat > 3600 ? [{ id: 'long-lifetime', severity: 'medium' as Severity, message: 'lifetime longer than 1h' }] : []),
    ...(aud.length === 0 ? [{ id: 'no-audience', severity: 'medium' as Severity, message: 'no aud claim' }] : []),
  ];
  return {
    form: 'jws',
    header: { alg: 'RS256', typ: 'JWT' },
    claims,
    issuedAt: iso(iat),
    notBefore: null,
    expiresAt: iso(exp),
    lifetimeSeconds: iat !== null && exp !== null ? exp - iat : null,
    expired: exp !== null && exp * 1000 <= NOW.getTime(),
    audience: aud,
    binding,
    signature: 'unverified',
    problems,
    ...over,
  };
}

interface Scenario {
  result: ScanResult;
  /** every raw secret of the scenario: none may appear in a report */
  secrets: string[];
}

let counter = 0;
function finding(secret: string, ruleId: string, title: string, severity: Severity, location: Partial<Location> & { source: SourceKind; path: string }, jwt?: JwtAnalysis, prefix?: RegExp): Finding {
  counter++;
  return {
    id: sha(`id:${ruleId}:${secret}:${location.path}`).slice(0, 40),
    ruleId,
    title,
    severity,
    secret: redact(secret, prefix),
    location: { line: 3, column: 9, endLine: 3, endColumn: 9 + secret.length, ...location },
    ...(jwt ? { jwt } : {}),
  };
}

function credential(fs: Finding[], over: Partial<Credential>): Credential {
  const first = fs[0]!;
  const places: Place[] = fs.map((f) => ({ findingId: f.id, location: f.location, ...((f.location.date ?? f.location.time) ? { time: (f.location.date ?? f.location.time)! } : {}) }));
  const times = places.flatMap((p) => (p.time ? [p.time] : [])).sort();
  const jwt = first.jwt;
  return {
    fingerprint: first.secret.sha256,
    ruleId: first.ruleId,
    title: first.title,
    redacted: first.secret.redacted,
    places,
    sourceKinds: [...new Set(fs.map((f) => f.location.source))],
    owners: [],
    ...(times.length ? { firstSeen: times[0]!, lastSeen: times[times.length - 1]! } : {}),
    token: jwt
      ? {
          kind: 'jwt',
          ...(typeof jwt.claims?.iss === 'string' ? { issuer: jwt.claims.iss } : {}),
          ...(typeof jwt.claims?.sub === 'string' ? { subject: jwt.claims.sub } : {}),
          audience: jwt.audience,
          alg: String(jwt.header.alg),
          lifetimeSeconds: jwt.lifetimeSeconds,
          issuedAt: jwt.issuedAt,
          expiresAt: jwt.expiresAt,
          expired: jwt.expired,
          binding: jwt.binding,
          signature: jwt.signature,
        }
      : { kind: 'opaque' },
    risk: { level: first.severity, reasons: [] },
    tags: ['OWASP-NHI2', 'CWE-798'],
    ...over,
  };
}

const T0 = Date.parse('2024-02-01T00:00:00Z') / 1000;
const YEAR = 365 * 86_400;

/**
 * The scenario. `extra` adds filler findings (each a distinct opaque token in its own file, of
 * rotating severity and source), for the size-limit and 10,000-finding tests.
 */
export function htmlScenario(opts: { extra?: number; withCredentials?: boolean } = {}): Scenario {
  counter = 0;
  const secrets: string[] = [];
  const findings: Finding[] = [];
  const credentials: Credential[] = [];
  const JWT_PREFIX = /^eyJ/;

  // A: one unbound ten-year JWT in four source kinds, three owners, a policy violation.
  const aClaims = { iss: 'https://auth.example.com', sub: 'svc-reports', aud: 'reports-api', iat: T0, exp: T0 + 10 * YEAR, scope: 'reports:read reports:write' };
  const a = fakeJwt(aClaims);
  secrets.push(a);
  const aJwt = jwtAnalysis(aClaims);
  const aFs = [
    finding(a, 'jwt', 'JSON Web Token', 'high', { source: 'dir', path: 'config/app.env' }, aJwt, JWT_PREFIX),
    finding(a, 'jwt', 'JSON Web Token', 'high', { source: 'git', path: 'config/app.env', commit: 'c0ffee'.padEnd(40, '1'), author: 'Alice Example <alice@example.com>', date: '2024-02-03T10:00:00Z' }, aJwt, JWT_PREFIX),
    finding(a, 'jwt', 'JSON Web Token', 'high', { source: 'ci-log', path: 'logs/build-1234.log', provider: 'github-actions', workflow: 'release', job: 'build', step: 'Deploy to staging', time: '2025-06-11T08:15:00Z', line: 812 }, aJwt, JWT_PREFIX),
    finding(a, 'jwt', 'JSON Web Token', 'high', { source: 'queue', path: 'dumps/orders.ndjson', broker: 'kafka', queue: 'orders', partition: 0, offset: 42, messageId: 'm-42', field: '/headers/authorization', producer: 'billing-svc', time: '2025-11-30T23:59:00Z' }, aJwt, JWT_PREFIX),
  ];
  const policy = finding(a, 'policy/unbound-long-lived', 'Unbound token living longer than 30 days', 'critical', { source: 'dir', path: 'config/app.env' }, undefined, JWT_PREFIX);
  findings.push(...aFs, policy);
  credentials.push(
    credential(aFs, {
      owners: [
        { kind: 'author', name: 'Alice Example <alice@example.com>', via: 'commit c0ffee111111' },
        { kind: 'codeowners', name: '@example/platform', via: '.github/CODEOWNERS:3' },
        { kind: 'ci', name: 'release / build', via: 'workflow release / job build' },
        { kind: 'queue', name: 'billing-svc', via: 'producer on topic orders' },
      ],
      atHead: true,
      risk: { level: 'critical', reasons: ['unbound bearer token living 10 years', 'reused in 4 places across 4 source kinds and 4 owners', 'policy unbound-long-lived'] },
      violations: ['unbound-long-lived'],
      tags: ['OWASP-NHI2', 'OWASP-NHI7', 'OWASP-NHI9', 'CWE-798', 'CWE-613'],
      remediation: 'Revoke the token at the issuer, then issue short-lived, DPoP-bound tokens with an audience.',
      revoke: 'https://auth.example.com/admin/tokens',
    }),
  );

  // B: a GitHub token left in history by two commits, gone from HEAD.
  const b = fakeGithubToken('ghp', 'html-report');
  secrets.push(b);
  const bFs = [
    finding(b, 'github-pat', 'GitHub personal access token (classic)', 'high', { source: 'git', path: 'scripts/release.sh', commit: 'beef'.padEnd(40, '2'), author: 'Bob Builder <bob@example.com>', date: '2023-05-02T09:00:00Z' }, undefined, /^ghp_/),
    finding(b, 'github-pat', 'GitHub personal access token (classic)', 'high', { source: 'git', path: 'scripts/publish.sh', commit: 'dead'.padEnd(40, '3'), author: 'Bob Builder <bob@example.com>', date: '2023-07-19T17:30:00Z' }, undefined, /^ghp_/),
  ];
  findings.push(...bFs);
  credentials.push(
    credential(bFs, {
      owners: [{ kind: 'author', name: 'Bob Builder <bob@example.com>', via: 'commit beef22222222' }],
      atHead: false,
      risk: { level: 'high', reasons: ['still in history: anyone with a clone has it'] },
      remediation: 'Delete the token in GitHub settings and create a fine-grained token with an expiry.',
      revoke: 'javascript:window.__xss=6',
    }),
  );

  // C, D: bound, short-lived JWTs; E: alg none without expiry.
  const bound: [string, Record<string, unknown>, Severity, Partial<Location> & { source: SourceKind; path: string }][] = [
    ['dpop', { iss: 'https://auth.example.com', aud: 'payments', iat: T0 + 400 * 86_400, exp: T0 + 400 * 86_400 + 300, cnf: { jkt: 'FAKE0jkt' } }, 'medium', { source: 'queue', path: 'dumps/payments.json', broker: 'rabbitmq', queue: 'payments', messageId: 'p-7', time: '2025-03-07T12:00:00Z' }],
    ['mtls', { iss: 'https://sts.example.net', aud: ['inventory', 'reports-api'], iat: T0 + 500 * 86_400, exp: T0 + 500 * 86_400 + 3600, cnf: { 'x5t#S256': 'FAKE0x5t' } }, 'medium', { source: 'ci-log', path: 'logs/nightly.log', job: 'nightly', step: 'sync', time: '2025-06-15T03:00:00Z' }],
    ['none', { iss: HOSTILE.img, sub: HOSTILE.script, aud: HOSTILE.svg }, 'critical', { source: 'stdin', path: '<stdin>' }],
  ];
  for (const [name, claims, severity, loc] of bound) {
    const t = fakeJwt(claims, name === 'none' ? 'none' : 'RS256');
    secrets.push(t);
    const j = jwtAnalysis(claims, name === 'none' ? { form: 'unsecured', header: { alg: 'none' } } : {});
    const f = finding(t, 'jwt', name === 'none' ? HOSTILE.title : 'JSON Web Token', severity, loc, j, JWT_PREFIX);
    findings.push(f);
    credentials.push(credential([f], { risk: { level: severity, reasons: j.problems.map((p) => p.message) } }));
  }

  // F: hostile names from a scanned tree: markup, control characters, a very long path.
  const hostile = fakeOpaqueToken('html-hostile');
  secrets.push(hostile);
  const fFs = [
    finding(hostile, 'generic-api-key', HOSTILE.title, 'medium', { source: 'dir', path: `${HOSTILE.script}.env` }),
    finding(hostile, 'generic-api-key', HOSTILE.title, 'medium', { source: 'git', path: HOSTILE.long, commit: 'abad1dea'.padEnd(40, '4'), author: HOSTILE.control, date: '2025-01-09T00:00:00Z', messageId: HOSTILE.json }),
  ];
  findings.push(...fFs);
  credentials.push(
    credential(fFs, {
      owners: [{ kind: 'author', name: HOSTILE.control, via: HOSTILE.img }],
      risk: { level: 'medium', reasons: [HOSTILE.json] },
      tags: [HOSTILE.svg],
      remediation: HOSTILE.script,
    }),
  );

  // Filler: distinct opaque tokens, one per file.
  const kinds: SourceKind[] = ['dir', 'git', 'ci-log', 'queue'];
  const sevs: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
  for (let i = 0; i < (opts.extra ?? 0); i++) {
    const t = `FAKE${pseudoRandom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 36, i, 'filler')}`;
    const source = kinds[i % kinds.length]!;
    const loc: Partial<Location> & { source: SourceKind; path: string } =
      source === 'git'
        ? { source, path: `src/module-${i % 97}/file-${i}.ts`, commit: sha(`c${i}`).slice(0, 40), author: `Dev ${i % 13} <dev${i % 13}@example.com>`, date: new Date(Date.parse('2022-01-01T00:00:00Z') + (i % 1000) * 86_400_000).toISOString() }
        : source === 'ci-log'
          ? { source, path: `logs/run-${i}.log`, job: `job-${i % 7}`, step: `step-${i % 5}` }
          : source === 'queue'
            ? { source, path: 'dumps/events.ndjson', queue: `topic-${i % 9}`, partition: i % 3, offset: i }
            : { source, path: `src/module-${i % 97}/file-${i}.env` };
    findings.push(finding(t, 'opaque-token', 'Opaque bearer token', sevs[i % sevs.length]!, loc));
  }

  const result: ScanResult = {
    tool: { name: 'tokensprawl', version: '0.1.0' },
    scan: {
      startedAt: '2026-01-01T00:00:00.000Z',
      now: NOW.toISOString(),
      command: 'dir',
      targets: ['.', HOSTILE.script],
      durationMs: 1234,
      stats: { bytes: 4_200_000, files: 310, commits: 57, messages: 900, binarySkipped: 2, symlinksSkipped: 1, suppressed: 3 },
      notes: ['shallow clone: history before 2023-01-01 not scanned', `note with ${HOSTILE.script}`],
    },
    findings,
    ...(opts.withCredentials === false ? {} : { credentials }),
    errors: [
      { target: 'logs/archive.zip!<b>broken</b>.log', message: 'invalid zip entry: truncated' },
      { target: HOSTILE.img, message: HOSTILE.control },
    ],
  };
  return { result, secrets };
}
