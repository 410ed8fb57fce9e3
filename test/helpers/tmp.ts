import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A temporary folder populated from a {relativePath: content} map; removed by cleanup(). */
export function tmpTree(files: Record<string, string | Buffer>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokensprawl-'));
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(dir, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Temporary trees removed by a vitest hook (`afterEach` or `afterAll`): `tree(files)` makes one,
 * `track(fn)` adds another cleanup to the same list.
 */
export function tmpTrees(hook: (fn: () => void) => void): { tree: (files: Record<string, string | Buffer>) => string; track: (cleanup: () => void) => void } {
  let cleanups: Array<() => void> = [];
  hook(() => {
    for (const c of cleanups) c();
    cleanups = [];
  });
  const track = (cleanup: () => void): void => {
    cleanups.push(cleanup);
  };
  return {
    tree: (files) => {
      const t = tmpTree(files);
      track(t.cleanup);
      return t.dir;
    },
    track,
  };
}
