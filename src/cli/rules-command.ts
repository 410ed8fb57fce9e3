import { loadRuleSet, type RuleSet } from '../config/rule-set.js';
import { createRunRedactor } from '../scan.js';
import { checkRules } from '../rules/check.js';
import type { Io } from './io.js';
import path from 'node:path';

/**
 * The rules of a command that does not scan (`rules list`, `rules test`, `merge`): the same
 * loader as the scans, from the working directory (--rules, --no-builtin-rules, --config, a
 * .tokensprawl.yaml there unless --no-repo-config). What the config's loading reports goes to stderr.
 */
export async function loadCommandRules(opts: Record<string, unknown>, io: Io): Promise<RuleSet> {
  const set = await loadRuleSet({
    builtin: opts['builtinRules'] !== false,
    ruleDirs: (opts['rules'] as string[] | undefined) ?? [],
    config: opts['config'] as string | undefined,
    root: io.cwd,
    repoConfig: opts['repoConfig'] as boolean | undefined,
    cwd: io.cwd,
  });
  for (const e of set.errors) io.stderr(`tokensprawl: ${e.target}: ${e.message}\n`);
  for (const w of set.warnings) io.stderr(`tokensprawl: note: ${w}\n`);
  return set;
}

export async function runRulesCommand(name: 'list' | 'test', opts: Record<string, unknown>, io: Io): Promise<number> {
  const { rules, redactWith } = await loadCommandRules(opts, io);
  if (name === 'list') {
    // A user's rule may quote a real token in its title: the list goes through a run redactor too.
    const redactor = createRunRedactor(redactWith);
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
