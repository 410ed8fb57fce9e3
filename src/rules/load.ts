import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { RuleError } from '../core/errors.js';
import { compileRule } from './compile.js';
import type { RawRuleFile, Rule } from './types.js';

/** The rules shipped with the package (…/rules next to dist/). */
export const BUILTIN_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

export interface LoadRulesOptions {
  builtin: boolean;
  /** extra rule directories (or single .yaml files), loaded after the built-in ones */
  dirs: string[];
  /** rule ids to leave out (config `disabledRules`) */
  disabled?: string[];
}

/**
 * Loads, validates (all errors at once) and compiles rules. A user rule with the id of a
 * built-in rule replaces it. Throws RuleError naming every bad file and field.
 */
export async function loadRules(opts: LoadRulesOptions): Promise<Rule[]> {
  const validate = await schemaValidator();
  const files: string[] = [];
  if (opts.builtin) files.push(...(await ruleFiles(BUILTIN_RULES_DIR)));
  for (const dir of opts.dirs) files.push(...(await ruleFiles(dir)));

  const problems: string[] = [];
  const byId = new Map<string, Rule>();
  for (const file of files) {
    for (const rule of await loadRuleFile(file, validate, problems)) {
      const prior = byId.get(rule.id);
      if (prior && prior.file === rule.file) problems.push(`${displayPath(file)}: duplicate rule id "${rule.id}"`);
      byId.set(rule.id, rule);
    }
  }
  if (problems.length > 0) throw new RuleError(`invalid rules:\n  ${problems.join('\n  ')}`);
  const disabled = new Set(opts.disabled ?? []);
  return [...byId.values()].filter((r) => !disabled.has(r.id));
}

async function ruleFiles(dirOrFile: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dirOrFile, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' && /\.ya?ml$/i.test(dirOrFile)) return [dirOrFile];
    throw new RuleError(`rules directory ${displayPath(dirOrFile)}: ${code === 'ENOENT' ? 'does not exist' : String(code ?? err)}`, { cause: err });
  }
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => path.join(dirOrFile, e.name))
    .sort();
}

async function loadRuleFile(file: string, validate: ValidateFunction, problems: string[]): Promise<Rule[]> {
  const shown = displayPath(file);
  let doc: unknown;
  try {
    doc = parseYaml(await readFile(file, 'utf8'));
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` (line ${err.linePos[0].line})` : '';
    problems.push(`${shown}${where}: ${err instanceof YAMLParseError ? err.message.split('\n')[0] : String(err)}`);
    return [];
  }
  if (!validate(doc)) {
    for (const e of validate.errors ?? []) problems.push(`${shown}: ${describeAjvError(e, doc)}`);
    return [];
  }
  const raw = doc as RawRuleFile;
  const family = raw.family ?? path.basename(file).replace(/\.ya?ml$/i, '');
  const rules: Rule[] = [];
  raw.rules.forEach((r, i) => {
    try {
      rules.push(compileRule(r, family, file));
    } catch (err) {
      problems.push(`${shown}: /rules/${i}${r.id ? ` (${r.id})` : ''}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return rules;
}

/** "/rules/3/severity must be equal to one of the allowed values (id: foo)" */
export function describeAjvError(e: ErrorObject, doc?: unknown): string {
  const at = e.instancePath || '/';
  let detail = e.message ?? 'is invalid';
  if (e.keyword === 'additionalProperties') detail = `has unknown field "${String(e.params['additionalProperty'])}"`;
  if (e.keyword === 'enum') detail += `: ${(e.params['allowedValues'] as unknown[]).join(', ')}`;
  const id = ruleIdAt(doc, at);
  return `${at} ${detail}${id ? ` (rule ${id})` : ''}`;
}

function ruleIdAt(doc: unknown, pointer: string): string | undefined {
  const m = /^\/rules\/(\d+)/.exec(pointer);
  if (!m || typeof doc !== 'object' || doc === null) return undefined;
  const rules = (doc as { rules?: unknown }).rules;
  const rule = Array.isArray(rules) ? (rules[Number(m[1])] as { id?: unknown } | undefined) : undefined;
  return typeof rule?.id === 'string' ? rule.id : undefined;
}

async function schemaValidator(): Promise<ValidateFunction> {
  const schema = JSON.parse(await readFile(path.join(BUILTIN_RULES_DIR, 'schema.json'), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: true });
  return ajv.compile(schema);
}

function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}
