// A deterministic git repository that replays real text files (from the dir corpus) as a
// history of `commits` commits, built with `git fast-import`: files added a few at a time,
// edited, deleted; tokens planted in edits and in new files, and some removed again later
// (a leak that was "fixed" in a later commit must still be found in history); short feature
// branches merged back with --no-ff style merges. A manifest records where each token is.
//
//   node bench/history-corpus.mjs <repo-dir> --from <dir> [--commits 2500] [--tokens 400]
import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { plantLine, rng, sha256 } from './tokens.mjs';

function* textFiles(dir, base = dir) {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    const st = lstatSync(full);
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) {
      if (name !== '.git') yield* textFiles(full, base);
    } else if (st.isFile() && st.size >= 100 && st.size <= 256 * 1024) {
      yield path.relative(base, full).split(path.sep).join('/');
    }
  }
}

/**
 * Builds the repository; returns its manifest { commits, tokens: [{ commit, path, line, kind, sha256 }] }.
 * `skip` holds corpus paths to leave out (files that already carry dir-corpus tokens).
 */
export async function buildHistoryRepo({ dir, from, commits = 2500, tokens = 400, skip = new Set(), seed = 4 }) {
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).length > 0) throw new Error(`${dir} is not empty`);
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  spawnSync('git', ['init', '-q', '-b', 'main', dir], { env, stdio: 'inherit' });
  const marksFile = path.join(dir, '.git', 'bench-marks');
  const fi = spawn('git', ['fast-import', '--quiet', '--done', `--export-marks=${marksFile}`], { cwd: dir, env, stdio: ['pipe', 'inherit', 'inherit'] });
  const exited = new Promise((res) => fi.on('close', res));
  let buffered = [];
  let size = 0;
  const out = (s) => {
    buffered.push(s);
    size += s.length;
  };
  const flush = async () => {
    if (!buffered.length) return;
    const chunk = Buffer.concat(buffered.map((b) => (typeof b === 'string' ? Buffer.from(b, 'latin1') : b)));
    buffered = [];
    size = 0;
    if (!fi.stdin.write(chunk)) await new Promise((res) => fi.stdin.once('drain', res));
  };

  const rand = rng(seed);
  // when the corpus runs out, replay it again under a new top folder (r2/, r3/, ...)
  let round = 1;
  let pool = textFiles(from);
  let yielded = 0;
  const nextFile = () => {
    for (;;) {
      const r = pool.next();
      if (r.done) {
        if (yielded === 0 || round > 50) return null;
        round++;
        yielded = 0;
        pool = textFiles(from);
        continue;
      }
      if (skip.has(r.value)) continue;
      const buf = readFileSync(path.join(from, r.value));
      if (buf.includes(0)) continue;
      yielded++;
      return { path: round === 1 ? r.value : `r${round}/${r.value}`, text: buf.toString('latin1') };
    }
  };
  const main = new Map(); // path -> text (latin1)
  const live = []; // planted lines still present on main: { path, line }
  const planted = [];
  const plantRate = tokens / commits;
  let mark = 0;
  let time = 1_700_000_000;
  let made = 0;
  let mainHead;
  const who = ['Alice Example <alice@example.com>', 'Bob Example <bob@example.com>', 'Carol Example <carol@example.com>'];

  const commit = (branch, parent, changes, merge) => {
    mark++;
    time += 300 + Math.floor(rand() * 3000);
    const author = who[Math.floor(rand() * who.length)];
    const msg = `change ${made + 1}\n`;
    out(`commit refs/heads/${branch}\nmark :${mark}\nauthor ${author} ${time} +0000\ncommitter ${author} ${time} +0000\ndata ${msg.length}\n${msg}`);
    if (parent !== undefined) out(`from :${parent}\n`);
    if (merge !== undefined) out(`merge :${merge}\n`);
    for (const [p, text] of changes) {
      if (text === null) out(`D ${p}\n`);
      else out(`M 100644 inline ${p}\ndata ${Buffer.byteLength(text, 'latin1')}\n${text}\n`);
    }
    made++;
    return mark;
  };

  /** Inserts a token line into text; returns [newText, lineNumber, plant]. */
  const plantInto = async (text) => {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1 && i < text.length - 1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    const at = Math.floor(rand() * starts.length);
    const p = await plantLine(planted.length, 'git');
    const pos = starts[at];
    return [text.slice(0, pos) + p.line + '\n' + text.slice(pos), at + 1, p];
  };
  const pending = []; // manifest entries waiting for their commit's mark

  let branch = null; // { name, base, head, files: Map, left }
  while (made < commits) {
    if (!branch && made > 20 && rand() < 0.03) {
      branch = { name: `feature/f${made}`, head: mainHead, files: new Map(), left: 2 + Math.floor(rand() * 4) };
    }
    if (branch && branch.left === 0) {
      mainHead = commit('main', mainHead, [...branch.files], branch.head);
      for (const [p, t] of branch.files) main.set(p, t);
      if (rand() < 0.5) out(`reset refs/tags/v${made}\nfrom :${branch.head}\n\n`);
      branch = null;
      continue;
    }
    const plant = rand() < plantRate && planted.length < tokens;
    if (branch && rand() < 0.5) {
      // feature branches only add files, so their merge is a plain union
      const f = nextFile();
      if (!f) break;
      let text = f.text;
      if (plant) {
        const [t, line, p] = await plantInto(text);
        text = t;
        planted.push(null);
        pending.push({ path: f.path, line, kind: p.kind, sha256: sha256(p.token), mark: mark + 1 });
      }
      branch.files.set(f.path, text);
      branch.head = commit(branch.name, branch.head, [[f.path, text]]);
      branch.left--;
      continue;
    }
    const changes = new Map();
    const r = rand();
    const paths = () => [...main.keys()];
    if (main.size < 10 || r < 0.55) {
      const n = 1 + Math.floor(rand() * 3);
      for (let i = 0; i < n; i++) {
        const f = nextFile();
        if (f) changes.set(f.path, f.text);
      }
      if (!changes.size) break;
    } else if (r < 0.65 && live.length) {
      // remove a planted token line again
      const k = Math.floor(rand() * live.length);
      const { path: p, line } = live[k];
      live.splice(k, 1);
      const text = main.get(p);
      if (text !== undefined && text.includes(`${line}\n`)) changes.set(p, text.replace(`${line}\n`, ''));
    } else if (r < 0.7) {
      const all = paths();
      const p = all[Math.floor(rand() * all.length)];
      if (!live.some((l) => l.path === p)) changes.set(p, null);
    } else {
      const all = paths();
      const p = all[Math.floor(rand() * all.length)];
      let text = main.get(p);
      // an ordinary edit: duplicate one line elsewhere
      const lines = text.split('\n');
      const src = lines[Math.floor(rand() * lines.length)] ?? '';
      lines.splice(Math.floor(rand() * lines.length), 0, `${src} // edited`);
      text = lines.join('\n');
      changes.set(p, text);
    }
    if (plant && main.size) {
      const all = paths().filter((p) => !changes.has(p) || changes.get(p) !== null);
      const p = all[Math.floor(rand() * all.length)];
      const base = changes.get(p) ?? main.get(p);
      const [t, line, pl] = await plantInto(base);
      changes.set(p, t);
      planted.push(null);
      pending.push({ path: p, line, kind: pl.kind, sha256: sha256(pl.token), mark: mark + 1 });
      live.push({ path: p, line: pl.line });
    }
    if (!changes.size) continue;
    mainHead = commit('main', mainHead, [...changes]);
    for (const [p, t] of changes) {
      if (t === null) main.delete(p);
      else main.set(p, t);
    }
    if (size > 1 << 22) await flush();
  }
  if (branch) mainHead = commit('main', mainHead, [...branch.files], branch.head);
  out('done\n');
  await flush();
  fi.stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`git fast-import exited with ${code}`);
  spawnSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir, env, stdio: 'inherit' });
  const marks = new Map(readFileSync(marksFile, 'utf8').trim().split('\n').map((l) => {
    const [m, sha] = l.split(' ');
    return [Number(m.slice(1)), sha];
  }));
  const count = Number(spawnSync('git', ['rev-list', '--all', '--count'], { cwd: dir, env, encoding: 'utf8' }).stdout.trim());
  const manifest = {
    kind: 'git',
    commits: count,
    tokens: pending.map(({ mark: m, ...t }) => ({ commit: marks.get(m), ...t })),
  };
  writeFileSync(path.join(dir, '..', `${path.basename(dir)}.manifest.json`), JSON.stringify(manifest, null, 1));
  return manifest;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { from: { type: 'string' }, commits: { type: 'string', default: '2500' }, tokens: { type: 'string', default: '400' } },
  });
  if (!positionals[0] || !values.from) {
    process.stderr.write('usage: node bench/history-corpus.mjs <repo-dir> --from <dir> [--commits N] [--tokens N]\n');
    process.exitCode = 2;
  } else {
    const m = await buildHistoryRepo({ dir: positionals[0], from: values.from, commits: Number(values.commits), tokens: Number(values.tokens) });
    process.stdout.write(`${positionals[0]}: ${m.commits} commits, ${m.tokens.length} planted tokens\n`);
  }
}
