// Part of `npm run build`: bundles the compiled CLI (dist/) with its dependencies into
// dist/bundle/. Resolving and loading ~150 separate modules (commander, fast-glob and its
// helpers, our own files) cost about 50 ms of every start.
// - cli.cjs: the CLI as one CommonJS script, which bin/load.js runs through vm.Script with V8's
//   code cache (scripts/code-cache.mjs writes it): Node 20 takes cached data only for scripts,
//   not for ES modules, and reading compiled code back saves more than splitting saved.
// - worker.js: the detection worker (an ES module; a Worker starts it by path).
// dist/bundle/ sits two levels below the package root like dist/<module>/, so the
// `new URL('../../rules/', import.meta.url)` paths hold.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = new URL('../dist/bundle/', import.meta.url).pathname;
const absWorkingDir = new URL('..', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
// Only user rules and config files need ajv and yaml, loaded on demand; recheck (the ReDoS
// checker for user patterns) finds its worker and native binary through require.resolve, which
// a bundle would break. All three are plain CommonJS packages, required from node_modules.
const external = ['ajv', 'yaml', 'recheck'];
await build({
  entryPoints: { worker: 'dist/detect/worker.js' },
  absWorkingDir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  logLevel: 'warning',
  external,
  // Bundled CommonJS dependencies call require() for Node's built-ins.
  banner: { js: "import { createRequire as __tokensprawlRequire } from 'node:module'; const require = __tokensprawlRequire(import.meta.url);" },
});
await build({
  entryPoints: { cli: 'dist/cli/main.js' },
  absWorkingDir,
  bundle: true,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  platform: 'node',
  target: 'node20',
  outdir,
  logLevel: 'warning',
  external,
  // A script run by vm.Script has no loader for import(): lazy imports become require() calls.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__tokensprawl_url' },
  // The first line names this build: bin/load.js uses a code cache only when it names the same.
  banner: { js: `// tokensprawl build ${randomBytes(16).toString('hex')}\nvar __tokensprawl_url = require('node:url').pathToFileURL(__filename).href;` },
  // Whitespace only: names stay, so --debug stack traces still read.
  minifyWhitespace: true,
});
// Pure ASCII, so that reading it is a one-byte copy rather than UTF-8 decoding into a two-byte
// string (esbuild leaves non-ASCII in regular expressions and comments): \uXXXX means the same
// there and in strings. 20 ms of every start on a 1.5 MB bundle.
{
  const cjs = new URL('cli.cjs', `file://${outdir}`);
  const { unicodeEscape } = await import('../dist/core/unicode-escape.js');
  writeFileSync(cjs, unicodeEscape(readFileSync(cjs, 'utf8'), /[^\x00-\x7f]/g));
}

// The HTML report's browser code with its charting library (chartist, MIT), minified into one
// script, plus chartist's stylesheet: src/report/html.ts inlines both into every report (one
// self-contained file, no network). They sit in dist/ beside builtin-rules.json.
{
  const root = new URL('..', import.meta.url).pathname;
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
