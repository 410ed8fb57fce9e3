// Evaluation: pure functions over compiled policies. A policy that fails on one input is an
// error naming the policy, never an exception: the scan goes on.
import { findingId } from '../core/fingerprint.js';
import type { Credential, Finding, Location, ScanError, SecretRef, Severity } from '../core/types.js';
import { celInput, runPolicy } from './compile.js';
import type { CompiledPolicy, PolicyInput, PolicySet } from './types.js';

export interface PolicyContext {
  /** --max-lifetime, as `limits.maxLifetimeSeconds` */
  maxLifetimeSeconds: number;
  /** the scan's findings, to give a violation the credential's SecretRef (its length) */
  findings?: readonly Finding[];
}

export interface PolicyViolation {
  policyId: string;
  fingerprint: string;
  severity: Severity;
}

export interface PolicyOutcome {
  violations: PolicyViolation[];
  /** one `policy/<id>` finding per violation; they count for the gate */
  findings: Finding[];
  /** one entry per policy that failed at run time, with how many credentials it failed on */
  errors: ScanError[];
  /** the credentials, each with `violations` listing the ids of the policies it breaks */
  credentials: Credential[];
}

/** What a policy sees of a credential: `credential` (without its token facts) and `token`. */
export function credentialInput(c: Credential, maxLifetimeSeconds: number): PolicyInput {
  const { token, ...rest } = c;
  return { token: { ...token }, credential: rest as unknown as Record<string, unknown>, limits: { maxLifetimeSeconds } };
}

/** The place a violation is reported at: the first in the working tree / at HEAD, else the first. */
export function primaryPlace(c: Credential): Credential['places'][number] | undefined {
  return c.places.find((p) => p.location.source === 'dir') ?? c.places[0];
}

export function evaluatePolicies(credentials: readonly Credential[], policies: readonly CompiledPolicy[], ctx: PolicyContext): PolicyOutcome {
  const secrets = new Map<string, SecretRef>();
  for (const f of ctx.findings ?? []) secrets.set(f.id, f.secret);
  const violations: PolicyViolation[] = [];
  const findings: Finding[] = [];
  const failures = new Map<string, { count: number; first: string }>();
  const out: Credential[] = [];
  for (const c of credentials) {
    if (policies.length === 0) {
      out.push(c);
      continue;
    }
    const input = celInput(credentialInput(c, ctx.maxLifetimeSeconds));
    const ids: string[] = [];
    for (const p of policies) {
      const verdict = runPolicy(p, input);
      if ('error' in verdict) {
        const prior = failures.get(p.id);
        if (prior) prior.count++;
        else failures.set(p.id, { count: 1, first: `credential ${c.redacted} (${c.fingerprint.slice(0, 12)}…): ${verdict.error}` });
        continue;
      }
      if (!verdict.matched) continue;
      ids.push(p.id);
      violations.push({ policyId: p.id, fingerprint: c.fingerprint, severity: verdict.severity });
      const place = primaryPlace(c);
      const location: Location = place?.location ?? { source: 'stdin', path: '', line: 1, column: 1, endLine: 1, endColumn: 1 };
      const secret = (place && secrets.get(place.findingId)) ?? { redacted: c.redacted, sha256: c.fingerprint, length: 0 };
      findings.push({
        id: findingId(`policy/${p.id}`, c.fingerprint, ''),
        ruleId: `policy/${p.id}`,
        title: p.message,
        severity: verdict.severity,
        secret,
        location,
        // the policy's standards tags (OWASP NHI, CWE): SARIF and JSON show them
        ...(p.tags.length > 0 ? { tags: [...p.tags] } : {}),
      });
    }
    out.push(ids.length > 0 ? { ...c, violations: ids } : c);
  }
  const errors: ScanError[] = [...failures].map(([id, f]) => ({
    target: `policy ${id}`,
    message: `could not be evaluated on ${f.count} credential${f.count === 1 ? '' : 's'}; first: ${f.first}`,
  }));
  return { violations, findings, errors, credentials: out };
}

/** A JWT problem decided by a default policy: its severity, and its message when a team rewrote it. */
export interface Judgement {
  severity: Severity;
  /** absent: the policy's message is the shipped one, and the analyser's detailed text stays */
  message?: string;
}

/** Judges one JWT: returns `judge(id)` over the token's facts, prepared once. */
export function jwtJudge(set: PolicySet, token: Record<string, unknown>, maxLifetimeSeconds: number): (id: string) => Judgement | null {
  let input: Record<string, unknown> | undefined;
  return (id) => {
    const policy = set.judgements.get(id);
    if (!policy) return null;
    input ??= celInput({ token, limits: { maxLifetimeSeconds } });
    const verdict = runPolicy(policy, input);
    // a judgement that cannot be made is shown, not dropped (a silent miss is the worst bug)
    if ('error' in verdict) return { severity: policy.severity, message: `policy ${id} (${policy.origin.file}) could not be evaluated on this token: ${verdict.error}` };
    if (!verdict.matched) return null;
    return policy.shipped ? { severity: verdict.severity } : { severity: verdict.severity, message: policy.message };
  };
}
