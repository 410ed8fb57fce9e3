// Flags → ScanOptions, source construction, report writing and the exit code of the scanning
// commands (dir, git, ci-log, queue, stdin).
import { access, appendFile, constants, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SEVERITY_RANK } from '../analyze/severity.js';
import { loadConfig, loadRepoConfig, findConfig, type Config } from '../config/load.js';
import { describeError, TargetError, UsageError } from '../core/errors.js';
import type { Finding, Fragment, ScanError, ScanResult, Severity, Source, SourceKind } from '../core/types.js';
import { loadRules } from '../rules/load.js';
import { withMinPrecision, type Precision } from '../rules/precision.js';
import type { Rule } from '../rules/types.js';
import { createRunRedactor, scan, type ScanOptions } from '../scan.js';
import { safeStderr, setOutputRedactor, wantsColor, type Io } from './io.js';
import { parseDurationFlag, parseNow } from './time.js';
import { createProgress } from './progress.js';
import { INFORMATION_URI, VERSION } from './main.js';

export interface ScanFlags {
  format: 'text' | 'json' | 'sarif' | 'github';
  output?: string;
  summary?: string;
  rules: string[];
  builtinRules: boolean;
  config?: string;
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

export async function runScanCommand(command: SourceKind, args: unknown[], raw: Record<string, unknown>, io: Io): Promise<number> {
  const flags = raw as unknown as ScanFlags;
  const now = parseNow(flags.now);
  if (flags.failOnErrors) io.stderr('tokensprawl: note: --fail-on-errors is deprecated and does nothing: a scan that could not read everything now exits 2 unless --allow-incomplete\n');
  // A report that cannot be written must fail before the scan, not after it.
  if (flags.output) await checkWritable(path.resolve(io.cwd, flags.output));
  if (flags.summary) await checkWritable(path.resolve(io.cwd, flags.summary), '--summary');
  const shard = flags.shard ? (await import('../core/shard.js')).parseShard(flags.shard) : undefined;
  const jobs = capJobs(parseCount('--jobs', flags.jobs), io) ?? defaultJobs(command, io.cpus);

  // The scanned root: where paths are relative to and where .tokensprawl.yaml is looked for.
  const prepared = await prepareSource(command, args, flags, io, shard);
  // A git history source has already started git: stop it whatever happens below.
  try {
    return await scanPrepared(command, prepared, flags, io, now, jobs);
  } finally {
    prepared.close?.();
  }
}

async function scanPrepared(command: SourceKind, prepared: PreparedSource, flags: ScanFlags, io: Io, now: Date, jobs: number): Promise<number> {
  const { root, targets, makeSource, annotate, observe } = prepared;
  const { config, trusted, notes: configNotes, errors: configErrors } = await readConfig(flags, root, io.cwd);

  const loaded = await loadRules({
    builtin: flags.builtinRules !== false,
    dirs: [...(trusted ? config.rules : []), ...flags.rules.map((d) => path.resolve(io.cwd, d))],
  });
  // Rule folders named by a config from the scanned tree add rules; they may not replace a
  // built-in or user rule (same id), and a bad one is an error of the scan, not of the run.
  if (!trusted && config.rules.length > 0) {
    try {
      const known = new Set(loaded.map((r) => r.id));
      const extra = await loadRules({ builtin: false, dirs: config.rules });
      const clashing = extra.filter((r) => known.has(r.id));
      loaded.push(...extra.filter((r) => !known.has(r.id)));
      if (clashing.length > 0) configNotes.push(`rules from the scanned tree's config may not replace loaded rules; not applied: ${clashing.map((r) => r.id).join(', ')}`);
    } catch (err) {
      configErrors.push({ target: 'config rules', message: `rules from the scanned tree's config not loaded: ${describeError(err).split('\n').join('; ')}` });
    }
  }
  const disabled = new Set(config.disabledRules);
  for (const id of disabled) if (!loaded.some((r) => r.id === id)) io.stderr(`tokensprawl: note: disabledRules names "${id}", which is not a loaded rule (see: tokensprawl rules list)\n`);
  const enabled = loaded.filter((r) => !disabled.has(r.id));
  if (enabled.length === 0) throw new UsageError('no rules loaded: --no-builtin-rules needs --rules with at least one rule (or a config `rules` folder)');
  // (a config from the scanned tree cannot set it: loadRepoConfig refuses it with a note)
  const minPrecision = flags.minPrecision ?? config.minPrecision ?? 'low';
  const rules = withMinPrecision(enabled, minPrecision);
  if (rules.length === 0) throw new UsageError(`no rule has precision ${minPrecision} or higher (see: tokensprawl rules list)`);
  // One redactor for the run: the report and every stderr line from here on go through it. It
  // knows every loaded rule's pattern, also those --min-precision leaves out.
  const redactor = createRunRedactor(enabled);
  setOutputRedactor(redactor);
  const maxLifetimeSeconds = parseDurationFlag(flags.maxLifetime ? '--max-lifetime' : 'maxLifetime (config)', flags.maxLifetime ?? config.maxLifetime ?? '1h');
  const failOn = flags.failOn ?? config.failOn ?? 'low';
  const jwks = flags.jwks ? await (await import('../analyze/jwks.js')).loadJwks(path.resolve(io.cwd, flags.jwks)) : undefined;
  const baselineIds = flags.baseline
    ? await (await import('../filters/baseline.js')).loadBaseline(path.resolve(io.cwd, flags.baseline))
    : undefined;

  // On by default only on a TTY; --progress forces it (as plain lines when stderr is not a TTY).
  const progress = (flags.progress ?? io.stderrIsTTY) ? await createProgress(command, io.stderrIsTTY) : undefined;
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
  const codeowners = await readCodeowners(prepared);
  if (codeowners) options.codeowners = codeowners;
  let result: ScanResult;
  try {
    result = await scan(source, options);
  } finally {
    progress?.stop();
    if (pool) await (await pool).close();
  }

  // Read nothing from a target that holds something: say so (a silent pass is the worst bug).
  const emptyRead = await nothingRead(command, result, prepared.paths ?? [], io.cwd);
  if (emptyRead) result = { ...result, errors: [...result.errors, redactor.value(emptyRead)] };

  const err = safeStderr(io);
  for (const e of result.errors) err(`tokensprawl: could not scan ${e.target}: ${e.message}\n`);
  for (const n of result.scan.notes ?? []) err(`tokensprawl: note: ${n}\n`);

  const report = await render(result, flags, rules, io, now, sarifPrefix(root, io.cwd));
  if (flags.output) await writeReport(path.resolve(io.cwd, flags.output), report);
  else io.stdout(report);
  if (flags.summary) {
    const { renderSummary } = await import('../report/summary.js');
    const prefix = sarifPrefix(root, io.cwd);
    await appendSummary(path.resolve(io.cwd, flags.summary), renderSummary(result, { now, ...(prefix ? { uriPrefix: prefix } : {}) }));
  }

  return exitCodeFor(result, failOn, flags.allowIncomplete === true);
}

/** The scanned tree's CODEOWNERS, parsed; a file that cannot be read is an error of the scan. */
async function readCodeowners(prepared: PreparedSource): Promise<ScanOptions['codeowners']> {
  const found = await prepared.codeowners?.();
  if (!found) return undefined;
  if ('error' in found) return { ownersOf: () => [], errors: [{ target: found.file, message: found.error }] };
  const { parseCodeowners } = await import('../analyze/codeowners.js');
  return parseCodeowners(found.text, found.file);
}

/**
 * 2 when something could not be scanned (unless allowIncomplete): an incomplete scan never
 * passes a gate. Otherwise 1 when an unsuppressed finding is at or above failOn, else 0.
 */
export function exitCodeFor(result: ScanResult, failOn: Severity | 'none', allowIncomplete: boolean): number {
  if (!allowIncomplete && result.errors.length > 0) return 2;
  if (failOn === 'none') return 0;
  const threshold = SEVERITY_RANK[failOn];
  return result.findings.some((f) => !f.suppressed && SEVERITY_RANK[f.severity] >= threshold) ? 1 : 0;
}

/** The scanned root as seen from the directory the scan ran from, when it lies below it. */
function sarifPrefix(root: string, cwd: string): string {
  const rel = path.relative(cwd, root);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? '' : rel.split(path.sep).join('/');
}

async function render(result: ScanResult, flags: ScanFlags, rules: readonly Rule[], io: Io, now: Date, uriPrefix: string): Promise<string> {
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
    case 'text':
      return (await import('../report/text.js')).renderText(result, { color: !flags.output && wantsColor(io, io.stdoutIsTTY), now });
  }
}

interface PreparedSource {
  root: string;
  targets: string[];
  /** the named paths, absolute (file-based commands), for the "read nothing" check */
  paths?: string[];
  makeSource: (config: Config) => Source;
  annotate?: ScanOptions['annotate'];
  observe?: ScanOptions['observe'];
  /** reads the CODEOWNERS of the scanned folder or repository (credential owners) */
  codeowners?: () => Promise<import('../sources/codeowners-file.js').CodeownersText | undefined>;
  /** stops work the source started early */
  close?: () => void;
}

async function prepareSource(
  command: SourceKind,
  args: unknown[],
  flags: ScanFlags,
  io: Io,
  shard: { index: number; count: number } | undefined,
): Promise<PreparedSource> {
  const inShard = shard ? (await import('../core/shard.js')).inShard : undefined;
  const select = shard && inShard ? (key: string) => inShard(key, shard) : undefined;
  switch (command) {
    case 'dir': {
      const paths = (args[0] as string[] | undefined) ?? ['.'];
      const { checkDirTargets, dirSource } = await import('../sources/fs.js');
      // A path given twice (or as ./x and x) is scanned once.
      const abs = [...new Set(paths.map((p) => path.resolve(io.cwd, p)))];
      await checkDirTargets(abs);
      const single = abs.length === 1 && abs[0] !== undefined && (await stat(abs[0])).isDirectory() ? abs[0] : undefined;
      const root = single ?? io.cwd;
      return {
        root,
        targets: paths,
        paths: abs,
        ...(single ? { codeowners: async () => (await import('../sources/codeowners-file.js')).readCodeownersFromDir(single) } : {}),
        makeSource: (config) => dirSource(abs, { root, ignore: config.ignore, follow: flags.follow === true, ...(select ? { select } : {}) }),
      };
    }
    case 'git': {
      const repo = path.resolve(io.cwd, (args[0] as string | undefined) ?? '.');
      const { openRepository, gitSource, headPresence } = await import('../sources/git.js');
      const maxCommits = parseCount('--max-commits', flags.maxCommits);
      // History: git starts now, in the folder given (git finds the repository from there), and
      // runs while the repository is confirmed and the rules and configuration load.
      const isFolder = await stat(repo).then(
        (s) => s.isDirectory(),
        () => false,
      );
      const source = isFolder
        ? gitSource(repo, {
            ...(flags.since ? { since: flags.since } : {}),
            ...(flags.staged ? { staged: true } : {}),
            ...(maxCommits !== undefined ? { maxCommits } : {}),
            ...(shard ? { shard } : {}),
          })
        : undefined;
      let opened: Awaited<ReturnType<typeof openRepository>>;
      try {
        opened = await openRepository(repo);
      } catch (err) {
        source?.close();
        throw err;
      }
      if (!source) throw new TargetError(`not a git repository: ${repo}`);
      // One `git cat-file --batch`, fed while the scan runs, tells for every path with findings
      // whether each secret is still at HEAD.
      const presence = flags.staged || !opened.head ? undefined : headPresence(opened.root);
      return {
        root: opened.root,
        targets: [(args[0] as string | undefined) ?? '.'],
        ...(opened.head ? { codeowners: async () => (await import('../sources/codeowners-file.js')).readCodeownersFromGit(opened.root) } : {}),
        ...(presence
          ? {
              observe: (p: string, secret: string) => presence.observe(p, secret),
              annotate: async (items) => {
                const byPath = new Map<string, Array<{ finding: Finding; secret: string }>>();
                for (const it of items) byPath.set(it.finding.location.path, [...(byPath.get(it.finding.location.path) ?? []), it]);
                const groups = [...byPath.values()];
                const present = await presence.lookup(groups.map((g) => ({ path: g[0]?.finding.location.path ?? '', secrets: g.map((x) => x.secret) })));
                return groups.flatMap((g, i) => g.map((x, j) => ({ ...x.finding, presentAtHead: present[i]?.[j] === true })));
              },
            }
          : {}),
        makeSource: () => source,
        close: () => {
          source.close();
          presence?.close();
        },
      };
    }
    case 'ci-log': {
      const paths = args[0] as string[];
      const { checkCiLogTargets, ciLogSource } = await import('../sources/ci-log.js');
      await checkCiLogTargets(paths, io.cwd);
      return { root: io.cwd, targets: paths, paths: paths.map((p) => path.resolve(io.cwd, p)), makeSource: () => ciLogSource(paths, { cwd: io.cwd, stdin: io.stdin, ...(select ? { select } : {}) }) };
    }
    case 'queue': {
      const paths = args[0] as string[];
      const { checkQueueTargets, queueSource } = await import('../sources/queue.js');
      await checkQueueTargets(paths, io.cwd);
      return { root: io.cwd, targets: paths, paths: paths.map((p) => path.resolve(io.cwd, p)), makeSource: () => queueSource(paths, { cwd: io.cwd, format: flags.queueFormat ?? 'auto', stdin: io.stdin, ...(select ? { select } : {}) }) };
    }
    case 'stdin': {
      if (shard) throw new UsageError('--shard does not apply to stdin: there is only one input to split');
      const { stdinSource } = await import('../sources/stdin.js');
      const name = flags.stdinName ?? '-';
      return { root: io.cwd, targets: [name], makeSource: () => stdinSource(io.stdin(), name) };
    }
  }
}

/**
 * The user's own --config is trusted (and a bad one stops the run); a config found in the
 * scanned tree is tree content: limited (loadRepoConfig), a bad one is an error of the scan,
 * and --no-repo-config ignores it. Every config applied is named in the notes.
 */
async function readConfig(flags: ScanFlags, root: string, cwd: string): Promise<{ config: Config; trusted: boolean; notes: string[]; errors: ScanError[] }> {
  const none: Config = { ignore: [], allow: [], disabledRules: [], rules: [] };
  if (flags.config) {
    const file = path.resolve(cwd, flags.config);
    return { config: await loadConfig(file), trusted: true, notes: [`config ${displayPath(file, cwd)} (--config) applied`], errors: [] };
  }
  const found = await findConfig(root);
  if (!found) return { config: none, trusted: true, notes: [], errors: [] };
  const label = displayPath(found, cwd);
  if (flags.repoConfig === false) return { config: none, trusted: true, notes: [`config ${label} in the scanned tree ignored (--no-repo-config)`], errors: [] };
  const outcome = await loadRepoConfig(found, label, (d) => parseDurationFlag('maxLifetime (config)', d));
  return { config: outcome.config, trusted: false, notes: outcome.notes, errors: outcome.error ? [{ target: label, message: outcome.error }] : [] };
}

function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

/**
 * An error entry when the scan read 0 bytes and sniffed no binary although a named target holds
 * something (a non-empty file, or a folder with entries besides .git): everything in it was
 * ignored, skipped or unreadable, and the user must hear it.
 */
async function nothingRead(command: SourceKind, result: ScanResult, paths: string[], cwd: string): Promise<ScanError | null> {
  const s = result.scan.stats;
  if (command === 'git' || command === 'stdin' || s.bytes > 0 || (s.binarySkipped ?? 0) > 0 || s.messages > 0) return null;
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

function parseCount(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: "${value}" is not a positive whole number`);
  return n;
}

/**
 * Detection threads by default. git itself keeps a core busy producing the history, so a
 * history scan leaves it one. A queue dump is parsed on the main thread into many small fields:
 * handing them to workers costs more than detecting them (measured: 50 MB of kcat JSON lines,
 * 1.84 s on one thread, 2.21 s with two workers).
 */
function defaultJobs(command: SourceKind, cpus: number): number {
  if (command === 'queue') return 1;
  if (command === 'git') return Math.max(1, cpus - 1);
  return cpus;
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
