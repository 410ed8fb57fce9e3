import ignore from 'ignore';
import type { Fragment, Match } from '../core/types.js';
import type { Rule } from '../rules/types.js';
import { onBoundary } from './boundary.js';
import { placeholderReason } from './placeholder.js';
import { CHECKSUMS } from './checksum.js';
import { shannonEntropy } from './entropy.js';
import { encodedValues, mayHoldEncodedValues } from './encoded.js';
import { decodesAsJwt } from './jwt-shape.js';
import { createKeywordScanner, type KeywordScanner } from './keywords.js';
import type { LinearRegex } from './linear.js';

export const MASKED_VALUE_RULE_ID = 'ci-masked-value';

/** Rules prepared for one scan: the keyword prefilter is built once. */
export interface Detector {
  rules: readonly Rule[];
  /** one case-insensitive pass over the text finds every keyword present */
  keywords: KeywordScanner;
  rulesByKeyword: ReadonlyMap<string, readonly Rule[]>;
  /** for rules restricted to some paths (`paths` globs): whether a path is one of them */
  pathFilters: ReadonlyMap<string, (path: string) => boolean>;
  /** rules without keywords (imported ones may have none): run on every fragment */
  always: readonly Rule[];
}

// A run builds its detector once for the scan and once more (relaxed) for the redactor: the
// keyword table (about 2 MiB for the built-in library) is built once and shared.
const detectors = new WeakMap<readonly Rule[], Detector>();

export function createDetector(rules: readonly Rule[]): Detector {
  let detector = detectors.get(rules);
  if (!detector) detectors.set(rules, (detector = buildDetector(rules)));
  return detector;
}

/** The same detector with every rule rewritten by `rewrite` (same keywords and paths): no second keyword table. */
export function rewriteRules(detector: Detector, rewrite: (rule: Rule) => Rule): Detector {
  const rewritten = new Map(detector.rules.map((r) => [r, rewrite(r)]));
  const map = (list: readonly Rule[]): Rule[] => list.map((r) => rewritten.get(r) ?? r);
  const rulesByKeyword = new Map([...detector.rulesByKeyword].map(([k, list]) => [k, map(list)] as const));
  return { ...detector, rules: map(detector.rules), rulesByKeyword, always: map(detector.always) };
}

function buildDetector(rules: readonly Rule[]): Detector {
  const rulesByKeyword = new Map<string, Rule[]>();
  for (const rule of rules) {
    for (const k of rule.keywords) {
      const list = rulesByKeyword.get(k) ?? [];
      if (!list.includes(rule)) list.push(rule);
      rulesByKeyword.set(k, list);
    }
  }
  const pathFilters = new Map<string, (p: string) => boolean>();
  for (const rule of rules) {
    // Paths outside the scanned root (`dir ../../x`) come as ../…; the ignore package throws on
    // them unless told they are allowed.
    const globs = rule.paths && rule.paths.length > 0 ? ignore({ allowRelativePaths: true }).add(rule.paths) : undefined;
    const test = rule.pathTest;
    if (globs && test) pathFilters.set(rule.id, (p) => globs.ignores(p) && test(p));
    else if (globs) pathFilters.set(rule.id, (p) => globs.ignores(p));
    else if (test) pathFilters.set(rule.id, test);
  }
  // Imported rules may have no keywords: they run on every fragment.
  const always = rules.filter((r) => r.keywords.length === 0);
  return { rules, keywords: createKeywordScanner([...rulesByKeyword.keys()]), rulesByKeyword, pathFilters, always };
}

/** Rules whose keywords occur in `text` (case-insensitive), in rule order. */
export function candidateRules(text: string, detector: Detector): Rule[] {
  return rulesFor(detector.keywords.scan(text), detector);
}

/** Rules woken by these keywords, in rule order. */
export function rulesFor(keywords: readonly string[], detector: Detector): Rule[] {
  const found = new Set<Rule>(detector.always);
  for (const k of keywords) for (const r of detector.rulesByKeyword.get(k) ?? []) found.add(r);
  return found.size === 0 ? [] : detector.rules.filter((r) => found.has(r));
}

/**
 * Whether detect() can find anything in this fragment when none of the rules' keywords occur
 * in it: known secrets are looked for everywhere, and whole encoded values are decoded where
 * they may be. Otherwise a fragment without keywords need not even be decoded.
 */
export function searchedWithoutKeywords(fragment: Fragment): boolean {
  return (fragment.knownSecrets?.length ?? 0) > 0 || wantsEncoded(fragment);
}

/**
 * Runs the rules on one fragment. Pure: offsets refer to fragment.text; overlapping matches of
 * several rules are reduced to the most specific one. `candidates`: the rules to run, when the
 * keywords were already looked for (in the fragment's bytes).
 */
export function detect(fragment: Fragment, detector: Detector, candidates?: readonly Rule[]): Match[] {
  const { text } = fragment;
  const limit = fragment.acceptBefore ?? Number.POSITIVE_INFINITY;
  const matches: Array<Match & { rank: number; order: number }> = [];
  const rules = candidates ?? candidateRules(text, detector);
  rules.forEach((rule, order) => {
    const pathOk = detector.pathFilters.get(rule.id);
    if (pathOk && !pathOk(fragment.provenance.path)) return;
    for (const m of runRule(rule, text)) {
      if (m.matchStart >= limit) continue;
      matches.push({ ...m, rank: rank(rule, m), order });
    }
  });
  if (fragment.knownSecrets) {
    for (const known of fragment.knownSecrets) {
      const value = Buffer.from(known, 'utf8').toString('utf8'); // not a slice of the source's buffer
      for (let at = text.indexOf(value); at !== -1 && at < limit; at = text.indexOf(value, at + value.length)) {
        matches.push({ ruleId: MASKED_VALUE_RULE_ID, secret: value, secretStart: at, secretEnd: at + value.length, matchStart: at, rank: 1, order: -1 });
      }
    }
  }
  return [...mostSpecific(matches), ...detectEncoded(fragment, detector, limit)];
}

/** Secrets inside whole encoded values (base64 → maybe gzip → JSON …), one match per secret. */
function wantsEncoded(fragment: Fragment): boolean {
  return !(fragment.decodedFrom && fragment.decodedFrom.length > 0) && mayHoldEncodedValues(fragment.provenance.path);
}

function detectEncoded(fragment: Fragment, detector: Detector, limit: number): Match[] {
  if (!wantsEncoded(fragment)) return [];
  const out: Match[] = [];
  for (const value of encodedValues(fragment.text, limit)) {
    const seen = new Set<string>();
    for (const d of value.decoded) {
      const inner = { ...fragment, text: d.text, acceptBefore: undefined, knownSecrets: undefined, columnMaps: undefined, decodedFrom: d.layers };
      for (const m of detect(inner, detector)) {
        if (seen.has(m.secret)) continue;
        seen.add(m.secret);
        out.push({ ...m, matchStart: value.start, decoded: { layers: d.layers, valueStart: value.start, valueEnd: value.end } });
      }
    }
  }
  return out;
}

/** Every match of one rule in `text` that passes the rule's gates. */
export function runRule(rule: Rule, text: string): Match[] {
  if (rule.linear) return runLinear(rule, rule.linear, text);
  const out: Match[] = [];
  const re = rule.regex;
  const { gate } = rule;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  for (;;) {
    if (gate) {
      // No match of the rule starts before the gate's first one from here.
      gate.lastIndex = re.lastIndex;
      const g = gate.exec(text);
      if (g === null) break;
      re.lastIndex = g.index;
    }
    if ((m = re.exec(text)) === null) break;
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    if (rule.boundary && !onBoundary(rule.boundary, text, m.index, m.index + m[0].length)) {
      re.lastIndex = m.index + 1; // the token may start later in this match
      continue;
    }
    const group = rule.hasSecretGroup ? m.indices?.groups?.['secret'] : m.indices?.[0];
    if (!group) continue;
    judge(rule, text, m.index, m.index + m[0].length, group[0], group[1], out);
  }
  return out;
}

/** The same loop on the linear-time engine (user and imported rules). */
function runLinear(rule: Rule, pattern: LinearRegex, text: string): Match[] {
  const out: Match[] = [];
  let from = 0;
  for (let m = pattern.exec(text, 0); m !== null; m = from <= text.length ? pattern.exec(text, from) : null) {
    if (m.end === m.start) {
      from = m.start + 1;
      continue;
    }
    if (rule.boundary && !onBoundary(rule.boundary, text, m.start, m.end)) {
      from = m.start + 1;
      continue;
    }
    from = m.end;
    judge(rule, text, m.start, m.end, m.secretStart, m.secretEnd, out);
  }
  pattern.release();
  return out;
}

/** A match that stood on its boundaries: a placeholder (kept, marked), a secret, or nothing. */
function judge(rule: Rule, text: string, matchStart: number, matchEnd: number, secretStart: number, secretEnd: number, out: Match[]): void {
  if (secretEnd <= secretStart) return;
  // A copy, not a slice: V8 keeps a sliced string's whole parent alive, and a finding that
  // held a slice of a 1 MiB chunk would keep the chunk in memory until the report is written.
  const secret = Buffer.from(text.slice(secretStart, secretEnd), 'utf8').toString('utf8');
  // Per match, never per byte. A placeholder is kept, marked with why, for --show-suppressed,
  // whether or not the rule's own gates (entropy, allow, checksum) would also have dropped it.
  const placeholder = placeholderReason(secret, rule.prefix);
  if (placeholder) out.push({ ruleId: rule.id, secret, secretStart, secretEnd, matchStart, placeholder });
  else if (passesGates(rule, secret) && !allowedByContext(rule, text, matchStart, matchEnd)) out.push({ ruleId: rule.id, secret, secretStart, secretEnd, matchStart });
}

/** Imported rules' allow patterns on the whole match or its line. */
function allowedByContext(rule: Rule, text: string, matchStart: number, matchEnd: number): boolean {
  if (rule.allowMatch && rule.allowMatch.some((a) => a.test(text.slice(matchStart, matchEnd)))) return true;
  if (!rule.allowLine) return false;
  const lineStart = text.lastIndexOf('\n', matchStart - 1) + 1;
  const lineEnd = text.indexOf('\n', matchEnd);
  const line = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd);
  return rule.allowLine.some((a) => a.test(line));
}

export function passesGates(rule: Rule, secret: string): boolean {
  if (rule.minLength !== undefined && secret.length < rule.minLength) return false;
  for (const a of rule.allow) if (a.test(secret)) return false;
  if (rule.stopwords) {
    const lower = secret.toLowerCase();
    if (rule.stopwords.some((w) => lower.includes(w))) return false;
  }
  if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) return false;
  if (rule.checksum !== undefined && !CHECKSUMS[rule.checksum](secret)) return false;
  if (rule.jwt && !decodesAsJwt(secret)) return false;
  return true;
}

// Provider rules beat generic ones; among generic rules the JWT rule wins (it says more). A
// placeholder match loses to any match that may be a secret.
function rank(rule: Rule, m: Match): number {
  return (rule.generic ? (rule.jwt ? 1 : 0) : 2) - (m.placeholder ? 10 : 0);
}

function mostSpecific(matches: Array<Match & { rank: number; order: number }>): Match[] {
  if (matches.length <= 1) return matches.map(strip);
  const best = [...matches].sort(
    (a, b) =>
      b.rank - a.rank ||
      b.secretEnd - b.secretStart - (a.secretEnd - a.secretStart) ||
      named(b) - named(a) ||
      a.order - b.order ||
      a.secretStart - b.secretStart,
  );
  const kept: Match[] = [];
  for (const m of best) {
    if (kept.some((k) => k.secretStart < m.secretEnd && m.secretStart < k.secretEnd)) continue;
    kept.push(strip(m));
  }
  return kept.sort((a, b) => a.secretStart - b.secretStart || a.ruleId.localeCompare(b.ruleId));
}

// Several providers share a prefix (sk_live_: Stripe, Clerk, WorkOS; whsec_: Stripe, Svix). For
// the same secret, a match that carries naming context before it (`CLERK_SECRET_KEY=`, `svix…`)
// says more than a bare prefix match, so it wins before rule order is consulted.
function named(m: Match): number {
  return m.matchStart < m.secretStart ? 1 : 0;
}

function strip(m: Match & { rank?: number; order?: number }): Match {
  return { ruleId: m.ruleId, secret: m.secret, secretStart: m.secretStart, secretEnd: m.secretEnd, matchStart: m.matchStart, ...(m.placeholder ? { placeholder: m.placeholder } : {}) };
}
