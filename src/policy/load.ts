// Policy files (--policy FILE, and the shipped policies/default.yaml): YAML or JSON holding a
// `policies:` list, validated by ajv with every problem at once.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv as AjvClass, ErrorObject } from 'ajv';
import type * as Yaml from 'yaml';
import { PolicyError } from '../core/errors.js';
import { readTextFile } from '../core/read-text.js';
import { policyFileSchema } from '../config/schema.js';
import type { PolicySpec } from './types.js';

/** The shipped default policies (the JWT judgements); sits two levels below the package root like dist/<module>/. */
export const DEFAULT_POLICIES_FILE = fileURLToPath(new URL('../../policies/default.yaml', import.meta.url));

/** Largest policy file read: a real one is a few KB. */
export const MAX_POLICY_FILE_BYTES = 1024 * 1024;

const load = createRequire(import.meta.url);

export async function loadPolicyFile(file: string, label = file): Promise<PolicySpec[]> {
  const text = await readTextFile(file, MAX_POLICY_FILE_BYTES, `policy ${label}`, {
    tooLarge: (m) => new PolicyError(m),
    unreadable: (m, cause) => new PolicyError(m, { cause }),
  });
  return parsePolicyFile(text, label);
}

/** Pure part of loadPolicyFile; `label` names the file in messages. JSON is read as the YAML it is. */
export function parsePolicyFile(text: string, label: string): PolicySpec[] {
  const { Ajv } = load('ajv') as { Ajv: typeof AjvClass };
  const { parseDocument } = load('yaml') as typeof Yaml;
  if (text.length > MAX_POLICY_FILE_BYTES) throw new PolicyError(`policy ${label}: larger than ${MAX_POLICY_FILE_BYTES} characters: not read`);
  // no warnings on stderr: they quote the file (see config/load.ts)
  const doc = parseDocument(text, { uniqueKeys: true, logLevel: 'error' });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const at = e?.linePos?.[0];
    throw new PolicyError(`policy ${label}: invalid YAML${at ? ` at line ${at.line}, column ${at.col}` : ''}`);
  }
  let value: unknown;
  try {
    // no aliases: a "billion laughs" file is refused, not expanded
    value = doc.toJS({ maxAliasCount: 0 }) ?? {};
  } catch {
    throw new PolicyError(`policy ${label}: invalid YAML (aliases are not supported)`);
  }
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  const validate = ajv.compile<{ policies: PolicySpec[] }>(policyFileSchema);
  if (!validate(value)) {
    const problems = [...new Set((validate.errors ?? []).map((e) => describeAjvError(e, value)))];
    throw new PolicyError(`policy ${label}: ${problems.join('; ')}`);
  }
  const policies = (value as { policies: PolicySpec[] }).policies;
  const seen = new Set<string>();
  for (const p of policies) {
    if (seen.has(p.id)) throw new PolicyError(`policy ${label}: policy "${p.id}": the id appears twice`);
    seen.add(p.id);
  }
  return policies;
}

/** "/policies/2 (id "x") severity must be one of …": the policy named by id where it has a valid one. */
function describeAjvError(e: ErrorObject, value: unknown): string {
  const m = /^\/policies\/(\d+)(\/.*)?$/.exec(e.instancePath);
  let at = e.instancePath || '/';
  if (m) {
    const entry = (value as { policies?: unknown[] }).policies?.[Number(m[1])] as { id?: unknown } | undefined;
    const id = typeof entry?.id === 'string' && /^[a-z0-9][a-z0-9-]{0,63}$/.test(entry.id) ? ` (policy "${entry.id}")` : '';
    at = `/policies/${m[1]}${id}${m[2] ?? ''}`;
  }
  if (e.keyword === 'additionalProperties') {
    const extra = String((e.params as { additionalProperty?: unknown }).additionalProperty);
    return `${at}: ${extra.length <= 24 ? `"${extra}"` : `a key of ${extra.length} characters`} is not a known field`;
  }
  if (e.keyword === 'enum') return `${at} must be one of ${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).map(String).join(', ')}`;
  // values are never echoed: a user may have pasted a secret where an expression belongs
  if (e.keyword === 'pattern') return `${at} does not have the expected form`;
  return `${at} ${e.message ?? 'is invalid'}`;
}
