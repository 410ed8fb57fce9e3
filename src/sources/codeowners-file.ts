// Finds and reads the CODEOWNERS file of a scanned folder (from disk) or repository (from HEAD's
// tree, so the history's owners are today's). Parsing is analyze/codeowners.ts: this module only
// reads, with the size capped, and never throws.

import { spawn } from 'node:child_process';
import { lstat, open } from 'node:fs/promises';
import path from 'node:path';

/** Where GitHub (first three, in its order) and GitLab look; the first file found is used. */
const LOCATIONS: readonly string[] = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS', '.gitlab/CODEOWNERS'];
/** One byte over GitHub's 3 MB limit: enough for the parser to say the file is too large. */
const MAX_READ = 3 * 1024 * 1024 + 1;

export type CodeownersText = { file: string; text: string } | { file: string; error: string };

/** The CODEOWNERS of a folder: a regular file only (a symlink could point anywhere). */
export async function readCodeownersFromDir(root: string): Promise<CodeownersText | undefined> {
  for (const file of LOCATIONS) {
    const abs = path.join(root, ...file.split('/'));
    try {
      const st = await lstat(abs);
      if (!st.isFile()) continue;
      const handle = await open(abs, 'r');
      try {
        const buf = Buffer.alloc(Math.min(st.size, MAX_READ));
        const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
        return { file, text: buf.subarray(0, bytesRead).toString('utf8') };
      } finally {
        await handle.close();
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      return { file, error: `CODEOWNERS not read: ${code ?? 'unreadable'}` };
    }
  }
  return undefined;
}

/**
 * The CODEOWNERS at HEAD of a repository, or undefined when there is none. One `ls-tree` asks for
 * every location at once (a pre-commit run pays ~15 ms per git process), and `cat-file` runs
 * only when a file is there. A symlink or a folder of that name is not a CODEOWNERS file.
 */
export async function readCodeownersFromGit(root: string): Promise<CodeownersText | undefined> {
  const listing = await runGit(root, ['ls-tree', '-z', 'HEAD', '--', ...LOCATIONS], 64 * 1024);
  if (listing === undefined) return undefined; // no commits yet, or not readable: no owners
  const blobs = new Map<string, string>();
  for (const entry of listing.split('\0')) {
    const m = /^100(?:644|755) blob ([0-9a-f]+)\t(.*)$/s.exec(entry);
    if (m?.[1] && m[2] !== undefined) blobs.set(m[2], m[1]);
  }
  const file = LOCATIONS.find((f) => blobs.has(f));
  if (file === undefined) return undefined;
  const text = await runGit(root, ['cat-file', 'blob', blobs.get(file) as string], MAX_READ);
  return text === undefined ? { file, error: 'CODEOWNERS not read: git cat-file failed' } : { file, text };
}


/** git's standard output (at most `max` bytes), or undefined when git fails; never throws. */
function runGit(root: string, args: string[], max: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn('git', args, {
        cwd: root,
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GIT_NO_LAZY_FETCH: '1', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      });
    } catch {
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    child.stdout?.on('data', (d: Buffer) => {
      if (size >= max) {
        truncated = true;
        child.kill();
        return;
      }
      chunks.push(d);
      size += d.length;
    });
    child.once('error', () => resolve(undefined));
    child.once('close', (code) => {
      if (code !== 0 && !truncated) resolve(undefined);
      else resolve(Buffer.concat(chunks).subarray(0, max).toString('utf8'));
    });
  });
}
