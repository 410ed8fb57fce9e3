import { compileBoundary } from '../detect/boundary.js';
import { compileLinear, type LinearRegex, type Re2 } from '../detect/linear.js';
import type { RawRule, Rule, RuleTexts } from './types.js';

/**
 * Raw rule → compiled rule. Throws an Error naming the bad field. A rule with `engine: 're2'`
 * needs the re2js module (`re2`): its patterns are compiled for the linear-time engine.
 * `texts`: where its description, references, remediation and examples are, when not in `raw`
 * (a built-in rule from the cache reads them from a file of their own, when first asked for).
 */
export function compileRule(raw: RawRule, family: string, file: string, re2?: Re2, texts: () => RuleTexts = () => raw): Rule {
  const flags = raw.flags ?? '';
  let regex: RegExp;
  let linear: LinearRegex | undefined;
  let hasSecretGroup: boolean;
  let allow: Rule['allow'];
  let allowMatch: Rule['allowMatch'];
  let allowLine: Rule['allowLine'];
  let pathTest: Rule['pathTest'];
  if (raw.engine === 're2') {
    if (!re2) throw new Error('this rule runs on the linear-time engine, which was not loaded');
    // gitleaks takes the first capture group that took part as the secret when secretGroup is unset
    const group = raw.secretGroup ?? (raw.imported === 'gitleaks' ? 'first' : undefined);
    linear = compileWith('pattern', () => compileLinear(re2, raw.pattern, flags, group));
    regex = v8OrNever(raw.pattern, 'gd' + flags);
    hasSecretGroup = raw.secretGroup !== undefined || raw.imported === 'gitleaks' || /\(\?P?<secret>/.test(raw.pattern);
    allow = (raw.allow ?? []).map((a, i) => compileWith(`allow/${i}`, () => compileLinear(re2, a)));
    allowMatch = raw.allowMatch?.map((a, i) => compileWith(`allowMatch/${i}`, () => compileLinear(re2, a)));
    allowLine = raw.allowLine?.map((a, i) => compileWith(`allowLine/${i}`, () => compileLinear(re2, a)));
    const only = raw.pathPattern === undefined ? undefined : compileWith('path', () => compileLinear(re2, raw.pathPattern ?? ''));
    const skip = (raw.pathAllow ?? []).map((a, i) => compileWith(`pathAllow/${i}`, () => compileLinear(re2, a)));
    if (only || skip.length > 0) pathTest = (p) => (!only || only.test(p)) && !skip.some((s) => s.test(p));
  } else {
    regex = compileRegex('pattern', raw.pattern, 'gd' + flags);
    hasSecretGroup = /\(\?<secret>/.test(raw.pattern);
    allow = (raw.allow ?? []).map((a, i) => compileRegex(`allow/${i}`, a, ''));
  }
  return {
    id: raw.id,
    title: raw.title,
    get description() {
      return texts().description;
    },
    severity: raw.severity,
    family,
    regex,
    ...(linear ? { linear } : {}),
    hasSecretGroup,
    keywords: raw.keywords.map((k) => k.toLowerCase()),
    prefix: raw.prefix === undefined ? undefined : compileRegex('prefix', `^(?:${raw.prefix})`, ''),
    generic: raw.generic ?? false,
    precision: raw.precision ?? (raw.generic ? 'medium' : 'high'),
    entropy: raw.entropy,
    minLength: raw.minLength,
    checksum: raw.checksum,
    boundary: compileBoundary(raw.boundary),
    jwt: raw.jwt ?? false,
    allow,
    ...(allowMatch && allowMatch.length > 0 ? { allowMatch } : {}),
    ...(allowLine && allowLine.length > 0 ? { allowLine } : {}),
    ...(raw.stopwords && raw.stopwords.length > 0 ? { stopwords: raw.stopwords.map((w) => w.toLowerCase()) } : {}),
    ...(pathTest ? { pathTest } : {}),
    paths: raw.paths,
    get references() {
      return texts().references ?? [];
    },
    get remediation() {
      return texts().remediation;
    },
    ...(raw.revoke ? { revoke: raw.revoke } : {}),
    get examples() {
      return texts().examples;
    },
    get negativeExamples() {
      return texts().negativeExamples;
    },
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

function compileWith<T>(field: string, make: () => T): T {
  try {
    return make();
  } catch (err) {
    throw new Error(`${field}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The V8 form of a linear-time rule's pattern, for code that wants a RegExp; one that never matches when V8 cannot take it. */
function v8OrNever(source: string, flags: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch {
    return new RegExp('(?!)', flags.replace(/[^dgimsu]/g, ''));
  }
}
