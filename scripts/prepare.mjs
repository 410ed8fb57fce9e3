// npm's `prepare` script: builds dist/ (`npm run build`) unless it is newer than everything it is
// built from. Installing from a clone (pre-commit, `npm install github:…`) runs `prepare` twice,
// for `npm install` and again for `npm pack`; the second build would change nothing.
// `npm run build` itself always builds; `npm test` calls it directly.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const INPUTS = ['src', 'rules', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json'];
const OUTPUTS = ['dist/bundle/cli.cjs', 'dist/bundle/cli.cache', 'dist/builtin-rules.json', 'dist/index.js'];

/** Newest modification time under a path (0 when it does not exist). */
function newest(path) {
  let info;
  try {
    info = statSync(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  let max = info.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

function oldest(paths) {
  let min = Infinity;
  for (const p of paths) {
    try {
      min = Math.min(min, statSync(join(root, p)).mtimeMs);
    } catch {
      return 0; // missing: build
    }
  }
  return min;
}

const built = oldest(OUTPUTS);
const sources = Math.max(...INPUTS.map((p) => newest(join(root, p))));
if (built > sources) {
  process.stderr.write('tokensprawl: dist/ is newer than its sources: not rebuilt (npm run build forces it)\n');
} else {
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', process.stderr, 'inherit'] });
  process.exitCode = r.status ?? 1;
}
