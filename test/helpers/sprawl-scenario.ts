// The sprawl scenario of issue 14: one unbound ten-year JWT with a write scope and one GitHub
// token, in a repository's history (with CODEOWNERS), a GitHub Actions run's logs and a Kafka
// dump (kcat -J). Built at test time; used by test/e2e/sprawl.test.ts and the browser test.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hs } from '../analyze/jwt-helpers.js';
import { fakeGithubToken } from './fake-tokens.js';
import { buildRepo, type Author } from './git-repo.js';

export const SPRAWL_NOW = '2025-06-01T00:00:00Z';
export const DANA: Author = { name: 'Dana Dev', email: 'dana@example.com' };
export const YEAR = 365 * 24 * 3600;
const ISSUED = Date.parse('2025-01-01T00:00:00Z') / 1000;

export interface SprawlScenario {
  jwt: string;
  key: string;
  repo: string;
  /** the folder holding ci/ and dump.jsonl: run the CLI from here */
  work: string;
  /** `scan` flags naming the three sources */
  sources: string[];
  /** per-source commands and targets, for merge */
  perSource: Array<readonly [string, string]>;
  cleanup: () => void;
}

export async function buildSprawlScenario(): Promise<SprawlScenario> {
  const key = fakeGithubToken('ghp', 'sprawl-scenario');
  // unbound (no cnf), ten years, a write scope: the token a team most wants to find everywhere
  const jwt = await hs({ iss: 'https://login.example.test', sub: 'svc-orders', aud: 'orders-api', scope: 'orders:read orders:write', iat: ISSUED, exp: ISSUED + 10 * YEAR });
  const repo = buildRepo([
    { files: { '.github/CODEOWNERS': '* @acme/everyone\n/config/ @acme/payments\n' }, author: DANA, date: '2025-01-05T00:00:00Z' },
    { files: { 'config/prod.env': `ORDERS_JWT=${jwt}\nGITHUB_TOKEN=${key}\n` }, author: DANA, date: '2025-01-10T00:00:00Z' },
  ]);
  const work = mkdtempSync(path.join(tmpdir(), 'tokensprawl-sprawl-'));
  // a GitHub Actions run's log archive, unpacked: the whole-job log beside the job's folder of step logs
  mkdirSync(path.join(work, 'ci', 'deploy'), { recursive: true });
  const stepLog = [
    '\ufeff2025-03-01T10:00:00.1000000Z ##[group]Run ./scripts/call.sh',
    `2025-03-01T10:00:01.2000000Z curl -H "Authorization: Bearer ${jwt}" https://orders.example.test/`,
    `2025-03-01T10:00:02.3000000Z GITHUB_TOKEN=${key} gh release list`,
    '2025-03-01T10:00:03.4000000Z ##[endgroup]',
    '',
  ].join('\n');
  writeFileSync(path.join(work, 'ci', '0_deploy.txt'), stepLog);
  writeFileSync(path.join(work, 'ci', 'deploy', '2_Call the orders API.txt'), stepLog);
  // kcat -J: one message on topic "orders" from the billing producer
  const payload = JSON.stringify({ type: 'order.created', auth: `Bearer ${jwt}`, github: key });
  writeFileSync(
    path.join(work, 'dump.jsonl'),
    `${JSON.stringify({ topic: 'orders', partition: 0, offset: 7, tstype: 'create', ts: Date.parse('2025-04-01T08:00:00Z'), broker: 1, headers: ['producer', 'billing-svc'], key: 'o-1', payload })}\n`,
  );
  const perSource = [
    ['git', repo.dir],
    ['ci-log', path.join(work, 'ci')],
    ['queue', path.join(work, 'dump.jsonl')],
  ] as const;
  return {
    jwt,
    key,
    repo: repo.dir,
    work,
    sources: ['--git', repo.dir, '--ci-log', path.join(work, 'ci'), '--queue', path.join(work, 'dump.jsonl')],
    perSource: [...perSource],
    cleanup: () => {
      repo.cleanup();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
