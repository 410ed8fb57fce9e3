import { loadRules } from './load.js';
import type { Rule } from './types.js';

/**
 * A rule's own words as a report shows them. A user's rule (or one from a scanned tree's
 * config) may quote a real token in its title, description or remediation; findings are
 * redacted with the run, and the rule metadata printed beside them must be too.
 */
export function withRedactedText(rule: Rule, redact: (s: string) => string): Rule {
  return {
    ...rule,
    title: redact(rule.title),
    description: redact(rule.description),
    references: rule.references.map(redact),
    ...(rule.remediation !== undefined ? { remediation: redact(rule.remediation) } : {}),
  };
}

/**
 * The rules a run's redactor needs: these, and every built-in rule they lack (under
 * --no-builtin-rules a GitHub token in a file name must still not be printed). The same list
 * when nothing is missing, so that the scan's detector is shared.
 */
export async function withBuiltinRules(rules: Rule[], builtinLoaded: boolean): Promise<Rule[]> {
  // (a user rule with a built-in id replaced that rule: its pattern is the user's choice)
  if (builtinLoaded) return rules;
  const ids = new Set(rules.map((r) => r.id));
  const builtin = await loadRules({ builtin: true, dirs: [] });
  const missing = builtin.filter((r) => !ids.has(r.id));
  return missing.length === 0 ? rules : [...rules, ...missing];
}
