// A detection worker: compiles the rules it is handed, then answers fragment by fragment.
import { parentPort, workerData } from 'node:worker_threads';
import type { Fragment, LocatedMatch } from '../core/types.js';
import { compileRule } from '../rules/compile.js';
import type { RawRule } from '../rules/types.js';
import { createDetector } from './detect.js';
import { detectLocated } from './locate.js';

export interface WorkerInit {
  /** `gate`: whether the rule has one in the main thread (compile.ts gateOf) */
  rules: Array<{ raw: RawRule; family: string; file: string; gate: boolean }>;
}
export interface WorkerRequest {
  id: number;
  fragments: Fragment[];
}
export interface WorkerReply {
  id: number;
  /** one list per fragment, in order */
  matches?: LocatedMatch[][];
  error?: string;
}

if (parentPort) {
  const port = parentPort;
  const init = workerData as WorkerInit;
  // User and imported rules run on the linear-time engine: loaded only when there are some.
  const re2 = init.rules.some((r) => r.raw.engine === 're2') ? await import('re2js') : undefined;
  const detector = createDetector(init.rules.map((r) => compileRule(r.raw, r.family, r.file, re2, { gate: r.gate })));
  port.on('message', (req: WorkerRequest) => {
    try {
      const reply: WorkerReply = { id: req.id, matches: req.fragments.map((f) => detectLocated(f, detector)) };
      port.postMessage(reply);
    } catch (err) {
      port.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) } satisfies WorkerReply);
    }
  });
}
