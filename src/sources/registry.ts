// Every source tokensprawl reads, in the order `--help` lists them. The CLI builds one command
// per source and the flags of `scan` from this list; a new source is one more line here.
import type { SourceKind } from '../core/types.js';
import { ciLogDefinition } from './ci-log.js';
import { dirDefinition } from './fs.js';
import { gitDefinition } from './git.js';
import { harDefinition } from './har.js';
import { queueDefinition } from './queue.js';
import type { SourceDefinition } from './source.js';
import { stdinDefinition } from './stdin.js';

export const SOURCES: readonly SourceDefinition[] = [dirDefinition, gitDefinition, ciLogDefinition, queueDefinition, harDefinition, stdinDefinition];

export function sourceDefinition(kind: SourceKind): SourceDefinition {
  const found = SOURCES.find((s) => s.kind === kind);
  if (!found) throw new Error(`no source "${kind}" in the registry`);
  return found;
}
