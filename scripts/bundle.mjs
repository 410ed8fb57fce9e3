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

// The HTML report's browser code with its charting library (chartist, MIT), minified into one
// script, plus chartist's stylesheet: src/report/html.ts inlines both into every report (one
// self-contained file, no network). They sit in dist/ beside builtin-rules.json.
{
  const root = new URL('..', import.meta.url).pathname;
  const { readFileSync, writeFileSync } = await import('node:fs');
  const notice = '/*! chartist | MIT | (c) 2013 Gion Kunz */\n';
  const js = await build({
    entryPoints: ['src/report/html-client.js'],
    absWorkingDir: root,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome100', 'firefox100', 'safari15'],
    legalComments: 'none',
    write: false,
    logLevel: 'warning',
  });
  const css = await (await import('esbuild')).transform(readFileSync(`${root}node_modules/chartist/dist/index.css`, 'utf8'), { loader: 'css', minify: true });
  const assets = { js: notice + js.outputFiles[0].text, css: css.code };
  // Inlined inside <script> and <style>: nothing in them may close the element early.
  if (/<\/script|<!--/i.test(assets.js) || /<\/style/i.test(assets.css)) throw new Error('html assets: a closing tag inside the inlined script or style');
  writeFileSync(`${root}dist/html-assets.json`, JSON.stringify(assets));
}
