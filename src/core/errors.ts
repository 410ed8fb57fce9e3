// Typed errors, and the one place that turns any thrown value into what the user sees and the
// exit code (toExit; the CLI calls it, and only the CLI writes it out):
//   UsageError    a flag or argument that cannot work               exit 2, its message
//   ConfigError   a configuration file that does not validate       exit 2, its message
//   RuleError     a rule file or folder that does not load          exit 2, its message
//   TargetError   a named target that does not exist or cannot open exit 2, its message
//   InternalError a state the code should never reach (a bug)       exit 2, one line; the stack with --debug
// Anything else thrown is treated as an internal error.

/** The exit codes of every command: 0 clean, 1 findings at or above --fail-on, 2 could not run or not everything was read. */
export const EXIT = { clean: 0, findings: 1, error: 2 } as const;

/** Bad input that stops the whole run: usage, config, rules, a missing target. Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A rule file or rule directory that does not load. */
export class RuleError extends UsageError {
  override name = 'RuleError';
}

/** A configuration file that does not validate. */
export class ConfigError extends UsageError {
  override name = 'ConfigError';
}

/** A named target (path, repository, dump, report) that does not exist or cannot be opened. */
export class TargetError extends UsageError {
  override name = 'TargetError';
}

/** A state the code should never reach: a bug, reported as one line (the stack with --debug). */
export class InternalError extends Error {
  override name = 'InternalError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type ErrorKind = 'usage' | 'config' | 'rules' | 'target' | 'internal';

export function errorKind(err: unknown): ErrorKind {
  if (err instanceof ConfigError) return 'config';
  if (err instanceof RuleError) return 'rules';
  if (err instanceof TargetError) return 'target';
  if (err instanceof UsageError) return 'usage';
  return 'internal';
}

/**
 * What the user sees of an error that stopped a command, and the exit code. Known errors show
 * their message (which may list several problems, one a line); anything else is one line that
 * says it is a bug. The stack follows only under `debug`. Absolute paths below `cwd` read relative.
 */
export function toExit(err: unknown, opts: { debug: boolean; cwd?: string }): { exitCode: number; text: string } {
  const relative = (m: string) => (opts.cwd ? m.split(`${opts.cwd}/`).join('') : m);
  const stack = opts.debug && err instanceof Error && err.stack ? `${relative(err.stack)}\n` : '';
  if (errorKind(err) !== 'internal') return { exitCode: EXIT.error, text: `tokensprawl: ${relative((err as Error).message)}\n${stack}` };
  const first = relative(describeError(err)).split('\n', 1)[0] ?? '';
  return { exitCode: EXIT.error, text: `tokensprawl: internal error: ${first}${opts.debug ? '' : ' (--debug shows where)'}\n${stack}` };
}

/** A message for a caught value, without its stack. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

/**
 * Why a text is not JSON, without the excerpt of the text that V8 puts in its message (the
 * text may be a secret): "invalid JSON at line 3, column 14", or just "invalid JSON".
 */
export function describeJsonError(err: unknown, text: string): string {
  const m = err instanceof Error ? /position (\d+)/.exec(err.message) : null;
  if (!m) return err instanceof Error && /Unexpected end of JSON input/.test(err.message) ? 'invalid JSON: it ends too early' : 'invalid JSON';
  const at = Number(m[1]);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return `invalid JSON at line ${line}, column ${at - before.lastIndexOf('\n')}`;
}

/** A name from input shown in a message: short names as they are, long ones cut, since a key may be a pasted secret. */
export function describeName(name: string): string {
  return name.length <= 24 ? `"${name}"` : `"${name.slice(0, 4)}…" (${name.length} characters)`;
}

/** A policy that does not load, parse or type-check. */
export class PolicyError extends UsageError {
  override name = 'PolicyError';
}
