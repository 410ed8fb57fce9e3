import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { describeError, RuleError } from '../core/errors.js';
import { describeSchemaError, describeYamlError } from '../core/schema-errors.js';
import { isObject } from '../core/guards.js';
import { unicodeEscape } from '../core/unicode-escape.js';
import { compileLinear, type Re2 } from '../detect/linear.js';
import { compileRule } from './compile.js';
import { parseGitleaksToml } from './gitleaks.js';
import { checkBacktracking } from './redos.js';
import type { RawRule, RawRuleFile, Rule, RuleTexts } from './types.js';

/** The rules shipped with the package (…/rules next to dist/). */
export const BUILTIN_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

export interface LoadRulesOptions {
  builtin: boolean;
  /** extra rule directories (or single .yaml files), loaded after the built-in ones */
  dirs: string[];
  /** rule ids to leave out (config `disabledRules`) */
  disabled?: string[];
  /** where the build stored the validated built-in rules (tests point it elsewhere) */
  cacheFile?: string;
}

/**
 * Loads, validates (all errors at once) and compiles rules. A user rule with the id of a
 * built-in rule replaces it. Throws RuleError naming every bad file and field.
 */
export async function loadRules(opts: LoadRulesOptions): Promise<Rule[]> {
  const problems: string[] = [];
  const docs: RuleDoc[] = [];
  if (opts.builtin) docs.push(...(await builtinDocs(problems, opts.cacheFile ?? CACHE_FILE)));
  for (const dir of opts.dirs) {
    const files = await ruleFiles(dir);
    const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
    const yaml = files.filter((f) => !isToml(f));
    docs.push(...(await validateFiles(yaml, yaml.map((f) => texts[files.indexOf(f)] ?? ''), problems, true)));
    for (const [i, file] of files.entries()) {
      if (!isToml(file)) continue;
      const { doc, problems: bad } = await parseGitleaksToml(texts[i] ?? '');
      for (const p of bad) problems.push(`${displayPath(file)}: ${p}`);
      if (doc) docs.push({ file, doc, user: true });
    }
  }
  // User and imported rules: on the linear-time engine, or checked for catastrophic backtracking.
  const userRules = docs.some((d) => d.user);
  const re2 = userRules ? await import('re2js') : undefined;
  const rejected = re2 ? await chooseEngines(docs, re2, problems) : new Set<RawRule>();
  const byId = new Map<string, Rule>();
  for (const { file, doc, texts, user } of docs) {
    const family = doc.family ?? path.basename(file).replace(/\.(ya?ml|toml)$/i, '');
    doc.rules.forEach((r, i) => {
      if (rejected.has(r)) return;
      let rule: Rule;
      try {
        rule = compileRule(r, family, file, re2, { ...(texts ? { texts: () => texts(i) } : {}), gate: !user });
      } catch (err) {
        problems.push(`${displayPath(file)}: /rules/${i}${r.id ? ` (${r.id})` : ''}: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      const prior = byId.get(rule.id);
      if (prior && prior.file === rule.file) problems.push(`${displayPath(file)}: duplicate rule id "${rule.id}"`);
      byId.set(rule.id, rule);
    });
  }
  if (problems.length > 0) throw new RuleError(`invalid rules:\n  ${problems.join('\n  ')}`);
  const disabled = new Set(opts.disabled ?? []);
  return [...byId.values()].filter((r) => !disabled.has(r.id));
}

/**
 * A user rule's pattern runs on the linear-time engine when that engine takes it; one it cannot
 * take (a lookahead, a backreference) must be shown free of catastrophic backtracking by the
 * ReDoS checker, or the rule is rejected. Marks each rule (`engine`), or reports it.
 */
async function chooseEngines(docs: RuleDoc[], re2: Re2, problems: string[]): Promise<Set<RawRule>> {
  const rejected = new Set<RawRule>();
  const checks: Array<Promise<void>> = [];
  for (const d of docs) {
    if (!d.user) continue;
    d.doc.rules.forEach((r, i) => {
      const where = `${displayPath(d.file)}: /rules/${i}${r.id ? ` (${r.id})` : ''}`;
      if (r.engine === 're2' || d.file.endsWith('.toml')) return; // imported: RE2 syntax, compiled (and reported) as such
      let linearWhy: string;
      try {
        compileLinear(re2, r.pattern, r.flags ?? '');
        r.engine = 're2';
        return;
      } catch (err) {
        linearWhy = err instanceof Error ? err.message : String(err);
      }
      const v8Why = v8Error(r.pattern, r.flags ?? '');
      if (v8Why !== undefined) {
        // invalid for both engines: V8 names the problem, RE2 where it is
        rejected.add(r);
        const at = / at position \d+$/.exec(linearWhy)?.[0] ?? '';
        problems.push(`${where}: pattern is not a valid regular expression: ${v8Why}${at}`);
        return;
      }
      checks.push(
        checkBacktracking(r.pattern, r.flags ?? '').then((verdict) => {
          if (verdict.safe) return;
          rejected.add(r);
          problems.push(`${where}: pattern ${verdict.why}, and the linear-time engine cannot run it (${linearWhy.replace(/^not a pattern the linear-time engine takes: /, '')}): rewrite it without lookaheads or backreferences (a \`boundary\` states what may stand around a token)`);
        }),
      );
    });
  }
  await Promise.all(checks);
  return rejected;
}

interface RuleDoc {
  file: string;
  doc: RawRuleFile;
  /** the texts of rule i when they are not in `doc` (built-in rules from the cache) */
  texts?: (i: number) => RuleTexts;
  /** from --rules or a config: not the built-in rules */
  user?: boolean;
}

const isToml = (f: string): boolean => /\.toml$/i.test(f);

/** V8's complaint about a pattern, without the pattern (it may hold a literal token), or undefined. */
function v8Error(source: string, flags: string): string | undefined {
  try {
    new RegExp(source, flags);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(err);
  }
}

/** Written by `npm run build`: the built-in rule files, already validated, keyed by a hash of their bytes. */
const CACHE_FILE = fileURLToPath(new URL('../builtin-rules.json', import.meta.url));
const SCHEMA_FILE = path.join(BUILTIN_RULES_DIR, 'schema.json');

/** Written into the cache: a cache in another format (from an older build) is not used. */
const CACHE_FORMAT = 'ascii-texts-apart';

interface RuleCache {
  format?: string;
  hash: string;
  /** the rule files' names, in the cache's order */
  files?: string[];
  /** the rule files, each rule without its TEXT_FIELDS (they are in the texts file) */
  docs: RawRuleFile[];
  /** where in the texts file each rule file's line starts, and (last) where the file ends */
  textsAt?: number[];
}

/**
 * The built-in rule files. Parsing YAML and compiling the schema cost about 150 ms, most of a
 * pre-commit run, so the build stores the validated documents. The cache is used as is when the
 * same files are there and none changed after it was written (by mtime: an npm install gives
 * every file one old date, an edit or a checkout a new one); otherwise only when the files and
 * the schema are byte for byte the ones validated, and else they are validated now.
 */
async function builtinDocs(problems: string[], cacheFile: string): Promise<RuleDoc[]> {
  let cache: RuleCache | undefined;
  try {
    const files = (await ruleFiles(BUILTIN_RULES_DIR)).filter((f) => !isToml(f));
    // Written as ASCII (asciiJson): read one byte per character, faster than UTF-8 decoding.
    cache = JSON.parse(readFileSync(cacheFile, 'latin1')) as RuleCache;
    if (cache.format !== CACHE_FORMAT) cache = undefined;
    else if (cache.docs.length === files.length && unchangedSince(cache, files, statSync(cacheFile).mtimeMs)) return fromCache(files, cache, cacheFile);
  } catch {
    // no cache (running from source) or an unreadable one: compare contents, or validate now
  }
  const { files, texts, hash } = await readBuiltin();
  if (cache?.hash === hash && cache.docs.length === files.length) return fromCache(files, cache, cacheFile);
  const docs = await validateFiles(files, texts, problems);
  for (const d of docs) for (const rule of d.doc.rules) shipText(rule);
  return docs;
}

/**
 * The cached rule files, each rule's TEXT_FIELDS read from the texts file when first asked for:
 * a scan needs them only to report, a clean pre-commit run never, and reading them (more than
 * half the cache) cost ~20 ms of every start. One line of that file per rule file, found by its
 * offset: a report on one finding reads the texts of one family.
 */
function fromCache(files: string[], cache: RuleCache, cacheFile: string): RuleDoc[] {
  const read = new Map<number, RuleTexts[]>();
  const textsOf = (i: number): RuleTexts[] => {
    let texts = read.get(i);
    if (!texts) read.set(i, (texts = readTexts(textsFileOf(cacheFile), cache, i)));
    return texts;
  };
  return files.map((file, i) => ({ file, doc: cache.docs[i] as RawRuleFile, texts: (j) => textsOf(i)[j] as RuleTexts }));
}

/**
 * The texts of rule file i, from the texts file written with the cache: a first line naming the
 * cache's hash, then one JSON line per rule file at `cache.textsAt[i]`. A RuleError (exit 2)
 * when the file is missing or from another build.
 */
function readTexts(file: string, cache: RuleCache, i: number): RuleTexts[] {
  const at = cache.textsAt;
  const start = at?.[i];
  const end = at?.[i + 1];
  let head: string;
  let line: string;
  try {
    const fd = openSync(file, 'r');
    try {
      const slice = (from = 0, to = 0): string => {
        const buf = Buffer.alloc(Math.max(0, to - from));
        return buf.toString('latin1', 0, readSync(fd, buf, 0, buf.length, from));
      };
      head = slice(0, at?.[0]);
      line = slice(start, end);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw new RuleError(`${displayPath(file)}: cannot read the built-in rules' texts (${describeError(err)}): run npm run build`, { cause: err });
  }
  const header = parseOr(head);
  const texts = parseOr(line);
  if (!isObject(header) || header['hash'] !== cache.hash || !Array.isArray(texts) || texts.length !== cache.docs[i]?.rules.length) {
    throw new RuleError(`${displayPath(file)}: not from the build that wrote the rule cache beside it: run npm run build`);
  }
  for (const rule of texts as RuleTexts[]) shipText(rule);
  return texts as RuleTexts[];
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A rule's words kept out of the cache (see fromCache). */
const TEXT_FIELDS = ['description', 'references', 'remediation', 'examples', 'negativeExamples'] as const satisfies ReadonlyArray<keyof RuleTexts>;

const textsFileOf = (cacheFile: string): string => cacheFile.replace(/(\.json)?$/, '-texts.json');

/** Words of the built-in rules read so far (see isShippedRuleText). */
const shippedTexts = new Set<string>();

function shipText(rule: RuleTexts): void {
  for (const t of [rule.description, ...(rule.references ?? []), rule.remediation]) if (t) shippedTexts.add(t);
}

/**
 * Whether a text is a built-in rule's description, reference or remediation, as read so far:
 * such a text reaches a report only after it was read, so nothing is missed by not reading
 * them all up front (the run's Redactor passes these through; test/rules/builtin-text.test.ts
 * holds them to "nothing a pattern would redact").
 */
export function isShippedRuleText(text: string): boolean {
  return shippedTexts.has(text);
}

/** Whether the cache lists exactly these files and neither they nor the schema changed after it was written. */
function unchangedSince(cache: RuleCache, files: string[], cacheTime: number): boolean {
  if (!cache.files || cache.files.length !== files.length || cache.files.some((name, i) => name !== path.basename(files[i] ?? ''))) return false;
  return [SCHEMA_FILE, ...files].every((f) => statSync(f).mtimeMs <= cacheTime);
}

async function readBuiltin(): Promise<{ files: string[]; texts: string[]; hash: string }> {
  const files = (await ruleFiles(BUILTIN_RULES_DIR)).filter((f) => !isToml(f));
  // Synchronous reads: with 300+ small rule files, a promise per open/read/close cost ~40 ms of
  // every start-up (a pre-commit run), several times the reads themselves.
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  const h = createHash('sha256').update(readFileSync(SCHEMA_FILE, 'utf8'));
  files.forEach((f, i) => h.update(`\0${path.basename(f)}\0${texts[i] ?? ''}`));
  return { files, texts, hash: h.digest('hex') };
}

/** Validates the built-in rules and stores them for builtinDocs(); run by the build. */
export async function writeBuiltinRuleCache(cacheFile: string = CACHE_FILE): Promise<string> {
  const { files, texts, hash } = await readBuiltin();
  const problems: string[] = [];
  const docs = await validateFiles(files, texts, problems);
  if (problems.length > 0) throw new RuleError(`invalid rules:\n  ${problems.join('\n  ')}`);
  const ruleTexts = docs.map((d) => d.doc.rules.map((r) => Object.fromEntries(TEXT_FIELDS.filter((f) => r[f] !== undefined).map((f) => [f, r[f]])) as RuleTexts));
  const slim = docs.map((d) => ({ ...d.doc, rules: d.doc.rules.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !(TEXT_FIELDS as readonly string[]).includes(k))) as RawRule) }));
  // ASCII, so that offsets in characters are offsets in bytes.
  const lines = [asciiJson({ hash }), ...ruleTexts.map(asciiJson)];
  const textsAt = lines.reduce<number[]>((at, line) => [...at, (at.at(-1) ?? 0) + line.length], []);
  const cache: RuleCache = { format: CACHE_FORMAT, hash, files: files.map((f) => path.basename(f)), docs: slim, textsAt };
  await writeFile(cacheFile, asciiJson(cache));
  await writeFile(textsFileOf(cacheFile), lines.join(''));
  return cacheFile;
}

/** JSON and a newline, every non-ASCII character escaped: read back without UTF-8 decoding into a two-byte string (several ms at every start). */
function asciiJson(value: unknown): string {
  return `${unicodeEscape(JSON.stringify(value), /[^\x00-\x7f]/g)}\n`;
}

async function validateFiles(files: string[], texts: string[], problems: string[], user = false): Promise<RuleDoc[]> {
  if (files.length === 0) return [];
  const [{ parse: parseYaml, YAMLParseError }, validate] = await Promise.all([import('yaml'), schemaValidator()]);
  const out: RuleDoc[] = [];
  files.forEach((file, i) => {
    const shown = displayPath(file);
    let doc: unknown;
    try {
      // no warnings on stderr: they quote the file (see config/load.ts)
      doc = parseYaml(texts[i] ?? '', { logLevel: 'error' });
    } catch (err) {
      const where = err instanceof YAMLParseError && err.linePos ? ` (line ${err.linePos[0].line})` : '';
      problems.push(`${shown}${where}: ${err instanceof YAMLParseError ? describeYamlError(err.message) : 'not YAML'}`);
      return;
    }
    if (!validate(doc)) {
      for (const e of validate.errors ?? []) problems.push(`${shown}: ${describeAjvError(e, doc)}`);
      return;
    }
    out.push({ file, doc: doc as RawRuleFile, ...(user ? { user } : {}) });
  });
  return out;
}

async function ruleFiles(dirOrFile: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dirOrFile, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' && /\.(ya?ml|toml)$/i.test(dirOrFile)) return [dirOrFile];
    throw new RuleError(`rules directory ${displayPath(dirOrFile)}: ${code === 'ENOENT' ? 'does not exist' : String(code ?? err)}`, { cause: err });
  }
  return entries
    .filter((e) => e.isFile() && /\.(ya?ml|toml)$/i.test(e.name))
    // (path.join normalises each of 300+ names: ~2 ms of a start for the built-in folder)
    .map((e) => (dirOrFile.endsWith(path.sep) ? dirOrFile + e.name : path.join(dirOrFile, e.name)))
    .sort();
}

/** "/rules/3/severity must be one of info, low, … (rule foo)" */
export function describeAjvError(e: ErrorObject, doc?: unknown): string {
  const id = ruleIdAt(doc, e.instancePath);
  return `${describeSchemaError(e, { unknownKey: 'field' })}${id ? ` (rule ${id})` : ''}`;
}

function ruleIdAt(doc: unknown, pointer: string): string | undefined {
  const m = /^\/rules\/(\d+)/.exec(pointer);
  if (!m || typeof doc !== 'object' || doc === null) return undefined;
  const rules = (doc as { rules?: unknown }).rules;
  const rule = Array.isArray(rules) ? (rules[Number(m[1])] as { id?: unknown } | undefined) : undefined;
  return typeof rule?.id === 'string' ? rule.id : undefined;
}

// Compiling the schema costs about 20 ms: once per process (a fuzz run or a long-lived API user
// loads rules many times).
let validator: Promise<ValidateFunction> | undefined;
function schemaValidator(): Promise<ValidateFunction> {
  validator ??= (async () => {
    const [{ Ajv }, text] = await Promise.all([import('ajv'), readFile(SCHEMA_FILE, 'utf8')]);
    return new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(text) as object);
  })();
  validator.catch(() => (validator = undefined));
  return validator;
}

/** Paths in messages are absolute here; the CLI shows them relative to where it runs. */
function displayPath(p: string): string {
  return p;
}
