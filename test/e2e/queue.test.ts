// End to end: `tokensprawl queue` on the message-queue dump fixtures (kcat -J, kafka-console-consumer,
// RabbitMQ management API, aws sqs receive-message, NDJSON), run from the folder that holds them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding, ScanResult } from '../../src/core/types.js';
import { queueSource } from '../../src/sources/queue.js';
import { runCli, jsonReport, ROOT, type CliRun } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { leakedSecret, rawSecrets } from '../helpers/secrets.js';
import { tmpTree } from '../helpers/tmp.js';

const NOW = '2026-01-01T00:00:00Z';
const FIX = path.join(ROOT, 'fixtures/queue');

async function queue(args: string[], opts: { cwd?: string; format?: string } = {}): Promise<CliRun> {
  return await runCli(['queue', ...args, '--format', opts.format ?? 'json', '--now', NOW, '--no-progress', '--jobs', '1'], { cwd: opts.cwd ?? FIX });
}

/** The raw text at a finding's start: for a decoded value, where the encoded value starts. */
function rawAt(file: string, f: Finding, n = 12): string {
  const line = readFileSync(path.join(FIX, file), 'utf8').split('\n')[f.location.line - 1] ?? '';
  return line.slice(f.location.column - 1, f.location.column - 1 + n);
}

/** Provenance of a finding without the span, for compact comparisons. */
function where(f: Finding): Record<string, unknown> {
  const { queue: q, partition, offset, messageId, field } = f.location;
  return { ruleId: f.ruleId, line: f.location.line, queue: q, partition, offset, messageId, field, decodedFrom: f.decodedFrom };
}

let secrets: string[] = [];
beforeAll(async () => {
  secrets = await rawSecrets(queueSource(['.'], { cwd: FIX, format: 'auto' }));
  expect(secrets.length).toBeGreaterThanOrEqual(8);
});

describe('kcat -J (Kafka)', () => {
  let run: CliRun;
  let r: ScanResult;
  beforeAll(async () => {
    run = await queue(['kcat.jsonl']);
    r = jsonReport(run);
  });

  it('names topic, partition, offset and field; peels base64, gzip, JSON and URL layers', async () => {
    expect(run.status).toBe(2); // line 4 is malformed on purpose: an incomplete scan
    expect((await queue(['kcat.jsonl', '--allow-incomplete'])).status).toBe(1);
    expect(r.scan.command).toBe('queue');
    for (const f of r.findings) {
      expect(f.location.source).toBe('queue');
      expect(f.location.path).toBe('kcat.jsonl');
    }
    const byField = (field: string, offset: number) => r.findings.filter((f) => f.location.field === field && f.location.offset === offset).map(where);
    expect(byField('/headers/authorization', 1041)).toEqual([
      { ruleId: 'bearer-header', line: 1, queue: 'payments.events', partition: 0, offset: 1041, messageId: undefined, field: '/headers/authorization', decodedFrom: undefined },
    ]);
    expect(byField('/payload/token', 2208)).toEqual([
      { ruleId: 'github-pat', line: 2, queue: 'payments.events', partition: 1, offset: 2208, messageId: undefined, field: '/payload/token', decodedFrom: ['base64', 'json'] },
    ]);
    expect(byField('/payload/credentials/github', 2209).map((w) => w.decodedFrom)).toEqual([['base64', 'gzip', 'json']]);
    expect(byField('/payload/callback/query', 9).map((w) => [w.queue, w.partition, w.decodedFrom])).toEqual([['auth.callbacks', 3, ['base64', 'json', 'url']]]);
    expect(r.findings.find((f) => f.location.queue === 'payments.logs')?.location).toMatchObject({ partition: 0, offset: 5, field: '/payload' });
  });

  it('locates a plain header at the token and a decoded payload where the encoded value starts', async () => {
    const header = r.findings.find((f) => f.location.field === '/headers/authorization');
    expect(header && rawAt('kcat.jsonl', header)).toMatch(/^FAKE/);
    const b64 = r.findings.find((f) => f.location.offset === 2208);
    const line2 = JSON.parse(readFileSync(path.join(FIX, 'kcat.jsonl'), 'utf8').split('\n')[1] ?? '{}') as { payload: string };
    expect(b64 && rawAt('kcat.jsonl', b64, line2.payload.length)).toBe(line2.payload);
  });

  it('a malformed record is an error naming file:line; the records after it are still scanned', async () => {
    expect(r.errors.map((e) => e.target)).toEqual(['kcat.jsonl:4']);
    expect(run.stderr).toContain('kcat.jsonl:4');
    expect(r.findings.some((f) => f.location.line > 4)).toBe(true);
    // six well-formed records, one of them with a null payload
    expect(r.scan.stats.messages).toBe(6);
    expect(leakedSecret(run.stdout + run.stderr, secrets)).toBeNull();
  });

  it('the text report shows where in the queue', async () => {
    const text = await queue(['kcat.jsonl'], { format: 'text' });
    expect(text.status).toBe(2);
    expect(text.stdout).toContain('kafka, topic payments.events, partition 1, offset 2208, field /payload/token');
    expect(text.stdout).toMatch(/decoded from base64 → json/);
    expect(text.stdout).toMatch(/error kcat\.jsonl:4: /);
    expect(leakedSecret(text.stdout + text.stderr, secrets)).toBeNull();
  });
});

describe('kafka-console-consumer, RabbitMQ, SQS, NDJSON', () => {
  it('kafka-console-consumer: partition and offset (no topic in the dump), headers by name, base64 value', async () => {
    const run = await queue(['console-consumer.txt']);
    expect(run.status).toBe(1);
    const r = jsonReport(run);
    expect(r.errors).toEqual([]);
    expect(r.scan.stats.messages).toBe(3);
    expect(r.findings.map(where)).toEqual([
      { ruleId: 'bearer-header', line: 1, queue: undefined, partition: 2, offset: 77, messageId: undefined, field: '/headers/authorization', decodedFrom: undefined },
      { ruleId: 'github-pat', line: 1, queue: undefined, partition: 2, offset: 77, messageId: undefined, field: '/payload/session/access_token', decodedFrom: undefined },
      { ruleId: 'jwt', line: 3, queue: undefined, partition: 0, offset: 12, messageId: undefined, field: '/payload', decodedFrom: ['base64'] },
    ]);
    expect(rawAt('console-consumer.txt', r.findings[1]!)).toMatch(/^ghp_/);
    // the same findings when the format is named
    const named = jsonReport(await queue(['console-consumer.txt', '--queue-format', 'kafka']));
    expect(named.findings.map((f) => f.id)).toEqual(r.findings.map((f) => f.id));
  });

  it('RabbitMQ: the routing key names the queue, message ids, JSON, base64 and gzip payloads', async () => {
    const run = await queue(['rabbitmq-get.json']);
    expect(run.status).toBe(1);
    const r = jsonReport(run);
    expect(r.errors).toEqual([]);
    expect(r.scan.stats.messages).toBe(4);
    expect(r.findings.map((f) => [f.ruleId, f.location.queue, f.location.messageId, f.location.field, f.decodedFrom])).toEqual([
      ['bearer-header', 'orders.events', 'msg-0001', '/payload/headers/authorization', ['json']],
      ['jwt', 'orders.events', 'msg-0002', '/payload/access_token', ['base64', 'json']],
      ['jwt', 'orders.events', 'msg-0004', '/payload/refresh_token', ['base64', 'gzip', 'json']],
    ]);
    expect(rawAt('rabbitmq-get.json', r.findings[2]!)).toMatch(/^H4sI/); // gzip magic, base64-encoded
    for (const f of r.findings.filter((x) => x.ruleId === 'jwt')) expect(f.jwt?.form).toBeDefined();
  });

  it('SQS: message id, attributes by JSON pointer, an SNS envelope peeled as JSON in JSON', async () => {
    const run = await queue(['sqs-receive.json']);
    expect(run.status).toBe(1);
    const r = jsonReport(run);
    expect(r.errors).toEqual([]);
    expect(r.scan.stats.messages).toBe(2);
    const id = '5fea7756-0ea4-451a-a703-a558b933e274';
    expect(r.findings.map((f) => [f.ruleId, f.location.messageId, f.location.field, f.decodedFrom])).toEqual([
      ['jwt', id, '/Body/Message/auth/id_token', ['json', 'json']],
      ['github-pat', id, '/MessageAttributes/token/StringValue', undefined],
      ['bearer-header', id, '/MessageAttributes/blob/BinaryValue', ['base64']],
    ]);
    const attr = r.findings[1]!;
    expect(rawAt('sqs-receive.json', attr)).toMatch(/^ghp_/);
    expect(attr.location.endColumn - attr.location.column).toBe(40);
    // AWS's own fields (ReceiptHandle, MD5s, SenderId) are not findings
    expect(r.findings.some((f) => /ReceiptHandle|MD5|Attributes\/SenderId/.test(f.location.field ?? ''))).toBe(false);
  });

  it('NDJSON: queue and message id from the record; a malformed line is an error and the rest is scanned', async () => {
    const run = await queue(['events.ndjson']);
    expect(run.status).toBe(2);
    const r = jsonReport(run);
    expect(r.errors).toEqual([{ target: 'events.ndjson:2', message: expect.stringMatching(/malformed/) as unknown as string }]);
    expect(run.stderr).toContain('events.ndjson:2');
    expect(r.findings.filter((f) => f.ruleId === 'github-pat').map((f) => [f.location.queue, f.location.messageId, f.location.field, f.location.line])).toEqual([
      ['audit', 'a-0001', '/data/token', 1],
    ]);
    // the error message never quotes the record
    expect(JSON.stringify(r.errors)).not.toContain('bob');
  });

  it('a malformed record holding a token names file:line without quoting the token; exit 2 unless --allow-incomplete', async () => {
    const token = fakeGithubToken('ghp', 'queue-broken-record');
    const t = tmpTree({
      'dump.ndjson': `{"queue":"q","messageId":"m-1","data":{"token":"${fakeGithubToken('ghp', 'queue-ok')}"}}\n{"queue":"q","messageId":"m-2","data":{"token":"${token}",}\n{"queue":"q","messageId":"m-3","data":{}}\n`,
    });
    try {
      const run = await queue(['dump.ndjson', '--fail-on', 'none'], { cwd: t.dir });
      expect(run.status).toBe(2);
      const r = jsonReport(run);
      expect(r.errors.map((e) => e.target)).toEqual(['dump.ndjson:2']);
      // The broken record is still scanned as text: its token is found at its line, with no message id.
      expect(r.findings.map((f) => [f.location.line, f.location.messageId])).toEqual([
        [1, 'm-1'],
        [2, undefined],
      ]);
      expect(leakedSecret(run.stdout + run.stderr, [token])).toBeNull();
      expect((await queue(['dump.ndjson', '--fail-on', 'none', '--allow-incomplete'], { cwd: t.dir })).status).toBe(0);
    } finally {
      t.cleanup();
    }
  });

  it('a missing dump exits 2 and names it', async () => {
    const run = await queue(['no-such-dump.json']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no-such-dump.json');
    expect(run.stdout).toBe('');
  });

  it.each(['text', 'sarif'])('never prints a raw secret when scanning every dump (%s)', async (format) => {
    const run = await queue(['.'], { format });
    expect(run.status).toBe(2); // the fixtures hold malformed records on purpose
    expect(leakedSecret(run.stdout + run.stderr, secrets)).toBeNull();
  });
});
