// The shipped default policies (policies/default.yaml), compiled once per process on first use:
// what the JWT analyser judges with when its caller gives no PolicySet of its own.
import { loadPolicyFile, DEFAULT_POLICIES_FILE } from './load.js';
import { buildPolicySet } from './set.js';
import type { PolicySet, PolicySpec } from './types.js';

let specs: Promise<PolicySpec[]> | undefined;
let set: Promise<PolicySet> | undefined;

export function defaultPolicySpecs(): Promise<PolicySpec[]> {
  specs ??= loadPolicyFile(DEFAULT_POLICIES_FILE, 'policies/default.yaml');
  return specs;
}

export function defaultPolicySet(): Promise<PolicySet> {
  set ??= defaultPolicySpecs().then((policies) => buildPolicySet({ defaults: { file: 'policies/default.yaml', policies } }).set);
  return set;
}
