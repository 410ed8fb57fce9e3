// Shared by the hostile suite: the CLI in-process (fast enough for property runs) and checks
// that what a run printed holds no raw secret and no raw control character.
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';

export interface InProcessRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process with its own Io: one thread, no colour, no TTY. */
export async function runCli(args: string[], cwd: string, stdin: string = ''): Promise<InProcessRun> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stdin: async function* () {
      if (stdin) yield stdin;
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: { NO_COLOR: '1' },
    cwd,
    cpus: 1,
  };
  const status = await run(args, io);
  return { status, stdout, stderr };
}

/** Raw control characters a terminal would act on (ESC, CR, BEL, C1, bidi overrides); \n and \t excluded. */
// eslint-disable-next-line no-control-regex
export const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
