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

/** The CODEOWNERS at HEAD of a repository (`git cat-file`), or undefined when there is none. */
export async function readCodeownersFromGit(root: string): Promise<CodeownersText | undefined> {
  for (const file of LOCATIONS) {
    const got = await catHeadFile(root, file);
    if (got === undefined) continue;
    return typeof got === 'string' ? { file, text: got } : { file, error: got.error };
  }
  return undefined;
}

function catHeadFile(root: string, file: string): Promise<string | { error: string } | undefined> {
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn('git', ['cat-file', 'blob', `HEAD:${file}`], {
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
      if (size >= MAX_READ) {
        truncated = true;
        child.kill();
        return;
      }
      chunks.push(d);
      size += d.length;
    });
    child.once('error', () => resolve(undefined));
    child.once('close', (code) => {
      if (code !== 0 && !truncated) resolve(undefined); // not in HEAD's tree (or a tree, not a file)
      else resolve(Buffer.concat(chunks).subarray(0, MAX_READ).toString('utf8'));
    });
  });
}
