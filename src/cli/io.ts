// The CLI's only window on the process. Tests pass their own Io to run commands in-process.
import { escapeControl, type Redactor } from '../core/redact.js';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: () => AsyncIterable<Buffer | string>;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  cpus: number;
}

export async function processIo(): Promise<Io> {
  const { availableParallelism } = await import('node:os');
  // `tokensprawl … | head` closes the pipe early: that is the reader's choice, not a crash.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    stdin: () => process.stdin,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    cpus: availableParallelism(),
  };
}

/** Colour only on a TTY, never with NO_COLOR set (https://no-color.org), always with FORCE_COLOR. */
export function wantsColor(io: Io, tty: boolean): boolean {
  if (io.env['NO_COLOR'] !== undefined && io.env['NO_COLOR'] !== '') return false;
  if (io.env['FORCE_COLOR'] !== undefined && io.env['FORCE_COLOR'] !== '0') return true;
  return tty;
}

/** The run's redactor, once a command has one: every stderr line goes through it. */
let outputRedactor: Redactor | undefined;
export function setOutputRedactor(r: Redactor | undefined): void {
  outputRedactor = r;
}

/**
 * A line for stderr as it may be shown: redacted by the run's redactor (when one exists), and
 * control characters escaped line by line (the line ends are kept), so that a scanned name
 * cannot leak a secret or drive the terminal.
 */
export function sanitizeStderr(text: string): string {
  const redacted = outputRedactor ? outputRedactor.text(text) : text;
  return redacted
    .split('\n')
    .map((line) => escapeControl(line))
    .join('\n');
}

/** io.stderr through sanitizeStderr. */
export function safeStderr(io: Io): (text: string) => void {
  return (text) => io.stderr(sanitizeStderr(text));
}
