#!/usr/bin/env node
// Builds a deterministic git history for benchmarking `tokensprawl git`, fast, with
// `git fast-import`: commits that add, modify and delete files holding fake tokens, on a
// main branch and short-lived feature branches merged back (some merges carry extra content).
//
//   node bench/make-history-repo.mjs <dir> [--commits 2500] [--seed 1]
//
// The same arguments give the same repository (same hashes) on every run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { commits: { type: 'string', default: '2500' }, seed: { type: 'string', default: '1' } },
});
const dir = positionals[0];
if (!dir) {
  process.stderr.write('usage: node bench/make-history-repo.mjs <dir> [--commits N] [--seed S]\n');
  process.exitCode = 2;
} else {
  await build(dir, Number(values.commits), Number(values.seed));
}

/** mulberry32: small deterministic PRNG */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function build(dir, total, seed) {
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).length > 0) throw new Error(`${dir} is not empty`);
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  spawnSync('git', ['init', '-q', '-b', 'main', dir], { env, stdio: 'inherit' });
  const fi = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: dir, env, stdio: ['pipe', 'inherit', 'inherit'] });
  const exited = new Promise((res) => fi.on('close', res));
  let buffered = [];
  let size = 0;
  const out = (s) => {
    buffered.push(s);
    size += s.length;
  };
  const flush = async () => {
    if (buffered.length === 0) return;
    const chunk = buffered.join('');
    buffered = [];
    size = 0;
    if (!fi.stdin.write(chunk)) await new Promise((res) => fi.stdin.once('drain', res));
  };

  const rand = rng(seed);
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  const hex = (n) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
  const line = () => {
    const r = rand();
    if (r < 0.03) return `api_token = "FAKE_TOKEN_${hex(32)}_EXAMPLE"`;
    if (r < 0.05) return `Authorization: Bearer FAKE0000${hex(40)}`;
    return `${pick(words)}_${Math.floor(rand() * 1000)} = ${pick(words)} ${pick(words)} ${hex(8)}`;
  };
  const dirs = ['src', 'src/lib', 'config', 'deploy/k8s', 'docs', 'scripts', 'test/fixtures'];

  /** files per branch: path -> lines */
  const trees = new Map([['main', new Map()]]);
  let mark = 0;
  const heads = new Map(); // branch -> mark
  let time = 1_700_000_000;
  let made = 0;
  let feature = null; // { name, commitsLeft }

  const commit = (branch, changes, merge) => {
    const files = trees.get(branch);
    mark++;
    time += 600 + Math.floor(rand() * 3000);
    const who = pick(['Alice Example <alice@example.com>', 'Bob Example <bob@example.com>', 'Carol Example <carol@example.com>']);
    const msg = `change ${made + 1}\n`;
    out(`commit refs/heads/${branch}\nmark :${mark}\nauthor ${who} ${time} +0000\ncommitter ${who} ${time} +0000\n`);
    out(`data ${Buffer.byteLength(msg)}\n${msg}`);
    const parent = heads.get(branch);
    if (parent !== undefined) out(`from :${parent}\n`);
    if (merge !== undefined) out(`merge :${merge}\n`);
    for (const [path, lines] of changes) {
      if (lines === null) {
        files.delete(path);
        out(`D ${path}\n`);
      } else {
        files.set(path, lines);
        const data = `${lines.join('\n')}\n`;
        out(`M 100644 inline ${path}\ndata ${Buffer.byteLength(data)}\n${data}`);
      }
    }
    heads.set(branch, mark);
    made++;
  };

  const changesFor = (files) => {
    const changes = [];
    const n = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < n; i++) {
      const existing = [...files.keys()];
      const r = rand();
      if (existing.length < 20 || r < 0.25) {
        const path = `${pick(dirs)}/${pick(words)}-${hex(6)}.${pick(['env', 'yaml', 'ts', 'json', 'txt'])}`;
        changes.push([path, Array.from({ length: 20 + Math.floor(rand() * 180) }, line)]);
      } else if (r < 0.33) {
        changes.push([pick(existing), null]);
      } else {
        const path = pick(existing);
        const lines = [...(files.get(path) ?? [])];
        const edits = 1 + Math.floor(rand() * 6);
        for (let e = 0; e < edits; e++) {
          const at = Math.floor(rand() * (lines.length + 1));
          if (rand() < 0.6) lines.splice(at, 0, line());
          else lines.splice(at, 1, line());
        }
        changes.push([path, lines]);
      }
    }
    // one change per path per commit
    return [...new Map(changes).entries()];
  };

  while (made < total) {
    if (!feature && made > 10 && rand() < 0.08) {
      const name = `feature/${made}`;
      trees.set(name, new Map(trees.get('main')));
      heads.set(name, heads.get('main'));
      feature = { name, commitsLeft: 2 + Math.floor(rand() * 6) };
    }
    if (feature && feature.commitsLeft === 0) {
      // merge back: main takes the feature's files; sometimes one more line ("evil merge")
      const main = trees.get('main');
      const side = trees.get(feature.name);
      const changes = [];
      for (const [p, lines] of side) if (main.get(p) !== lines) changes.push([p, lines]);
      for (const p of main.keys()) if (!side.has(p)) changes.push([p, null]);
      if (rand() < 0.3 && changes.length > 0) {
        const first = changes.find(([, l]) => l !== null);
        if (first) first[1] = [...first[1], line()];
      }
      commit('main', changes, heads.get(feature.name));
      if (rand() < 0.5) out(`reset refs/tags/v${made}\nfrom :${heads.get(feature.name)}\n\n`);
      trees.delete(feature.name);
      feature = null;
    } else if (feature && rand() < 0.6) {
      commit(feature.name, changesFor(trees.get(feature.name)));
      feature.commitsLeft--;
    } else {
      commit('main', changesFor(trees.get('main')));
    }
    if (size > 1 << 20) await flush();
  }
  out('done\n');
  await flush();
  fi.stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`git fast-import exited with ${code}`);
  spawnSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir, env, stdio: 'inherit' });
  const count = spawnSync('git', ['rev-list', '--all', '--count'], { cwd: dir, env, encoding: 'utf8' }).stdout.trim();
  process.stdout.write(`${dir}: ${count} commits\n`);
}
