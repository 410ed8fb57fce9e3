// Progress on stderr for scans that run longer than a second (cli-progress renders and
// throttles it). Only ever created when stderr is a TTY.
import type { ScanProgress } from '../scan.js';

export interface Progress {
  update: (p: ScanProgress) => void;
  stop: () => void;
}

const DELAY_MS = 1000;

/** `unit`: what the count counts (commits for a history, messages for a queue dump, else files). */
export async function createProgress(unit: 'files' | 'commits' | 'messages', tty: boolean): Promise<Progress> {
  const cliProgress = (await import('cli-progress')).default;
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      format: `tokensprawl {count} ${unit} · {mb} MB · {rate} MB/s · {findings} findings`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
      noTTYOutput: !tty,
      notTTYSchedule: 2000,
    },
    cliProgress.Presets.shades_classic,
  );
  let shown = false;
  return {
    update(p) {
      const elapsed = (Date.now() - started) / 1000;
      if (!shown && elapsed * 1000 < DELAY_MS) return;
      const count = unit === 'commits' ? p.commits : unit === 'messages' ? p.messages : p.files;
      const payload = { count, mb: (p.bytes / 1e6).toFixed(1), rate: (p.bytes / 1e6 / Math.max(elapsed, 0.001)).toFixed(0), findings: p.findings };
      if (!shown) {
        shown = true;
        bar.start(0, 0, payload);
      } else bar.update(0, payload);
    },
    stop() {
      if (shown) bar.stop();
    },
  };
}
