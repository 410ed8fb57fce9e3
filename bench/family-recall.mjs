// Recall per rule family, the way issue 12 asks the bench to publish it: every positive example
// of every built-in rule is written into a file four times — as written, glued to ANSI colour
// codes (a coloured CI log), wrapped in percent-encoded quotes (a URL), and inside an escaped
// JSON string (a log line holding JSON) — and `tokensprawl dir` scans them. An example counts as
// found when a finding lands on its line; the summary also says how many were attributed to a
// rule of the example's own family (a provider prefix shared by two vendors, or two generic
// rules over one value, go to one of them). The examples are the rules' own, so
// this measures the engine's boundaries and gates across contexts, not discovery of new formats.
// Usage: node bench/family-recall.mjs [--out FILE]   (after npm run build)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const WRAPS = {
  plain: (e) => e,
  ansi: (e) => `\x1b[32m${e}\x1b[0m`,
  percent: (e) => `GET /cb?state=%22${encodeURIComponent(e).replace(/%20/g, '+')}%22 HTTP/1.1`,
  'json-escaped': (e) => JSON.stringify({ msg: `value: ${JSON.stringify(e).slice(1, -1)}` }),
};

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tokensprawl-recall-'));
const where = new Map(); // "wrap/file:line" -> family
const totals = new Map(); // family -> { total, found: {wrap: n} }
for (const f of readdirSync(path.join(ROOT, 'rules')).filter((n) => n.endsWith('.yaml')).sort()) {
  const doc = YAML.parse(readFileSync(path.join(ROOT, 'rules', f), 'utf8'));
  const family = doc.family ?? f.replace(/\.yaml$/, '');
  for (const rule of doc.rules) {
    const examples = rule.examples.filter((e) => !e.includes('\n'));
    const t = totals.get(family) ?? { total: 0, found: Object.fromEntries(Object.keys(WRAPS).map((w) => [w, 0])) };
    t.total += examples.length;
    totals.set(family, t);
    // one file per example: a report is one finding per secret and file, and a rule's examples
    // often share their token
    for (const [w, wrap] of Object.entries(WRAPS)) {
      mkdirSync(path.join(tmp, w), { recursive: true });
      examples.forEach((e, i) => {
        const file = `${rule.id}.${i}.txt`;
        writeFileSync(path.join(tmp, w, file), `${wrap(e)}\n`);
        where.set(`${w}/${file}:1`, family);
      });
    }
  }
}
const run = spawnSync(process.execPath, [path.join(ROOT, 'bin/tokensprawl.cjs'), 'dir', tmp, '--format', 'json', '--fail-on', 'none', '--no-progress', '--allow-incomplete'], { maxBuffer: 1 << 30, encoding: 'utf8' });
const report = JSON.parse(run.stdout);
const rulesFamily = new Map();
for (const f of readdirSync(path.join(ROOT, 'rules')).filter((n) => n.endsWith('.yaml'))) {
  const doc = YAML.parse(readFileSync(path.join(ROOT, 'rules', f), 'utf8'));
  for (const r of doc.rules) rulesFamily.set(r.id, doc.family ?? f.replace(/\.yaml$/, ''));
}
const hit = new Set();
const own = new Map(Object.keys(WRAPS).map((w) => [w, 0]));
const ownSeen = new Set();
for (const fd of report.findings) {
  const key = `${fd.location.path}:${fd.location.line}`;
  if (!where.has(key)) continue;
  hit.add(key);
  if (where.get(key) === rulesFamily.get(fd.ruleId) && !ownSeen.has(key)) {
    ownSeen.add(key);
    const w = key.split('/')[0];
    own.set(w, own.get(w) + 1);
  }
}
for (const key of hit) {
  const [w] = key.split('/');
  totals.get(where.get(key)).found[w]++;
}
rmSync(tmp, { recursive: true, force: true });

const wraps = Object.keys(WRAPS);
const sum = (w) => [...totals.values()].reduce((a, t) => a + t.found[w], 0);
const all = [...totals.values()].reduce((a, t) => a + t.total, 0);
const lines = [
  `## Recall per family (rules' own examples in four contexts)`,
  '',
  `\`node bench/family-recall.mjs\`: ${totals.size} families, ${all} examples, each written as is, glued to ANSI colour codes, inside percent-encoded quotes and inside an escaped JSON string; found = a finding of the example's family on its line.`,
  '',
  `| context | found | by a rule of its own family |`,
  `| --- | --- | --- |`,
  ...wraps.map((w) => `| ${w} | ${sum(w)}/${all} (${((100 * sum(w)) / all).toFixed(1)}%) | ${own.get(w)}/${all} |`),
  '',
  `| family | examples | ${wraps.join(' | ')} |`,
  `| --- | --: | ${wraps.map(() => '--:').join(' | ')} |`,
  ...[...totals].sort(([a], [b]) => a.localeCompare(b)).map(([f, t]) => `| ${f} | ${t.total} | ${wraps.map((w) => (t.found[w] === t.total ? '✓' : `${t.found[w]}`)).join(' | ')} |`),
  '',
];
const outIdx = process.argv.indexOf('--out');
if (outIdx > 0) writeFileSync(process.argv[outIdx + 1], lines.join('\n'));
else process.stdout.write(lines.join('\n'));
