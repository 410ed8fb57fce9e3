#!/usr/bin/env node
// Thin entry: run the CLI and set the exit code; never call process.exit, so output drains.
// dist/bundle/ is dist/ bundled by scripts/bundle.mjs (faster start-up).
import { main } from '../dist/bundle/cli.js';

process.exitCode = await main(process.argv.slice(2));
