// bin/load.cjs: the CLI starts from the build's code cache, and from source whenever the cache
// is missing, from another build or damaged, never running stale code and never failing for it.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'tokensprawl-load-'));
  mkdirSync(path.join(root, 'bin'));
  for (const f of ['tokensprawl.cjs', 'load.cjs']) copyFileSync(path.join(ROOT, 'bin', f), path.join(root, 'bin', f));
  cpSync(path.join(ROOT, 'dist/bundle'), path.join(root, 'dist/bundle'), { recursive: true });
  copyFileSync(path.join(ROOT, 'package.json'), path.join(root, 'package.json'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const cacheFile = () => path.join(root, 'dist/bundle/cli.cache');
const bundleFile = () => path.join(root, 'dist/bundle/cli.cjs');

/** Loads the copy's CLI in a fresh Node, runs `--version`, and reports whether the cache was used. */
function start(): { rejected: string; version: string; stderr: string; status: number | null } {
  const load = pathToFileURL(path.join(root, 'bin/load.cjs')).href;
  const code = `const { loadCli } = await import(${JSON.stringify(load)}); const r = loadCli(); const out = await r.cli.runCaptured(['--version'], { cwd: process.cwd() }); console.log(r.cacheRejected, out.stdout.trim());`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  const [rejected = '', version = ''] = r.stdout.trim().split(' ');
  return { rejected, version, stderr: r.stderr, status: r.status };
}

describe('the code cache', () => {
  const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

  it('is used when it belongs to this build', () => {
    expect(start()).toEqual({ rejected: 'false', version, stderr: '', status: 0 });
  });

  it('is left out, and the CLI still runs, when it is missing', () => {
    rmSync(cacheFile());
    expect(start()).toEqual({ rejected: 'true', version, stderr: '', status: 0 });
  });

  it('is left out when it names another build (a rebuilt bundle beside an old cache)', () => {
    const bundle = readFileSync(bundleFile(), 'utf8');
    // Same length, another id: V8's own check (the source length) would not tell them apart.
    writeFileSync(bundleFile(), bundle.replace(/^(\/\/ tokensprawl build )([0-9a-f])/, (_, head: string, d: string) => head + (d === '0' ? '1' : '0')));
    expect(start()).toEqual({ rejected: 'true', version, stderr: '', status: 0 });
  });

  it('is left out when its compiled code is damaged (V8 rejects it)', () => {
    const data = readFileSync(cacheFile());
    for (let i = 60; i < data.length; i += 97) data[i] = (data[i] ?? 0) ^ 0xff;
    writeFileSync(cacheFile(), data);
    expect(start()).toEqual({ rejected: 'true', version, stderr: '', status: 0 });
  });

  it('is left out when it is too short to hold an id, or empty', () => {
    writeFileSync(cacheFile(), '// tokensprawl');
    expect(start()).toEqual({ rejected: 'true', version, stderr: '', status: 0 });
    writeFileSync(cacheFile(), '');
    expect(start()).toEqual({ rejected: 'true', version, stderr: '', status: 0 });
  });

  it('a missing or damaged bundle is one line on stderr and exit 2', () => {
    const run = () => spawnSync(process.execPath, [path.join(root, 'bin/tokensprawl.cjs'), '--version'], { cwd: root, encoding: 'utf8' });
    writeFileSync(bundleFile(), '// tokensprawl build 0123456789abcdef0123456789abcdef\nthis is not JavaScript(');
    let r = run();
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/^tokensprawl: cannot load the CLI: .+\n$/);
    rmSync(bundleFile());
    r = run();
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(`tokensprawl: cannot load the CLI: ${bundleFile()} is missing: run npm run build\n`);
  });

  it('runs through the bin, exit codes unchanged', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'bin/tokensprawl.cjs'), '--format', 'nope', 'dir', '.'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/format/);
  });
});
