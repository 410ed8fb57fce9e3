// `.tokensprawl.yaml`: parsed as YAML, validated by ajv (every error at once), then turned into
// the Config the scan uses (rule directories made absolute).

import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';
import ignore from 'ignore';
import type * as Yaml from 'yaml';
import { ConfigError, TargetError, describeError } from '../core/errors.js';
import { describeSchemaError, describeYamlError } from '../core/schema-errors.js';
import { readTextFile } from '../core/read-text.js';
import { severityRank } from '../core/severity.js';
import type { Severity } from '../core/types.js';
import { isObject } from '../core/guards.js';
import type { AllowEntry } from '../filters/allowlist.js';
import type { PolicySpec } from '../policy/types.js';
import { DURATION_PATTERN, EXPIRES_PATTERN, POLICY_ID_PATTERN, RULE_ID_PATTERN, configSchema } from './schema.js';

const EXPIRES = new RegExp(EXPIRES_PATTERN);

const FRIENDLY_PATTERN: Record<string, string> = {
  '\\S': 'must not be blank',
  [EXPIRES_PATTERN]: 'must be a date (YYYY-MM-DD) or an ISO-8601 date-time with a zone',
  [DURATION_PATTERN]: 'must be a duration such as 90s, 15m, 1h, 30d or 1h30m (a bare number is seconds)',
  [POLICY_ID_PATTERN]: 'must be a policy id (lower-case letters, digits and dashes, at most 64)',
  [RULE_ID_PATTERN]: `must be a rule id (lower-case letters, digits and dashes: ${RULE_ID_PATTERN})`,
};

export type { AllowEntry } from '../filters/allowlist.js';

export interface Config {
  ignore: string[];
  allow: AllowEntry[];
  disabledRules: string[];
  maxLifetime?: string;
  failOn?: Severity | 'none';
  /** only rules of at least this precision run */
  minPrecision?: 'very-high' | 'high' | 'medium' | 'low';
  /** extra rule directories, absolute (resolved from the config file's directory) */
  rules: string[];
  /** policies as written (compiled, and checked against the defaults, by src/policy) */
  policies?: PolicySpec[];
}

/** The file as written, once ajv accepted it. */
interface RawConfig {
  ignore?: string[];
  allow?: AllowEntry[];
  disabledRules?: string[];
  maxLifetime?: string | number;
  failOn?: Severity | 'none';
  minPrecision?: 'very-high' | 'high' | 'medium' | 'low';
  rules?: string[];
  policies?: PolicySpec[];
}

export const CONFIG_NAMES = ['.tokensprawl.yaml', '.tokensprawl.yml'] as const;

export async function findConfig(root: string): Promise<string | null> {
  for (const name of CONFIG_NAMES) {
    const file = join(root, name);
    try {
      await stat(file);
      return file;
    } catch (err) {
      // ENOENT/ENOTDIR: not there. Anything else (EACCES) is the user's file: loadConfig reports it.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return file;
    }
  }
  return null;
}

// Loaded when a config file is actually read: most runs have none, and the two libraries cost
// about 30 ms of start-up. require() keeps parseConfig synchronous.
const load = createRequire(import.meta.url);
function libs(): { Ajv: typeof AjvClass; parseDocument: typeof Yaml.parseDocument; visit: typeof Yaml.visit } {
  const { Ajv } = load('ajv') as { Ajv: typeof AjvClass };
  const { parseDocument, visit } = load('yaml') as typeof Yaml;
  return { Ajv, parseDocument, visit };
}

/** Largest config file read: a real one is a few KB. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export async function loadConfig(file: string): Promise<Config> {
  const text = await readTextFile(file, MAX_CONFIG_BYTES, `config ${file}`, {
    tooLarge: (m) => new ConfigError(m),
    unreadable: (m, cause) => new TargetError(m, { cause }),
  });
  return parseConfig(text, file);
}

/** A config found in the scanned tree: what of it applies, and what was refused or failed. */
export interface RepoConfigOutcome {
  config: Config;
  notes: string[];
  /** the config could not be used at all (the scan goes on without it) */
  error?: string;
}

const DEFAULT_FAIL_ON = 'low';
/** `none` ranks above every severity: it never fails. */
const failOnRank = (s: Severity | 'none'): number => (s === 'none' ? Infinity : severityRank(s));
const DEFAULT_MAX_LIFETIME_SECONDS = 3600;
/** Names no real ignore entry should match: an entry that ignores them ignores everything. */
const PROBES = ['tokensprawl-probe-7f3a', 'tokensprawl-probe-7f3a/', 'a/b/tokensprawl-probe-7f3a', 'src/x.ts', '.env'];

/**
 * A `.tokensprawl.yaml` from the scanned tree is data from whoever wrote the tree (a pull
 * request): it may add allow entries, ignore globs, rule folders and a stricter gate, but never
 * disable rules, ignore everything, or lower the gate (failOn above low, a longer maxLifetime).
 * A config that does not parse or validate is an error of the scan, never a crash.
 */
export async function loadRepoConfig(file: string, label: string, parseDuration: (s: string) => number): Promise<RepoConfigOutcome> {
  const empty: Config = { ignore: [], allow: [], disabledRules: [], rules: [] };
  let config: Config;
  try {
    config = await loadConfig(file);
  } catch (err) {
    const why = describeError(err).split(`config ${file}: `).join('').split('\n').join('; ');
    return { config: empty, notes: [], error: `not applied: ${why}` };
  }
  const notes: string[] = [];
  const refused: string[] = [];
  if (config.disabledRules.length > 0) refused.push(`disabledRules (${config.disabledRules.length})`);
  // running fewer rules narrows what the gate sees
  if (config.minPrecision !== undefined && config.minPrecision !== 'low') refused.push(`minPrecision: ${config.minPrecision}`);
  if (config.failOn !== undefined && failOnRank(config.failOn) > failOnRank(DEFAULT_FAIL_ON)) refused.push(`failOn: ${config.failOn}`);
  if (config.maxLifetime !== undefined) {
    let seconds = Number.POSITIVE_INFINITY;
    try {
      seconds = parseDuration(config.maxLifetime);
    } catch {
      // refused below like any longer lifetime
    }
    if (seconds > DEFAULT_MAX_LIFETIME_SECONDS) refused.push(`maxLifetime: ${config.maxLifetime}`);
  }
  const ignoreKept: string[] = [];
  for (const glob of config.ignore) {
    let everything = true;
    try {
      const one = ignore().add(glob);
      everything = PROBES.some((p) => one.ignores(p));
    } catch {
      // an entry the ignore package cannot compile is refused like one that ignores everything
    }
    if (everything) refused.push(`ignore entry ${glob.length <= 40 ? JSON.stringify(glob) : `of ${glob.length} characters`}`);
    else ignoreKept.push(glob);
  }
  const applied: Config = {
    ignore: ignoreKept,
    allow: config.allow,
    disabledRules: [],
    rules: config.rules,
    // policies may only add findings: src/policy refuses entries that would tune or turn off another
    ...(config.policies && config.policies.length > 0 ? { policies: config.policies } : {}),
    ...(config.failOn !== undefined && !refused.includes(`failOn: ${config.failOn}`) ? { failOn: config.failOn } : {}),
    ...(config.maxLifetime !== undefined && !refused.includes(`maxLifetime: ${config.maxLifetime}`) ? { maxLifetime: config.maxLifetime } : {}),
  };
  const parts = [
    `${applied.allow.length} allow entr${applied.allow.length === 1 ? 'y' : 'ies'}`,
    `${applied.ignore.length} ignore glob${applied.ignore.length === 1 ? '' : 's'}`,
    ...(applied.rules.length > 0 ? [`${applied.rules.length} rule folder${applied.rules.length === 1 ? '' : 's'}`] : []),
    ...(applied.policies ? [`${applied.policies.length} polic${applied.policies.length === 1 ? 'y' : 'ies'}`] : []),
    ...(applied.failOn ? [`failOn ${applied.failOn}`] : []),
    ...(applied.maxLifetime ? [`maxLifetime ${applied.maxLifetime}`] : []),
  ];
  notes.push(`config ${label} (from the scanned tree) applied: ${parts.join(', ')}`);
  if (refused.length > 0) {
    notes.push(`config ${label} (from the scanned tree) may not lower the gate; not applied: ${refused.join(', ')} (pass it with --config to trust it)`);
  }
  return { config: applied, notes };
}

let configValidator: ValidateFunction<RawConfig> | undefined;

/** Pure part of loadConfig: `file` names the source in messages and anchors relative rule dirs. */
export function parseConfig(text: string, file: string): Config {
  const { Ajv, parseDocument, visit } = libs();
  if (text.length > MAX_CONFIG_BYTES) throw configError(file, [`larger than ${MAX_CONFIG_BYTES} characters: not read`]);
  // logLevel 'error': the yaml package's warnings go to process.emitWarning and quote the file
  // (an unknown tag `!<anything>`), which may hold a secret; errors are described below.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, logLevel: 'error' });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const at = e.linePos?.[0];
      // The yaml package quotes the offending token ("Unexpected scalar … : \"…\""), which may be
      // a secret: line and column say where, the text itself is left out.
      const message = describeYamlError(e.message);
      return at ? `line ${at.line}, column ${at.col}: ${message}` : message;
    });
    throw configError(file, problems.map((p) => `invalid YAML: ${p}`));
  }
  // A configuration needs no anchors or aliases, and they are how a "billion laughs" file
  // blows up: refused outright, without naming the alias (it may be anything).
  let aliases = 0;
  visit(doc, {
    Alias() {
      aliases++;
      return visit.BREAK;
    },
  });
  if (aliases > 0) throw configError(file, ['YAML aliases (*name) are not supported in a configuration']);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 0 }) ?? {};
  } catch (err) {
    throw configError(file, [`invalid YAML: ${describeYamlError(err instanceof Error ? err.message : String(err))}`]);
  }

  // compiled once per process: about 20 ms each time otherwise
  const validate = (configValidator ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile<RawConfig>(configSchema));
  const problems: string[] = [];
  if (!validate(value)) problems.push(...dedupe((validate.errors ?? []).map((e) => describeSchemaError(e, { patterns: FRIENDLY_PATTERN, unknownKey: 'setting' }))));
  problems.push(...semanticProblems(value));
  if (problems.length > 0) throw configError(file, problems);

  const raw = value as RawConfig;
  const base = dirname(resolve(file));
  return {
    ignore: raw.ignore ?? [],
    allow: (raw.allow ?? []).map((e) => ({
      sha256: e.sha256,
      reason: e.reason,
      ...(e.expires !== undefined ? { expires: e.expires } : {}),
    })),
    disabledRules: raw.disabledRules ?? [],
    ...(raw.maxLifetime !== undefined ? { maxLifetime: String(raw.maxLifetime) } : {}),
    ...(raw.failOn !== undefined ? { failOn: raw.failOn } : {}),
    ...(raw.minPrecision !== undefined ? { minPrecision: raw.minPrecision } : {}),
    rules: (raw.rules ?? []).map((dir) => resolve(base, dir)),
    ...(raw.policies !== undefined ? { policies: raw.policies } : {}),
  };
}

/** What a schema cannot say: an expiry that is a real calendar date. Runs on unvalidated input. */
function semanticProblems(value: unknown): string[] {
  const out: string[] = [];
  const allow = isObject(value) && Array.isArray(value.allow) ? (value.allow as unknown[]) : [];
  for (const [i, e] of allow.entries()) {
    const expires = isObject(e) ? e.expires : undefined;
    if (typeof expires === 'string' && EXPIRES.test(expires) && !isRealDate(expires)) {
      out.push(`/allow/${i}/expires is not a real date: "${expires}"`);
    }
  }
  return out;
}


function isRealDate(s: string): boolean {
  const ymd = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!ymd || Number.isNaN(Date.parse(s))) return false;
  const [y, m, d] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
  const check = new Date(Date.UTC(y, m - 1, d));
  return check.getUTCFullYear() === y && check.getUTCMonth() === m - 1 && check.getUTCDate() === d;
}

function configError(file: string, problems: string[]): ConfigError {
  return new ConfigError(problems.map((p) => `config ${file}: ${p}`).join('\n'));
}

function dedupe(items: string[]): string[] {
  return [...new Set(items)];
}

