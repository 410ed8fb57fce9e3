import type { Fragment, Match } from '../core/types.js';
import { createDetector, detect } from '../detect/detect.js';
import type { Rule } from './types.js';

export interface RuleCheckFailure {
  ruleId: string;
  file: string;
  kind: 'example' | 'negativeExample' | 'rule';
  /** 0-based index of the example; -1 for a failure of the rule as a whole */
  index: number;
  message: string;
}

/** A rule needs this many positive examples (in different contexts) and negative ones. */
export const MIN_EXAMPLES = 2;
export const MIN_NEGATIVE_EXAMPLES = 1;

/**
 * Every example must yield a secret from its own rule through the path a scan takes: the
 * keyword prefilter, the rule's `paths` (a synthetic path that the globs take), the regex,
 * boundaries, entropy, checksum, allow patterns and the placeholder filter. No negative example
 * may. Failures never quote the example text: it may hold a token-shaped string.
 */
export function checkRules(rules: readonly Rule[]): { checked: number; failures: RuleCheckFailure[] } {
  const failures: RuleCheckFailure[] = [];
  let checked = 0;
  for (const rule of rules) {
    const fail = (kind: RuleCheckFailure['kind'], index: number, message: string): void => {
      failures.push({ ruleId: rule.id, file: rule.file, kind, index, message });
    };
    // An imported gitleaks rule has no examples to check: the counts are for our rule files.
    const counted = rule.raw.imported === undefined;
    if (counted && rule.examples.length < MIN_EXAMPLES) fail('rule', -1, `has ${rule.examples.length} example(s); at least ${MIN_EXAMPLES} are required, in different contexts`);
    if (counted && rule.negativeExamples.length < MIN_NEGATIVE_EXAMPLES) fail('rule', -1, `has ${rule.negativeExamples.length} negative example(s); at least ${MIN_NEGATIVE_EXAMPLES} is required`);
    const detector = createDetector([rule]);
    const path = examplePath(rule);
    rule.examples.forEach((text, index) => {
      checked++;
      if (!hasKeyword(rule, text)) {
        fail('example', index, `holds none of the rule's keywords, so the keyword prefilter never runs the rule on it`);
        return;
      }
      const hits = scanExample(rule, text, path, detector);
      if (hits.length > 0) return;
      const placeholders = scanExample(rule, text, path, detector, true).filter((m) => m.placeholder);
      fail('example', index, placeholders.length > 0 ? `is suppressed as a placeholder (${placeholders[0]?.placeholder ?? ''})` : 'does not match (or a gate rejects it)');
    });
    rule.negativeExamples.forEach((text, index) => {
      checked++;
      const hits = scanExample(rule, text, path, detector);
      if (hits.length > 0) fail('negativeExample', index, `matches ${hits.length} time(s)`);
    });
  }
  return { checked, failures };
}

function hasKeyword(rule: Rule, text: string): boolean {
  const lower = text.toLowerCase();
  return rule.keywords.some((k) => lower.includes(k));
}

/** Matches of this rule (placeholders left out unless asked for) in one example, as a scan finds them. */
function scanExample(rule: Rule, text: string, path: string, detector: ReturnType<typeof createDetector>, withPlaceholders = false): Match[] {
  const fragment: Fragment = { text, provenance: { kind: 'dir', path }, line: 1, column: 1 };
  return detect(fragment, detector).filter((m) => m.ruleId === rule.id && (withPlaceholders || !m.placeholder));
}

/**
 * A path the rule's `paths` globs take, for its examples: `**\/.npmrc` → `.npmrc`,
 * `*.tfvars` → `example.tfvars`. A rule without `paths` gets a neutral path.
 */
export function examplePath(rule: Pick<Rule, 'paths'>): string {
  const glob = rule.paths?.find((p) => !p.startsWith('!'));
  if (!glob) return 'example.txt';
  return (
    glob
      .replace(/^\/+/, '')
      .replace(/(^|\/)\*\*\//g, '$1')
      .replace(/\/\*\*$/, '/example.txt')
      .replace(/\{([^,}]*)[^}]*\}/g, '$1')
      .replace(/\[([^\]])[^\]]*\]/g, '$1')
      .replace(/\?/g, 'x')
      .replace(/\*/g, 'example') || 'example.txt'
  );
}
