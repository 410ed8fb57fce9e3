// Part of `npm run build`: validates the built-in rules once and stores them in
// dist/builtin-rules.json, so a run need not parse YAML or compile the schema (about 150 ms).
// The cache is keyed by a hash of the rule files and schema: an edited rule is validated anew.
import { writeBuiltinRuleCache } from '../dist/rules/load.js';

await writeBuiltinRuleCache();

// The same for the default policies (policies/default.yaml → dist/default-policies.json).
const { writeDefaultPolicyCache } = await import('../dist/policy/defaults.js');
await writeDefaultPolicyCache();
