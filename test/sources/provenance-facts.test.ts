// Owner and time facts the sources read from their formats, carried to each finding's location
// (the credential view's places, owners and times): CI provider and line timestamps, queue
// broker, producer and message time. Run in process through the CLI, as a user would.
import { afterAll, describe, expect, it } from 'vitest';
import type { Location, ScanResult } from '../../src/core/types.js';
import { jsonReport, runCli } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { leakedSecret } from '../helpers/secrets.js';
import { tmpTrees } from '../helpers/tmp.js';

const { tree } = tmpTrees(afterAll);
const T1 = fakeGithubToken('ghp', 'facts-1');
const T2 = fakeGithubToken('ghp', 'facts-2');

async function locations(command: 'ci-log' | 'queue', files: Record<string, string>, extra: string[] = []): Promise<Location[]> {
  const dir = tree(files);
  const run = await runCli([command, ...Object.keys(files), '--format', 'json', '--now', '2026-01-01T00:00:00Z', '--no-progress', ...extra], { cwd: dir });
  expect(run.stderr).toBe('');
  expect(leakedSecret(run.stdout, [T1, T2])).toBeNull();
  return jsonReport<ScanResult>(run)
    .findings.map((f) => f.location)
    .sort((a, b) => a.line - b.line);
}

describe('CI logs: provider and line time', () => {
  it('GitHub Actions: each finding gets the timestamp of its own line, and the provider', async () => {
    const log = [
      '2024-03-01T10:00:00.0000000Z ##[group]Run actions/checkout@v4',
      `2024-03-01T10:00:01.2500000Z token=${T1}`,
      '2024-03-01T10:00:02.0000000Z ##[endgroup]',
      `2024-03-01T10:05:30.9990000Z again ${T2}`,
    ].join('\n');
    const [a, b] = await locations('ci-log', { 'build.log': `${log}\n` });
    expect(a).toMatchObject({ source: 'ci-log', line: 2, provider: 'github-actions', time: '2024-03-01T10:00:01.250Z' });
    expect(b).toMatchObject({ line: 4, provider: 'github-actions', time: '2024-03-01T10:05:30.999Z' });
  });

  it('gh run view --log: job, step and time from the columns', async () => {
    const [a] = await locations('ci-log', { 'run.log': `build\tDeploy\t2024-03-02T08:00:00.0000000Z export T=${T1}\nbuild\tDeploy\t2024-03-02T08:00:01.0000000Z done\n` });
    expect(a).toMatchObject({ job: 'build', step: 'Deploy', provider: 'github-actions', time: '2024-03-02T08:00:00.000Z' });
  });

  it('GitLab with job-log timestamps, and Jenkins with the timestamper plugin', async () => {
    const [g] = await locations('ci-log', { 'job.log': `Running with gitlab-runner 17.0.0\n2024-04-01T12:00:00.123456Z 00O token ${T1}\n` });
    expect(g).toMatchObject({ provider: 'gitlab', time: '2024-04-01T12:00:00.123Z' });
    const [j] = await locations('ci-log', { consoleText: `Started by user admin\n[2024-04-02T09:30:00.500Z] token ${T2}\n` });
    expect(j).toMatchObject({ provider: 'jenkins', time: '2024-04-02T09:30:00.500Z' });
  });

  it('a plain log has neither provider nor time; a line without a stamp in a stamped log has no time', async () => {
    const [p] = await locations('ci-log', { 'plain.log': `token ${T1}\n` });
    expect(p?.provider).toBeUndefined();
    expect(p?.time).toBeUndefined();
    const [n] = await locations('ci-log', { 'mixed.log': `2024-03-01T10:00:00.0000000Z start\n2024-03-01T10:00:00.0000000Z a\ncontinued ${T1}\n` });
    expect(n).toMatchObject({ provider: 'github-actions', line: 3 });
    expect(n?.time).toBeUndefined();
  });

  it('a hostile timestamp (not a real date) gives no time rather than a crash', async () => {
    const [x] = await locations('ci-log', { 'bad.log': `2024-13-45T99:99:99.0000000Z token ${T1}\n2024-03-01T10:00:00.0000000Z x\n2024-03-01T10:00:00.0000000Z y\n` });
    expect(x?.time).toBeUndefined();
  });
});

describe('queue dumps: broker, producer and message time', () => {
  it('kcat -J: ts and a producer header', async () => {
    const rec = { topic: 'deploys', partition: 0, offset: 3, tstype: 'create', ts: 1709287200000, broker: 1, headers: ['client.id', 'deploy-bot', 'auth', `Bearer ${T1}`], key: null, payload: 'x' };
    const [l] = await locations('queue', { 'k.jsonl': `${JSON.stringify(rec)}\n` });
    expect(l).toMatchObject({ source: 'queue', broker: 'kafka', producer: 'deploy-bot', time: '2024-03-01T10:00:00.000Z', queue: 'deploys' });
  });

  it('kcat -J: tstype none or a zero/negative/huge ts gives no time', async () => {
    const recs = [
      { topic: 't', partition: 0, offset: 1, tstype: 'none', ts: 1709287200000, payload: `t=${T1}` },
      { topic: 't', partition: 0, offset: 2, tstype: 'create', ts: -1, payload: `t=${T2}` },
    ];
    const ls = await locations('queue', { 'k.jsonl': recs.map((r) => JSON.stringify(r)).join('\n') + '\n' });
    expect(ls).toHaveLength(2);
    for (const l of ls) expect(l.time).toBeUndefined();
  });

  it('kafka-console-consumer: CreateTime and a producer header', async () => {
    const line = `CreateTime:1709287200500\tPartition:1\tOffset:9\tproducer:billing,trace:abc\tkey1\t{"token":"${T1}"}`;
    const [l] = await locations('queue', { 'console.txt': `${line}\n` }, ['--queue-format', 'kafka']);
    expect(l).toMatchObject({ broker: 'kafka', producer: 'billing', time: '2024-03-01T10:00:00.500Z', partition: 1, offset: 9 });
  });

  it('RabbitMQ: properties.app_id and properties.timestamp (seconds)', async () => {
    const doc = [{ payload_bytes: 10, redelivered: false, exchange: '', routing_key: 'jobs', message_count: 0, properties: { app_id: 'scheduler', timestamp: 1709287200, message_id: 'm-1' }, payload: `{"auth":"${T1}"}`, payload_encoding: 'string' }];
    const [l] = await locations('queue', { 'rabbit.json': JSON.stringify(doc, null, 2) });
    expect(l).toMatchObject({ broker: 'rabbitmq', producer: 'scheduler', time: '2024-03-01T10:00:00.000Z', messageId: 'm-1' });
  });

  it('SQS: Attributes.SentTimestamp and SenderId', async () => {
    const doc = { Messages: [{ MessageId: 'id-1', ReceiptHandle: 'rh', MD5OfBody: 'x', Body: `token=${T1}`, Attributes: { SentTimestamp: '1709287200000', SenderId: 'AIDAFAKEEXAMPLE000001' } }] };
    const [l] = await locations('queue', { 'sqs.json': JSON.stringify(doc, null, 2) });
    expect(l).toMatchObject({ broker: 'sqs', producer: 'AIDAFAKEEXAMPLE000001', time: '2024-03-01T10:00:00.000Z', messageId: 'id-1' });
  });

  it('NDJSON records name no broker', async () => {
    const [l] = await locations('queue', { 'n.jsonl': `${JSON.stringify({ event: 'x', token: T1 })}\n` });
    expect(l?.broker).toBeUndefined();
    expect(l?.time).toBeUndefined();
  });
});
