// Part of `npm run build`: bundles the compiled CLI (dist/) with its dependencies into
// dist/bundle/, which bin/tokensprawl.js runs. Resolving and loading ~150 separate modules
// (commander, fast-glob and its helpers, our own files) cost about 50 ms of every start; the
// bundle keeps the lazily imported parts (jose, the workers, the report writers) in their own
// chunks, so a command still loads only what it uses. dist/bundle/ sits two levels below the
// package root like dist/<module>/, so the `new URL('../../rules/', import.meta.url)` paths hold.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = new URL('../dist/bundle/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { cli: 'dist/cli/main.js', worker: 'dist/detect/worker.js' },
  absWorkingDir: new URL('..', import.meta.url).pathname,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
  // Only user rules and config files need ajv and yaml, loaded on demand; their CommonJS named
  // exports (`Ajv`, `YAMLParseError`) do not survive esbuild's interop for import(), and bundling
  // them would save nothing on a common path. recheck (the ReDoS checker for user patterns)
  // finds its worker and native binary through require.resolve, which a bundle would break.
  external: ['ajv', 'yaml', 'recheck'],
  // Bundled CommonJS dependencies call require() for Node's built-ins.
  banner: { js: "import { createRequire as __tokensprawlRequire } from 'node:module'; const require = __tokensprawlRequire(import.meta.url);" },
});
