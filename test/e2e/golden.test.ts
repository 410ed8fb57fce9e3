// Spawns the built binary on purpose: golden reports are the bundle's real output, bytes and exit code.
// Golden reports: `tokensprawl dir fixtures/demo-service --now 2026-01-01T00:00:00Z` in text, JSON
// and SARIF, normalised (start time, duration, tool version, absolute paths; no colour) and
// compared exactly. Regenerate after an intended change with:
//   UPDATE_GOLDEN=1 npx vitest run test/e2e/golden.test.ts
// and review the diff of test/golden/ like code.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from '../helpers/cli.js';

const GOLDEN = path.join(ROOT, 'test/golden');
const ARGS = ['dir', 'fixtures/demo-service', '--now', '2026-01-01T00:00:00Z', '--no-progress'];
const UPDATE = process.env.UPDATE_GOLDEN === '1';

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return typeof v === 'object' && v !== null ? (v as Json) : {};
}

/** Absolute paths of this checkout (and the user's home) become placeholders; Windows separators too. */
function normalisePaths(text: string): string {
  let out = text;
  for (const [abs, name] of [
    [ROOT, '<root>'],
    [process.env.HOME ?? '', '<home>'],
  ] as const) {
    if (abs.length < 2) continue;
    out = out.split(abs).join(name).split(JSON.stringify(abs).slice(1, -1)).join(name);
  }
  return out;
}

function normaliseJson(stdout: string): string {
  const doc = JSON.parse(stdout) as Json;
  obj(doc.tool).version = '<version>';
  const scan = obj(doc.scan);
  scan.startedAt = '<startedAt>';
  scan.durationMs = 0;
  return normalisePaths(`${JSON.stringify(doc, null, 2)}\n`);
}

function normaliseSarif(stdout: string): string {
  const doc = JSON.parse(stdout) as Json;
  for (const run of (doc.runs as unknown[] | undefined) ?? []) {
    const driver = obj(obj(obj(run).tool).driver);
    if ('version' in driver) driver.version = '<version>';
    if ('semanticVersion' in driver) driver.semanticVersion = '<version>';
    for (const inv of (obj(run).invocations as unknown[] | undefined) ?? []) {
      const i = obj(inv);
      if ('startTimeUtc' in i) i.startTimeUtc = '<startTimeUtc>';
      if ('endTimeUtc' in i) i.endTimeUtc = '<endTimeUtc>';
    }
  }
  return normalisePaths(`${JSON.stringify(doc, null, 2)}\n`);
}

function normaliseText(stdout: string): string {
  return normalisePaths(stdout.replace(/\r\n/g, '\n').replace(/ in \d+\.\d+ s\b/g, ' in <duration> s'));
}

const cases = [
  { format: 'text', file: 'demo-service.txt', normalise: normaliseText },
  { format: 'json', file: 'demo-service.json', normalise: normaliseJson },
  { format: 'sarif', file: 'demo-service.sarif.json', normalise: normaliseSarif },
] as const;

describe('golden reports of the demo service', () => {
  it.each(cases)('$format matches test/golden/$file', ({ format, file, normalise }) => {
    const run = cli([...ARGS, '--format', format]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
    // no colour: NO_COLOR is set and stdout is not a terminal
    expect(run.stdout).not.toMatch(/\u001b\[/);
    const actual = normalise(run.stdout);
    const golden = path.join(GOLDEN, file);
    if (UPDATE) writeFileSync(golden, actual);
    let expected: string;
    try {
      expected = readFileSync(golden, 'utf8').replace(/\r\n/g, '\n');
    } catch {
      throw new Error(`${golden} is missing: run UPDATE_GOLDEN=1 npx vitest run test/e2e/golden.test.ts`);
    }
    expect(actual).toBe(expected);
  });

  it('the normalisation only touches what varies between runs', () => {
    const sample = JSON.stringify({ tool: { name: 'tokensprawl', version: '9.9.9' }, scan: { startedAt: 'x', durationMs: 5, now: 'n' }, findings: [] });
    expect(JSON.parse(normaliseJson(sample))).toEqual({
      tool: { name: 'tokensprawl', version: '<version>' },
      scan: { startedAt: '<startedAt>', durationMs: 0, now: 'n' },
      findings: [],
    });
    expect(normaliseText('16 findings; scanned 9 files, 0.0 MB in 0.32 s\n')).toBe('16 findings; scanned 9 files, 0.0 MB in <duration> s\n');
    expect(normalisePaths(`at ${ROOT}/fixtures/x`)).toBe('at <root>/fixtures/x');
  });
});
