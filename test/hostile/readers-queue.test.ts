// Issue 13, item 6 (robust readers), queue dumps: a malformed or too-deep line is an errors entry
// with its line and the next lines go on as records; lines and documents of any size stream;
// pipes, FIFOs and "-" work as inputs. Each case: the error entry or finding, the exit code, and
// no raw secret in anything printed.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { leakedSecret } from '../helpers/secrets.js';
import { tmpTree } from '../helpers/tmp.js';
import { incompleteExit, printed, scan } from './readers-support.js';

const kcat = (offset: number, payload: string): string => JSON.stringify({ topic: 'orders', partition: 0, offset, payload });

describe('queue: hostile JSON lines', () => {
  const deepToken = fakeGithubToken('ghp', 'hostile-deep');
  const afterToken = fakeGithubToken('ghp', 'hostile-after-deep');
  const firstBadToken = fakeGithubToken('ghp', 'hostile-first-bad');
  const goodToken = fakeGithubToken('ghp', 'hostile-after-first-bad');
  let t: ReturnType<typeof tmpTree>;
  beforeAll(() => {
    const depth = 100_000;
    t = tmpTree({
      // deep enough to overflow a recursive parser's stack; a token sits at its bottom
      'deep.jsonl': `${'['.repeat(depth)}"${deepToken}"${']'.repeat(depth)}\n${kcat(5, `token ${afterToken}`)}\n`,
      // the first line is broken: the file is still JSON lines, not one "document"
      'first-bad.jsonl': `{"topic":"orders","payload":"${firstBadToken}" oops\n${kcat(7, `token ${goodToken}`)}\n${kcat(8, 'nothing here')}\n`,
    });
  });
  afterAll(() => t.cleanup());

  it('a line nested 100,000 deep is an error at its line; its text is scanned; the next line is a record', () => {
    const { run, report } = scan('queue', ['deep.jsonl'], { cwd: t.dir });
    expect(report.errors).toEqual([{ target: 'deep.jsonl:1', message: expect.stringMatching(/nested deeper than \d+ levels/) as unknown as string }]);
    const found = report.findings.map((f) => [f.location.line, f.location.offset, f.location.field]);
    expect(found).toContainEqual([2, 5, '/payload']);
    expect(found).toContainEqual([1, undefined, undefined]);
    expect(run.status).toBe(incompleteExit(true));
    expect(leakedSecret(printed(run), [deepToken, afterToken])).toBeNull();
  });

  it('a malformed first line is an error at line 1; the lines after it are records with topic and offset', () => {
    const { run, report } = scan('queue', ['first-bad.jsonl'], { cwd: t.dir });
    expect(report.errors.map((e) => e.target)).toEqual(['first-bad.jsonl:1']);
    expect(report.scan.stats.messages).toBe(2);
    const good = report.findings.find((f) => f.location.line === 2);
    expect(good?.location).toMatchObject({ queue: 'orders', offset: 7, field: '/payload' });
    expect(run.status).toBe(incompleteExit(true));
    expect(leakedSecret(printed(run), [firstBadToken, goodToken])).toBeNull();
  });
});

describe('queue: inputs that are not regular files', () => {
  const token = fakeGithubToken('ghp', 'hostile-stdin');
  const dump = `${kcat(1, 'hello')}\n${kcat(2, `token ${token}`)}\n`;

  it('"-" reads standard input', () => {
    const { run, report } = scan('queue', ['-'], { input: dump });
    expect(report.errors).toEqual([]);
    expect(report.findings.map((f) => [f.location.path, f.location.line, f.location.offset])).toEqual([['-', 2, 2]]);
    expect(run.status).toBe(1);
    expect(leakedSecret(printed(run), [token])).toBeNull();
  });

  it('/dev/stdin (a pipe) is read like a file, not refused with ESPIPE', () => {
    const { run, report } = scan('queue', ['/dev/stdin'], { input: dump });
    expect(report.errors).toEqual([]);
    expect(report.findings.map((f) => [f.location.path, f.location.line, f.location.offset])).toEqual([['/dev/stdin', 2, 2]]);
    expect(run.status).toBe(1);
    expect(leakedSecret(printed(run), [token])).toBeNull();
  });

  it('a FIFO is read like a file', async () => {
    const t = tmpTree({ 'dump.txt': dump });
    const fifo = path.join(t.dir, 'dump.fifo');
    try {
      execFileSync('mkfifo', [fifo]);
      const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', path.join(t.dir, 'dump.txt'), fifo], { stdio: 'ignore' });
      const done = new Promise((resolve) => writer.on('exit', resolve));
      const { run, report } = scan('queue', ['dump.fifo'], { cwd: t.dir });
      await done;
      expect(report.errors).toEqual([]);
      expect(report.findings.map((f) => [f.location.path, f.location.line, f.location.offset])).toEqual([['dump.fifo', 2, 2]]);
      expect(run.status).toBe(1);
      expect(leakedSecret(printed(run), [token])).toBeNull();
    } finally {
      t.cleanup();
    }
  });
});

describe('queue: sizes past the parse bound stream', () => {
  const inLine = fakeGithubToken('ghp', 'hostile-long-line');
  const next = fakeGithubToken('ghp', 'hostile-after-long-line');
  const inDoc = fakeGithubToken('ghp', 'hostile-big-document');
  let t: ReturnType<typeof tmpTree>;
  let longLine: string;
  beforeAll(() => {
    // 3 MB of one message line (over the 2 MiB parse bound), the token in its middle
    longLine = kcat(1, `${'a '.repeat(750_000)}${inLine} ${'b '.repeat(750_000)}`);
    // a 3 MB SQS export: read record by record, the token in message 4000
    const messages = Array.from({ length: 6000 }, (_, i) => ({
      MessageId: `m-${i}`,
      ReceiptHandle: 'AQEBFAKEreceipt',
      MD5OfBody: '0b5c8d0e5f1a2b3c4d5e6f708192a3b4',
      Body: i === 4000 ? `deploy token ${inDoc}` : `order ${i} shipped; ${'x'.repeat(400)}`,
    }));
    t = tmpTree({
      'long.jsonl': `${longLine}\n${kcat(2, `token ${next}`)}\n`,
      'big-sqs.json': JSON.stringify({ Messages: messages }, null, 4),
    });
  });
  afterAll(() => t.cleanup());

  it('a 3 MB line is scanned in windows: the token at its column; the next line is a record', () => {
    const { run, report } = scan('queue', ['long.jsonl'], { cwd: t.dir });
    expect(report.errors).toEqual([]);
    const where = report.findings.map((f) => [f.location.line, f.location.column, f.location.offset]);
    expect(where).toContainEqual([1, longLine.indexOf(inLine) + 1, undefined]);
    expect(where).toContainEqual([2, expect.any(Number), 2]);
    expect(report.scan.stats.messages).toBe(2);
    expect(run.status).toBe(1);
    expect(leakedSecret(printed(run), [inLine, next])).toBeNull();
  });

  it('a 3 MB SQS export is read record by record, the message id and line kept', () => {
    const { run, report } = scan('queue', ['big-sqs.json'], { cwd: t.dir });
    expect(report.errors).toEqual([]);
    expect(report.scan.stats.messages).toBe(6000);
    const f = report.findings.filter((x) => x.ruleId === 'github-pat');
    expect(f.map((x) => [x.location.messageId, x.location.field])).toEqual([['m-4000', '/Body']]);
    // line of the Body in the indented export: 7 lines per message after 2 of preamble, Body the 5th
    expect(f[0]?.location.line).toBe(2 + 4000 * 6 + 5);
    expect(run.status).toBe(1);
    expect(leakedSecret(printed(run), [inDoc])).toBeNull();
  });
});
