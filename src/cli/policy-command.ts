// `tokensprawl policy test <file>`: load the file's policies over the defaults (an entry with a
// default's id tunes it), compile them all (a parse or type error exits 2 through PolicyError),
// then check each policy of the file against its examples.
import path from 'node:path';
import { checkPolicies } from '../policy/check.js';
import { defaultPolicySpecs } from '../policy/defaults.js';
import { DEFAULT_POLICIES_FILE, loadPolicyFile } from '../policy/load.js';
import { buildPolicySet } from '../policy/set.js';
import type { CompiledPolicy } from '../policy/types.js';
import type { Io } from './io.js';

export async function runPolicyTestCommand(file: string, io: Io): Promise<number> {
  const abs = path.resolve(io.cwd, file);
  const label = path.relative(io.cwd, abs) || abs;
  const isDefaults = abs === DEFAULT_POLICIES_FILE;
  const specs = await loadPolicyFile(abs, label);
  const defaults = isDefaults ? specs : await defaultPolicySpecs();
  const { set } = buildPolicySet({
    defaults: { file: isDefaults ? label : 'policies/default.yaml', policies: defaults },
    ...(isDefaults ? {} : { trusted: [{ file: label, policies: specs }] }),
  });
  const byId = new Map<string, CompiledPolicy>();
  for (const [id, p] of set.judgements) if (p) byId.set(id, p);
  for (const p of set.policies) byId.set(p.id, p);
  // the file's own policies, in its order; one turned off has nothing to test
  const tested = specs.map((s) => byId.get(s.id)).filter((p): p is CompiledPolicy => p !== undefined);
  const { checked, failures } = checkPolicies(tested);
  for (const f of failures) {
    const where = f.kind === 'policy' ? '' : ` ${f.kind} #${f.index + 1}`;
    io.stderr(`FAIL ${f.policyId} (${label}):${where} ${f.message}\n`);
  }
  const failed = new Set(failures.map((f) => f.policyId)).size;
  const off = specs.length - tested.length;
  const summary = `${tested.length} policies${off > 0 ? ` (${off} turned off)` : ''}, ${checked} examples checked, ${failures.filter((f) => f.kind !== 'policy').length} failed\npolicies: ${tested.length - failed} passed, ${failed} failed\n`;
  (failures.length > 0 ? io.stderr : io.stdout)(summary);
  return failures.length > 0 ? 1 : 0;
}
