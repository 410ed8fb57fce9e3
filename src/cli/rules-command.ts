import { loadRules } from '../rules/load.js';
import { checkRules } from '../rules/check.js';
import type { Io } from './io.js';
import path from 'node:path';

export async function runRulesCommand(name: 'list' | 'test', opts: Record<string, unknown>, io: Io): Promise<number> {
  const dirs = ((opts['rules'] as string[] | undefined) ?? []).map((d) => path.resolve(io.cwd, d));
  const rules = await loadRules({ builtin: opts['builtinRules'] !== false, dirs });
  if (name === 'list') {
    const width = Math.max(...rules.map((r) => r.id.length), 2);
    for (const r of rules) io.stdout(`${r.id.padEnd(width)}  ${r.severity.padEnd(8)}  ${r.family.padEnd(12)}  ${r.title}\n`);
    return 0;
  }
  const { checked, failures } = checkRules(rules);
  for (const f of failures) {
    io.stderr(`FAIL ${f.ruleId} (${path.relative(io.cwd, f.file) || f.file}): ${f.kind} #${f.index + 1} ${f.message}\n`);
  }
  const summary = `${rules.length} rules, ${checked} examples checked\nrules: ${checked - failures.length} passed, ${failures.length} failed\n`;
  (failures.length > 0 ? io.stderr : io.stdout)(summary);
  return failures.length > 0 ? 1 : 0;
}
