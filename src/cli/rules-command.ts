import { withBuiltinRules } from '../rules/shown.js';
import { createRunRedactor } from '../scan.js';
import { loadRules } from '../rules/load.js';
import { checkRules } from '../rules/check.js';
import type { Io } from './io.js';
import path from 'node:path';

export async function runRulesCommand(name: 'list' | 'test', opts: Record<string, unknown>, io: Io): Promise<number> {
  const dirs = ((opts['rules'] as string[] | undefined) ?? []).map((d) => path.resolve(io.cwd, d));
  const rules = await loadRules({ builtin: opts['builtinRules'] !== false, dirs });
  if (name === 'list') {
    // A user's rule may quote a real token in its title: the list goes through a run redactor too.
    const redactor = createRunRedactor(await withBuiltinRules(rules, opts['builtinRules'] !== false));
    const width = Math.max(...rules.map((r) => r.id.length), 2);
    const fam = Math.max(...rules.map((r) => r.family.length), 6);
    io.stdout(`${'ID'.padEnd(width)}  ${'SEVERITY'.padEnd(8)}  ${'PRECISION'.padEnd(9)}  ${'FAMILY'.padEnd(fam)}  ${'EX+/EX-'.padEnd(7)}  TITLE\n`);
    for (const r of rules) {
      const counts = `${r.examples.length}/${r.negativeExamples.length}`;
      io.stdout(`${r.id.padEnd(width)}  ${r.severity.padEnd(8)}  ${r.precision.padEnd(9)}  ${r.family.padEnd(fam)}  ${counts.padEnd(7)}  ${redactor.text(r.title)}\n`);
    }
    return 0;
  }
  const { checked, failures } = checkRules(rules);
  for (const f of failures) {
    const where = f.kind === 'rule' ? '' : ` ${f.kind} #${f.index + 1}`;
    io.stderr(`FAIL ${f.ruleId} (${path.relative(io.cwd, f.file) || f.file}):${where} ${f.message}\n`);
  }
  const failedRules = new Set(failures.map((f) => f.ruleId)).size;
  const failedExamples = failures.filter((f) => f.kind !== 'rule').length;
  const summary = `${rules.length} rules, ${checked} examples checked, ${failedExamples} failed\nrules: ${rules.length - failedRules} passed, ${failedRules} failed\n`;
  (failures.length > 0 ? io.stderr : io.stdout)(summary);
  return failures.length > 0 ? 1 : 0;
}
