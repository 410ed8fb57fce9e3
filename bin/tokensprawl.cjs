#!/usr/bin/env node
// Thin entry: run the CLI and set the exit code; never call process.exit, so output drains.
// load.cjs loads dist/bundle/cli.cjs, the CLI bundled by scripts/bundle.mjs (faster start-up).
'use strict';
const { loadCli } = require('./load.cjs');

loadCli()
  .cli.main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
