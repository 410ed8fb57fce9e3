#!/usr/bin/env node
// Thin entry: run the CLI and set the exit code; never call process.exit, so output drains.
// load.cjs loads dist/bundle/cli.cjs, the CLI bundled by scripts/bundle.mjs (faster start-up).
'use strict';
const { loadCli } = require('./load.cjs');

let cli;
try {
  cli = loadCli().cli;
} catch (err) {
  // A checkout without a build, or a damaged install: one line and exit 2, like every error.
  const why = err && err.code === 'ENOENT' ? `${err.path} is missing: run npm run build` : String(err && err.message ? err.message : err).split('\n')[0];
  process.stderr.write(`tokensprawl: cannot load the CLI: ${why}\n`);
  process.exitCode = 2;
}
if (cli) {
  cli.main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
