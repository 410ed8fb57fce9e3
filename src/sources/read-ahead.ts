import type { Readable } from 'node:stream';

/**
 * The chunks of a stream, read ahead of the consumer up to `maxBytes`. A producer on the other
 * end of a pipe (git) blocks as soon as the pipe's 64 KiB are full; reading ahead, and giving the
 * event loop a turn between chunks so the reads happen while the consumer works, lets producer and
 * consumer run at the same time instead of taking turns.
 *
 * Listens at once, not on the first `next()`: a child process's output that nobody listens to
 * when the child exits is thrown away (Node resumes such streams so the child can be reaped).
 */
export function readAhead(stream: Readable, maxBytes = 8 * 1024 * 1024): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  stream.on('data', (chunk: Buffer) => {
    queue.push(chunk);
    queued += chunk.length;
    if (queued > maxBytes) stream.pause();
    notify();
  });
  stream.once('end', () => {
    ended = true;
    notify();
  });
  stream.once('error', (err) => {
    failure = err;
    notify();
  });
  return chunks();

  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        const chunk = queue.shift();
        if (chunk) {
          queued -= chunk.length;
          if (stream.isPaused() && queued < maxBytes / 2) stream.resume();
          yield chunk;
          // a turn of the event loop: pending pipe data is read while the consumer works
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        if (failure) throw failure;
        if (ended) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      stream.removeAllListeners('data');
      stream.resume();
    }
  }
}
