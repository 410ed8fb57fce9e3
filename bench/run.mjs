#!/usr/bin/env node
// tokensprawl benchmark: builds deterministic corpora (no network except one npm install of
// secretlint into a temp folder), runs tokensprawl beside reference tools, prints a table.
// See bench/README.md.
//
//   npm run bench                    full sizes (a few minutes to build, ~15-30 min to run)
//   npm run bench -- --quick         small sizes, about a minute
//   npm run bench -- --help
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCiLog, buildDirCorpus, buildKcatDump, buildMinified, subsetCorpus } from './corpus.mjs';
import { buildHistoryRepo } from './history-corpus.mjs';
import { buildBaseline, buildBigBlobRepo, buildKafkaLine, buildSqsExport } from './memory-corpus.mjs';
import { HAVE_GNU_TIME, median, runOnce } from './measure.mjs';
import { formatSummary, summarise } from './profile-summary.mjs';
import { loadRgPatterns } from './rg-patterns.mjs';
import { plantLine, sha256 } from './tokens.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'tokensprawl.cjs');
const MB = 1024 * 1024;

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    dir: { type: 'string' },
    runs: { type: 'string' },
    'dir-mb': { type: 'string' },
    tokens: { type: 'string' },
    commits: { type: 'string' },
    'queue-mb': { type: 'string' },
    'ci-mb': { type: 'string' },
    'minified-mb': { type: 'string' },
    'secretlint-mb': { type: 'string' },
    'kafka-line-mb': { type: 'string' },
    'sqs-mb': { type: 'string' },
    'blob-mb': { type: 'string' },
    'baseline-mb': { type: 'string' },
    rebuild: { type: 'boolean', default: false },
    'no-secretlint': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    results: { type: 'string' },
    only: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (flags.help) {
  process.stdout.write(`usage: node bench/run.mjs [options]
  --quick               small sizes (~1 minute)
  --dir <folder>        corpora root (default bench/.corpus, or bench/.corpus-quick with --quick)
  --runs <n>            timed runs per row, interleaved across the tools compared, median reported (default 5; quick 3)
  --dir-mb <n>          size of the dir corpus (default 160; quick 12)
  --tokens <n>          tokens planted per corpus (default 400; quick 100)
  --commits <n>         commits in the history repository (default 2500; quick 300)
  --queue-mb <n>        kcat dump size (default 200; quick 8)
  --ci-mb <n>           CI log size (default 200; quick 8)
  --minified-mb <n>     single-line file size (default 50; quick 5)
  --secretlint-mb <n>   subset scanned by secretlint and tokensprawl (default 16; quick 2)
  --kafka-line-mb <n>   the one message line of the kafka-line row (default 150; quick 8)
  --sqs-mb <n>          the SQS export of the sqs row (default 206; quick 8)
  --blob-mb <n>         the one blob of the git-blobs row (default 100; quick 8)
  --baseline-mb <n>     the --baseline report of the baseline row (default 82; quick 8)
  --no-secretlint       skip the secretlint rows (they npm-install secretlint)
  --rebuild             rebuild the corpora even when their parameters did not change
  --profile             also profile one dir scan (--jobs 1) and print the top 15 functions
  --results <file>      write the Markdown table there (full runs default to bench/RESULTS.md)
  --only <a,b,...>      only these row groups: dir,rg,tar,git,queue,ci,minified,secretlint,startup,staged,
                        kafka-line,sqs,git-blobs,baseline (these four alone build only their own inputs)
`);
  process.exit(0);
}

const quick = flags.quick;
const num = (v, full, small) => Number(v ?? (quick ? small : full));
const cfg = {
  runs: num(flags.runs, 5, 3),
  dirMb: num(flags['dir-mb'], 160, 12),
  tokens: num(flags.tokens, 400, 100),
  commits: num(flags.commits, 2500, 300),
  queueMb: num(flags['queue-mb'], 200, 8),
  ciMb: num(flags['ci-mb'], 200, 8),
  minMb: num(flags['minified-mb'], 50, 5),
  slMb: num(flags['secretlint-mb'], 16, 2),
  kafkaLineMb: num(flags['kafka-line-mb'], 150, 8),
  sqsMb: num(flags['sqs-mb'], 206, 8),
  blobMb: num(flags['blob-mb'], 100, 8),
  baselineMb: num(flags['baseline-mb'], 82, 8),
};
/** Rows of issue 13's memory bound: inputs that once blew the heap, each built on its own. */
const MEMORY_GROUPS = ['kafka-line', 'sqs', 'git-blobs', 'baseline'];
const only = flags.only ? new Set(flags.only.split(',')) : null;
const want = (g) => !only || only.has(g);
const onlyMemory = only !== null && [...only].every((g) => MEMORY_GROUPS.includes(g));
const base = path.resolve(flags.dir ?? path.join(ROOT, 'bench', quick ? '.corpus-quick' : '.corpus'));
const log = (s) => process.stderr.write(`${s}\n`);

// ---------------------------------------------------------------- build

function ensureDist() {
  if (existsSync(path.join(ROOT, 'dist', 'bundle', 'cli.js'))) return;
  log('building dist/ (npm run build)');
  spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

async function buildCorpora() {
  const stampFile = path.join(base, 'stamp.json');
  const stamp = JSON.stringify({ v: 2, ...cfg, runs: undefined, kafkaLineMb: undefined, sqsMb: undefined, blobMb: undefined, baselineMb: undefined });
  if (!flags.rebuild && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    log(`reusing corpora in ${base} (--rebuild to rebuild)`);
    return readManifests();
  }
  rmSync(base, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  let t = Date.now();
  const lap = (what) => {
    log(`  ${what}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
    t = Date.now();
  };
  log(`building corpora in ${base}`);
  const dir = await buildDirCorpus({ out: path.join(base, 'dir'), mb: cfg.dirMb, tokens: cfg.tokens, projectRoot: ROOT });
  lap(`dir corpus ${(dir.bytes / MB).toFixed(0)} MB, ${dir.files} files, ${dir.tokens.length} tokens`);
  subsetCorpus({ from: path.join(base, 'dir'), manifest: dir, out: path.join(base, 'subset'), mb: cfg.slMb });
  lap('secretlint subset');
  const skip = new Set(dir.tokens.map((x) => x.path));
  const git = await buildHistoryRepo({ dir: path.join(base, 'history'), from: path.join(base, 'dir'), commits: cfg.commits, tokens: cfg.tokens, skip });
  lap(`history ${git.commits} commits, ${git.tokens.length} tokens`);
  const q = await buildKcatDump({ file: path.join(base, 'kcat.jsonl'), mb: cfg.queueMb, tokens: cfg.tokens });
  writeFileSync(path.join(base, 'kcat.manifest.json'), JSON.stringify(q, null, 1));
  lap(`kcat dump ${(q.bytes / MB).toFixed(0)} MB, ${q.tokens.length} tokens`);
  const ci = await buildCiLog({ file: path.join(base, 'job.log'), mb: cfg.ciMb, tokens: cfg.tokens });
  writeFileSync(path.join(base, 'ci.manifest.json'), JSON.stringify(ci, null, 1));
  lap(`CI log ${(ci.bytes / MB).toFixed(0)} MB, ${ci.tokens.length} tokens`);
  mkdirSync(path.join(base, 'minified'), { recursive: true });
  const mn = await buildMinified({ file: path.join(base, 'minified', 'bundle.min.js'), fromDir: path.join(base, 'dir'), mb: cfg.minMb });
  writeFileSync(path.join(base, 'minified.manifest.json'), JSON.stringify(mn, null, 1));
  lap(`minified ${(mn.bytes / MB).toFixed(0)} MB`);
  writeFileSync(stampFile, stamp);
  return readManifests();
}

function readManifests() {
  const r = (f) => JSON.parse(readFileSync(path.join(base, f), 'utf8'));
  return { dir: r('dir.manifest.json'), subset: r('subset.manifest.json'), git: r('history.manifest.json'), queue: r('kcat.manifest.json'), ci: r('ci.manifest.json'), minified: r('minified.manifest.json') };
}

// ---------------------------------------------------------------- recall

function readReport(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Fraction of manifest tokens that a finding reports at the planted place with the same sha256. */
function recall(report, tokens, placeOf) {
  if (!report || !tokens.length) return null;
  const seen = new Set();
  for (const f of report.findings ?? []) seen.add(`${placeOf(f.location, null)}#${f.secret?.sha256}`);
  const found = tokens.filter((t) => seen.has(`${placeOf(null, t)}#${t.sha256}`)).length;
  return { found, total: tokens.length, missed: tokens.filter((t) => !seen.has(`${placeOf(null, t)}#${t.sha256}`)) };
}
const byFileLine = (loc, t) => (loc ? `${loc.path}:${loc.line}` : `${t.path}:${t.line}`);
const byCommit = (loc, t) => (loc ? `${loc.commit}:${loc.path}:${loc.line}` : `${t.commit}:${t.path}:${t.line}`);
const byOffset = (loc, t) => (loc ? `${loc.partition}:${loc.offset}` : `${t.partition}:${t.offset}`);
const byLineOnly = (loc, t) => (loc ? `${loc.line}` : `${t.line}`);

/** ripgrep `-n -o` output → line-level recall (ripgrep cannot check the secret itself). */
function rgRecall(file, tokens) {
  const seen = new Set();
  const text = readFileSync(file, 'utf8');
  for (const line of text.split('\n')) {
    const m = /^(?:\.\/)?(.*?):(\d+):/.exec(line);
    if (m) seen.add(`${m[1]}:${m[2]}`);
  }
  const found = tokens.filter((t) => seen.has(`${t.path}:${t.line}`)).length;
  return { found, total: tokens.length };
}

/** secretlint --format json → line-level recall. */
function secretlintRecall(file, root, tokens) {
  const seen = new Set();
  let results = [];
  try {
    results = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  for (const r of results) {
    const rel = path.relative(root, r.filePath).split(path.sep).join('/');
    for (const m of r.messages ?? []) seen.add(`${rel}:${m.loc?.start?.line ?? m.line}`);
  }
  return { found: tokens.filter((t) => seen.has(`${t.path}:${t.line}`)).length, total: tokens.length };
}

// ---------------------------------------------------------------- rows

const rows = [];
const tmp = path.join(os.tmpdir(), `tokensprawl-bench-${process.pid}`);
mkdirSync(tmp, { recursive: true });

function addRow(row) {
  rows.push(row);
  const r = row.failed ? `FAILED: ${row.failed}` : `${(row.wallMs / 1000).toFixed(2)} s, ${row.rssKB ? `${(row.rssKB / 1024).toFixed(0)} MB RSS` : ''}${row.recall ? `, recall ${row.recall.found}/${row.recall.total}` : ''}`;
  log(`  ${row.name}: ${r}`);
}

/**
 * A timed command: { group, name, bytes, cmd, args, opts, okCodes, ours, ref, recall(stdoutFile) }.
 * The stdout of the last run is kept in tmp/<group>.out for recall.
 */
function task(t) {
  return { okCodes: [0], opts: {}, ...t, stdoutFile: path.join(tmp, `${t.group}.out`) };
}

function ours(group, name, args, { cwd, bytes, manifest, place, ref }) {
  return task({
    group, name, bytes, ref, ours: true, cmd: process.execPath,
    args: [BIN, ...args, '--format', 'json', '--no-progress', '--fail-on', 'none'], opts: { cwd },
    recall: (file) => {
      const rec = manifest && place ? recall(readReport(file), manifest.tokens, place) : null;
      if (rec && rec.missed.length) writeFileSync(path.join(tmp, `${group}.missed.json`), JSON.stringify(rec.missed, null, 1));
      return rec;
    },
  });
}

/**
 * Runs the tasks round-robin, `n` rounds (A B C A B C ...), so that a change in machine load
 * hits every tool of a comparison alike; then one row per task: median wall, max RSS.
 */
async function interleave(tasks, n) {
  const runs = tasks.map(() => []);
  const failed = tasks.map(() => null);
  for (let round = 0; round < n; round++) {
    for (const [i, t] of tasks.entries()) {
      if (failed[i]) continue;
      const r = await runOnce(t.cmd, t.args, { ...t.opts, stdoutFile: t.stdoutFile });
      if (!t.okCodes.includes(r.code)) {
        const errLines = r.stderr.trim().split('\n');
        const first = errLines.find((l) => /error/i.test(l)) ?? errLines[0] ?? '';
        failed[i] = `exit ${r.code} in run ${round + 1}: ${first.slice(0, 200)}`;
        writeFileSync(path.join(tmp, `${t.group}.stderr`), r.stderr);
      }
      else runs[i].push(r);
    }
  }
  for (const [i, t] of tasks.entries()) {
    const rec = !failed[i] && t.recall ? t.recall(t.stdoutFile) : null; // may set a lazy `bytes`
    const base = { group: t.group, name: typeof t.name === 'function' ? t.name() : t.name, bytes: typeof t.bytes === 'function' ? t.bytes() : t.bytes, ref: t.ref, ours: t.ours };
    if (failed[i]) addRow({ ...base, failed: failed[i] });
    else addRow({ ...base, wallMs: median(runs[i].map((r) => r.wallMs)), rssKB: Math.max(...runs[i].map((r) => r.rssKB)), cpuMs: median(runs[i].map((r) => r.cpuMs)), recall: rec });
  }
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function dirBytes(dir) {
  const r = spawnSync('du', ['-sb', dir], { encoding: 'utf8' });
  return Number(r.stdout.split('\t')[0]);
}

const loads = [];
async function main() {
  ensureDist();
  const m = onlyMemory ? null : await buildCorpora();
  const dirRoot = path.join(base, 'dir');
  const dirSize = dirBytes(dirRoot);
  loads.push(os.loadavg()[0]);
  log(`\nrunning (${cfg.runs} interleaved runs per row, median; GNU time ${HAVE_GNU_TIME ? 'present' : 'absent: polling VmHWM'})`);

  // -- dir vs ripgrep vs tar
  const dirTasks = [];
  if (want('tar')) dirTasks.push(task({ group: 'tar', name: 'tar cf - . | wc -c (dir, I/O floor)', bytes: dirSize, cmd: 'tar cf - . | wc -c', args: [], opts: { cwd: dirRoot, shell: true } }));
  if (want('dir')) dirTasks.push(ours('dir', 'tokensprawl dir', ['dir', '.'], { cwd: dirRoot, bytes: dirSize, manifest: m.dir, place: byFileLine, ref: ['rg', 'tar'] }));
  if (want('rg')) {
    if (!have('rg')) {
      addRow({ group: 'rg', name: 'ripgrep (same patterns)', bytes: dirSize, failed: 'rg not installed: apt-get update && apt-get install -y ripgrep' });
    } else {
      const pats = path.join(tmp, 'rg.patterns');
      const all = loadRgPatterns(path.join(ROOT, 'rules'));
      const translated = all.filter((p) => p.rg);
      const dropped = all.filter((p) => !p.rg).map((p) => p.id);
      writeFileSync(pats, `${translated.map((p) => p.rg).join('\n')}\n`);
      dirTasks.push(task({
        group: 'rg', name: `ripgrep -c -j2 (${translated.length} translated patterns${dropped.length ? `; left out: ${dropped.join(', ')}` : ''})`, bytes: dirSize, cmd: 'rg', args: ['-c', '--no-ignore', '--hidden', '-j2', '--regex-size-limit', '2G', '--dfa-size-limit', '2G', '-f', pats, '.'], opts: { cwd: dirRoot }, okCodes: [0, 1],
        recall: () => {
          const out = path.join(tmp, 'rg-n.txt');
          spawnSync('sh', ['-c', `rg -n -o --no-heading --no-ignore --hidden -j2 --regex-size-limit 2G --dfa-size-limit 2G -f '${pats}' . > '${out}'`], { cwd: dirRoot });
          return rgRecall(out, m.dir.tokens);
        },
      }));
    }
  }
  await interleave(dirTasks, cfg.runs);

  // -- history
  const repo = path.join(base, 'history');
  if (want('git')) {
    let logBytes = 0;
    const gl = task({ group: 'gitlog', name: `git log -p --all | wc -c (${m.git.commits} commits)`, bytes: () => logBytes, cmd: 'git log -p --all | wc -c', args: [], opts: { cwd: repo, shell: true } });
    gl.recall = (file) => {
      logBytes = Number(readFileSync(file, 'utf8').trim()) || 0;
      return null;
    };
    const ts = ours('git', `tokensprawl git (${m.git.commits} commits)`, ['git', '.'], { cwd: repo, bytes: () => logBytes, manifest: m.git, place: byCommit, ref: ['gitlog'] });
    // gitlog's row (which sets logBytes) is added first
    await interleave([gl, ts], cfg.runs);
  }

  // -- queue, CI log, minified
  const more = [];
  if (want('queue')) more.push(ours('queue', 'tokensprawl queue (kcat JSONL)', ['queue', 'kcat.jsonl'], { cwd: base, bytes: statSync(path.join(base, 'kcat.jsonl')).size, manifest: m.queue, place: byOffset }));
  if (want('ci')) more.push(ours('ci', 'tokensprawl ci-log (GitLab job log)', ['ci-log', 'job.log'], { cwd: base, bytes: statSync(path.join(base, 'job.log')).size, manifest: m.ci, place: byFileLine }));
  if (want('minified')) more.push(ours('minified', `tokensprawl dir (${cfg.minMb} MB single-line file)`, ['dir', 'bundle.min.js'], { cwd: path.join(base, 'minified'), bytes: statSync(path.join(base, 'minified', 'bundle.min.js')).size, manifest: m.minified, place: byLineOnly }));
  await interleave(more, cfg.runs);
  if (MEMORY_GROUPS.some(want)) await memoryRows();

  // -- secretlint on a subset
  if (want('secretlint') && !flags['no-secretlint']) {
    const sub = path.join(base, 'subset');
    const subBytes = dirBytes(sub);
    const slTasks = [ours('subset', `tokensprawl dir (${cfg.slMb} MB subset)`, ['dir', '.'], { cwd: sub, bytes: subBytes, manifest: m.subset, place: byFileLine, ref: ['secretlint'] })];
    const sl = installSecretlint();
    if (sl.error) addRow({ group: 'secretlint', name: 'secretlint (recommended preset)', bytes: subBytes, failed: sl.error });
    else {
      const rc = path.join(tmp, 'secretlintrc.json');
      writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
      slTasks.push(task({
        group: 'secretlint', name: 'secretlint (recommended preset)', bytes: subBytes, cmd: process.execPath, args: [sl.bin, '--secretlintrc', rc, '--format', 'json', '--no-color', '**/*'], opts: { cwd: sub }, okCodes: [0, 1],
        recall: (file) => secretlintRecall(file, sub, m.subset.tokens),
      }));
    }
    await interleave(slTasks, cfg.runs);
  }

  // -- start-up and pre-commit latency
  // `node -e 0` beside them: Node's own start-up on this machine, which both rows include.
  const floor = task({ group: 'node', name: 'node -e 0 (Node alone, for scale; median of 10)', cmd: process.execPath, args: ['-e', '0'], opts: { cwd: ROOT } });
  if (want('startup')) await interleave([task({ group: 'startup', name: 'tokensprawl --version (median of 10)', cmd: process.execPath, args: [BIN, '--version'], opts: { cwd: ROOT }, ours: true, ref: ['node'] }), floor], 10);
  if (want('staged')) await stagedRow(repo);
  loads.push(os.loadavg()[0]);

  printAndWrite(m);
}

/** Built once per size in <corpora>/memory/, reused while the sizes are unchanged. */
async function buildMemoryCorpora() {
  const dir = path.join(base, 'memory');
  const stampFile = path.join(dir, 'stamp.json');
  const stamp = JSON.stringify({ v: 1, kafkaLineMb: cfg.kafkaLineMb, sqsMb: cfg.sqsMb, blobMb: cfg.blobMb, baselineMb: cfg.baselineMb });
  const manifestFile = path.join(dir, 'memory.manifest.json');
  if (!flags.rebuild && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return JSON.parse(readFileSync(manifestFile, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`building memory inputs in ${dir}`);
  const m = {
    kafkaLine: await buildKafkaLine({ file: path.join(dir, 'kafka-line.jsonl'), mb: cfg.kafkaLineMb }),
    sqs: await buildSqsExport({ file: path.join(dir, 'sqs-export.json'), mb: cfg.sqsMb }),
    blobs: await buildBigBlobRepo({ dir: path.join(dir, 'blobs'), mb: cfg.blobMb }),
    baseline: await buildBaseline({ dir: path.join(dir, 'baseline'), mb: cfg.baselineMb }),
  };
  writeFileSync(manifestFile, JSON.stringify(m, null, 1));
  writeFileSync(stampFile, stamp);
  return m;
}

let memoryManifest = null;
async function memoryRows() {
  const mm = (memoryManifest = await buildMemoryCorpora());
  const dir = path.join(base, 'memory');
  const byMessage = (loc, t) => (loc ? `${loc.messageId}:${loc.line}` : `${t.messageId}:${t.line}`);
  const tasks = [];
  if (want('kafka-line')) tasks.push(ours('kafka-line', `tokensprawl queue (kcat, one ${cfg.kafkaLineMb} MB message line)`, ['queue', 'kafka-line.jsonl'], { cwd: dir, bytes: mm.kafkaLine.bytes, manifest: mm.kafkaLine, place: byLineOnly }));
  if (want('sqs')) tasks.push(ours('sqs', `tokensprawl queue (${cfg.sqsMb} MB SQS export)`, ['queue', 'sqs-export.json'], { cwd: dir, bytes: mm.sqs.bytes, manifest: mm.sqs, place: byMessage }));
  if (want('git-blobs')) tasks.push(ours('git-blobs', `tokensprawl git (one ${cfg.blobMb} MB blob)`, ['git', '.'], { cwd: path.join(dir, 'blobs'), bytes: mm.blobs.bytes, manifest: mm.blobs, place: byFileLine }));
  if (want('baseline')) tasks.push(ours('baseline', `tokensprawl dir --baseline (${cfg.baselineMb} MB report)`, ['dir', 'tree', '--baseline', 'baseline.json'], { cwd: path.join(dir, 'baseline'), bytes: mm.baseline.bytes, manifest: mm.baseline, place: byFileLine }));
  await interleave(tasks, cfg.runs);
}

async function stagedRow(repo) {
  const git = (...a) => spawnSync('git', a, { cwd: repo, encoding: 'utf8' });
  const file = git('ls-files').stdout.split('\n').find((f) => f.endsWith('.js') || f.endsWith('.py')) ?? git('ls-files').stdout.split('\n')[0];
  const p = await plantLine(0, 'staged');
  const abs = path.join(repo, file);
  writeFileSync(abs, `${readFileSync(abs, 'latin1')}${p.line}\n`, 'latin1');
  git('add', file);
  const line = readFileSync(abs, 'latin1').split('\n').length - 1;
  try {
    const manifest = { tokens: [{ path: file, line, sha256: sha256(p.token) }] };
    await interleave([ours('staged', 'tokensprawl git --staged (one-file change, median of 5)', ['git', '--staged', '.'], { cwd: repo, manifest, place: byFileLine, ref: ['node'] })], 5);
  } finally {
    git('reset', '-q', '--hard', 'HEAD');
  }
}

function installSecretlint() {
  const dir = path.join(os.tmpdir(), 'tokensprawl-bench-secretlint');
  const bin = path.join(dir, 'node_modules', 'secretlint', 'bin', 'secretlint.js');
  if (existsSync(bin)) return { bin };
  log('installing secretlint + @secretlint/secretlint-rule-preset-recommend into ' + dir);
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', dir, 'secretlint', '@secretlint/secretlint-rule-preset-recommend'], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(bin)) return { error: `npm install secretlint failed (exit ${r.status})` };
  return { bin };
}

// ---------------------------------------------------------------- report

const cell = (s) => s.replace(/\|/g, '\\|');
const fmtMB = (b) => (b ? (b / MB).toFixed(1) : '');
function printAndWrite(m) {
  const get = (g) => rows.find((r) => r.group === g && !r.failed);
  const mbps = (r) => (r && r.bytes && r.wallMs ? r.bytes / MB / (r.wallMs / 1000) : null);
  const lines = [];
  lines.push('| row | input MB | wall s | MB/s | CPU s | peak RSS MB | ratio to reference | recall |');
  lines.push('| --- | --: | --: | --: | --: | --: | --- | --: |');
  for (const r of rows) {
    if (r.failed) {
      lines.push(`| ${cell(r.name)} | ${fmtMB(r.bytes)} | failed | | | | ${r.failed.replace(/\|/g, '/')} | |`);
      continue;
    }
    const ratios = (r.ref ?? []).map((g) => {
      const o = get(g);
      if (!o) return null;
      // rows without an input size (start-up) compare times: how much longer than the reference
      if (!r.bytes) return `${(r.wallMs - o.wallMs).toFixed(0)} ms over ${g} (wall ${(r.wallMs / o.wallMs).toFixed(2)}x)`;
      return `${(mbps(r) / mbps(o)).toFixed(2)}x ${g} speed (wall ${(r.wallMs / o.wallMs).toFixed(2)}x, CPU ${(r.cpuMs / o.cpuMs).toFixed(2)}x)`;
    }).filter(Boolean);
    const rec = r.recall ? `${r.recall.found}/${r.recall.total}` : '';
    const wall = r.wallMs < 1000 ? `${(r.wallMs / 1000).toFixed(3)}` : (r.wallMs / 1000).toFixed(2);
    lines.push(`| ${cell(r.name)} | ${fmtMB(r.bytes)} | ${wall} | ${mbps(r)?.toFixed(1) ?? ''} | ${Number.isFinite(r.cpuMs) ? (r.cpuMs / 1000).toFixed(2) : ''} | ${(r.rssKB / 1024).toFixed(0)} | ${ratios.join('; ')} | ${rec} |`);
  }
  const targets = [];
  // --quick inputs are too small to judge the targets: start-up dominates every ratio.
  const verdict = (ok) => (ok === null ? 'n/a' : quick ? `${ok ? 'met' : 'not met'} (--quick: too small to judge)` : ok ? 'met' : '**not met**');
  const check = (label, ok, detail) => targets.push(`| ${label} | ${cell(detail)} | ${verdict(ok)} |`);
  const d = get('dir');
  const rg = get('rg');
  check('dir throughput >= 0.5x ripgrep', d && rg ? mbps(d) / mbps(rg) >= 0.5 : null, d && rg ? `${(mbps(d) / mbps(rg)).toFixed(2)}x (by CPU time: ${(rg.cpuMs / d.cpuMs).toFixed(2)}x)` : 'missing row');
  const s = get('subset');
  const sl = get('secretlint');
  check('dir throughput >= 20x secretlint', s && sl ? mbps(s) / mbps(sl) >= 20 : null, s && sl ? `${(mbps(s) / mbps(sl)).toFixed(1)}x (by CPU time: ${(sl.cpuMs / s.cpuMs).toFixed(1)}x)` : 'missing row');
  const g = get('git');
  const gl = get('gitlog');
  check('history time <= 1.5x git log -p --all', g && gl ? g.wallMs / gl.wallMs <= 1.5 : null, g && gl ? `${(g.wallMs / gl.wallMs).toFixed(2)}x (by CPU time: ${(g.cpuMs / gl.cpuMs).toFixed(2)}x)` : 'missing row');
  const ours = rows.filter((r) => r.ours && !r.failed);
  const maxRss = Math.max(0, ...ours.map((r) => r.rssKB / 1024));
  const worst = ours.find((r) => r.rssKB / 1024 === maxRss);
  check('peak RSS <= 300 MB on every input', ours.length ? maxRss <= 300 : null, ours.length ? `max ${maxRss.toFixed(0)} MB (${worst?.name})` : 'no rows');
  const v = get('startup');
  check('--version <= 150 ms', v ? v.wallMs <= 150 : null, v ? `${v.wallMs.toFixed(0)} ms` : 'missing row');
  const st = get('staged');
  check('git --staged one-file change <= 300 ms', st ? st.wallMs <= 300 : null, st ? `${st.wallMs.toFixed(0)} ms` : 'missing row');

  const cpu = os.cpus();
  const machine = `${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, node ${process.version}, ${os.platform()} ${os.release()}, ${new Date().toISOString().slice(0, 10)}`;
  const memorySizes = memoryManifest ? `; memory rows: kcat line ${fmtMB(memoryManifest.kafkaLine.bytes)} MB, SQS export ${fmtMB(memoryManifest.sqs.bytes)} MB, git blob ${fmtMB(memoryManifest.blobs.bytes)} MB, baseline ${fmtMB(memoryManifest.baseline.bytes)} MB` : '';
  const sizes = !m ? memorySizes.slice(2) : `dir ${fmtMB(dirBytes(path.join(base, 'dir')))} MB (${m.dir.files} files, ${m.dir.tokens.length} tokens); history ${m.git.commits} commits (${m.git.tokens.length} tokens); kcat dump ${fmtMB(m.queue.bytes)} MB (${m.queue.tokens.length}); CI log ${fmtMB(m.ci.bytes)} MB (${m.ci.tokens.length}); minified ${fmtMB(m.minified.bytes)} MB; secretlint subset ${fmtMB(m.subset.bytes)} MB (${m.subset.tokens.length})${memorySizes}`;
  const md = [
    `Machine: ${machine}`,
    '',
    `Corpora${quick ? ' (--quick)' : ''}: ${sizes}. The dir corpus copies ${(m?.dir.sources ?? []).map((x) => `\`${x.from}\` as \`${x.folder}/\``).join(', ')} (the last one up to the size). Timings: median of ${cfg.runs} runs, interleaved round-robin with the tools each row is compared to (start-up: 10, --staged: 5); peak RSS: max over runs; CPU s: median user + system time (children included), which other load on the machine disturbs less than wall time. 1-min load average before/after the runs: ${loads.map((l) => l.toFixed(2)).join(' / ')} (other work on the machine inflates times).`,
    '',
    ...lines,
    '',
    '| target | measured | |',
    '| --- | --- | --- |',
    ...targets,
  ].join('\n');
  process.stdout.write(`\n${md}\n`);
  const resultsFile = flags.results ?? (quick || only ? null : path.join(ROOT, 'bench', 'RESULTS.md'));
  if (resultsFile) {
    writeFileSync(resultsFile, `# Benchmark results\n\nProduced by \`npm run bench\` (see bench/README.md).\n\n${md}\n${profileText ? `\n## Profile: \`dir\`, --jobs 1, top self time\n\n${profileText}\n` : ''}`);
    log(`wrote ${resultsFile}`);
  }
}

let profileText = '';
async function profile() {
  const profDir = path.join(tmp, 'prof');
  rmSync(profDir, { recursive: true, force: true });
  log('profiling dir --jobs 1 ...');
  spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, BIN, 'dir', '.', '--jobs', '1', '--format', 'json', '--no-progress', '--fail-on', 'none'], { cwd: path.join(base, 'dir'), stdio: ['ignore', 'ignore', 'inherit'] });
  profileText = formatSummary(summarise(profDir, 15));
  process.stdout.write(`\n${profileText}\n`);
}

try {
  await main().then(async () => {
    if (flags.profile) {
      await profile();
      const resultsFile = flags.results ?? (quick || only ? null : path.join(ROOT, 'bench', 'RESULTS.md'));
      if (resultsFile && existsSync(resultsFile)) {
        writeFileSync(resultsFile, `${readFileSync(resultsFile, 'utf8')}\n## Profile: \`dir\`, --jobs 1, top self time\n\n${profileText}\n`);
      }
    }
  });
} finally {
  if (!process.env.TOKENSPRAWL_BENCH_KEEP) rmSync(tmp, { recursive: true, force: true });
}
