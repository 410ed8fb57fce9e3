// The credential view: findings grouped by secret (its sha256), with every place, owner and
// time, what the token says about itself, and a judgement of the risk. Pure: built from the
// findings alone (and the rules' remediation), so `merge` of per-source reports rebuilds the
// same credentials as one scan over the same sources.

import { compareFindings, compareStrings } from '../core/order.js';
import { findingTags, sortTags, TAG } from '../core/standards.js';
import type { Credential, Finding, Owner, Place, Risk, Severity, SourceKind, TokenFacts } from '../core/types.js';
import { formatDuration } from './duration.js';
import { SEVERITY_RANK } from '../core/severity.js';

export interface CredentialContext {
  /** a rule's remediation and revocation address, by rule id (rules, or the credentials of merged reports) */
  remedy?: (ruleId: string) => { remediation?: string | undefined; revoke?: string | undefined } | undefined;
}

const SOURCE_ORDER: readonly SourceKind[] = ['dir', 'git', 'ci-log', 'queue', 'stdin'];
const SEVERITY_BY_RANK: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
/** A place is a policy's verdict, not a copy of the secret (policy/<id> findings). */
const POLICY_PREFIX = 'policy/';
/** Scopes that let a token change things, not only read them. */
const WRITE_SCOPE = /(?:^|[:._/\s-])(?:write|admin|delete|manage|full|all|owner|root|\*)(?:$|[:._/\s-])|^repo$|^(?:\*|admin|root)$/i;
const ADMIN_SCOPE = /(?:^|[:._/\s-])(?:admin|owner|root|full|\*)(?:$|[:._/\s-])|^(?:\*|admin|root)$/i;
const TEN_YEARS = 10 * 365 * 86_400;

export function buildCredentials(findings: readonly Finding[], ctx: CredentialContext = {}): Credential[] {
  const bySecret = new Map<string, Finding[]>();
  const violations = new Map<string, Set<string>>();
  for (const f of findings) {
    if (f.suppressed) continue;
    const sha = f.secret?.sha256;
    if (typeof sha !== 'string' || sha === '') continue;
    if (f.ruleId.startsWith(POLICY_PREFIX)) {
      const ids = violations.get(sha) ?? new Set<string>();
      ids.add(f.ruleId.slice(POLICY_PREFIX.length));
      violations.set(sha, ids);
      continue;
    }
    const list = bySecret.get(sha);
    if (list) list.push(f);
    else bySecret.set(sha, [f]);
  }
  const out: Credential[] = [];
  for (const [sha, list] of bySecret) {
    const v = violations.get(sha);
    out.push(buildOne(sha, list.sort(comparePlaces), ctx, v ? [...v].sort(compareStrings) : undefined));
  }
  return out.sort(compareCredentials);
}

/** Riskiest first: level, then the widest spread, then the fingerprint for a stable order. */
export function compareCredentials(a: Credential, b: Credential): number {
  return (
    SEVERITY_RANK[b.risk.level] - SEVERITY_RANK[a.risk.level] ||
    b.sourceKinds.length - a.sourceKinds.length ||
    b.places.length - a.places.length ||
    b.owners.length - a.owners.length ||
    compareStrings(a.fingerprint, b.fingerprint)
  );
}

function comparePlaces(a: Finding, b: Finding): number {
  return SOURCE_ORDER.indexOf(a.location.source) - SOURCE_ORDER.indexOf(b.location.source) || compareFindings(a, b) || compareStrings(a.location.commit ?? '', b.location.commit ?? '');
}

function buildOne(fingerprint: string, findings: Finding[], ctx: CredentialContext, violations: string[] | undefined): Credential {
  const main = mainFinding(findings);
  const places: Place[] = findings.map((f) => {
    const time = timeOf(f);
    return { findingId: f.id, location: f.location, ...(time ? { time } : {}) };
  });
  const sourceKinds = SOURCE_ORDER.filter((k) => findings.some((f) => f.location.source === k));
  const owners = ownersOf(findings);
  const times = places.map((p) => p.time).filter((t): t is string => t !== undefined && Number.isFinite(Date.parse(t)));
  times.sort((x, y) => Date.parse(x) - Date.parse(y) || compareStrings(x, y));
  const atHead = atHeadOf(findings);
  const token = tokenFacts(findings);
  const remedy = ctx.remedy?.(main.ruleId);
  const credential: Credential = {
    fingerprint,
    ruleId: main.ruleId,
    title: main.title,
    redacted: main.secret.redacted,
    places,
    sourceKinds,
    owners,
    ...(times.length > 0 ? { firstSeen: times[0] as string, lastSeen: times[times.length - 1] as string } : {}),
    ...(atHead !== undefined ? { atHead } : {}),
    token,
    risk: { level: 'info', reasons: [] },
    tags: [],
    ...(remedy?.remediation ? { remediation: remedy.remediation } : {}),
    ...(remedy?.revoke ? { revoke: remedy.revoke } : {}),
    ...(violations && violations.length > 0 ? { violations } : {}),
  };
  credential.risk = judge(credential, findings);
  credential.tags = credentialTags(credential, findings);
  return credential;
}

/** The finding that names the credential: the most severe, then a provider rule over a generic one (fewer places), then by id. */
function mainFinding(findings: readonly Finding[]): Finding {
  const count = new Map<string, number>();
  for (const f of findings) count.set(f.ruleId, (count.get(f.ruleId) ?? 0) + 1);
  return findings.reduce((best, f) => {
    const d = SEVERITY_RANK[f.severity] - SEVERITY_RANK[best.severity] || (count.get(f.ruleId) ?? 0) - (count.get(best.ruleId) ?? 0) || compareStrings(best.ruleId, f.ruleId);
    return d > 0 ? f : best;
  });
}

/** When this copy was made: the commit date for history, the log line's or message's time elsewhere. */
export function timeOf(f: Finding): string | undefined {
  const l = f.location;
  const t = l.source === 'git' ? l.date : l.time;
  return typeof t === 'string' && t !== '' ? t : undefined;
}

/** Everyone who answers for some place of the credential, each once (the first place that told us). */
function ownersOf(findings: readonly Finding[]): Owner[] {
  const seen = new Map<string, Owner>();
  const add = (o: Owner): void => {
    if (o.name.trim() === '') return;
    const key = `${o.kind}\0${o.name}`;
    if (!seen.has(key)) seen.set(key, o);
  };
  for (const f of findings) {
    const l = f.location;
    if (l.source === 'git' && l.author) add({ kind: 'author', name: l.author, via: l.commit ? `commit ${shortSha(l.commit)}` : 'git history' });
    for (const o of f.owners ?? []) if (o && typeof o.name === 'string' && typeof o.kind === 'string') add(o);
    if (l.source === 'ci-log') {
      const name = [l.provider, l.workflow ? `workflow ${l.workflow}` : undefined, l.job ? `job ${l.job}` : undefined].filter(Boolean).join(' / ');
      if (name) add({ kind: 'ci', name, via: `CI log ${l.path}${l.step ? `, step ${l.step}` : ''}` });
    }
    if (l.source === 'queue') {
      const topic = l.queue !== undefined ? `${l.broker ? `${l.broker} ` : ''}topic ${l.queue}` : l.broker;
      if (l.producer) add({ kind: 'queue', name: l.producer, via: `producer${topic ? ` on ${topic}` : ''}` });
      else if (topic) add({ kind: 'queue', name: topic, via: `queue dump ${l.path}` });
    }
  }
  return [...seen.values()];
}

/**
 * Still usable from the working tree or HEAD? Found in a scanned folder: yes. History: yes when
 * some path still holds it at HEAD, no when every path lost it. Logs and queues cannot tell.
 */
function atHeadOf(findings: readonly Finding[]): boolean | undefined {
  if (findings.some((f) => f.location.source === 'dir' || (f.location.source === 'git' && f.presentAtHead === true))) return true;
  const git = findings.filter((f) => f.location.source === 'git');
  if (git.length > 0 && git.every((f) => f.presentAtHead === false)) return false;
  return undefined;
}

function tokenFacts(findings: readonly Finding[]): TokenFacts {
  const jwt = findings.find((f) => f.jwt)?.jwt;
  if (!jwt) return { kind: 'opaque' };
  const claims = jwt.claims ?? {};
  const facts: TokenFacts = { kind: 'jwt' };
  const iss = str(claims.iss);
  const sub = str(claims.sub);
  if (iss !== undefined) facts.issuer = iss;
  if (sub !== undefined) facts.subject = sub;
  facts.audience = [...jwt.audience];
  facts.scopes = scopesOf(claims);
  const alg = str(jwt.header.alg);
  if (alg !== undefined) facts.alg = alg;
  facts.lifetimeSeconds = jwt.lifetimeSeconds;
  facts.issuedAt = jwt.issuedAt;
  facts.expiresAt = jwt.expiresAt;
  facts.expired = jwt.expired;
  facts.binding = jwt.binding;
  facts.signature = jwt.signature;
  return facts;
}

/** OAuth `scope` (space-separated, RFC 8693/9068), Entra/Okta `scp` (string or list), and `scopes` lists. */
export function scopesOf(claims: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of ['scope', 'scp', 'scopes']) {
    const v = claims[key];
    const items = typeof v === 'string' ? v.split(/[\s,]+/) : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    for (const s of items) if (s !== '' && !out.includes(s) && out.length < 200) out.push(s);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Risk

function judge(c: Credential, findings: readonly Finding[]): Risk {
  let rank = Math.max(...findings.map((f) => SEVERITY_RANK[f.severity] ?? 0));
  const reasons: Array<{ weight: number; text: string }> = [];
  const raise = (to: Severity): void => {
    rank = Math.max(rank, SEVERITY_RANK[to]);
  };

  // Sprawl: one secret serving several places, kinds of system or owners.
  const kinds = c.sourceKinds.length;
  const owners = c.owners.length;
  if (c.places.length > 1) {
    const across: string[] = [];
    if (kinds > 1) across.push(`${kinds} source kinds`);
    if (owners > 1) across.push(`${owners} owners`);
    reasons.push({ weight: 5 + kinds + owners, text: `reused in ${c.places.length} places${across.length > 0 ? ` across ${across.join(' and ')}` : ''}` });
    if (kinds > 1 || owners > 1) rank = Math.min(SEVERITY_RANK.critical, rank + 1);
  } else if (owners > 1) {
    reasons.push({ weight: 5 + owners, text: `answered for by ${owners} owners` });
  }

  // What the token itself allows.
  const t = c.token;
  if (t.kind === 'jwt') {
    const parts: string[] = [];
    if (t.binding === 'none') parts.push('unbound');
    if (t.expiresAt === null && !t.expired) parts.push('never expires');
    else if (typeof t.lifetimeSeconds === 'number' && t.lifetimeSeconds > 86_400) parts.push(`lives ${humanLifetime(t.lifetimeSeconds)}`);
    const broad = (t.scopes ?? []).filter((s) => WRITE_SCOPE.test(s));
    if (broad.some((s) => ADMIN_SCOPE.test(s))) parts.push('admin scope');
    else if (broad.length > 0) parts.push('write scope');
    if (parts.length > 0) reasons.push({ weight: t.expired ? 1 : 4, text: parts.join(', ') });
    if (!t.expired && t.binding === 'none' && broad.length > 0 && (t.expiresAt === null || (t.lifetimeSeconds ?? 0) >= TEN_YEARS)) raise('critical');
    if (t.expired && t.expiresAt) reasons.push({ weight: 1, text: `expired on ${t.expiresAt.slice(0, 10)}` });
    if (t.signature === 'invalid') reasons.push({ weight: 2, text: 'signature does not verify' });
  }
  const problems = new Map<string, string>();
  for (const f of findings) for (const p of f.jwt?.problems ?? []) if (!problems.has(p.id)) problems.set(p.id, p.message);
  if (problems.has('alg-none')) reasons.push({ weight: 6, text: 'alg none: anyone can forge it' });
  if (problems.has('weak-secret')) reasons.push({ weight: 6, text: 'signed with a guessable secret: anyone can forge one' });
  for (const id of ['service-role', 'admin-audience']) if (problems.has(id)) reasons.push({ weight: 5, text: id === 'service-role' ? 'service role: bypasses row-level security' : 'administers its tenant' });

  // Where it can still be picked up.
  if (c.atHead === true) reasons.push({ weight: 3, text: findings.some((f) => f.location.source === 'git' && f.presentAtHead === true) ? 'still at HEAD' : 'still in the working tree' });
  else if (c.atHead === false) reasons.push({ weight: 2, text: 'removed from HEAD but still in git history' });
  const logged = c.sourceKinds.filter((k) => k === 'ci-log' || k === 'queue');
  if (logged.length > 0) reasons.push({ weight: 2, text: `written to ${logged.map((k) => (k === 'ci-log' ? 'CI logs' : 'queued messages')).join(' and ')}` });
  if (c.violations && c.violations.length > 0) reasons.push({ weight: 3, text: `violates ${c.violations.map((v) => `policy ${v}`).join(', ')}` });

  const ordered = reasons.map((r, i) => ({ ...r, i })).sort((a, b) => b.weight - a.weight || a.i - b.i);
  return { level: SEVERITY_BY_RANK[rank] ?? 'medium', reasons: ordered.map((r) => r.text) };
}

/** "10 years", "90 days", "36 hours": the unit a person would say. */
function humanLifetime(seconds: number): string {
  const years = seconds / (365 * 86_400);
  if (years >= 1) {
    const n = Math.round(years);
    return `${n} year${n === 1 ? '' : 's'}`;
  }
  const days = seconds / 86_400;
  if (days >= 2) return `${Math.round(days)} days`;
  return formatDuration(seconds);
}

function credentialTags(c: Credential, findings: readonly Finding[]): string[] {
  const tags = findings.flatMap((f) => findingTags(f));
  if (c.places.length > 1 || c.owners.length > 1) tags.push(TAG.reuse);
  if ((c.token.scopes ?? []).some((s) => WRITE_SCOPE.test(s))) tags.push(TAG.overprivileged);
  if (c.token.kind === 'jwt' && !c.token.expired && (c.token.expiresAt === null || (c.token.lifetimeSeconds ?? 0) > 365 * 86_400)) tags.push(TAG.longLived);
  return sortTags(tags);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function shortSha(sha: string): string {
  return /^[0-9a-f]{40}$/i.test(sha) ? sha.slice(0, 7) : sha;
}
