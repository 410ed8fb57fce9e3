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

