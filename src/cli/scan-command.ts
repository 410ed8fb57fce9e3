// Flags → ScanOptions, sources opened through the registry, report writing and the exit code
// of the scanning commands: one per source (dir, git, ci-log, queue, stdin, …) and `scan`,
// which runs any mix of them in one run.
import { withRedactedText } from '../rules/shown.js';
import { access, appendFile, constants, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { atOrAbove } from '../core/severity.js';
import type { Config } from '../config/load.js';
import { displayPath, loadRuleSet } from '../config/rule-set.js';
import { describeError, EXIT, TargetError, UsageError } from '../core/errors.js';
import type { Finding, Fragment, Owner, ScanCommand, ScanError, ScanResult, Severity, Source, SourceItem, SourceKind } from '../core/types.js';
import { SOURCES, sourceDefinition } from '../sources/registry.js';
import { isStdinTarget, parseCount, type OpenContext, type OpenedSource, type SourceDefinition } from '../sources/source.js';
import { withMinPrecision, type Precision } from '../rules/precision.js';
import type { Rule } from '../rules/types.js';
import { createRunRedactor, scan, type ScanOptions } from '../scan.js';
import { safeStderr, setOutputRedactor, wantsColor, type Io } from './io.js';
import { parseDurationFlag, parseNow } from './time.js';
import { createProgress } from './progress.js';
import { INFORMATION_URI, VERSION } from './version.js';

export interface ScanFlags {
  format: 'text' | 'json' | 'sarif' | 'github' | 'html';
  output?: string;
  summary?: string;
  rules: string[];
  builtinRules: boolean;
  config?: string;
  /** --policy files (repeatable) */
  policy?: string[];
  failOn?: Severity | 'none';
  baseline?: string;
  now?: string;
  maxLifetime?: string;
  jwks?: string;
  jobs?: string;
  shard?: string;
  progress?: boolean;
  /** deprecated no-op: a scan with errors now always exits 2 (unless allowIncomplete) */
  failOnErrors?: boolean;
  allowIncomplete?: boolean;
  follow?: boolean;
  /** false with --no-repo-config */
  repoConfig?: boolean;
  showSuppressed?: boolean;
  minPrecision?: Precision;
  sarifCategory?: string;
  // command-specific
  since?: string;
  staged?: boolean;
  maxCommits?: string;
  queueFormat?: 'auto' | 'kafka' | 'rabbitmq' | 'sqs' | 'ndjson';
  stdinName?: string;
}

export async function runScanCommand(command: ScanCommand, args: unknown[], raw: Record<string, unknown>, io: Io): Promise<number> {
  const flags = raw as unknown as ScanFlags;
  const now = parseNow(flags.now);
  if (flags.failOnErrors) io.stderr('tokensprawl: note: --fail-on-errors is deprecated and does nothing: a scan that could not read everything now exits 2 unless --allow-incomplete\n');
  const requests = command === 'scan' ? scanRequests(raw) : [singleRequest(sourceDefinition(command), args)];
  if (requests.length === 0) throw new UsageError(`scan: name at least one source: ${SOURCES.map((d) => d.scanFlag.flags).join(', ')}`);
  const readers = requests.filter((r) => r.def.kind === 'stdin' || r.targets.some(isStdinTarget));
  if (readers.length > 1 || (readers[0] && readers[0].targets.filter(isStdinTarget).length > 1)) {
    throw new UsageError('standard input can be read once: name it ("-" or --stdin) for one source only');
  }
  // A report that cannot be written must fail before the scan, not after it.
  if (flags.output) await checkWritable(path.resolve(io.cwd, flags.output));
  if (flags.summary) await checkWritable(path.resolve(io.cwd, flags.summary), '--summary');
  const shard = flags.shard ? (await import('../core/shard.js')).parseShard(flags.shard) : undefined;
  const jobs = capJobs(parseCount('--jobs', flags.jobs), io) ?? Math.max(...requests.map((r) => r.def.defaultJobs(io.cpus)));
  const inShard = shard ? (await import('../core/shard.js')).inShard : undefined;
  const ctx: OpenContext = {
    cwd: io.cwd,
    stdin: io.stdin,
    flags: raw,
    ...(shard && inShard ? { shard, select: (key: string) => inShard(key, shard) } : {}),
  };

  // Sources open in turn (a missing target stops the run before anything is scanned); a git
  // history source has already started git: stop it whatever happens below.
  const opened: OpenedSource[] = [];
  try {
    for (const r of requests) opened.push(await r.def.open(r.targets, ctx));
    return await scanPrepared(command, combine(command, opened, io.cwd), flags, io, now, jobs);
  } finally {
    for (const o of opened) o.close?.();
  }
}

interface SourceRequest {
  def: SourceDefinition;
  targets: string[];
}

/** The targets of a single-source command: its argument, or the argument's default. */
function singleRequest(def: SourceDefinition, args: unknown[]): SourceRequest {
  const given = args[0];
  const targets = Array.isArray(given) ? (given as string[]) : typeof given === 'string' ? [given] : [...(def.argument?.default ?? [])];
  return { def, targets };
}

/** The flag of `scan` that names a source's targets, as commander stores it (`--ci-log` → ciLog). */
export function scanFlagKey(def: SourceDefinition): string {
  return def.kind.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * `scan --dir A --git B --git C --stdin …`: one source per target named (each repository or
 * folder is its own root, with its own CODEOWNERS and HEAD), in registry order.
 */
function scanRequests(raw: Record<string, unknown>): SourceRequest[] {
  const out: SourceRequest[] = [];
  for (const def of SOURCES) {
    const value = raw[scanFlagKey(def)];
    if (value === true) out.push({ def, targets: [] });
    else if (Array.isArray(value)) for (const t of new Set(value as string[])) out.push({ def, targets: [t] });
  }
  return out;
}

/** What the scan runs over: one opened source, or several read one after the other. */
interface PreparedSource {
  root: string;
  targets: string[];
  makeSource: (config: Config) => Source;
  annotate?: ScanOptions['annotate'];
  observe?: ScanOptions['observe'];
  /** per opened source, once the scan ran: whether it read nothing from a non-empty target */
  emptyReads: (cwd: string) => Promise<ScanError[]>;
  /** the sources that have a CODEOWNERS, each with the root its findings' paths start from */
  codeowners: Array<{ source: OpenedSource; prefix: string }>;
  /** the opened source a finding of this kind and path (relative to root) came from, and the path as that source names it */
  ownerOf: (kind: SourceKind, findingPath: string) => SourceOfFinding | undefined;
  progressUnit: SourceDefinition['progressUnit'];
}

interface SourceOfFinding {
  source: OpenedSource;
  /** the source's root relative to the run's ('' when they are the same) */
  prefix: string;
  /** the finding's path relative to the source's root */
  path: string;
}

type ReadStats = { bytes: number; binarySkipped: number; messages: number; symlinksSkipped: number; specialSkipped: number };

/**
 * Several sources in one run. Each source's paths are relative to its own root; when the roots
 * differ, the run's root is the current directory and every path gets its source's root in
 * front (`r1/x.env`, `r2/x.env`), so that two repositories' files stay apart in the report and
 * each finding can be handed back to its own source (at HEAD?) and CODEOWNERS.
 */
function combine(command: ScanCommand, opened: OpenedSource[], cwd: string): PreparedSource {
  const roots = [...new Set(opened.map((o) => o.root))];
  const root = roots.length === 1 && roots[0] !== undefined ? roots[0] : cwd;
  const prefixes = opened.map((o) => path.relative(root, o.root).split(path.sep).join('/'));
  const stats = opened.map((): ReadStats => ({ bytes: 0, binarySkipped: 0, messages: 0, symlinksSkipped: 0, specialSkipped: 0 }));
  async function* counted(items: Source, into: ReadStats, prefix: string): AsyncGenerator<SourceItem> {
    for await (const item of items) {
      if (item.type === 'stat') {
        into.bytes += item.bytes ?? 0;
        into.binarySkipped += item.binarySkipped ?? 0;
        into.messages += item.messages ?? 0;
        into.symlinksSkipped += item.symlinksSkipped ?? 0;
        into.specialSkipped += item.specialSkipped ?? 0;
      }
      if (prefix && item.type === 'fragment') {
        const p = item.fragment.provenance;
        yield { ...item, fragment: { ...item.fragment, provenance: { ...p, path: `${prefix}/${p.path}` } } };
      } else yield item;
    }
  }
  async function* all(config: Config): AsyncGenerator<SourceItem> {
    for (const [i, o] of opened.entries()) yield* counted(o.items(config), stats[i] as ReadStats, prefixes[i] ?? '');
  }
  const entries = opened.map((source, i) => ({ source, prefix: prefixes[i] ?? '' }));
  // The source of that kind whose root holds the path (the deepest, when roots nest).
  const ownerOf = (kind: SourceKind, findingPath: string): SourceOfFinding | undefined => {
    const same = entries.filter((e) => e.source.kind === kind);
    const found =
      same.length <= 1
        ? same[0]
        : same.filter((e) => e.prefix === '' || findingPath.startsWith(`${e.prefix}/`)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
    return found && { ...found, path: found.prefix && findingPath.startsWith(`${found.prefix}/`) ? findingPath.slice(found.prefix.length + 1) : findingPath };
  };
  const withPath = (f: Finding, p: string): Finding => ({ ...f, location: { ...f.location, path: p } });
  const annotating = entries.filter((e) => e.source.annotate);
  const single = command !== 'scan' && opened.length === 1 ? opened[0] : undefined;
  return {
    root,
    targets: single ? single.targets : opened.flatMap((o) => o.targets.map((t) => `${o.kind}:${t}`)),
    makeSource: (config) => all(config),
    ...(annotating.length > 0
      ? {
          // Each finding goes to the source it came from, with that source's own path.
          annotate: async (items) => {
            const out: Finding[] = [];
            const rest: Finding[] = [];
            const groups = new Map<OpenedSource, { prefix: string; items: Array<{ finding: Finding; secret: string }> }>();
            for (const it of items) {
              const owner = ownerOf(it.finding.location.source, it.finding.location.path);
              if (!owner?.source.annotate) {
                rest.push(it.finding);
                continue;
              }
              const g = groups.get(owner.source) ?? { prefix: owner.prefix, items: [] };
              g.items.push({ finding: withPath(it.finding, owner.path), secret: it.secret });
              groups.set(owner.source, g);
            }
            for (const [source, g] of groups) out.push(...(await source.annotate!(g.items)).map((f) => (g.prefix ? withPath(f, `${g.prefix}/${f.location.path}`) : f)));
            return out.concat(rest);
          },
          observe: (p: string, secret: string, kind: SourceKind) => {
            const owner = ownerOf(kind, p);
            owner?.source.observe?.(owner.path, secret);
          },
        }
      : {}),
    emptyReads: async (from) => {
      const errors: ScanError[] = [];
      for (const [i, o] of opened.entries()) {
        if (!sourceDefinition(o.kind).checkEmptyRead) continue;
        const e = await nothingRead(stats[i] as ReadStats, o.paths ?? [], from);
        if (e) errors.push(e);
      }
      return errors;
    },
    codeowners: entries.filter((e) => e.source.codeowners),
    ownerOf,
    progressUnit: single ? sourceDefinition(single.kind).progressUnit : 'files',
  };
}

async function scanPrepared(command: ScanCommand, prepared: PreparedSource, flags: ScanFlags, io: Io, now: Date, jobs: number): Promise<number> {
  const { root, targets, makeSource, annotate, observe } = prepared;
  // Read while the rules load (a git process of its own); awaited before the scan.
  const codeownersRead = readCodeowners(prepared);
  codeownersRead.catch(() => undefined); // a usage error below must not leave it unhandled
  const ruleSet = await loadRuleSet({ builtin: flags.builtinRules !== false, ruleDirs: flags.rules, config: flags.config, root, repoConfig: flags.repoConfig, cwd: io.cwd });
  const { config, trusted, rules: enabled, notes: configNotes, errors: configErrors, configFile } = ruleSet;
  for (const w of ruleSet.warnings) io.stderr(`tokensprawl: note: ${w}\n`);
  // --- policies (src/policy): compiled before the scan, so that a bad one exits 2 first ---
  // Without policies of the user's, the JWT analyser loads the defaults on the first JWT.
  const userPolicies = (flags.policy ?? []).length > 0 || (config.policies ?? []).length > 0;
  const policies = userPolicies ? await loadRunPolicies(flags.policy ?? [], config, trusted, configFile ?? 'config', io.cwd) : undefined;
  configNotes.push(...(policies?.notes ?? []));
  configErrors.push(...(policies?.errors ?? []));
  // --- end policies ---

  // (a config from the scanned tree cannot set it: loadRepoConfig refuses it with a note)
  const minPrecision = flags.minPrecision ?? config.minPrecision ?? 'low';
  const rules = withMinPrecision(enabled, minPrecision);
  if (rules.length === 0) throw new UsageError(`no rule has precision ${minPrecision} or higher (see: tokensprawl rules list)`);
  // One redactor for the run: the report and every stderr line from here on go through it. It
  // knows every loaded rule's pattern, also those --min-precision or disabledRules leave out,
  // and the built-in ones under --no-builtin-rules: what is not looked for is still not echoed.
  const redactor = createRunRedactor(ruleSet.redactWith);
  setOutputRedactor(redactor);
  const maxLifetimeSeconds = parseDurationFlag(flags.maxLifetime ? '--max-lifetime' : 'maxLifetime (config)', flags.maxLifetime ?? config.maxLifetime ?? '1h');
  const failOn = flags.failOn ?? config.failOn ?? 'low';
  const jwks = flags.jwks ? await (await import('../analyze/jwks.js')).loadJwks(path.resolve(io.cwd, flags.jwks)) : undefined;
  const baselineIds = flags.baseline
    ? await (await import('../filters/baseline.js')).loadBaseline(path.resolve(io.cwd, flags.baseline))
    : undefined;

  // On by default only on a TTY; --progress forces it (as plain lines when stderr is not a TTY).
  const progress = (flags.progress ?? io.stderrIsTTY) ? await createProgress(prepared.progressUnit, io.stderrIsTTY) : undefined;
  // --jobs counts this thread, which reads and detects whenever the workers have enough queued.
  // Workers start on the first batch handed to them, which small scans never reach.
  let pool: Promise<import('../detect/pool.js').DetectPool> | undefined;
  const detectBatch = async (fragments: Fragment[]) => {
    pool ??= import('../detect/pool.js').then((m) => m.createDetectPool(rules, jobs - 1));
    return (await pool).detectBatch(fragments);
  };
  const source = makeSource(config);
  const options: ScanOptions = {
    command,
    targets,
    rules,
    version: VERSION,
    now,
    maxLifetimeSeconds,
    ...(jwks ? { jwks } : {}),
    ...(policies ? { policies: policies.set } : {}),
    ...(baselineIds ? { baselineIds } : {}),
    allow: config.allow,
    showSuppressed: flags.showSuppressed === true,
    ...(progress ? { onProgress: progress.update } : {}),
    ...(jobs > 1 ? { detectBatch } : {}),
    ...(annotate ? { annotate } : {}),
    ...(observe ? { observe } : {}),
    redactor,
    ...(configNotes.length > 0 ? { notes: configNotes } : {}),
    ...(configErrors.length > 0 ? { errors: configErrors } : {}),
  };
  const codeowners = await codeownersRead;
  if (codeowners) options.codeowners = codeowners;
  let result: ScanResult;
  try {
    result = await scan(source, options);
  } finally {
    progress?.stop();
    if (pool) await (await pool).close();
  }

  // Read nothing from a target that holds something: say so (a silent pass is the worst bug).
  const emptyReads = await prepared.emptyReads(io.cwd);
  if (emptyReads.length > 0) result = { ...result, errors: [...result.errors, ...emptyReads.map((e) => redactor.value(e))] };

  const err = safeStderr(io);
  for (const e of result.errors) err(`tokensprawl: could not scan ${e.target}: ${e.message}\n`);
  for (const n of result.scan.notes ?? []) err(`tokensprawl: note: ${n}\n`);

  // Only the rules that fired reach a report (SARIF describes those): redacting all 500+ rule
  // texts would cost a clean pre-commit run a third of a second.
  const fired = new Set(result.findings.map((f) => f.ruleId));
  const shown = rules.filter((r) => fired.has(r.id)).map((r) => withRedactedText(r, (s) => redactor.text(s)));
  const report = await render(result, flags, shown, io, now, sarifPrefix(root, io.cwd), { failOn, allowIncomplete: flags.allowIncomplete === true, redactor });
  if (flags.output) await writeReport(path.resolve(io.cwd, flags.output), report);
  else io.stdout(report);
  if (flags.summary) {
    const { renderSummary } = await import('../report/summary.js');
    const prefix = sarifPrefix(root, io.cwd);
    await appendSummary(path.resolve(io.cwd, flags.summary), renderSummary(result, { now, ...(prefix ? { uriPrefix: prefix } : {}) }));
  }

  return exitCodeFor(result, failOn, flags.allowIncomplete === true);
}

/**
 * The CODEOWNERS of each scanned folder or repository, parsed; a file that cannot be read is an
 * error of the scan. A dir or git finding gets the owners its own source's file gives its path.
 */
async function readCodeowners(prepared: PreparedSource): Promise<ScanOptions['codeowners']> {
  const read = await Promise.all(prepared.codeowners.map(async (e) => ({ ...e, found: await e.source.codeowners?.() })));
  if (read.every((r) => r.found === undefined)) return undefined;
  const { parseCodeowners } = await import('../analyze/codeowners.js');
  const errors: ScanError[] = [];
  const parsed = new Map<OpenedSource, { ownersOf(p: string): Owner[] }>();
  for (const { source, prefix, found } of read) {
    if (!found) continue;
    const file = prefix ? `${prefix}/${found.file}` : found.file;
    if ('error' in found) {
      errors.push({ target: file, message: found.error });
      continue;
    }
    const co = parseCodeowners(found.text, file);
    errors.push(...co.errors);
    parsed.set(source, co);
  }
  return {
    errors,
    ownersOf: (p, kind) => {
      const owner = kind ? prepared.ownerOf(kind, p) : undefined;
      const co = owner && parsed.get(owner.source);
      return co && owner ? co.ownersOf(owner.path) : [];
    },
  };
}

/**
 * 2 when something could not be scanned (unless allowIncomplete): an incomplete scan never
 * passes a gate. Otherwise 1 when an unsuppressed finding is at or above failOn, else 0.
 */
export function exitCodeFor(result: ScanResult, failOn: Severity | 'none', allowIncomplete: boolean): number {
  if (!allowIncomplete && result.errors.length > 0) return EXIT.error;
  return result.findings.some((f) => !f.suppressed && atOrAbove(f.severity, failOn)) ? EXIT.findings : EXIT.clean;
}

/** The scanned root as seen from the directory the scan ran from, when it lies below it. */
function sarifPrefix(root: string, cwd: string): string {
  const rel = path.relative(cwd, root);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? '' : rel.split(path.sep).join('/');
}

async function render(
  result: ScanResult,
  flags: ScanFlags,
  rules: readonly Rule[],
  io: Io,
  now: Date,
  uriPrefix: string,
  html?: { failOn: Severity | 'none'; allowIncomplete: boolean; redactor: import('../core/redact.js').Redactor },
): Promise<string> {
  switch (flags.format) {
    case 'json':
      return (await import('../report/json.js')).renderJson(result);
    case 'sarif': {
      const { renderSarif } = await import('../report/sarif.js');
      const out = renderSarif(result, {
        rules: new Map(rules.map((r) => [r.id, r])),
        version: VERSION,
        informationUri: INFORMATION_URI,
        ...(flags.sarifCategory ? { category: flags.sarifCategory } : {}),
        ...(uriPrefix ? { uriPrefix } : {}),
      });
      for (const w of out.warnings) io.stderr(`tokensprawl: ${w}\n`);
      return out.text;
    }
    case 'github':
      return (await import('../report/github.js')).renderGithub(result, { now, ...(uriPrefix ? { uriPrefix } : {}) });
    // --- html format (issue 17): the gate and the run's redactor travel with it ---
    case 'html':
      return (await import('../report/html.js')).renderHtml(result, { now, ...(html ?? {}) });
    // --- end html format ---
    case 'text':
      return (await import('../report/text.js')).renderText(result, { color: !flags.output && wantsColor(io, io.stdoutIsTTY), now });
  }
}

/**
 * The run's policies: the shipped defaults, tuned by a trusted config (--config) and the
 * --policy files; a config from the scanned tree may only add. A default or trusted policy that
 * does not load, parse or type-check throws PolicyError (exit 2, before the scan).
 */
async function loadRunPolicies(
  files: string[],
  config: Config,
  trusted: boolean,
  configLabel: string,
  cwd: string,
): Promise<{ set: import('../policy/types.js').PolicySet; notes: string[]; errors: ScanError[] }> {
  const { defaultPolicySpecs } = await import('../policy/defaults.js');
  const { loadPolicyFile } = await import('../policy/load.js');
  const { buildPolicySet } = await import('../policy/set.js');
  const fromConfig = config.policies && config.policies.length > 0 ? [{ file: configLabel, policies: config.policies }] : [];
  const fromFiles = [];
  for (const f of files) {
    const abs = path.resolve(cwd, f);
    fromFiles.push({ file: displayPath(abs, cwd), policies: await loadPolicyFile(abs, displayPath(abs, cwd)) });
  }
  return buildPolicySet({
    defaults: { file: 'policies/default.yaml', policies: await defaultPolicySpecs() },
    trusted: [...(trusted ? fromConfig : []), ...fromFiles],
    tree: trusted ? [] : fromConfig,
  });
}
// --- end policies ---

/**
 * An error entry when the scan read 0 bytes and sniffed no binary although a named target holds
 * something (a non-empty file, or a folder with entries besides .git): everything in it was
 * ignored, skipped or unreadable, and the user must hear it.
 */
async function nothingRead(s: ReadStats, paths: string[], cwd: string): Promise<ScanError | null> {
  if (s.bytes > 0 || s.binarySkipped > 0 || s.messages > 0) return null;
  for (const p of paths) {
    const holds = await stat(p).then(
      async (info) => (info.isFile() ? info.size > 0 : info.isDirectory() ? (await readdir(p)).some((n) => n !== '.git') : false),
      () => false,
    );
    if (holds) {
      const skipped = [
        ...(s.symlinksSkipped ? [`${s.symlinksSkipped} symlink${s.symlinksSkipped === 1 ? '' : 's'} not followed (--follow follows them)`] : []),
        ...(s.specialSkipped ? [`${s.specialSkipped} FIFO/socket/device skipped`] : []),
      ];
      return {
        target: displayPath(p, cwd),
        message: `nothing was read although it is not empty: everything in it was ignored, skipped or unreadable${skipped.length ? ` (${skipped.join(', ')})` : ''}`,
      };
    }
  }
  return null;
}

/** --jobs above 2 per CPU (at most 16) only costs memory: capped, with a note. */
function capJobs(jobs: number | undefined, io: Io): number | undefined {
  if (jobs === undefined) return undefined;
  const cap = Math.max(1, Math.min(16, 2 * io.cpus));
  if (jobs <= cap) return jobs;
  io.stderr(`tokensprawl: note: --jobs ${jobs} capped at ${cap} (twice the ${io.cpus} CPUs, at most 16)\n`);
  return cap;
}

/** The report's folder must exist and the path must not be a folder. */
export async function checkWritable(file: string, flag = '-o'): Promise<void> {
  const info = await stat(file).catch(() => null);
  if (info?.isDirectory()) throw new TargetError(`${flag} ${file}: is a directory`);
  try {
    await access(path.dirname(file), constants.W_OK);
  } catch (err) {
    throw new TargetError(`${flag} ${file}: cannot write there (${describeError(err)})`, { cause: err });
  }
}

/** --summary appends, as $GITHUB_STEP_SUMMARY expects (other steps write to the same file). */
async function appendSummary(file: string, text: string): Promise<void> {
  try {
    await appendFile(file, text);
  } catch (err) {
    throw new TargetError(`--summary ${file}: cannot write the summary (${describeError(err)})`, { cause: err });
  }
}

/** Written atomically: a temporary file next to it, then renamed, so no reader sees half a report. */
export async function writeReport(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(temp, text, { flag: 'wx' });
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new TargetError(`-o ${file}: cannot write the report (${describeError(err)})`, { cause: err });
  }
}
