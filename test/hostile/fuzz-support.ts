// Shared by the fuzz cases (issue 13, item 10): how many inputs, hostile text generators, and
// the one property every parser must hold: it returns, or throws a typed error (UsageError and
// its kinds), and nothing it says quotes the planted secret.
import fc from 'fast-check';
import { expect } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import type { ScanError, Source } from '../../src/core/types.js';

/**
 * Inputs per parser: small in `npm test` (the whole fuzz suite well under 20 s); `npm run fuzz`
 * sets TOKENSPRAWL_FUZZ_RUNS=100000. TOKENSPRAWL_FUZZ_SEED replays a failure.
 */
export const RUNS = Number(process.env.TOKENSPRAWL_FUZZ_RUNS ?? 60);
/** Parsers that go through files or many stages (zips, config, rules, merge) may be given fewer. */
export const SLOW_RUNS = Number(process.env.TOKENSPRAWL_FUZZ_SLOW_RUNS ?? RUNS);
const SEED = process.env.TOKENSPRAWL_FUZZ_SEED;

export function params<T>(slow = false): fc.Parameters<T> {
  return { numRuns: slow ? SLOW_RUNS : RUNS, ...(SEED ? { seed: Number(SEED) } : {}), endOnFailure: true };
}

/** A test's time limit for its inputs: generous per input, so only a hang trips it. */
export function timeLimit(perInputMs = 20, slow = false): number {
  return Math.max(30_000, (slow ? SLOW_RUNS : RUNS) * perInputMs);
}

/** A fake token (visibly fake, right shape): it must never be quoted by an error. */
export const SECRET = 'ghp_FAKE0000fuzz0000EXAMPLE00000000abcd';

/** Pieces that matter to the parsers: structure, escapes, line ends, BOMs, markers, the secret. */
const PIECES = [
  '{', '}', '[', ']', '"', ':', ',', '\\', '\\u', '\\"', '\n', '\r', '\r\n', '\t', ' ', '\u0000', '\uFEFF', '\u001b[31m',
  'true', 'null', '-1e999', '0', '"Messages":', '"messages":', '"queue":', '"QueueUrl":', '"payload":', '"headers":',
  '"topic":"t"', '"Body":', 'NO_HEADERS', 'Partition:0', 'Offset:9', '::add-mask::', '##[group]', 'section_start:1:x\r',
  '2026-01-01T00:00:00.0000000Z ', 'eyJhbGciOiJIUzI1NiJ9', 'eyJ', '.', '=', '%22', 'base64:', SECRET, `"${SECRET}"`,
];

/** Text that looks enough like the formats to get past their first checks. */
export const hostileText: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...PIECES) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) }), { maxLength: 60 })
  .map((parts) => parts.join(''));

/** Bytes: mostly hostile text (sometimes UTF-16 with a BOM), sometimes raw bytes. */
export const hostileBytes: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 4, arbitrary: hostileText.map((t) => Buffer.from(t, 'utf8')) },
  { weight: 1, arbitrary: hostileText.map((t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')])) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
);

/** Cuts bytes into the pieces a stream would hand over. */
export function piecesOf(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of at) {
    if (c > from) out.push(bytes.subarray(from, c));
    from = Math.max(from, c);
  }
  if (from < bytes.length) out.push(bytes.subarray(from));
  return out;
}

/** Drains a source: its errors, and how many fragments it gave. */
export async function drain(source: Source): Promise<{ errors: ScanError[]; fragments: number }> {
  const errors: ScanError[] = [];
  let fragments = 0;
  for await (const item of source) {
    if (item.type === 'error') errors.push(item.error);
    else if (item.type === 'fragment') fragments++;
  }
  return { errors, fragments };
}

/** What a parser may do with hostile input: return, or throw a typed error that does not quote the secret. */
export async function typedOrValue<T>(run: () => T | Promise<T>, opts: { mayQuote?: boolean } = {}): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err; // a crash: TypeError, RangeError, ...
    if (!opts.mayQuote) expect(err.message).not.toContain(SECRET);
    return undefined;
  }
}

/** No error entry of a source names the secret. */
export function expectNoSecret(errors: readonly ScanError[]): void {
  for (const e of errors) expect(`${e.target} ${e.message}`).not.toContain(SECRET);
}
