import { compileBoundary } from '../detect/boundary.js';
import { compileLinear, type LinearRegex, type Re2 } from '../detect/linear.js';
import type { RawRule, Rule, RuleTexts } from './types.js';

/**
 * Raw rule → compiled rule. Throws an Error naming the bad field. A rule with `engine: 're2'`
 * needs the re2js module (`re2`): its patterns are compiled for the linear-time engine.
 * `texts`: where its description, references, remediation and examples are, when not in `raw`
 * (a built-in rule from the cache reads them from a file of their own, when first asked for).
 * `gate`: give the rule a gate (see gateOf). Only for the built-in rules: a user's pattern was
 * shown free of catastrophic backtracking as written, and without its lookarounds it might not be.
 */
export function compileRule(raw: RawRule, family: string, file: string, re2?: Re2, opts: { texts?: () => RuleTexts; gate?: boolean } = {}): Rule {
  const texts = opts.texts ?? (() => raw);
  const flags = raw.flags ?? '';
  let regex: RegExp;
  let linear: LinearRegex | undefined;
  let hasSecretGroup: boolean;
  let allow: Rule['allow'];
  let allowMatch: Rule['allowMatch'];
  let allowLine: Rule['allowLine'];
  let pathTest: Rule['pathTest'];
  let gate: RegExp | undefined;
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
    if (opts.gate) gate = gateOf(raw.pattern, flags);
  }
  // One shape for every rule (absent fields undefined, no spreads): building 563 of them with
  // optional spreads cost a start ~7 ms, and detection reads these fields on every match.
  return {
    id: raw.id,
    title: raw.title,
    get description() {
      return texts().description;
    },
    severity: raw.severity,
    family,
    regex,
    gate,
    linear,
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
    allowMatch: allowMatch && allowMatch.length > 0 ? allowMatch : undefined,
    allowLine: allowLine && allowLine.length > 0 ? allowLine : undefined,
    stopwords: raw.stopwords && raw.stopwords.length > 0 ? raw.stopwords.map((w) => w.toLowerCase()) : undefined,
    pathTest,
    paths: raw.paths,
    get references() {
      return texts().references ?? [];
    },
    get remediation() {
      return texts().remediation;
    },
    revoke: raw.revoke || undefined,
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

/**
 * The pattern with its negative lookarounds, `(?!…)` and `(?<!…)`, left out: a pattern that
 * matches wherever the rule's does (a negative lookaround can only refuse a match), or undefined
 * when the pattern has none. Also undefined when one holds a capturing group: leaving it out
 * would renumber the groups after it, and `\2` or `\k<n>` could then mean other text.
 */
export function gateOf(pattern: string, flags: string): RegExp | undefined {
  if (!pattern.includes('(?!') && !pattern.includes('(?<!')) return undefined;
  let out = '';
  let removed = false;
  for (let i = 0; i < pattern.length; ) {
    if (pattern.startsWith('(?!', i) || pattern.startsWith('(?<!', i)) {
      const end = groupEnd(pattern, i);
      if (capturesIn(pattern, i + 3, end)) return undefined;
      i = end;
      removed = true;
      continue;
    }
    const next = tokenEnd(pattern, i);
    out += pattern.slice(i, next);
    i = next;
  }
  if (!removed) return undefined;
  try {
    return new RegExp(out, 'g' + flags);
  } catch {
    return undefined;
  }
}

/** Whether a capturing group, `(…)` or `(?<name>…)`, opens between `from` and `to`. */
function capturesIn(pattern: string, from: number, to: number): boolean {
  for (let i = from; i < to; i = tokenEnd(pattern, i)) {
    if (pattern[i] !== '(') continue;
    if (pattern[i + 1] !== '?') return true;
    if (pattern[i + 2] === '<' && pattern[i + 3] !== '=' && pattern[i + 3] !== '!') return true;
  }
  return false;
}

/** Where the group opening at `start` ends (just after its closing parenthesis). */
function groupEnd(pattern: string, start: number): number {
  let depth = 0;
  for (let i = start; i < pattern.length; ) {
    const c = pattern[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
    i = tokenEnd(pattern, i);
  }
  return pattern.length;
}

/** The end of the token at `i`: an escape, a character class or one character. */
function tokenEnd(pattern: string, i: number): number {
  if (pattern[i] === '\\') return i + 2;
  if (pattern[i] !== '[') return i + 1;
  for (let j = i + 1; j < pattern.length; j++) {
    if (pattern[j] === '\\') j++;
    else if (pattern[j] === ']') return j + 1; // in JavaScript `[]` is an empty class: no `]` opens one
  }
  return pattern.length;
}
