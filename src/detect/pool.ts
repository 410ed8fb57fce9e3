// Parallel detection on worker threads. Each worker compiles the rules once; fragments go over
// in batches, a file's raw bytes transferred (not copied) and decoded there; located matches
// come back.
import { Worker } from 'node:worker_threads';
import type { Fragment, LocatedMatch } from '../core/types.js';
import type { Rule } from '../rules/types.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker.js';

export interface DetectPool {
  detectBatch: (fragments: Fragment[]) => Promise<LocatedMatch[][]>;
  close: () => Promise<void>;
}

export async function createDetectPool(rules: readonly Rule[], size: number): Promise<DetectPool> {
  const init: WorkerInit = { rules: rules.map((r) => ({ raw: r.raw, family: r.family, file: r.file, gate: r.gate !== undefined })) };
  const workers: Array<{ worker: Worker; load: number }> = [];
  const waiting = new Map<number, { resolve: (m: LocatedMatch[][]) => void; reject: (e: unknown) => void; slot: number; size: number }>();
  let nextId = 0;
  let failure: unknown = null;
  for (let i = 0; i < size; i++) {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    const slot = i;
    worker.on('message', (reply: WorkerReply) => {
      const w = waiting.get(reply.id);
      if (!w) return;
      waiting.delete(reply.id);
      const entry = workers[slot];
      if (entry) entry.load -= w.size;
      if (reply.error !== undefined) w.reject(new Error(reply.error));
      else w.resolve(reply.matches ?? []);
    });
    worker.on('error', (err) => {
      failure = err;
      for (const w of waiting.values()) w.reject(err);
      waiting.clear();
    });
    workers.push({ worker, load: 0 });
  }
  return {
    detectBatch(fragments) {
      if (failure) return Promise.reject(failure);
      // The worker with the fewest characters queued gets the batch.
      let slot = 0;
      for (let i = 1; i < workers.length; i++) if ((workers[i]?.load ?? 0) < (workers[slot]?.load ?? 0)) slot = i;
      const target = workers[slot];
      if (!target) return Promise.reject(new Error('no detection worker'));
      const size = fragments.reduce((n, f) => n + (f.bytes?.byteLength ?? f.text.length), 0);
      target.load += size;
      const id = nextId++;
      // Raw file bytes move to the worker without a copy when the buffer is theirs alone.
      const transfer: ArrayBuffer[] = [];
      for (const f of fragments) {
        const b = f.bytes;
        if (b && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer) transfer.push(b.buffer);
      }
      return new Promise<LocatedMatch[][]>((resolve, reject) => {
        waiting.set(id, { resolve, reject, slot, size });
        const req: WorkerRequest = { id, fragments: fragments.map(slim) };
        target.worker.postMessage(req, transfer);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}

/**
 * What a worker needs of a fragment: its text and how to locate in it. The provenance stays on
 * this thread (the worker only needs the path, for path-restricted rules): cloning a queue
 * message's provenance for every field cost as much as detecting in it.
 */
function slim(f: Fragment): Fragment {
  const out: Fragment = { text: f.text, provenance: { kind: 'dir', path: f.provenance.path }, line: f.line, column: f.column };
  if (f.bytes) out.bytes = f.bytes;
  if (f.pinned) out.pinned = f.pinned;
  if (f.columnMaps) out.columnMaps = f.columnMaps;
  if (f.acceptBefore !== undefined) out.acceptBefore = f.acceptBefore;
  if (f.acceptBeforeByte !== undefined) out.acceptBeforeByte = f.acceptBeforeByte;
  if (f.knownSecrets) out.knownSecrets = f.knownSecrets;
  if (f.decodedFrom) out.decodedFrom = f.decodedFrom;
  return out;
}
