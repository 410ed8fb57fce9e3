// Every reporter names a finding's provenance with the same parts, in the same order and words
// (src/report/provenance.ts): a CI log's provider, workflow, job and step; a queue's broker,
// topic, partition, offset, message, field and producer.
import { describe, expect, it } from 'vitest';
import type { Finding, Location, ScanResult } from '../../src/core/types.js';
import { renderGithub } from '../../src/report/github.js';
import { provenanceText } from '../../src/report/html-data.js';
import { provenanceParts, provenanceWords } from '../../src/report/provenance.js';
import { placeText } from '../../src/report/sarif.js';
import { renderSummary } from '../../src/report/summary.js';
import { renderText } from '../../src/report/text.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const CI: Location = { source: 'ci-log', path: 'logs/release.log', line: 3, column: 1, endLine: 3, endColumn: 9, provider: 'github-actions', workflow: 'release', job: 'publish', step: 'Upload' };
const QUEUE: Location = { source: 'queue', path: 'dumps/o.jsonl', line: 1, column: 1, endLine: 1, endColumn: 9, broker: 'kafka', queue: 'orders', partition: 2, offset: 42, messageId: 'm-1', field: '/auth', producer: 'billing' };
const RABBIT: Location = { source: 'queue', path: 'dumps/r.json', line: 1, column: 1, endLine: 1, endColumn: 9, broker: 'rabbitmq', queue: 'payments' };

function finding(location: Location): Finding {
  return { id: 'f'.repeat(32), ruleId: 'github-pat', title: 'GitHub token', severity: 'high', secret: { redacted: 'ghp_…FAKE', sha256: 'a'.repeat(64), length: 40 }, location };
}

function result(findings: Finding[]): ScanResult {
  return {
    tool: { name: 'tokensprawl', version: 't' },
    scan: { startedAt: NOW.toISOString(), now: NOW.toISOString(), command: 'scan', targets: ['x'], durationMs: 1, stats: { files: 1, bytes: 1, commits: 0, messages: 0 } },
    findings,
    errors: [],
  };
}

describe('provenance parts', () => {
  it('one order and wording; Kafka has topics, other brokers queues', () => {
    expect(provenanceWords(CI)).toEqual(['github-actions', 'workflow release', 'job publish', 'step Upload']);
    expect(provenanceWords(QUEUE)).toEqual(['kafka', 'topic orders', 'partition 2', 'offset 42', 'message m-1', 'field /auth', 'producer billing']);
    expect(provenanceWords(RABBIT)).toEqual(['rabbitmq', 'queue payments']);
    expect(provenanceParts({ source: 'dir', path: 'a', line: 1, column: 1, endLine: 1, endColumn: 2 })).toEqual([]);
  });

  it('every reporter shows every part', () => {
    const r = result([finding(CI), finding(QUEUE)]);
    const outputs = {
      text: renderText(r, { color: false, now: NOW }),
      github: renderGithub(r, { now: NOW }),
      // Markdown: escapes and code spans taken off to compare the words
      summary: renderSummary(r, { now: NOW }).replace(/\\(.)/g, '$1').replace(/<\/?code>/g, ''),
      html: [CI, QUEUE].map(provenanceText).join('\n'),
      sarif: [CI, QUEUE].map((l) => placeText({ findingId: 'x', location: l } as never)).join('\n'),
    };
    for (const [name, out] of Object.entries(outputs)) {
      for (const w of [...provenanceWords(CI), ...provenanceWords(QUEUE)]) expect(out, `${name} lacks "${w}"`).toContain(w);
    }
  });
});
