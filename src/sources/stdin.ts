import type { Provenance, Source, SourceItem } from '../core/types.js';
import { chunkStream } from './chunks.js';

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
