// A stand-in for the credential view (src/analyze/credentials.ts, built in parallel): findings
// grouped by secret, with the facts policies read most (places, source kinds, token facts,
// owners a finding's location names). The scan hook uses the real view when the result has one.
import type { Credential, Finding, Owner, Place, Severity, SourceKind, TokenFacts } from '../core/types.js';

const RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

function tokenFacts(f: Finding): TokenFacts {
  const j = f.jwt;
  if (!j) return { kind: 'opaque' };
  const claims = j.claims ?? {};
  const scopes: string[] = [];
  for (const v of [claims['scope'], claims['scp']]) {
    if (typeof v === 'string') scopes.push(...v.split(/\s+/).filter((s) => s !== ''));
    else if (Array.isArray(v)) scopes.push(...v.filter((s): s is string => typeof s === 'string'));
  }
  return {
    kind: 'jwt',
    ...(typeof claims['iss'] === 'string' ? { issuer: claims['iss'] } : {}),
    ...(typeof claims['sub'] === 'string' ? { subject: claims['sub'] } : {}),
    audience: j.audience,
    scopes,
    ...(typeof j.header['alg'] === 'string' ? { alg: j.header['alg'] } : {}),
    lifetimeSeconds: j.lifetimeSeconds,
    issuedAt: j.issuedAt,
    expiresAt: j.expiresAt,
    expired: j.expired,
    binding: j.binding,
    signature: j.signature,
  };
}

function ownersOf(f: Finding): Owner[] {
  const l = f.location;
  const out: Owner[] = [];
  if (l.author) out.push({ kind: 'author', name: l.author });
  if (l.job || l.workflow) out.push({ kind: 'ci', name: [l.workflow, l.job].filter(Boolean).join(' / ') });
  if (l.producer) out.push({ kind: 'queue', name: l.producer });
  else if (l.queue) out.push({ kind: 'queue', name: l.queue });
  return out;
}

/** One credential per secret (sha256) among the findings that are not suppressed, in first-seen order. */
export function credentialsFromFindings(findings: readonly Finding[]): Credential[] {
  const byKey = new Map<string, Credential>();
  for (const f of findings) {
    if (f.suppressed || f.ruleId.startsWith('policy/')) continue;
    const time = f.location.date ?? f.location.time;
    const place: Place = { findingId: f.id, location: f.location, ...(time ? { time } : {}) };
    let c = byKey.get(f.secret.sha256);
    if (!c) {
      c = {
        fingerprint: f.secret.sha256,
        ruleId: f.ruleId,
        title: f.title,
        redacted: f.secret.redacted,
        places: [],
        sourceKinds: [],
        owners: [],
        token: tokenFacts(f),
        risk: { level: f.severity, reasons: [] },
        tags: [],
      };
      byKey.set(f.secret.sha256, c);
    }
    c.places.push(place);
    if (!c.sourceKinds.includes(f.location.source)) c.sourceKinds.push(f.location.source as SourceKind);
    for (const o of ownersOf(f)) if (!c.owners.some((x) => x.kind === o.kind && x.name === o.name)) c.owners.push(o);
    if (RANK[f.severity] > RANK[c.risk.level]) c.risk = { level: f.severity, reasons: [] };
    if (time) {
      if (!c.firstSeen || time < c.firstSeen) c.firstSeen = time;
      if (!c.lastSeen || time > c.lastSeen) c.lastSeen = time;
    }
    if (f.location.source === 'dir' || f.presentAtHead === true) c.atHead = true;
  }
  return [...byKey.values()];
}
