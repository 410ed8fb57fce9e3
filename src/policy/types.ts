// Policies as code: `{ id, when, severity, message, tags }` where `when` is a CEL expression over
// `token`, `credential` and `limits` (see compile.ts for the declared fields).
import type { Severity } from '../core/types.js';

/** What the three CEL variables hold for one evaluation; plain JSON values (numbers, not BigInt). */
export interface PolicyInput {
  token?: Record<string, unknown>;
  credential?: Record<string, unknown>;
  limits?: Record<string, unknown>;
}

/** A policy as written in a file or config, once the schema accepted it. Only `id` is required: an entry with a known id tunes that policy. */
export interface PolicySpec {
  id: string;
  when?: string;
  severity?: Severity;
  message?: string;
  tags?: string[];
  /** false turns the policy off (only from a trusted config or --policy file) */
  enabled?: boolean;
  /** the severity rises to the first of these whose `when` holds */
  raise?: Array<{ when: string; severity: Severity }>;
  /** inputs the policy must match / must not match (checked by `tokensprawl policy test`) */
  examples?: PolicyInput[];
  negativeExamples?: PolicyInput[];
}

/** Where a policy came from: names it in messages, and decides what it may do. */
export interface PolicyOrigin {
  /** default: policies/default.yaml; trusted: --config or --policy; tree: a config found in the scanned tree */
  kind: 'default' | 'trusted' | 'tree';
  file: string;
}

export type CelProgram = (input: Record<string, unknown>) => unknown;

export interface CompiledPolicy {
  id: string;
  when: string;
  severity: Severity;
  message: string;
  tags: string[];
  raise: Array<{ when: string; severity: Severity; test: CelProgram }>;
  test: CelProgram;
  origin: PolicyOrigin;
  /** the shipped default, untouched: JWT problems keep the analyser's detailed message */
  shipped: boolean;
  examples: PolicyInput[];
  negativeExamples: PolicyInput[];
}

/**
 * The policies of a run. `judgements` are the default policies (the JWT problems) after
 * overrides, keyed by id; `null` marks one turned off. `policies` are the others, each a
 * `policy/<id>` finding per credential it matches.
 */
export interface PolicySet {
  judgements: Map<string, CompiledPolicy | null>;
  policies: CompiledPolicy[];
}
