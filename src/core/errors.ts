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
