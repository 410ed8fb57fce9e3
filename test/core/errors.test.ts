// The one error path: every thrown value becomes one exit code and a message, in core/errors.ts.
import { describe, expect, it } from 'vitest';
import { ConfigError, EXIT, InternalError, RuleError, TargetError, UsageError, errorKind, toExit } from '../../src/core/errors.js';
import { runCli } from '../hostile/helpers.js';

describe('toExit', () => {
  it.each([
    [new UsageError('--jobs: "x" is not a positive whole number'), 'usage'],
    [new ConfigError('config c.yaml: /failOn must be one of info, low'), 'config'],
    [new RuleError('invalid rules:\n  a.yaml: /rules/0 must have required property \'id\''), 'rules'],
    [new TargetError('not a git repository: /nope'), 'target'],
  ] as const)('%s: exit 2 with its own message, no "internal"', (err, kind) => {
    expect(errorKind(err)).toBe(kind);
    const out = toExit(err, { debug: false });
    expect(out.exitCode).toBe(EXIT.error);
    expect(out.text).toBe(`tokensprawl: ${err.message}\n`);
    expect(toExit(err, { debug: true }).text.startsWith(out.text)).toBe(true); // then the stack
  });

  it('an unknown error is one line and exit 2; its stack only with --debug', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')\n    second line");
    const plain = toExit(bug, { debug: false });
    expect(plain.exitCode).toBe(2);
    expect(plain.text).toBe("tokensprawl: internal error: Cannot read properties of undefined (reading 'x') (--debug shows where)\n");
    const debug = toExit(bug, { debug: true });
    expect(debug.text.split('\n')[0]).toBe("tokensprawl: internal error: Cannot read properties of undefined (reading 'x')");
    expect(debug.text).toContain('at '); // the stack
    expect(errorKind(new InternalError('x'))).toBe('internal');
  });

  it('a thrown non-Error (a string, undefined) is an internal error too, not a crash', () => {
    expect(toExit('boom', { debug: true }).text).toBe('tokensprawl: internal error: boom\n');
    expect(toExit(undefined, { debug: false }).exitCode).toBe(2);
  });

  it('absolute paths below the working directory read relative to it', () => {
    expect(toExit(new TargetError('config /home/u/repo/c.yaml: cannot be read'), { debug: false, cwd: '/home/u/repo' }).text).toBe('tokensprawl: config c.yaml: cannot be read\n');
  });
});

describe('the CLI uses it', () => {
  it('a missing target: exit 2, one line on stderr, nothing on stdout', async () => {
    const out = await runCli(['git', 'no-such-repo'], '/');
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(/^tokensprawl: /);
  });

  it('a bad flag value: exit 2, the flag named', async () => {
    const out = await runCli(['dir', '.', '--jobs', 'many'], '/tmp');
    expect(out.status).toBe(2);
    expect(out.stderr).toBe('tokensprawl: --jobs: "many" is not a positive whole number\n');
  });
});
