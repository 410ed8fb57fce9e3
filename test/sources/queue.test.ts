import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetError } from '../../src/core/errors.js';
import type { Fragment, ScanError, SourceItem } from '../../src/core/types.js';
import { checkQueueTargets, queueSource, type QueueFormat, type QueueOptions } from '../../src/sources/queue.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIX = 'fixtures/queue';

// ---- helpers -------------------------------------------------------------------------------

interface Collected {
  fragments: Fragment[];
  errors: ScanError[];
  messages: number;
  files: number;
  bytes: number;
}

async function collect(paths: string[], format: QueueFormat = 'auto', extra: Partial<QueueOptions> = {}, cwd = ROOT): Promise<Collected> {
  const out: Collected = { fragments: [], errors: [], messages: 0, files: 0, bytes: 0 };
  for await (const item of queueSource(paths, { cwd, format, ...extra }) as AsyncIterable<SourceItem>) {
    if (item.type === 'fragment') out.fragments.push(item.fragment);
    else if (item.type === 'error') out.errors.push(item.error);
    else if (item.type === 'stat') {
      out.messages += item.messages ?? 0;
      out.files += item.files ?? 0;
      out.bytes += item.bytes ?? 0;
    }
  }
  return out;
}

interface Hit {
  fragment: Fragment;
  line: number;
  column: number;
}

/** Where the pipeline reports `secret`: fragment position, pinned position, or column map. */
function hits(fragments: Fragment[], secret: string): Hit[] {
  const out: Hit[] = [];
  for (const f of fragments) {
    const i = f.text.indexOf(secret);
    if (i < 0) continue;
    if (f.pinned) {
      out.push({ fragment: f, line: f.line, column: f.column });
      continue;
    }
    const before = f.text.slice(0, i);
    const lineIdx = before.split('\n').length - 1;
    const col = i - (before.lastIndexOf('\n') + 1);
    const map = f.columnMaps?.get(lineIdx);
    const column = map ? (map[col] ?? -1) + 1 : lineIdx === 0 ? f.column + i : col + 1;
    out.push({ fragment: f, line: f.line + lineIdx, column });
  }
  return out;
}

function only(fragments: Fragment[], secret: string): Hit {
  const found = hits(fragments, secret);
  expect(found.length, `one place for ${secret.slice(0, 8)}…`).toBe(1);
  return found[0] as Hit;
}

async function lines(rel: string): Promise<string[]> {
  return (await readFile(path.join(ROOT, rel), 'utf8')).split('\n');
}

function at(fileLines: string[], h: Hit): string {
  return (fileLines[h.line - 1] ?? '').slice(h.column - 1);
}

// GitHub token checksum: base62 of CRC32 of the 30 body characters, left-padded to 6
function crc32(s: string): number {
  let c = 0xffffffff;
  for (const b of Buffer.from(s)) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
function ghp(body30: string): string {
  const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let n = crc32(body30);
  let s = '';
  while (n > 0) {
    s = (B62[n % 62] ?? '') + s;
    n = Math.floor(n / 62);
  }
  return `ghp_${body30}${s.padStart(6, '0')}`;
}

const OPAQUE = 'FAKE0000opaque0000kafka0000EXAMPLE';
const PAT_B64 = ghp('FAKE0000EXAMPLE0000kafka000001');
const PAT_GZIP = ghp('FAKE0000EXAMPLE0000kafkagzip02');
const PAT_URL = ghp('FAKE0000EXAMPLE0000kafkaurl003');

describe('fixture tokens', () => {
  it('carry valid GitHub checksums, so rules with checksum gates accept them', async () => {
    const all = await Promise.all(['kcat.jsonl', 'console-consumer.txt', 'rabbitmq-get.json', 'sqs-receive.json', 'events.ndjson'].map((f) => readFile(path.join(ROOT, FIX, f), 'utf8')));
    const plain = all.join('\n');
    for (const t of plain.match(/ghp_[A-Za-z0-9]{36}/g) ?? []) expect(ghp(t.slice(4, 34))).toBe(t);
    expect(plain).toContain(ghp('FAKE0000EXAMPLE0000rabbitmq00'));
  });
});

// ---- kcat -J ---------------------------------------------------------------------------

describe('kcat -J dump', () => {
  const file = `${FIX}/kcat.jsonl`;
  let r: Collected;
  let src: string[];
  beforeAll(async () => {
    r = await collect([file]);
    src = await lines(file);
  });

  it('counts messages, the file and every byte', async () => {
    expect(r.messages).toBe(6); // 7 lines, one broken
    expect(r.files).toBe(1);
    expect(r.bytes).toBe((await readFile(path.join(ROOT, file))).length);
  });

  it('names the broken record by file and line, without quoting it, and scans the rest', () => {
    expect(r.errors).toEqual([{ target: `${file}:4`, message: expect.stringMatching(/^malformed JSON record at column \d+/) as unknown as string }]);
    expect(r.fragments.some((f) => f.line === 5)).toBe(true);
  });

  it('locates a header value exactly, named by its header', () => {
    const h = only(r.fragments.filter((f) => f.line === 1), `Bearer ${OPAQUE}`);
    expect(h.line).toBe(1);
    expect(at(src, h)).toMatch(/^Bearer FAKE0000opaque/);
    // the header name comes along as context for rules keyed on "authorization"
    expect(h.fragment.text).toBe(`"authorization","Bearer ${OPAQUE}"`);
    expect(h.fragment.decodedFrom).toBeUndefined();
    expect(h.fragment.provenance).toEqual({
      kind: 'queue',
      path: file,
      queue: 'payments.events',
      partition: 0,
      offset: 1041,
      field: '/headers/authorization',
      broker: 'kafka',
      time: '2026-01-01T00:00:00.123Z',
    });
  });

  it('pins a field of a JSON payload to where the payload starts', () => {
    const h = only(r.fragments, 'eyJhbGciOiJSUzI1NiIs');
    expect(h.fragment.decodedFrom).toEqual(['json']);
    expect(h.fragment.provenance).toMatchObject({ field: '/payload/headers/authorization', queue: 'payments.events', offset: 1041 });
    expect(h.line).toBe(1);
    expect(at(src, h)).toMatch(/^\{\\"type\\":\\"payment.authorized/);
    // the end is the closing quote: the column after the encoded value's last character
    expect(h.fragment.pinned).toEqual({ endLine: 1, endColumn: (src[0] ?? '').length - 1 });
    expect(h.fragment.text).toMatch(/^"authorization": "Bearer eyJ/);
  });

  it('peels base64 → json', () => {
    const h = only(r.fragments, PAT_B64);
    expect(h.fragment.decodedFrom).toEqual(['base64', 'json']);
    expect(h.fragment.provenance).toEqual({ kind: 'queue', path: file, queue: 'payments.events', partition: 1, offset: 2208, field: '/payload/token', broker: 'kafka', time: '2026-01-01T00:00:01.000Z' });
    expect(h.line).toBe(2);
    expect(at(src, h)).toMatch(/^eyJldmVudCI6/);
  });

  it('peels gzip inside base64', () => {
    const h = only(r.fragments, PAT_GZIP);
    expect(h.fragment.decodedFrom).toEqual(['base64', 'gzip', 'json']);
    expect(h.fragment.provenance).toMatchObject({ field: '/payload/credentials/github', partition: 1, offset: 2209 });
    expect(at(src, h)).toMatch(/^H4sI/);
  });

  it('peels base64 → json → url', () => {
    const h = only(r.fragments, PAT_URL);
    expect(h.fragment.decodedFrom).toEqual(['base64', 'json', 'url']);
    expect(h.fragment.provenance).toEqual({ kind: 'queue', path: file, queue: 'auth.callbacks', partition: 3, offset: 9, field: '/payload/callback/query', broker: 'kafka', time: '2026-01-01T00:00:04.000Z' });
    expect(h.fragment.text).toBe(`access_token=${PAT_URL}`);
    expect(h.line).toBe(5);
  });

  it('maps a token after JSON escapes to its own column', () => {
    const found = hits(r.fragments, OPAQUE).filter((h) => h.line === 7);
    expect(found).toHaveLength(1);
    const h = found[0] as Hit;
    expect(h.fragment.columnMaps).toBeDefined();
    expect(h.fragment.text).not.toContain('\n');
    expect(at(src, h).startsWith(OPAQUE)).toBe(true);
    expect(h.fragment.provenance).toMatchObject({ queue: 'payments.logs', field: '/payload' });
  });

  it('does not scan the envelope (topic, timestamps) nor report a JSON payload twice', () => {
    expect(r.fragments.some((f) => f.provenance.kind === 'queue' && f.provenance.field === '/topic')).toBe(false);
    // the raw escaped payload of line 1 is not scanned beside its decoded fields
    expect(r.fragments.filter((f) => f.line === 1 && f.provenance.kind === 'queue' && f.provenance.field === '/payload')).toEqual([]);
    // nor a base64 payload raw: the detector would peel it again and report the token twice
    expect(r.fragments.filter((f) => (f.line === 2 || f.line === 3) && !f.decodedFrom)).toEqual([]);
  });

  it('--queue-format ndjson reads the same lines as generic records', async () => {
    const g = await collect([file], 'ndjson');
    const h = only(g.fragments.filter((f) => f.line === 1), `Bearer ${OPAQUE}`);
    // no kcat header pairing: the value is just the fourth array item
    expect(h.fragment.provenance).toMatchObject({ field: '/headers/3', queue: 'payments.events' });
  });
});

// ---- kafka-console-consumer ---------------------------------------------------------------

describe('kafka-console-consumer text dump', () => {
  const file = `${FIX}/console-consumer.txt`;
  let r: Collected;
  let src: string[];
  beforeAll(async () => {
    r = await collect([file]);
    src = await lines(file);
  });

  it('reads partition, offset, headers and a JSON value at their columns', () => {
    expect(r.messages).toBe(3);
    expect(r.errors).toEqual([]);
    const header = only(r.fragments, `Bearer ${OPAQUE}`.slice(0, 20));
    expect(header.fragment.provenance).toEqual({ kind: 'queue', path: file, partition: 2, offset: 77, field: '/headers/authorization', broker: 'kafka', time: '2026-01-01T00:00:00.123Z' });
    expect(at(src, header)).toMatch(/^Bearer FAKE/);
    const pat = ghp('FAKE0000EXAMPLE0000console0001');
    const value = only(r.fragments, pat);
    expect(value.fragment.provenance).toMatchObject({ field: '/payload/session/access_token', partition: 2, offset: 77 });
    expect(value.fragment.decodedFrom).toBeUndefined();
    expect(at(src, value).startsWith(pat)).toBe(true);
  });

  it('decodes a base64 value, pinned at its column', () => {
    const h = only(r.fragments, 'Authorization: Bearer eyJ');
    expect(h.fragment.decodedFrom).toEqual(['base64']);
    expect(h.fragment.provenance).toMatchObject({ partition: 0, offset: 12, field: '/payload' });
    expect(h.line).toBe(3);
    expect(at(src, h)).toMatch(/^QXV0aG9y/);
  });

  it('is read the same with --queue-format kafka', async () => {
    const k = await collect([file], 'kafka');
    expect(k.fragments).toEqual(r.fragments);
  });
});

// ---- RabbitMQ (a real management API response) ----------------------------------------------

describe('RabbitMQ management API dump', () => {
  const file = `${FIX}/rabbitmq-get.json`;
  let r: Collected;
  let src: string[];
  beforeAll(async () => {
    r = await collect([file]);
    src = await lines(file);
  });

  it('reads every message, named by its routing key and message id', () => {
    expect(r.messages).toBe(4);
    expect(r.errors).toEqual([]);
    const ids = new Set(r.fragments.map((f) => (f.provenance.kind === 'queue' ? f.provenance.messageId : undefined)));
    expect(ids).toEqual(new Set(['msg-0001', 'msg-0002', 'msg-0003', 'msg-0004']));
  });

  it('finds a bearer header inside a JSON payload', () => {
    const h = only(r.fragments, 'Bearer FAKEopaque0000token0000EXAMPLE0000rabbit');
    expect(h.fragment.decodedFrom).toEqual(['json']);
    expect(h.fragment.provenance).toEqual({
      kind: 'queue',
      path: file,
      queue: 'orders.events',
      messageId: 'msg-0001',
      field: '/payload/headers/authorization',
      broker: 'rabbitmq',
    });
    expect(at(src, h)).toMatch(/^\{\\"event\\": \\"order.created/);
  });

  it('finds an access token in a base64 payload', () => {
    const h = only(r.fragments, '"access_token": "eyJ');
    expect(h.fragment.decodedFrom).toEqual(['base64', 'json']);
    expect(h.fragment.provenance).toMatchObject({ messageId: 'msg-0002', field: '/payload/access_token' });
    expect(at(src, h)).toMatch(/^eyJhY2Nlc3NfdG9rZW4i/);
  });

  it('locates an AMQP header exactly', () => {
    const pat = ghp('FAKE0000EXAMPLE0000rabbitmq00');
    const h = only(r.fragments, pat);
    expect(h.fragment.decodedFrom).toBeUndefined();
    expect(h.fragment.provenance).toMatchObject({ messageId: 'msg-0003', field: '/properties/headers/x-token' });
    expect(at(src, h).startsWith(pat)).toBe(true);
  });

  it('peels a binary (payload_encoding base64) gzip payload', () => {
    const h = only(r.fragments, '"refresh_token": "eyJ');
    expect(h.fragment.decodedFrom).toEqual(['base64', 'gzip', 'json']);
    expect(h.fragment.provenance).toMatchObject({ messageId: 'msg-0004', field: '/payload/refresh_token' });
  });

  it('takes the queue name from a dump that holds it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tokensprawl-queue-'));
    try {
      const messages = JSON.parse(await readFile(path.join(ROOT, file), 'utf8')) as unknown[];
      await writeFile(path.join(dir, 'wrapped.json'), JSON.stringify({ queue: 'billing', messages }, null, 2));
      const w = await collect(['wrapped.json'], 'auto', {}, dir);
      expect(w.messages).toBe(4);
      const queues = new Set(w.fragments.map((f) => (f.provenance.kind === 'queue' ? f.provenance.queue : '')));
      expect(queues).toEqual(new Set(['billing']));
      // and no queue at all when nothing names it
      const bare = messages.map((m) => ({ ...(m as object), routing_key: '' }));
      await writeFile(path.join(dir, 'bare.json'), JSON.stringify(bare));
      const b = await collect(['bare.json'], 'rabbitmq', {}, dir);
      expect(b.fragments.every((f) => f.provenance.kind === 'queue' && !('queue' in f.provenance))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// ---- SQS ---------------------------------------------------------------------------------

describe('aws sqs receive-message dump', () => {
  const file = `${FIX}/sqs-receive.json`;
  let r: Collected;
  let src: string[];
  beforeAll(async () => {
    r = await collect([file]);
    src = await lines(file);
  });

  it('reads the indented document, message by message', async () => {
    expect(r.messages).toBe(2);
    expect(r.errors).toEqual([]);
    expect(r.bytes).toBe((await readFile(path.join(ROOT, file))).length);
  });

  it('locates a String attribute at its line and column', () => {
    const pat = ghp('FAKE0000EXAMPLE0000sqsattr0001');
    const h = only(r.fragments, pat);
    expect(h.fragment.provenance).toEqual({
      kind: 'queue',
      path: file,
      messageId: '5fea7756-0ea4-451a-a703-a558b933e274',
      field: '/MessageAttributes/token/StringValue',
      broker: 'sqs',
      producer: 'AIDAFAKE0000EXAMPLE00',
      time: '2026-01-01T00:00:00.000Z',
    });
    expect(h.line).toBe(src.findIndex((l) => l.includes(pat)) + 1);
    expect(at(src, h).startsWith(pat)).toBe(true);
  });

  it('decodes a Binary attribute', () => {
    const h = only(r.fragments, `Authorization: Bearer ${OPAQUE}`);
    expect(h.fragment.decodedFrom).toEqual(['base64']);
    expect(h.fragment.provenance).toMatchObject({ field: '/MessageAttributes/blob/BinaryValue' });
    expect(at(src, h)).toMatch(/^QXV0aG9y/);
  });

  it('follows an SNS envelope in the body (JSON in JSON in JSON)', () => {
    const h = only(r.fragments, '"id_token": "eyJ');
    expect(h.fragment.decodedFrom).toEqual(['json', 'json']);
    expect(h.fragment.provenance).toMatchObject({ field: '/Body/Message/auth/id_token', messageId: '5fea7756-0ea4-451a-a703-a558b933e274' });
    expect(h.line).toBe(7);
  });

  it("skips AWS's own fields", () => {
    const fields = r.fragments.map((f) => (f.provenance.kind === 'queue' ? (f.provenance.field ?? '') : ''));
    expect(fields.filter((f) => /ReceiptHandle|MD5|Attributes\/|MessageId$|DataType/.test(f) && !f.startsWith('/MessageAttributes/') && !f.startsWith('/Body/'))).toEqual([]);
    expect(fields.some((f) => f.endsWith('/DataType'))).toBe(false);
    expect(r.fragments.some((f) => f.text.includes('AQEBFAKEreceipt'))).toBe(false);
  });

  it('reads a document over maxJsonBytes record by record, as it streams, at the same places', async () => {
    const whole = await collect([file]);
    const streamed = await collect([file], 'auto', { maxJsonBytes: 1600 });
    expect(streamed.errors).toEqual([]);
    expect(streamed.messages).toBe(whole.messages);
    expect(streamed.files).toBe(1);
    const place = (f: Fragment): string => JSON.stringify([f.text, f.line, f.column, f.provenance, f.pinned ?? null, f.decodedFrom ?? null]);
    const got = new Set(streamed.fragments.map(place));
    for (const f of whole.fragments) expect(got.has(place(f)), place(f).slice(0, 80)).toBe(true);
  });
});

// ---- generic NDJSON ----------------------------------------------------------------------

describe('NDJSON dump', () => {
  const file = `${FIX}/events.ndjson`;
  it('reads queue and message id from the record, reports the broken line, decodes URL encoding', async () => {
    const r = await collect([file]);
    const src = await lines(file);
    expect(r.messages).toBe(2);
    expect(r.errors).toEqual([{ target: `${file}:2`, message: expect.stringMatching(/column 60/) as unknown as string }]);
    const pat = ghp('FAKE0000EXAMPLE0000ndjson00001');
    const h = only(r.fragments, pat);
    expect(h.fragment.provenance).toEqual({ kind: 'queue', path: file, queue: 'audit', messageId: 'a-0001', field: '/data/token' });
    expect(at(src, h).startsWith(pat)).toBe(true);
    const url = only(r.fragments, `Bearer ${OPAQUE}`);
    expect(url.fragment.decodedFrom).toEqual(['url']);
    expect(url.fragment.provenance).toMatchObject({ messageId: 'a-0003', field: '/data/note' });
    expect(at(src, url)).toMatch(/^Bearer%20FAKE/);
  });
});

// ---- robustness --------------------------------------------------------------------------

describe('queue source robustness', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tokensprawl-queue-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('never quotes a broken record that holds a secret', async () => {
    const pat = ghp('FAKE0000EXAMPLE0000brokenline1');
    await writeFile(path.join(dir, 'broken.jsonl'), `{"topic":"t","partition":0,"offset":1,"payload":"${pat}" "oops"}\n`);
    const r = await collect(['broken.jsonl'], 'auto', {}, dir);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.target).toBe('broken.jsonl:1');
    expect(JSON.stringify(r.errors)).not.toContain(pat.slice(4, 20));
  });

  it('reports a truncated JSON document at the line where it breaks', async () => {
    const text = (await readFile(path.join(ROOT, FIX, 'sqs-receive.json'), 'utf8')).split('\n').slice(0, 12).join('\n');
    await writeFile(path.join(dir, 'truncated.json'), text);
    const r = await collect(['truncated.json'], 'auto', {}, dir);
    // no half-read messages, but the text itself is still scanned, from line 1
    expect(r.fragments.map((f) => [f.text, f.line, f.column, f.provenance])).toEqual([[text, 1, 1, { kind: 'queue', path: 'truncated.json' }]]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.target).toMatch(/^truncated\.json:\d+$/);
  });

  it('scans a line over maxJsonBytes as raw text in windows, and the next ones as records; handles CRLF', async () => {
    const pat = ghp('FAKE0000EXAMPLE0000crlf0000001');
    const inLong = ghp('FAKE0000EXAMPLE0000longline001');
    const long = JSON.stringify({ topic: 't', partition: 0, offset: 1, payload: `${'x'.repeat(3000)} ${inLong} ${'y'.repeat(2000)}` });
    const ok = JSON.stringify({ topic: 't', partition: 0, offset: 2, payload: `token ${pat}` });
    await writeFile(path.join(dir, 'long.jsonl'), `${long}\r\n${ok}\r\n`);
    const r = await collect(['long.jsonl'], 'auto', { maxJsonBytes: 1000 }, dir);
    expect(r.errors).toEqual([]);
    expect(r.messages).toBe(2);
    const l = only(r.fragments, inLong);
    expect(l.fragment.provenance).toEqual({ kind: 'queue', path: 'long.jsonl' });
    expect([l.line, l.column]).toEqual([1, long.indexOf(inLong) + 1]);
    const h = only(r.fragments, pat);
    expect(h.line).toBe(2);
    expect(h.fragment.provenance).toMatchObject({ offset: 2, field: '/payload' });
    expect(h.column).toBe(ok.indexOf(pat) + 1);
  });

  it('reads an SQS response compacted to one JSON line', async () => {
    const doc = JSON.parse(await readFile(path.join(ROOT, FIX, 'sqs-receive.json'), 'utf8')) as object;
    await writeFile(path.join(dir, 'sqs.jsonl'), `${JSON.stringify({ ...doc, QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/000000000000/orders-dlq' })}\n`);
    const r = await collect(['sqs.jsonl'], 'auto', {}, dir);
    expect(r.messages).toBe(2);
    const h = only(r.fragments, ghp('FAKE0000EXAMPLE0000sqsattr0001'));
    expect(h.fragment.provenance).toMatchObject({ queue: 'orders-dlq', field: '/MessageAttributes/token/StringValue' });
  });

  it('reads a folder of dumps in name order, one file stat each', async () => {
    const r = await collect([FIX]);
    expect(r.files).toBe(5);
    const order = [...new Set(r.fragments.map((f) => f.provenance.path))];
    expect(order).toEqual([...order].sort());
  });

  it('scans a large generated dump line by line, tokens at their lines', async () => {
    const n = 20000;
    const every = 4000;
    const rows: string[] = [];
    const tokens: string[] = [];
    for (let i = 0; i < n; i++) {
      const body = { type: 'payment.captured', id: `pay-${String(i).padStart(8, '0')}`, note: 'x'.repeat(40) };
      if (i % every === every - 1) {
        const t = ghp(`FAKE0000EXAMPLE0000big${String(i).padStart(8, '0')}`);
        tokens.push(t);
        Object.assign(body, { auth: { token: t } });
      }
      rows.push(JSON.stringify({ topic: 'big', partition: i % 4, offset: i, tstype: 'create', ts: 1767225600000 + i, broker: 1, key: null, payload: JSON.stringify(body) }));
    }
    await writeFile(path.join(dir, 'big.jsonl'), `${rows.join('\n')}\n`);
    const r = await collect(['big.jsonl'], 'auto', {}, dir);
    expect(r.messages).toBe(n);
    expect(r.errors).toEqual([]);
    tokens.forEach((t, k) => {
      const h = only(r.fragments, t);
      expect(h.line).toBe((k + 1) * every);
      expect(h.fragment.provenance).toMatchObject({ queue: 'big', offset: (k + 1) * every - 1, field: '/payload/auth/token' });
    });
  });
});

describe('checkQueueTargets', () => {
  it('accepts existing dumps and names a missing one', async () => {
    await expect(checkQueueTargets([`${FIX}/kcat.jsonl`, FIX], ROOT)).resolves.toBeUndefined();
    const err = await checkQueueTargets([`${FIX}/kcat.jsonl`, 'nope/dump.jsonl'], ROOT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect((err as Error).message).toContain('nope/dump.jsonl');
    expect((err as Error).message).toContain('does not exist');
  });
});
