/**
 * The ReDoS check for user patterns the linear-time engine cannot run (lookaheads,
 * backreferences): recheck (makenowjust-labs), a well-kept checker that combines automata
 * theory with fuzzing. It runs its own engine (a bundled native binary where the platform has
 * one, else a pure-JavaScript build in a worker), needs no network, and is loaded only when such
 * a pattern exists. A pattern it cannot show safe within the time limit is rejected too: a scan
 * must not hang on a rule file.
 */

export type BacktrackingVerdict = { safe: true } | { safe: false; why: string };

/** Per pattern; the check runs while the rest of the rules load. */
const CHECK_TIMEOUT_MS = 10_000;

export async function checkBacktracking(source: string, flags: string, timeoutMs = CHECK_TIMEOUT_MS): Promise<BacktrackingVerdict> {
  const { check } = await import('recheck');
  const d = await check(source, flags.replace(/[gdy]/g, ''), { timeout: timeoutMs });
  if (d.status === 'safe') return { safe: true };
  if (d.status === 'vulnerable') {
    const spot = d.hotspot[0];
    const at = spot ? ` at position ${spot.start + 1}` : '';
    const kind = d.complexity.type === 'exponential' ? 'exponential' : `polynomial (degree ${d.complexity.degree})`;
    return { safe: false, why: `can backtrack catastrophically (${kind} time)${at}` };
  }
  const reason = d.error.kind === 'timeout' ? `within ${Math.round(timeoutMs / 1000)} s` : `(${d.error.kind})`;
  return { safe: false, why: `could not be shown free of catastrophic backtracking ${reason}` };
}
