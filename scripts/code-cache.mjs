// Part of `npm run build`: runs the bundled CLI on small inputs like a pre-commit hook's (a
// staged change, a folder, --version), then stores the code V8 compiled for them in
// dist/bundle/cli.cache, which bin/load.js hands back to V8 on every start. Only the functions
// these runs reached are cached; the rest compile on first use, as without a cache. The inputs
// are made here and removed: a fake JWT (no real key signs it) so that the finding, JWT and
// report paths are compiled too.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCli } from '../bin/load.cjs';

const { cli, saveCache } = loadCli({ useCache: false });
let dir;
try {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tokensprawl-code-cache-'));
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const jwt = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'code-cache-warm-up', iat: 1700000000, exp: 1700003600 })}.${'Zm9vYmFy'.repeat(5)}abc`;
  mkdirSync(path.join(dir, 'tree'));
  writeFileSync(path.join(dir, 'tree', 'client.env'), `AUTH_HEADER="Bearer ${jwt}"\n`);
  const io = { cwd: dir, env: { NO_COLOR: '1' } };
  await cli.runCaptured(['--version'], io);
  await cli.runCaptured(['dir', '--no-progress', 'tree'], io);
  const git = (...args) => spawnSync('git', ['-C', path.join(dir, 'tree'), ...args], { encoding: 'utf8' });
  // Without git (a build machine may lack it) the staged run is left out: its functions then compile on first use.
  if (git('init', '-q').status === 0 && git('add', 'client.env').status === 0) {
    await cli.runCaptured(['git', '--staged', '--no-progress', '.'], { ...io, cwd: path.join(dir, 'tree') });
  }
} catch (err) {
  // A warm-up that cannot run (no writable temporary folder) makes a smaller cache, not a failed build.
  console.warn(`code cache: warm-up cut short (${err instanceof Error ? err.message : String(err)})`);
} finally {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
saveCache();
