// Typed errors. Only the CLI maps them to exit codes (UsageError family → 2).

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
