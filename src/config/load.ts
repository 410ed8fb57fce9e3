// `.tokensprawl.yaml`: parsed as YAML, validated by ajv (every error at once), then turned into
// the Config the scan uses (rule directories made absolute).

import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ErrorObject } from 'ajv';
import type * as Yaml from 'yaml';
import { ConfigError, TargetError, describeError, describeName } from '../core/errors.js';
import type { Severity } from '../core/types.js';
import type { AllowEntry } from '../filters/allowlist.js';
import { DURATION_PATTERN, EXPIRES_PATTERN, RULE_ID_PATTERN, configSchema } from './schema.js';

const EXPIRES = new RegExp(EXPIRES_PATTERN);

const FRIENDLY_PATTERN: Record<string, string> = {
  '\\S': 'must not be blank',
  [EXPIRES_PATTERN]: 'must be a date (YYYY-MM-DD) or an ISO-8601 date-time with a zone',
  [DURATION_PATTERN]: 'must be a duration such as 90s, 15m, 1h, 30d or 1h30m (a bare number is seconds)',
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
function libs(): { Ajv: typeof AjvClass; parseDocument: typeof Yaml.parseDocument } {
  const { Ajv } = load('ajv') as { Ajv: typeof AjvClass };
  const { parseDocument } = load('yaml') as typeof Yaml;
  return { Ajv, parseDocument };
}

export async function loadConfig(file: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new TargetError(`config ${file}: cannot be read (${describeError(err)})`, { cause: err });
  }
  return parseConfig(text, file);
}

/** Pure part of loadConfig: `file` names the source in messages and anchors relative rule dirs. */
export function parseConfig(text: string, file: string): Config {
  const { Ajv, parseDocument } = libs();
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const at = e.linePos?.[0];
      const message = firstLine(e.message).replace(/ at line \d+, column \d+:?$/, '');
      return at ? `line ${at.line}, column ${at.col}: ${message}` : message;
    });
    throw configError(file, problems.map((p) => `invalid YAML: ${p}`));
  }
  const value: unknown = doc.toJS() ?? {};

  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  const validate = ajv.compile<RawConfig>(configSchema);
  const problems: string[] = [];
  if (!validate(value)) problems.push(...dedupe((validate.errors ?? []).map(describeAjvError)));
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

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRealDate(s: string): boolean {
  const ymd = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!ymd || Number.isNaN(Date.parse(s))) return false;
  const [y, m, d] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
  const check = new Date(Date.UTC(y, m - 1, d));
  return check.getUTCFullYear() === y && check.getUTCMonth() === m - 1 && check.getUTCDate() === d;
}

function describeAjvError(e: ErrorObject): string {
  const at = safePointer(e.instancePath) || '/';
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String((e.params as { additionalProperty?: unknown }).additionalProperty);
      return `${safePointer(e.instancePath)}/${extra.length <= 24 ? extra : describeName(extra)} is not a known setting`;
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues ?? [];
      return `${at} must be one of ${allowed.map(String).join(', ')}`;
    }
    case 'pattern': {
      const pattern = String((e.params as { pattern?: unknown }).pattern);
      // Values are never echoed: a user may have pasted the secret itself where its hash belongs.
      return `${at} ${FRIENDLY_PATTERN[pattern] ?? `must match pattern ${pattern}`}`;
    }
    default:
      return `${at} ${e.message ?? 'is invalid'}`;
  }
}

function configError(file: string, problems: string[]): ConfigError {
  return new ConfigError(problems.map((p) => `config ${file}: ${p}`).join('\n'));
}

function dedupe(items: string[]): string[] {
  return [...new Set(items)];
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0] ?? s;
}

/** A JSON pointer into the config with long keys cut: a key may be a pasted secret. */
function safePointer(pointer: string): string {
  return pointer
    .split('/')
    .map((seg) => (seg.length <= 24 ? seg : describeName(seg)))
    .join('/');
}
