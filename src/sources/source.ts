// The one small interface every source implements (gitleaks' `Source`, with what the CLI needs
// to offer it): its name, how the CLI offers it (a command of its own and a flag of `scan`), its
// own options, target validation, and `open`, which yields source items with typed provenance.
// registry.ts lists the sources; the CLI commands and the multi-source `scan` are built from it.
import type { CodeownersText } from './codeowners-file.js';
import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';
import { describeError, TargetError, UsageError } from '../core/errors.js';
import type { Finding, Source, SourceKind } from '../core/types.js';

/** A flag of the source's own (e.g. git's `--since <rev>`), offered by its command and by `scan`. */
export interface SourceFlag {
  /** commander flags, e.g. "--since <rev>" or "--follow" */
  flags: string;
  description: string;
  choices?: readonly string[];
  default?: string;
}

/** The source's command: `tokensprawl <kind> [targets...]`. */
export interface SourceArgument {
  /** commander argument, e.g. "[paths...]", "<paths...>", "[repo]"; none for stdin */
  name: string;
  description: string;
  /** targets when none are given */
  default?: string[];
}

/** What `open` is given besides the targets. */
export interface OpenContext {
  /** the directory the run started in: relative targets resolve from it */
  cwd: string;
  /** standard input, for targets named "-" */
  stdin: () => AsyncIterable<Buffer | string>;
  /** the parsed command-line options (the source reads its own flags, camelCased) */
  flags: Readonly<Record<string, unknown>>;
  /** --shard k/n */
  shard?: { index: number; count: number };
  /** --shard: whether a unit of work (a file's relative path, a commit hash) is in this shard */
  select?: (key: string) => boolean;
}

/** What the scan needs to know of the run's configuration when it builds the items. */
export interface SourceConfig {
  ignore: readonly string[];
}

/** A source, opened: ready to yield items, with what the CLI and the scan need around it. */
export interface OpenedSource {
  kind: SourceKind;
  /** the scanned root: paths in findings are relative to it, its .tokensprawl.yaml applies */
  root: string;
  /** the targets as the report names them */
  targets: string[];
  /** the named paths, absolute, for the "read nothing from a non-empty target" check */
  paths?: string[];
  /** the items; built after the configuration is read (dir honours its ignore list) */
  items: (config: SourceConfig) => Source;
  /** source facts that need the raw secret (git: still present at HEAD?), for this source's findings */
  annotate?: (items: ReadonlyArray<{ finding: Finding; secret: string }>) => Promise<Finding[]>;
  /** told each new secret of this source's findings as the scan finds it */
  observe?: (path: string, secret: string) => void;
  /** the CODEOWNERS of the scanned folder or repository (owners in the credential view) */
  codeowners?: () => Promise<CodeownersText | undefined>;
  /** stops work started early (git starts at once); safe to call more than once */
  close?: () => void;
}

export interface SourceDefinition {
  kind: SourceKind;
  /** one line, for --help */
  description: string;
  argument?: SourceArgument;
  /** the flag of `scan` that adds a target of this source: "--dir <path>"; a boolean flag for stdin */
  scanFlag: { flags: string; description: string };
  options: readonly SourceFlag[];
  /**
   * Whether a scan that read nothing although a named target holds something is an error
   * (false where reading nothing is normal: a git history with no added text, an empty stdin).
   */
  checkEmptyRead: boolean;
  /** units the progress line counts */
  progressUnit: 'files' | 'commits' | 'messages';
  /** detection threads by default (this one included) */
  defaultJobs: (cpus: number) => number;
  /** throws TargetError / UsageError for a target that cannot be scanned at all (exit 2, before scanning) */
  open: (targets: string[], ctx: OpenContext) => Promise<OpenedSource>;
}

/** Whether a target names standard input. */
export function isStdinTarget(target: string): boolean {
  return target === '-' || target === '/dev/stdin';
}

/** A flag's value as a positive whole number (undefined when the flag is absent). */
export function parseCount(flag: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: "${String(value)}" is not a positive whole number`);
  return n;
}

/**
 * Before anything is scanned: every named target exists and can be read (standard input aside),
 * else a TargetError naming the first one that cannot (exit 2). `what` names the kind of target
 * in the message ("queue dump"); `folders: false` refuses a folder, with `folderHint` as the way out.
 */
export async function checkReadableTargets(paths: readonly string[], cwd: string, what: string, opts: { folders?: boolean; folderHint?: string } = {}): Promise<void> {
  for (const p of paths) {
    if (isStdinTarget(p)) continue;
    const abs = path.resolve(cwd, p);
    try {
      await access(abs, constants.R_OK);
      if (opts.folders === false && (await stat(abs)).isDirectory()) throw new TargetError(`${what} ${p} is a directory${opts.folderHint ? `: ${opts.folderHint}` : ''}`);
    } catch (err) {
      if (err instanceof TargetError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      throw new TargetError(`${what} ${p} ${code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${describeError(err)})`}`, { cause: err });
    }
  }
}
