#!/usr/bin/env node
// Thin entry: run the CLI and set the exit code; never call process.exit, so output drains.
// bin/load.js loads dist/bundle/cli.cjs, the CLI bundled by scripts/bundle.mjs (faster start-up).
import { loadCli } from './load.js';

process.exitCode = await loadCli().cli.main(process.argv.slice(2));
