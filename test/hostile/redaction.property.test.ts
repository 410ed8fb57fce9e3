// Issue 13, "Why" bullet 2 as a property: a token planted in any metadata position of any source
// (file name, JSON key in a queue message, RabbitMQ message_id, CI step or job name, zip entry
// name, JWT header or claim) never appears raw in any output (json, sarif, text, stderr).
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { raw } from '../analyze/jwt-helpers.js';
import { fakeGithubToken, fakeGitlabToken, fakeNpmToken, fakeSlack, fakeStripe } from '../helpers/fake-tokens.js';
import { leakedSecret } from '../helpers/secrets.js';
import { tmpTree, tmpTrees } from '../helpers/tmp.js';
import { storedZip } from '../helpers/zip.js';
import { RAW_CONTROL, runCli } from './helpers.js';

const NOW = '2026-01-01T00:00:00Z';

/** One token of each family, by seed: all visibly fake, all format-correct. */
const FAMILIES: Record<string, (seed: number) => string> = {
  github: (s) => fakeGithubToken('ghp', `hostile-${s}`),
  gitlab: (s) => fakeGitlabToken('glpat', `hostile-${s}`),
  npm: (s) => fakeNpmToken(`hostile-${s}`),
  slack: (s) => fakeSlack('xoxb', `hostile-${s}`),
  stripe: (s) => fakeStripe('sk', 'live', `hostile-${s}`),
  jwt: (s) => raw({ alg: 'HS256', typ: 'JWT' }, { sub: `FAKE-user-${s}`, iat: 1767225600, exp: 1767229200 }),
};

/** A place a token can hide in metadata: files to write, and the command that scans them. */
interface Position {
  command: string[];
  files: (planted: string, content: string) => Record<string, string | Buffer>;
}

const POSITIONS: Record<string, Position> = {
  'file name (dir)': {
    command: ['dir', '.'],
    files: (planted, content) => ({ [`cfg/${planted}.env`]: `TOKEN=${content}\n` }),
  },
  'file name, glued on both sides (dir)': {
    command: ['dir', '.'],
    files: (planted, content) => ({ [`cfg/v1_${planted}_v2.env`]: `TOKEN=${content}\n` }),
  },
  'folder name (dir)': {
    command: ['dir', '.'],
    files: (planted, content) => ({ [`${planted}/app.env`]: `TOKEN=${content}\n` }),
  },
  'JSON key in a queue message (ndjson)': {
    command: ['queue', 'dump.ndjson'],
    files: (planted, content) => ({ 'dump.ndjson': `${JSON.stringify({ queue: 'q', messageId: 'm-1', data: { [planted]: content } })}\n` }),
  },
  'RabbitMQ message_id': {
    command: ['queue', 'rabbit.json', '--queue-format', 'rabbitmq'],
    files: (planted, content) => ({
      'rabbit.json': JSON.stringify([
        { routing_key: 'orders', properties: { message_id: planted }, payload: JSON.stringify({ token: content }), payload_encoding: 'string' },
      ]),
    }),
  },
  'CI job and step name (gh run view)': {
    command: ['ci-log', 'run.log'],
    files: (planted, content) => ({ 'run.log': `${planted}\tdeploy ${planted}\t2024-05-01T12:00:00.0000000Z push with ${content}\n` }),
  },
  'zip entry name (CI log archive)': {
    command: ['ci-log', 'logs.zip'],
    files: (planted, content) => ({
      'logs.zip': storedZip([{ name: `build/1_${planted}.txt`, data: `2024-05-01T12:00:00.0000000Z push with ${content}\n` }]),
    }),
  },
  'JWT header kid and jku, and a claim': {
    command: ['dir', '.'],
    files: (planted) => ({
      'auth.txt': `Authorization: Bearer ${raw({ alg: 'HS256', kid: planted, jku: `https://keys.example/${planted}` }, { sub: planted, note: `see ${planted}`, iat: 1767225600, exp: 1767229200 })}\n`,
    }),
  },
};

const { track } = tmpTrees(afterAll);

describe('redaction everywhere (property)', () => {
  it('a token planted in any metadata position never appears raw in json, sarif, text or stderr', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(FAMILIES)),
        fc.constantFrom(...Object.keys(POSITIONS)),
        fc.constantFrom('json', 'sarif', 'text'),
        fc.integer({ min: 1, max: 1000 }),
        async (family, positionName, format, seed) => {
          const planted = FAMILIES[family]!(seed);
          // The content holds a token too, so that the metadata reaches a finding.
          const content = fakeGithubToken('ghp', `content-${seed}`);
          const position = POSITIONS[positionName]!;
          const t = tmpTree({});
          track(t.cleanup);
          for (const [rel, data] of Object.entries(position.files(planted, content))) {
            mkdirSync(path.dirname(path.join(t.dir, rel)), { recursive: true });
            writeFileSync(path.join(t.dir, rel), data);
          }
          const out = await runCli([...position.command, '--format', format, '--now', NOW, '--no-progress'], t.dir);
          expect([1, 2]).toContain(out.status);
          expect(leakedSecret(out.stdout + out.stderr, [planted, content]), `${family} in ${positionName} (${format})`).toBeNull();
          if (format === 'text') expect(out.stdout + out.stderr).not.toMatch(RAW_CONTROL);
        },
      ),
      { numRuns: 30, seed: 13 },
    );
  });

  it('every position × family is covered at least once (exhaustive, json)', async () => {
    for (const family of Object.keys(FAMILIES)) {
      for (const [positionName, position] of Object.entries(POSITIONS)) {
        const planted = FAMILIES[family]!(7);
        const content = fakeGithubToken('ghp', 'content-7');
        const t = tmpTree(position.files(planted, content));
        track(t.cleanup);
        const out = await runCli([...position.command, '--format', 'json', '--now', NOW, '--no-progress'], t.dir);
        const report = JSON.parse(out.stdout) as { findings: unknown[] };
        expect(report.findings.length, `${family} in ${positionName}: a finding`).toBeGreaterThan(0);
        expect(leakedSecret(out.stdout + out.stderr, [planted, content]), `${family} in ${positionName}`).toBeNull();
      }
    }
  });
});
