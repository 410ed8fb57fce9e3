// Combining the default policies, the trusted ones (--config, --policy) and those of a config
// found in the scanned tree into the run's PolicySet. A trusted entry with a default policy's id
// tunes it (its fields replace the default's) or turns it off (enabled: false); a tree config may
// only add policies: it can neither tune nor turn off one it did not define, since that would
// lower what the scan reports.
import { PolicyError } from '../core/errors.js';
import type { ScanError } from '../core/types.js';
import { compilePolicy, createPolicyEnvironment, type PolicyEnvironment } from './compile.js';
import type { CompiledPolicy, PolicyOrigin, PolicySet, PolicySpec } from './types.js';

export interface PolicyFileSpecs {
  file: string;
  policies: PolicySpec[];
}

export interface PolicySources {
  defaults: PolicyFileSpecs;
  /** --config and --policy files, in order: a later entry with the same id tunes the earlier */
  trusted?: PolicyFileSpecs[];
  /** a config from the scanned tree */
  tree?: PolicyFileSpecs[];
}

export interface BuiltPolicies {
  set: PolicySet;
  notes: string[];
  /** tree policies that did not compile: errors of the scan (trusted ones throw PolicyError) */
  errors: ScanError[];
}

function merge(base: PolicySpec, over: PolicySpec): PolicySpec {
  const out: PolicySpec = { ...base };
  for (const [k, v] of Object.entries(over)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

/** Throws PolicyError for a default or trusted policy that does not compile. */
export function buildPolicySet(sources: PolicySources, env: PolicyEnvironment = createPolicyEnvironment()): BuiltPolicies {
  const notes: string[] = [];
  const errors: ScanError[] = [];
  const defaultIds = new Set(sources.defaults.policies.map((p) => p.id));
  /** id → the spec in effect and where its last word came from */
  const specs = new Map<string, { spec: PolicySpec; origin: PolicyOrigin; messageFromDefault: boolean }>();
  for (const p of sources.defaults.policies) specs.set(p.id, { spec: p, origin: { kind: 'default', file: sources.defaults.file }, messageFromDefault: true });
  for (const f of sources.trusted ?? []) {
    for (const p of f.policies) {
      const prior = specs.get(p.id);
      specs.set(p.id, {
        spec: prior ? merge(prior.spec, p) : p,
        origin: { kind: 'trusted', file: f.file },
        messageFromDefault: (prior?.messageFromDefault ?? false) && p.message === undefined,
      });
    }
  }
  const trustedIds = new Set(specs.keys());

  const compileTrusted = (id: string): CompiledPolicy | null => {
    const entry = specs.get(id);
    if (!entry || entry.spec.enabled === false) return null;
    return compilePolicy(env, entry.spec, entry.origin, entry.messageFromDefault);
  };
  const judgements = new Map<string, CompiledPolicy | null>();
  for (const id of defaultIds) judgements.set(id, compileTrusted(id));
  const policies: CompiledPolicy[] = [];
  for (const id of trustedIds) {
    if (defaultIds.has(id)) continue;
    const compiled = compileTrusted(id);
    if (compiled) policies.push(compiled);
  }

  for (const f of sources.tree ?? []) {
    const refused: string[] = [];
    for (const p of f.policies) {
      if (trustedIds.has(p.id) || policies.some((q) => q.id === p.id && q.origin.kind === 'tree')) {
        refused.push(p.id);
        continue;
      }
      if (p.enabled === false) continue; // a new policy turned off: nothing to do
      try {
        policies.push(compilePolicy(env, p, { kind: 'tree', file: f.file }));
      } catch (err) {
        if (!(err instanceof PolicyError)) throw err;
        errors.push({ target: f.file, message: `not applied: ${err.message}` });
      }
    }
    if (refused.length > 0) {
      notes.push(`config ${f.file} (from the scanned tree) may only add policies, not tune or turn off loaded ones; not applied: ${refused.join(', ')} (pass it with --config to trust it)`);
    }
  }
  return { set: { judgements, policies }, notes, errors };
}
