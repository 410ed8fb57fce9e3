import type { Rule } from './types.js';
import { BUILTIN_RULES_DIR } from './load.js';

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

/** Whether the rule ships with tokensprawl (its file lies in the package's rules/ folder). */
export function isBuiltinRule(rule: Rule): boolean {
  return rule.file.startsWith(BUILTIN_RULES_DIR);
}

/**
 * The words of a shipped rule that reach reports and are at hand without reading its texts (see
 * Redactor.trust): its id and family are on every finding. Its description, references and
 * remediation are passed through by isShippedRuleText once read.
 */
export function shippedTexts(rule: Rule): string[] {
  return [rule.id, rule.family, rule.title, ...(rule.revoke !== undefined ? [rule.revoke] : [])];
}
