// Wall time and peak RSS of a child process. Peak RSS comes from GNU time's %M (the largest
// resident set of the process or of any one descendant it waited for); without /usr/bin/time
// the child is polled for VmHWM in /proc/<pid>/status (the child itself only).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const HAVE_GNU_TIME = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;

/**
 * Runs cmd once: { wallMs, rssKB, cpuMs (user + system, children included), code, stderr }. stdout goes to `stdoutFile` (or /dev/null).
 * `shell` runs cmd through sh -c (for pipelines).
 */
export async function runOnce(cmd, args, { cwd, stdoutFile = '/dev/null', shell = false, env } = {}) {
  const argv = shell ? ['sh', ['-c', cmd]] : [cmd, args];
  const out = openSync(stdoutFile, 'w');
  try {
    if (HAVE_GNU_TIME) {
      const tf = path.join(os.tmpdir(), `tokensprawl-bench-time-${process.pid}`);
      const t0 = process.hrtime.bigint();
      const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', tf, argv[0], ...argv[1]], { cwd, env, stdio: ['ignore', out, 'pipe'], maxBuffer: 256 * 1024 * 1024 });
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const lines = readFileSync(tf, 'utf8').trim().split('\n');
      rmSync(tf, { force: true });
      const [rss, user, sys] = (lines.at(-1) ?? '').split(' ').map(Number);
      return { wallMs, rssKB: rss, cpuMs: (user + sys) * 1000, code: r.status, stderr: String(r.stderr ?? '') };
    }
    return await pollRun(argv[0], argv[1], { cwd, env, out });
  } finally {
    closeSync(out);
  }
}

function pollRun(cmd, args, { cwd, env, out }) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    let rssKB = 0;
    child.stderr.on('data', (d) => {
      if (stderr.length < 1 << 20) stderr += d;
    });
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) rssKB = Math.max(rssKB, Number(m[1]));
      } catch {
        // exited between polls
      }
    }, 10);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ wallMs: Number(process.hrtime.bigint() - t0) / 1e6, rssKB, cpuMs: NaN, code, stderr });
    });
  });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
