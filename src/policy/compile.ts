// CEL compilation of policies: one environment with the declared variables, so that a typo
// (`token.isuer`) or a type mistake (`token.scopes > 1`) is refused before any scan, with the
// file, the policy and the position; and limits, since a config from the scanned tree is
// written by whoever wrote the tree.
import { Environment } from '@marcbachmann/cel-js';
import { PolicyError } from '../core/errors.js';
import type { Severity } from '../core/types.js';
import type { CelProgram, CompiledPolicy, PolicyInput, PolicyOrigin, PolicySpec } from './types.js';

/** Longest `when` accepted: a real policy is one or two lines. */
export const MAX_WHEN_CHARS = 2000;
/** Parse-time structure limits (the library's defaults are sized for trusted input). */
const LIMITS = { maxAstNodes: 400, maxDepth: 24, maxListElements: 200, maxMapEntries: 50, maxCallArguments: 8 };
/**
 * Comprehensions (exists, all, map, filter) inside each other multiply: places × places × …
 * A config from the scanned tree gets none nested (one secret may sit in thousands of places).
 */
const MAX_COMPREHENSION_NESTING = 2;
const MAX_TREE_COMPREHENSION_NESTING = 1;
const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'existsOne', 'map', 'filter']);

/**
 * The fields a policy can read. `token` holds the token facts (TokenFacts) plus, for JWTs judged
 * by the analyser, `form`, `remainingSeconds`, `weakSecret`, `dpopProof` and `family`.
 * A field that a token or credential does not have is absent: test it with `has(token.issuer)`;
 * reading it anyway is a run-time error of that policy for that credential.
 */
export const TOKEN_FIELDS = {
  kind: 'string',
  form: 'string',
  issuer: 'string',
  subject: 'string',
  audience: 'list<string>',
  scopes: 'list<string>',
  alg: 'string',
  lifetimeSeconds: 'int',
  remainingSeconds: 'int',
  issuedAt: 'string',
  expiresAt: 'string',
  expired: 'bool',
  binding: 'string',
  signature: 'string',
  weakSecret: 'bool',
  dpopProof: 'bool',
  family: 'string',
} as const;

export const CREDENTIAL_FIELDS = {
  fingerprint: 'string',
  ruleId: 'string',
  title: 'string',
  redacted: 'string',
  places: 'list<map<string, dyn>>',
  sourceKinds: 'list<string>',
  owners: 'list<map<string, dyn>>',
  firstSeen: 'string',
  lastSeen: 'string',
  atHead: 'bool',
  tags: 'list<string>',
  risk: 'Risk',
} as const;

const RISK_FIELDS = { level: 'string', reasons: 'list<string>' } as const;

export const LIMIT_FIELDS = { maxLifetimeSeconds: 'int' } as const;

// One class per declared type: a value that is already an instance is read as it is, where a
// plain object would be wrapped anew at every evaluation (7 default policies × every JWT).
class CelToken {
  constructor(fields: Record<string, unknown>) {
    Object.assign(this, fields);
  }
}
class CelCredential {
  constructor(fields: Record<string, unknown>) {
    Object.assign(this, fields);
  }
}
class CelRisk {
  constructor(fields: Record<string, unknown>) {
    Object.assign(this, fields);
  }
}
class CelLimits {
  constructor(fields: Record<string, unknown>) {
    Object.assign(this, fields);
  }
}

export type PolicyEnvironment = Environment;

export function createPolicyEnvironment(): PolicyEnvironment {
  return new Environment({ limits: LIMITS })
    .registerType('Token', { ctor: CelToken, fields: TOKEN_FIELDS })
    .registerType('Risk', { ctor: CelRisk, fields: RISK_FIELDS })
    .registerType('Credential', { ctor: CelCredential, fields: CREDENTIAL_FIELDS })
    .registerType('Limits', { ctor: CelLimits, fields: LIMIT_FIELDS })
    .registerVariable('token', 'Token')
    .registerVariable('credential', 'Credential')
    .registerVariable('limits', 'Limits');
}

/** A JSON value as CEL sees it: whole numbers are `int` (BigInt); null and undefined members are left out (absent). */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map(toCel);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = toCel(v);
    return out;
  }
  return value;
}

/** The variables of one evaluation: every variable is present (empty when not given), so `has()` works on each. */
export function celInput(input: PolicyInput): Record<string, unknown> {
  const credential = toCel(input.credential ?? {}) as Record<string, unknown>;
  const risk = credential['risk'];
  if (typeof risk === 'object' && risk !== null && !Array.isArray(risk)) credential['risk'] = new CelRisk(risk as Record<string, unknown>);
  else delete credential['risk'];
  return {
    token: new CelToken(toCel(input.token ?? {}) as Record<string, unknown>),
    credential: new CelCredential(credential),
    limits: new CelLimits(toCel(input.limits ?? {}) as Record<string, unknown>),
  };
}

interface CelErrorLike {
  summary?: string;
  message?: string;
  range?: { start: number };
  node?: { start?: number; pos?: number };
}

/** "line 1, column 17" of an offset inside the expression. */
function position(expr: string, offset: number | undefined): string {
  if (offset === undefined || offset < 0) return 'line 1, column 1';
  const before = expr.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

function describeCelError(err: unknown): { summary: string; offset: number | undefined } {
  const e = (err ?? {}) as CelErrorLike;
  const summary = (e.summary ?? e.message ?? String(err)).split('\n', 1)[0] ?? 'invalid';
  return { summary, offset: e.range?.start ?? e.node?.start ?? e.node?.pos };
}

/** The first line of a CEL error, without the source excerpt the library appends. */
export function celErrorSummary(err: unknown): string {
  return describeCelError(err).summary;
}

function comprehensionNesting(node: unknown, depth = 0): number {
  if (typeof node !== 'object' || node === null) return depth;
  const n = node as { op?: string; args?: unknown };
  const here = n.op === 'rcall' && Array.isArray(n.args) && COMPREHENSIONS.has(String(n.args[0])) ? depth + 1 : depth;
  let max = here;
  const args = Array.isArray(n.args) ? n.args : [n.args];
  for (const a of args) {
    if (Array.isArray(a)) for (const x of a) max = Math.max(max, comprehensionNesting(x, here));
    else max = Math.max(max, comprehensionNesting(a, here));
  }
  return max;
}

/** Compiles one boolean CEL expression; throws PolicyError naming file, policy, field and position. */
export function compileExpression(env: PolicyEnvironment, expr: string, where: { file: string; id: string; field: string; maxNesting?: number }): CelProgram {
  const fail = (why: string): never => {
    throw new PolicyError(`policy ${where.file}: policy "${where.id}": ${where.field}, ${why}`);
  };
  if (expr.length > MAX_WHEN_CHARS) fail(`line 1, column 1: longer than ${MAX_WHEN_CHARS} characters (${expr.length})`);
  if (expr.trim() === '') fail('line 1, column 1: empty expression');
  let program: ReturnType<Environment['parse']>;
  try {
    program = env.parse(expr);
  } catch (err) {
    const { summary, offset } = describeCelError(err);
    return fail(`${position(expr, offset)}: ${summary}`);
  }
  const maxNesting = where.maxNesting ?? MAX_COMPREHENSION_NESTING;
  if (comprehensionNesting(program.ast) > maxNesting) {
    fail(`line 1, column 1: comprehensions (exists, all, map, filter) nested more than ${maxNesting} deep`);
  }
  let checked: { valid: boolean; type?: string; error?: unknown };
  try {
    checked = program.check() as { valid: boolean; type?: string; error?: unknown };
  } catch (err) {
    const { summary, offset } = describeCelError(err);
    return fail(`${position(expr, offset)}: ${summary}`);
  }
  if (!checked.valid) {
    const { summary, offset } = describeCelError(checked.error);
    fail(`${position(expr, offset)}: ${summary}`);
  }
  if (checked.type !== 'bool' && checked.type !== 'dyn') fail(`line 1, column 1: must be true or false, is ${checked.type ?? 'unknown'}`);
  return program as unknown as CelProgram;
}

const SEVERITY_SET = new Set<Severity>(['info', 'low', 'medium', 'high', 'critical']);

/** A complete policy (a new one, or a default after overrides) compiled; throws PolicyError. */
export function compilePolicy(env: PolicyEnvironment, spec: PolicySpec, origin: PolicyOrigin, shipped = false): CompiledPolicy {
  const missing = (['when', 'severity', 'message'] as const).filter((k) => spec[k] === undefined);
  if (missing.length > 0) throw new PolicyError(`policy ${origin.file}: policy "${spec.id}": ${missing.join(', ')} missing (only an entry with the id of a default policy may leave them out)`);
  const when = spec.when as string;
  const severity = spec.severity as Severity;
  const maxNesting = origin.kind === 'tree' ? MAX_TREE_COMPREHENSION_NESTING : MAX_COMPREHENSION_NESTING;
  if (!SEVERITY_SET.has(severity)) throw new PolicyError(`policy ${origin.file}: policy "${spec.id}": severity must be one of ${[...SEVERITY_SET].join(', ')}`);
  return {
    id: spec.id,
    when,
    severity,
    message: spec.message as string,
    tags: spec.tags ?? [],
    raise: (spec.raise ?? []).map((r, i) => ({
      when: r.when,
      severity: r.severity,
      test: compileExpression(env, r.when, { file: origin.file, id: spec.id, field: `raise #${i + 1}`, maxNesting }),
    })),
    test: compileExpression(env, when, { file: origin.file, id: spec.id, field: 'when', maxNesting }),
    origin,
    shipped,
    examples: spec.examples ?? [],
    negativeExamples: spec.negativeExamples ?? [],
  };
}

/** The outcome of one policy on one input: matched with a severity, or not, or an error (never thrown). */
export type Verdict = { matched: true; severity: Severity } | { matched: false } | { error: string };

/** Evaluates a compiled policy on prepared input (celInput); a run-time failure is a value, not an exception. */
export function runPolicy(policy: CompiledPolicy, input: Record<string, unknown>): Verdict {
  let value: unknown;
  try {
    value = policy.test(input);
  } catch (err) {
    return { error: celErrorSummary(err) };
  }
  if (typeof value !== 'boolean') return { error: `when gave ${typeof value === 'bigint' ? 'an int' : typeof value}, not true or false` };
  if (!value) return { matched: false };
  for (const r of policy.raise) {
    try {
      if (r.test(input) === true) return { matched: true, severity: r.severity };
    } catch {
      // a raise that cannot be evaluated does not raise; the policy still matched
    }
  }
  return { matched: true, severity: policy.severity };
}
