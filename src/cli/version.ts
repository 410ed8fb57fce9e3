// The tool's version and home page, for `--version` and the reports. A module of its own so that
// the commands need not import cli/main.ts (which imports them: a cycle). It sits two levels below
// the package root, as dist/cli/ and the bundle's dist/bundle/ do, so the path below holds in both.
import { readFileSync } from 'node:fs';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export const INFORMATION_URI = 'https://github.com/tokensprawl/tokensprawl';
