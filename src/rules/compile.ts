import { compileBoundary } from '../detect/boundary.js';
import type { RawRule, Rule } from './types.js';

/** Raw rule → compiled rule. Throws an Error naming the bad field. */
export function compileRule(raw: RawRule, family: string, file: string): Rule {
  const regex = compileRegex('pattern', raw.pattern, 'gd' + (raw.flags ?? ''));
  return {
    id: raw.id,
    title: raw.title,
    description: raw.description,
    severity: raw.severity,
    family,
    regex,
    hasSecretGroup: /\(\?<secret>/.test(raw.pattern),
    keywords: raw.keywords.map((k) => k.toLowerCase()),
    prefix: raw.prefix === undefined ? undefined : compileRegex('prefix', `^(?:${raw.prefix})`, ''),
    generic: raw.generic ?? false,
    precision: raw.precision ?? (raw.generic ? 'medium' : 'high'),
    entropy: raw.entropy,
    minLength: raw.minLength,
    checksum: raw.checksum,
    boundary: compileBoundary(raw.boundary),
    jwt: raw.jwt ?? false,
    allow: (raw.allow ?? []).map((a, i) => compileRegex(`allow/${i}`, a, '')),
    paths: raw.paths,
    references: raw.references ?? [],
    remediation: raw.remediation,
    examples: raw.examples,
    negativeExamples: raw.negativeExamples,
    file,
    raw,
  };
}

function compileRegex(field: string, source: string, flags: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (err) {
    // V8 quotes the whole pattern in its message; a pattern may hold a literal token.
    const why = err instanceof Error ? err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(err);
    throw new Error(`${field} is not a valid regular expression: ${why}`);
  }
}
