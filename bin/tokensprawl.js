#!/usr/bin/env node
// Thin entry: run the CLI and set the exit code; never call process.exit, so output drains.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
