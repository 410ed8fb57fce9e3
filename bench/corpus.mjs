// Deterministic benchmark corpora, built without network:
//   dir tree   real third-party text copied from this machine (see SOURCES) + planted tokens
//   kcat dump  Kafka JSONL as `kcat -C -J` prints it, tokens in headers and payloads
//   CI log     GitLab-style job log: ANSI colours, section markers, \r progress lines
//   minified   one 50 MB line of real JavaScript with its newlines folded away
// Every builder writes a manifest of what it planted ({ path, line, kind, sha256, ... }),
// which run.mjs checks reports against. Same arguments + same machine => same bytes.
import { closeSync, copyFileSync, lstatSync, realpathSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { plantLine, rng, sha256 } from './tokens.mjs';

const MB = 1024 * 1024;
const IGNORE_FILE_NAMES = new Set(['.gitignore', '.tokensprawlignore', '.ignore', '.rgignore', '.secretlintignore']);

/** Where the dir corpus copies from, in this order; `node_modules` is repeated to reach the size. */
export function dirSources(projectRoot) {
  const py = readdirSafe('/usr/lib').filter((n) => /^python3\.\d+$/.test(n)).sort().map((n) => `/usr/lib/${n}`);
  const perl = readdirSafe('/usr/share/perl').sort().map((n) => `/usr/share/perl/${n}`);
  // the same folder under two names (perl/5.36 -> 5.36.0) is copied once
  const seen = new Set();
  return [path.join(projectRoot, 'node_modules'), ...py, ...perl].filter((d) => {
    let real;
    try {
      real = realpathSync(d);
    } catch {
      return false;
    }
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

function readdirSafe(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Regular files under dir, sorted by name at each level; symlinks, __pycache__ and ignore files skipped. */
function* walk(dir) {
  let names;
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const full = path.join(dir, name);
    let st;
    try {
      st = lstatSync(full);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) {
      if (name === '__pycache__' || name === '.git') continue;
      yield* walk(full);
    } else if (st.isFile()) {
      if (IGNORE_FILE_NAMES.has(name) || name.endsWith('.pyc')) continue;
      yield { full, size: st.size };
    }
  }
}

/**
 * Copies real text into `out` until `mb` megabytes, then plants `tokens` tokens, one per
 * chosen file, as a new line inserted before a random line. `out` gets its own `git init` so
 * that the enclosing repository's .gitignore (which ignores bench/.corpus/) does not apply.
 */
export async function buildDirCorpus({ out, mb, tokens, projectRoot, seed = 1 }) {
  mkdirSync(out, { recursive: true });
  spawnSync('git', ['init', '-q', out], { stdio: 'ignore' });
  const target = mb * MB;
  let bytes = 0;
  let files = 0;
  const copied = [];
  const sources = dirSources(projectRoot);
  const used = [];
  outer: for (let round = 1; ; round++) {
    for (const src of sources) {
      // later rounds repeat only node_modules, under a distinct folder name
      if (round > 1 && src !== sources[0]) continue;
      const label = `${round}-${path.basename(src)}`;
      used.push({ folder: label, from: src });
      for (const { full, size } of walk(src)) {
        const rel = path.join(label, path.relative(src, full));
        mkdirSync(path.join(out, path.dirname(rel)), { recursive: true });
        copyFileSync(full, path.join(out, rel));
        copied.push({ rel, size });
        bytes += size;
        files++;
        if (bytes >= target) break outer;
      }
    }
    if (round > 20) break;
  }
  // plant: candidate files are text (no NUL anywhere), 200 B .. 2 MB
  const rand = rng(seed);
  const candidates = copied.filter((c) => c.size >= 200 && c.size <= 2 * MB);
  const chosen = new Set();
  const planted = [];
  let attempts = 0;
  while (planted.length < tokens && attempts < tokens * 50 && chosen.size < candidates.length) {
    attempts++;
    const c = candidates[Math.floor(rand() * candidates.length)];
    if (chosen.has(c.rel)) continue;
    chosen.add(c.rel);
    const file = path.join(out, c.rel);
    const buf = readFileSync(file);
    if (buf.includes(0)) continue;
    const text = buf.toString('latin1'); // byte-exact round trip
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1 && i < text.length - 1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    const at = Math.floor(rand() * starts.length);
    const p = await plantLine(planted.length, 'dir');
    const insert = Buffer.from(`${p.line}\n`, 'utf8');
    const pos = starts[at];
    writeFileSync(file, Buffer.concat([buf.subarray(0, pos), insert, buf.subarray(pos)]));
    bytes += insert.length;
    planted.push({ path: c.rel.split(path.sep).join('/'), line: at + 1, kind: p.kind, sha256: sha256(p.token) });
  }
  planted.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  const manifest = { kind: 'dir', bytes, files, sources: used, tokens: planted };
  writeFileSync(path.join(out, '..', `${path.basename(out)}.manifest.json`), JSON.stringify(manifest, null, 1));
  return manifest;
}

/** Copies the first text files (<= 1 MB) of a built dir corpus, sorted walk order, up to `mb` MB, with their planted tokens. */
export function subsetCorpus({ from, manifest, out, mb }) {
  mkdirSync(out, { recursive: true });
  spawnSync('git', ['init', '-q', out], { stdio: 'ignore' });
  let bytes = 0;
  const keep = new Set();
  for (const { full, size } of walk(from)) {
    // text files only: the subset should be code, not the binaries node_modules also holds
    if (size > MB || readFileSync(full).includes(0)) continue;
    const rel = path.relative(from, full);
    mkdirSync(path.join(out, path.dirname(rel)), { recursive: true });
    copyFileSync(full, path.join(out, rel));
    keep.add(rel.split(path.sep).join('/'));
    bytes += size;
    if (bytes >= mb * MB) break;
  }
  const tokens = manifest.tokens.filter((t) => keep.has(t.path));
  const sub = { kind: 'dir', bytes, files: keep.size, tokens };
  writeFileSync(path.join(out, '..', `${path.basename(out)}.manifest.json`), JSON.stringify(sub, null, 1));
  return sub;
}

/** Buffered line writer to a file descriptor. */
export function lineWriter(file) {
  const fd = openSync(file, 'w');
  let parts = [];
  let size = 0;
  let total = 0;
  let lines = 0;
  const flush = () => {
    if (parts.length) writeSync(fd, parts.join(''));
    parts = [];
    size = 0;
  };
  return {
    write(s) {
      parts.push(s);
      size += s.length;
      total += Buffer.byteLength(s);
      lines += (s.match(/\n/g) ?? []).length;
      if (size > 4 * MB) flush();
    },
    get bytes() {
      return total;
    },
    get lines() {
      return lines;
    },
    close() {
      flush();
      closeSync(fd);
    },
  };
}

const WORDS = ['order', 'invoice', 'customer', 'shipment', 'payment', 'refund', 'cart', 'session', 'profile', 'catalog', 'stock', 'review'];
const ACTIONS = ['created', 'updated', 'deleted', 'paid', 'shipped', 'cancelled', 'viewed'];

/**
 * A kcat JSONL dump (`kcat -C -J -e`) of about `mb` MB; every `every`-th message carries a
 * planted token, alternately in the authorization header and inside the JSON payload.
 */
export async function buildKcatDump({ file, mb, tokens, seed = 2 }) {
  const rand = rng(seed);
  const w = lineWriter(file);
  const target = mb * MB;
  const every = Math.max(1, Math.floor(target / 700 / Math.max(1, tokens)));
  const planted = [];
  let ts = 1_767_225_600_000;
  const offsets = [0, 0, 0];
  for (let n = 0; w.bytes < target; n++) {
    const partition = n % 3;
    const offset = offsets[partition]++;
    ts += Math.floor(rand() * 50);
    const entity = WORDS[Math.floor(rand() * WORDS.length)];
    const event = {
      type: `${entity}.${ACTIONS[Math.floor(rand() * ACTIONS.length)]}`,
      id: `${entity}-${Math.floor(rand() * 1e9)}`,
      at: new Date(ts).toISOString(),
      user: { id: Math.floor(rand() * 1e6), email: `user${Math.floor(rand() * 1e5)}@example.com`, locale: rand() < 0.5 ? 'en-GB' : 'de-DE' },
      items: Array.from({ length: 1 + Math.floor(rand() * 4) }, () => ({ sku: `SKU-${Math.floor(rand() * 1e6)}`, qty: 1 + Math.floor(rand() * 5), price: Math.round(rand() * 1e4) / 100 })),
      note: 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore',
    };
    let header = `Bearer ${headerLike(rand)}`; // realistic noise: short, low-entropy ids are not tokens
    const plant = planted.length < tokens && n % every === every - 1;
    let p = null;
    if (plant) {
      p = await plantLine(planted.length, 'queue');
      if (planted.length % 2 === 0) header = `Bearer ${p.token}`;
      else event.debug = p.line;
    }
    const msg = {
      topic: 'events', partition, offset, tstype: 'create', ts, broker: 1,
      headers: ['authorization', header, 'trace-id', `${Math.floor(rand() * 1e12).toString(16)}`],
      key: event.id, payload: JSON.stringify(event),
    };
    w.write(`${JSON.stringify(msg)}\n`);
    if (p) planted.push({ path: path.basename(file), line: w.lines, partition, offset, where: planted.length % 2 === 0 ? 'header' : 'payload', kind: p.kind, sha256: sha256(p.token) });
  }
  w.close();
  return { kind: 'queue', bytes: w.bytes, lines: w.lines, tokens: planted };
}

function headerLike(rand) {
  return `session-${Math.floor(rand() * 1000)}`;
}

const ESC = '\u001b';
/**
 * A GitLab-style CI job log of about `mb` MB: section_start/section_end markers, ANSI colour,
 * `\r`-overwritten progress lines and `$ command` echoes; tokens on their own log lines.
 */
export async function buildCiLog({ file, mb, tokens, seed = 3 }) {
  const rand = rng(seed);
  const w = lineWriter(file);
  const target = mb * MB;
  const planted = [];
  const step = target / (tokens + 1);
  let nextPlant = step;
  let t = 1_767_225_600;
  let n = 0;
  const sections = ['prepare_executor', 'get_sources', 'restore_cache', 'step_script', 'upload_artifacts', 'cleanup'];
  w.write(`${ESC}[0KRunning with gitlab-runner 17.5.0 (bench)${ESC}[0;m\n`);
  for (let job = 0; w.bytes < target; job++) {
    for (const s of sections) {
      t += 1 + Math.floor(rand() * 5);
      w.write(`${ESC}[0Ksection_start:${t}:${s}\r${ESC}[0K${ESC}[0K${ESC}[36;1m${s.replace('_', ' ')}${ESC}[0;m\n`);
      const lines = 50 + Math.floor(rand() * 400);
      for (let i = 0; i < lines && w.bytes < target; i++, n++) {
        if (planted.length < tokens && w.bytes >= nextPlant) {
          nextPlant += step;
          const p = await plantLine(planted.length, 'ci');
          const prefix = planted.length % 3 === 0 ? `${ESC}[32;1m$ ` : planted.length % 3 === 1 ? '' : `${ESC}[0;33m`;
          w.write(`${prefix}${p.line}${prefix ? `${ESC}[0;m` : ''}\n`);
          planted.push({ path: path.basename(file), line: w.lines, kind: p.kind, sha256: sha256(p.token) });
          continue;
        }
        const r = rand();
        if (r < 0.05) {
          // a progress bar rewritten with \r, one \n line
          let bar = '';
          for (let k = 0; k <= 100; k += 5) bar += `\rDownloading artifacts ${'#'.repeat(k / 5)}${' '.repeat(20 - k / 5)} ${k}%`;
          w.write(`${bar}\n`);
        } else if (r < 0.15) {
          w.write(`${ESC}[32;1m$ npm run build -- --mode=production --target=${Math.floor(rand() * 100)}${ESC}[0;m\n`);
        } else if (r < 0.2) {
          w.write(`${ESC}[0;33mWARN${ESC}[0m deprecated package-${Math.floor(rand() * 1000)}@1.${Math.floor(rand() * 9)}.0: use something else\n`);
        } else {
          w.write(`  ${WORDS[Math.floor(rand() * WORDS.length)]}.${ACTIONS[Math.floor(rand() * ACTIONS.length)]} test ${n} passed in ${Math.floor(rand() * 900)} ms (src/${WORDS[Math.floor(rand() * WORDS.length)]}/index.test.ts)\n`);
        }
      }
      w.write(`${ESC}[0Ksection_end:${t + 3}:${s}\r${ESC}[0K\n`);
    }
  }
  w.close();
  return { kind: 'ci-log', bytes: w.bytes, lines: w.lines, tokens: planted };
}

/**
 * One line of about `mb` MB: real JavaScript from `fromDir` (sorted walk) with newlines folded
 * to spaces, as a minifier's output would be; a few tokens planted in string literals.
 */
export async function buildMinified({ file, fromDir, mb, tokens = 5 }) {
  const target = mb * MB;
  const w = lineWriter(file);
  const planted = [];
  const step = Math.floor(target / (tokens + 1));
  let nextPlant = step;
  for (let pass = 0; w.bytes < target && pass < 50; pass++) {
    for (const { full, size } of walk(fromDir)) {
      if (!full.endsWith('.js') || size > 2 * MB) continue;
      const text = readFileSync(full, 'utf8');
      if (text.includes('\0')) continue;
      w.write(text.replace(/\r?\n/g, ' '));
      if (w.bytes >= nextPlant && planted.length < tokens) {
        const p = await plantLine(planted.length, 'min');
        w.write(`;var __bench='${p.line}';`);
        planted.push({ path: path.basename(file), line: 1, kind: p.kind, sha256: sha256(p.token) });
        nextPlant += step;
      }
      if (w.bytes >= target) break;
    }
  }
  w.write('\n');
  w.close();
  return { kind: 'minified', bytes: w.bytes, lines: 1, tokens: planted };
}
