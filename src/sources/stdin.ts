import { UsageError } from '../core/errors.js';
import type { Provenance, Source, SourceItem } from '../core/types.js';
import { chunkStream } from './chunks.js';
import type { OpenContext, OpenedSource } from './source.js';

/** Standard input (or any byte stream) as one file named `name` ("-" by default). */
export function stdinSource(input: AsyncIterable<Buffer | string>, name = '-'): Source {
  return read(input, name);
}

async function* read(input: AsyncIterable<Buffer | string>, name: string): AsyncGenerator<SourceItem> {
  const provenance: Provenance = { kind: 'stdin', path: name };
  let bytes = 0;
  async function* counted(): AsyncGenerator<Buffer | string> {
    for await (const piece of input) {
      bytes += piece.length;
      yield piece;
    }
  }
  for await (const fragment of chunkStream(counted(), provenance)) yield { type: 'fragment', fragment };
  yield { type: 'stat', files: 1, bytes };
}

/** `tokensprawl stdin` and `scan --stdin`. */
export async function openStdin(_targets: string[], ctx: OpenContext): Promise<OpenedSource> {
  if (ctx.shard) throw new UsageError('--shard does not apply to stdin: there is only one input to split');
  const name = (ctx.flags['stdinName'] as string | undefined) ?? '-';
  return { kind: 'stdin', root: ctx.cwd, targets: [name], items: () => stdinSource(ctx.stdin(), name) };
}
