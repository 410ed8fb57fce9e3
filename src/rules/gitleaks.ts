/**
 * gitleaks-format TOML rule files → tokensprawl rules, so that a team moving over keeps its
 * custom rules. gitleaks patterns are Go RE2; they run here on re2js, a port of the same engine
 * (detect/linear.ts), so their syntax (`(?i)`, `(?i:…)`, `(?P<n>…)`, `[[:alpha:]]`, `\z`) and
 * their linear running time carry over as written. What does not carry over is an error naming
 * the file and the rule, never a silent difference.
 *
 * Mapped: `[[rules]]` id, description, regex, secretGroup, entropy, keywords, path, and the rule
 * allowlists (`[rules.allowlist]`, `[[rules.allowlists]]`: regexes with regexTarget secret, match
 * or line; stopwords; paths); the file's global `[allowlist]` / `[[allowlists]]` apply to every
 * rule of the file. `title`, `tags`, `[extend] useDefault` (the built-in rules are loaded anyway)
 * are accepted and ignored.
 */
import type { RawRule, RawRuleFile } from './types.js';

/** Severity of imported rules: gitleaks rules have none, and a custom rule is usually a credential the team cares about. */
export const IMPORTED_SEVERITY = 'high';

/** Parses one TOML file; problems name the file (by the caller) and the rule. */
export async function parseGitleaksToml(text: string): Promise<{ doc?: RawRuleFile; problems: string[] }> {
  const { parse, TomlError } = await import('smol-toml');
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    const where = err instanceof TomlError ? ` (line ${err.line}, column ${err.column})` : '';
    // smol-toml's message quotes the offending line, which may hold a token: keep the first line only
    return { problems: [`not valid TOML${where}: ${(err instanceof Error ? err.message : String(err)).split('\n')[0] ?? ''}`] };
  }
  const problems: string[] = [];
  const top = asTable(data);
  if (!top) return { problems: ['not a TOML table'] };
  for (const key of Object.keys(top)) if (!TOP_KEYS.has(key)) problems.push(`unknown top-level key ${JSON.stringify(key)}`);
  const ext = asTable(top['extend']);
  if (ext && (ext['path'] !== undefined || ext['url'] !== undefined)) problems.push('[extend] path/url is not supported: import the extended file too (--rules)');
  if (ext && ext['disabledRules'] !== undefined) problems.push('[extend] disabledRules is not supported: use disabledRules in .tokensprawl.yaml');

  const global: Allow[] = [];
  for (const [i, a] of allowlistsOf(top['allowlist'], top['allowlists']).entries()) {
    const parsed = parseAllow(a, `global allowlist ${i + 1}`, problems);
    if (parsed) global.push(parsed);
  }

  const rawRules = top['rules'];
  if (rawRules === undefined) problems.push('no [[rules]]');
  else if (!Array.isArray(rawRules)) problems.push('rules is not an array of tables ([[rules]])');
  const rules: RawRule[] = [];
  const ids = new Set<string>();
  for (const [i, r] of (Array.isArray(rawRules) ? rawRules : []).entries()) {
    const rule = convertRule(r, i, global, problems);
    if (!rule) continue;
    if (ids.has(rule.id)) problems.push(`rule ${rule.id}: duplicate id`);
    ids.add(rule.id);
    rules.push(rule);
  }
  return problems.length > 0 ? { problems } : { doc: { family: 'gitleaks', rules }, problems };
}

const TOP_KEYS = new Set(['title', 'description', 'rules', 'allowlist', 'allowlists', 'extend', 'minVersion']);
const RULE_KEYS = new Set(['id', 'description', 'regex', 'secretGroup', 'entropy', 'keywords', 'path', 'tags', 'allowlist', 'allowlists', 'report', 'skipReport']);
const ALLOW_KEYS = new Set(['description', 'regexes', 'regexTarget', 'stopwords', 'paths', 'commits', 'condition']);

interface Allow {
  secret: string[];
  match: string[];
  line: string[];
  stopwords: string[];
  paths: string[];
}

function convertRule(r: unknown, index: number, global: readonly Allow[], problems: string[]): RawRule | undefined {
  const t = asTable(r);
  const at = (what: string): string => `rule ${typeof t?.['id'] === 'string' ? t['id'] : `#${index + 1}`}: ${what}`;
  if (!t) {
    problems.push(at('is not a table'));
    return undefined;
  }
  const before = problems.length;
  for (const key of Object.keys(t)) if (!RULE_KEYS.has(key)) problems.push(at(`unknown key ${JSON.stringify(key)}`));
  const rawId = t['id'];
  if (typeof rawId !== 'string' || rawId.length === 0) problems.push(at('has no id'));
  const regex = t['regex'];
  if (regex === undefined) problems.push(at('has no regex: path-only rules (a file that is a secret by its name) are not supported'));
  else if (typeof regex !== 'string' || regex.length === 0) problems.push(at('regex is not a non-empty string'));
  const secretGroup = t['secretGroup'];
  if (secretGroup !== undefined && !(Number.isInteger(secretGroup) && (secretGroup as number) >= 0)) problems.push(at('secretGroup is not a whole number'));
  const entropy = t['entropy'];
  if (entropy !== undefined && !(typeof entropy === 'number' && entropy >= 0 && entropy <= 8)) problems.push(at('entropy is not a number from 0 to 8'));
  const keywords = stringList(t['keywords'], at('keywords'), problems);
  const path = t['path'];
  if (path !== undefined && typeof path !== 'string') problems.push(at('path is not a string'));
  if (t['skipReport'] === true || t['report'] === false) problems.push(at('skipReport (a rule used only by other rules) is not supported'));
  const allows: Allow[] = [...global];
  for (const [i, a] of allowlistsOf(t['allowlist'], t['allowlists']).entries()) {
    const parsed = parseAllow(a, at(`allowlist ${i + 1}`), problems);
    if (parsed) allows.push(parsed);
  }
  if (problems.length > before || typeof rawId !== 'string' || typeof regex !== 'string') return undefined;

  const id = ruleId(rawId);
  const description = typeof t['description'] === 'string' && t['description'].trim() !== '' ? t['description'].trim() : `imported gitleaks rule ${rawId}`;
  const merged = (k: keyof Allow): string[] => allows.flatMap((a) => a[k]);
  const rule: RawRule = {
    id,
    title: description.length <= 120 ? description : `${description.slice(0, 117)}...`,
    description: description.slice(0, 1024),
    severity: IMPORTED_SEVERITY,
    pattern: regex,
    // gitleaks keywords are case-insensitive literals, as ours; a rule without any runs everywhere
    keywords: keywords.filter((k) => k.length > 0),
    engine: 're2',
    imported: 'gitleaks',
    examples: [],
    negativeExamples: [],
  };
  if (typeof secretGroup === 'number' && secretGroup > 0) rule.secretGroup = secretGroup;
  if (typeof entropy === 'number' && entropy > 0) rule.entropy = entropy;
  if (typeof path === 'string') rule.pathPattern = path;
  if (merged('secret').length > 0) rule.allow = merged('secret');
  if (merged('match').length > 0) rule.allowMatch = merged('match');
  if (merged('line').length > 0) rule.allowLine = merged('line');
  if (merged('stopwords').length > 0) rule.stopwords = merged('stopwords');
  if (merged('paths').length > 0) rule.pathAllow = merged('paths');
  return rule;
}

function parseAllow(a: unknown, where: string, problems: string[]): Allow | undefined {
  const t = asTable(a);
  if (!t) {
    problems.push(`${where}: is not a table`);
    return undefined;
  }
  const before = problems.length;
  for (const key of Object.keys(t)) if (!ALLOW_KEYS.has(key)) problems.push(`${where}: unknown key ${JSON.stringify(key)}`);
  const condition = t['condition'];
  const regexes = stringList(t['regexes'], `${where}: regexes`, problems);
  const stopwords = stringList(t['stopwords'], `${where}: stopwords`, problems);
  const paths = stringList(t['paths'], `${where}: paths`, problems);
  const criteria = [regexes, stopwords, paths].filter((l) => l.length > 0).length;
  if (condition !== undefined && condition !== 'OR' && !(condition === 'AND' && criteria <= 1)) {
    problems.push(`${where}: condition ${JSON.stringify(condition)} is not supported (only OR: any one entry allows)`);
  }
  if (t['commits'] !== undefined) problems.push(`${where}: commits are not supported: accept known findings with a baseline (--baseline) or allow entries`);
  const target = t['regexTarget'] ?? 'secret';
  if (target !== 'secret' && target !== 'match' && target !== 'line') problems.push(`${where}: regexTarget must be secret, match or line`);
  if (problems.length > before) return undefined;
  return {
    secret: target === 'secret' ? regexes : [],
    match: target === 'match' ? regexes : [],
    line: target === 'line' ? regexes : [],
    stopwords,
    paths,
  };
}

function allowlistsOf(single: unknown, many: unknown): unknown[] {
  return [...(single === undefined ? [] : [single]), ...(Array.isArray(many) ? many : many === undefined ? [] : [many])];
}

function stringList(v: unknown, where: string, problems: string[]): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    problems.push(`${where} is not a list of strings`);
    return [];
  }
  return v as string[];
}

function asTable(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Our rule ids are lower-case words joined by dashes (config `disabledRules` names them so). */
export function ruleId(gitleaksId: string): string {
  const id = gitleaksId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return id === '' ? 'gitleaks-rule' : id;
}
