// Issue 13, item 10: property tests of the stream parsers, in process. For any bytes, cut into
// any pieces, every queue format and every CI log format (zip archives included) ends: no
// exception, only `errors` entries, none quoting the planted secret.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ciLogSource } from '../../src/sources/ci-log.js';
import { queueSource, type QueueFormat } from '../../src/sources/queue.js';
import { storedZip } from '../helpers/zip.js';
import { drain, expectNoSecret, hostileBytes, hostileText, params, piecesOf, RUNS, SECRET, timeLimit } from './fuzz-support.js';

async function* stream(pieces: Buffer[]): AsyncGenerator<Buffer> {
  yield* pieces;
}

const cuts = fc.array(fc.nat(), { maxLength: 6 });
const formats = fc.constantFrom<QueueFormat>('auto', 'kafka', 'rabbitmq', 'sqs', 'ndjson');

describe(`fuzz: queue dumps (${RUNS} inputs per property)`, () => {
  it(
    'every format, any bytes in any pieces, small and default parse bounds',
    async () => {
      await fc.assert(
        fc.asyncProperty(hostileBytes, cuts, formats, fc.constantFrom(undefined, 48, 300), async (bytes, at, format, maxJsonBytes) => {
          const pieces = piecesOf(bytes, at);
          const src = queueSource(['-'], { cwd: '/', format, stdin: () => stream(pieces), ...(maxJsonBytes ? { maxJsonBytes } : {}) });
          const { errors } = await drain(src);
          expectNoSecret(errors);
        }),
        params(),
      );
    },
    timeLimit(),
  );

  it(
    'JSON lines and documents built from records: the secret is scanned, never quoted',
    async () => {
      const record = fc.record({ topic: fc.string({ maxLength: 5 }), offset: fc.integer(), payload: fc.oneof(hostileText, fc.constant(SECRET)) });
      await fc.assert(
        fc.asyncProperty(fc.array(record, { maxLength: 8 }), fc.boolean(), fc.nat(), cuts, async (records, asDocument, breakAt, at) => {
          let text = asDocument ? JSON.stringify({ Messages: records.map((r) => ({ MessageId: String(r.offset), Body: r.payload })) }, null, 2) : records.map((r) => JSON.stringify(r)).join('\n');
          // sometimes cut short or broken in the middle
          if (breakAt % 3 === 0) text = text.slice(0, breakAt % (text.length + 1));
          const pieces = piecesOf(Buffer.from(text), at);
          const { errors } = await drain(queueSource(['-'], { cwd: '/', format: 'auto', stdin: () => stream(pieces), maxJsonBytes: 200 }));
          expectNoSecret(errors);
        }),
        params(),
      );
    },
    timeLimit(),
  );
});

describe(`fuzz: CI logs (${RUNS} inputs per property)`, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tokensprawl-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'every log format, any bytes in any pieces, small and default line bounds',
    async () => {
      await fc.assert(
        fc.asyncProperty(hostileBytes, cuts, fc.boolean(), async (bytes, at, small) => {
          const pieces = piecesOf(bytes, at);
          const limits = small ? { fragmentChars: 40, lineChars: 16, overlapChars: 4 } : {};
          const { errors } = await drain(ciLogSource(['-'], { cwd: '/', stdin: () => stream(pieces), limits }));
          expectNoSecret(errors);
        }),
        params(),
      );
    },
    timeLimit(),
  );

  it(
    'zip archives: hostile names, nested archives, flipped bytes',
    async () => {
      const name = fc.oneof(fc.constantFrom('1_build.txt', 'job/2_test.txt', '../x.txt', '/abs.txt', 'C:x', 'a\\b.txt', 'inner.zip', `${SECRET}.txt`, 'dir/'), fc.string({ maxLength: 10 }));
      const entry = fc.record({ name, data: hostileText, nested: fc.boolean() });
      const file = path.join(dir, 'run.zip');
      await fc.assert(
        fc.asyncProperty(fc.array(entry, { maxLength: 4 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), async (entries, flips) => {
          const zip = storedZip(entries.map((e) => (e.nested ? { name: `${e.name}.zip`, data: storedZip([{ name: e.name, data: e.data }]) } : { name: e.name, data: e.data })));
          for (const [at, value] of flips) if (zip.length > 0) zip[at % zip.length] = value;
          writeFileSync(file, zip);
          const { errors } = await drain(ciLogSource([file], { cwd: dir }));
          // an unsafe name is reported by its number, never by the name (which may hold anything)
          expectNoSecret(errors.filter((e) => !e.target.includes(`!${SECRET}`)));
        }),
        params(true),
      );
    },
    timeLimit(50, true),
  );
});

describe('fuzz: sanity of the harness', () => {
  it('the planted secret is found by the queue source when present', async () => {
    const { fragments } = await drain(queueSource(['-'], { cwd: '/', format: 'auto', stdin: () => stream([Buffer.from(`{"payload":"${SECRET}"}\n`)]) }));
    expect(fragments).toBeGreaterThan(0);
  });
});
