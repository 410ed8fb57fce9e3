// Inputs for the memory rows (issue 13, item 9): each is one shape that once blew the heap.
//   kafka-line  a kcat dump whose one message line is `mb` MB (150): scanned in windows
//   sqs         an `aws sqs receive-message` export of `mb` MB (206), indented: read record by record
//   git-blobs   a repository of one commit with a `mb` MB (100) text file
//   baseline    a JSON report of `mb` MB (82) given as --baseline to a small scan
// Deterministic (seeded), tokens from tokens.mjs; each returns a manifest with the planted places.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lineWriter } from './corpus.mjs';
import { plantLine, rng, sha256 } from './tokens.mjs';

const MB = 1024 * 1024;

const noise = (rand, n) => {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'order', 'shipped', 'pending', 'ok', 'retry', 'cart'];
  let s = '';
  while (s.length < n) s += `${words[Math.floor(rand() * words.length)]} `;
  return s.slice(0, n);
};

/** One kcat line of `mb` MB (its payload), `tokens` planted along it; then one ordinary line. */
export async function buildKafkaLine({ file, mb, tokens = 5, seed = 11 }) {
  const rand = rng(seed);
  const w = lineWriter(file);
  const head = '{"topic":"events","partition":0,"offset":1,"tstype":"create","ts":1767225600000,"broker":1,"headers":[],"key":"big","payload":"';
  w.write(head);
  const planted = [];
  const total = mb * MB;
  const step = Math.floor(total / (tokens + 1));
  let next = step;
  while (w.bytes < total) {
    if (w.bytes >= next && planted.length < tokens) {
      const p = await plantLine(planted.length, 'kafka-line');
      // plain characters only: no JSON escapes needed inside the payload string
      const t = p.token.replace(/["\\]/g, '');
      w.write(` token=${t} `);
      planted.push({ line: 1, kind: p.kind, sha256: sha256(t) });
      next += step;
    }
    w.write(noise(rand, 64 * 1024));
  }
  w.write('"}\n');
  w.write('{"topic":"events","partition":0,"offset":2,"payload":"small"}\n');
  w.close();
  return { bytes: w.bytes, tokens: planted };
}

/** An indented `aws sqs receive-message` export of `mb` MB; a token in every `every`-th body. */
export async function buildSqsExport({ file, mb, tokens = 50, seed = 12 }) {
  const rand = rng(seed);
  const w = lineWriter(file);
  w.write('{\n    "Messages": [\n');
  const total = mb * MB;
  const every = Math.max(1, Math.floor(total / 1200 / tokens));
  const planted = [];
  let line = 3;
  for (let n = 0; w.bytes < total; n++) {
    let body = `order ${n} ${noise(rand, 900)}`;
    let p = null;
    if (n % every === every - 1 && planted.length < tokens) {
      p = await plantLine(planted.length, 'sqs');
      body = `${body} ${p.line}`;
    }
    const msg = { MessageId: `m-${n}`, ReceiptHandle: `AQEBFAKEreceipt${n}`, MD5OfBody: '0b5c8d0e5f1a2b3c4d5e6f708192a3b4', Body: body };
    const text = JSON.stringify(msg, null, 4).split('\n').map((l) => `        ${l}`).join('\n');
    w.write(`${n === 0 ? '' : ',\n'}${text}`);
    // the Body is the 5th line of a message
    if (p) planted.push({ messageId: msg.MessageId, line: line + 4, kind: p.kind, sha256: sha256(p.token) });
    line += 6;
  }
  w.write('\n    ]\n}\n');
  w.close();
  return { bytes: w.bytes, tokens: planted };
}

/** A repository with one commit: a `mb` MB text file with `tokens` planted lines. */
export async function buildBigBlobRepo({ dir, mb, tokens = 5, seed = 13 }) {
  const rand = rng(seed);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'big.txt');
  const w = lineWriter(file);
  const total = mb * MB;
  const step = Math.floor(total / (tokens + 1));
  let next = step;
  let line = 0;
  const planted = [];
  while (w.bytes < total) {
    if (w.bytes >= next && planted.length < tokens) {
      const p = await plantLine(planted.length, 'blob');
      w.write(`${p.line}\n`);
      line++;
      planted.push({ path: 'big.txt', line, kind: p.kind, sha256: sha256(p.token) });
      next += step;
    }
    w.write(`${noise(rand, 100)}\n`);
    line++;
  }
  w.close();
  const git = (...args) => execFileSync('git', args, { cwd: dir, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' } });
  git('init', '-q');
  git('add', 'big.txt');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'big blob');
  return { bytes: w.bytes, tokens: planted };
}

/** A tokensprawl JSON report of `mb` MB (findings with ids), and a small tree to scan with it. */
export async function buildBaseline({ dir, mb, seed = 14 }) {
  const rand = rng(seed);
  mkdirSync(path.join(dir, 'tree'), { recursive: true });
  const p = await plantLine(0, 'baseline');
  writeFileSync(path.join(dir, 'tree', 'app.env'), `${p.line}\n`);
  // its own repository: the project's .gitignore (bench/.corpus*) must not hide the tree
  execFileSync('git', ['init', '-q'], { cwd: dir, stdio: 'ignore' });
  const w = lineWriter(path.join(dir, 'baseline.json'));
  w.write('{\n  "tool": {\n    "name": "tokensprawl",\n    "version": "0.1.0"\n  },\n  "findings": [\n');
  const total = mb * MB;
  for (let n = 0; w.bytes < total; n++) {
    const id = sha256(`finding-${n}-${rand()}`).slice(0, 32);
    const f = {
      id,
      ruleId: 'github-pat',
      severity: 'high',
      secret: { redacted: 'ghp_…', sha256: sha256(`s-${n}`), length: 40 },
      location: { source: 'dir', path: `src/module${n % 500}/file${n}.ts`, line: 1 + (n % 900), column: 7, endLine: 1 + (n % 900), endColumn: 47 },
      message: 'GitHub personal access token',
    };
    w.write(`${n === 0 ? '' : ',\n'}    ${JSON.stringify(f)}`);
  }
  w.write('\n  ]\n}\n');
  w.close();
  return { bytes: w.bytes, tokens: [{ path: 'app.env', line: 1, kind: p.kind, sha256: sha256(p.token) }] };
}
