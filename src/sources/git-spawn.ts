// The git processes of the history source: plumbing spawned directly (streamed), small
// queries through simple-git, and the flags that make git's output predictable.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { SimpleGit } from 'simple-git';
import { describeError } from '../core/errors.js';

const MAX_STDERR = 4096;

/**
 * Flags that make porcelain and plumbing output predictable whatever the user's config:
 * raw UTF-8 paths (only `"`, `\` and control characters stay C-quoted), fixed prefixes.
 */
export const GIT_CONFIG = ['-c', 'core.quotePath=false', '-c', 'diff.suppressBlankEmpty=false'];
export const DIFF_FLAGS = [
  '-p',
  '-U0',
  '-M',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--src-prefix=a/',
  '--dst-prefix=b/',
];

/**
 * simple-git for the small queries, loaded on first use: a history walk spawns its two git
 * processes directly and should not wait for the module to load.
 */
export async function git(dir: string): Promise<SimpleGit> {
  const { simpleGit } = await import('simple-git');
  return simpleGit({ baseDir: dir, maxConcurrentProcesses: 4 });
}


export interface GitProcess {
  child: ChildProcess;
  /** resolves on exit; `message` is git's own error line (never file content) */
  done: Promise<{ ok: boolean; message: string }>;
}

/** The standard output of a small git query; rejects with git's own error line. */
export async function gitOutput(cwd: string, args: string[]): Promise<string> {
  const proc = spawnGit(cwd, args);
  proc.child.stdin?.end();
  const chunks: Buffer[] = [];
  proc.child.stdout?.on('data', (d: Buffer) => chunks.push(d));
  const { ok, message } = await proc.done;
  if (!ok) throw new Error(message);
  return Buffer.concat(chunks).toString('utf8');
}

export function spawnGit(cwd: string, args: string[], stdin: 'pipe' | Readable = 'pipe', env: Record<string, string> = {}): GitProcess {
  // The child's environment is the only use of `process` here. GIT_NO_LAZY_FETCH (git 2.44+):
  // a partial clone must not fetch missing blobs over the network; LC_ALL: English messages.
  const child = spawn('git', args, {
    cwd,
    stdio: [stdin, 'pipe', 'pipe'],
    env: { ...process.env, GIT_NO_LAZY_FETCH: '1', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...env },
  });
  // A git that exits early (not a repository, a corrupt object) makes writes to its stdin fail;
  // its exit status says why, so the pipe error itself is not one more failure.
  child.stdin?.on('error', () => undefined);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < MAX_STDERR) stderr += d.toString('utf8');
  });
  const done = new Promise<{ ok: boolean; message: string }>((resolve) => {
    child.once('error', (err) => resolve({ ok: false, message: describeError(err) }));
    child.once('close', (code, signal) => {
      const lines = stderr.split('\n');
      const first = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0] ?? '';
      const why = first || (signal ? `killed by ${signal}` : `exit code ${code ?? '?'}`);
      resolve({ ok: code === 0, message: why.trim() });
    });
  });
  return { child, done };
}
