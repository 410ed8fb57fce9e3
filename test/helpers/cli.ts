import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/tokensprawl.cjs');

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would (node bin/tokensprawl.cjs …); colour off unless asked. */
export function cli(args: string[], opts: { cwd?: string; input?: string | Buffer; env?: Record<string, string> } = {}): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input ?? '',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...opts.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Parses a JSON report, failing the test with stderr when the output is not JSON. */
export function jsonReport<T = import('../../src/core/types.js').ScanResult>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not a JSON report (exit ${run.status}):\n${run.stdout.slice(0, 2000)}\nstderr:\n${run.stderr}`);
  }
}

/**
 * Runs the CLI in this process (src/cli/main.ts `runCaptured`), with its own Io: a failure points
 * at a line of src/, not at the bundle. Same shape as cli(); colour off, stdin from `input`.
 */
export async function runCli(args: string[], opts: { cwd?: string; input?: string | Buffer; env?: Record<string, string>; cpus?: number } = {}): Promise<CliRun> {
  const { runCaptured } = await import('../../src/cli/main.js');
  const input = opts.input ?? '';
  const r = await runCaptured(args, {
    stdin: async function* () {
      if (input.length > 0) yield typeof input === 'string' ? Buffer.from(input) : input;
    },
    env: { NO_COLOR: '1', ...opts.env },
    cwd: opts.cwd ?? ROOT,
    cpus: opts.cpus ?? 1,
  });
  return { status: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}
