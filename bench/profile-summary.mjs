// Aggregates V8 .cpuprofile files (node --cpu-prof) by function: self time per
// functionName + url:line, over every profile in a folder (the main thread and workers).
//
//   node bench/profile-summary.mjs <dir-with-cpuprofiles> [--top 15]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

export function summarise(dir, top = 15) {
  const self = new Map();
  let total = 0;
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  for (const f of files) {
    const prof = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
    const byId = new Map(prof.nodes.map((n) => [n.id, n]));
    const { samples = [], timeDeltas = [] } = prof;
    for (let i = 0; i < samples.length; i++) {
      const node = byId.get(samples[i]);
      const dt = (timeDeltas[i] ?? 0) / 1000; // µs -> ms
      if (!node || dt < 0) continue;
      const cf = node.callFrame;
      const where = cf.url ? `${shorten(cf.url)}:${cf.lineNumber + 1}` : '(native)';
      const key = `${cf.functionName || '(anonymous)'}  ${where}`;
      self.set(key, (self.get(key) ?? 0) + dt);
      total += dt;
    }
  }
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { files: files.length, totalMs: total, rows: rows.map(([fn, ms]) => ({ fn, ms, pct: (100 * ms) / total })) };
}

function shorten(url) {
  const u = url.replace(/^file:\/\//, '');
  const i = u.indexOf('/dist/');
  if (i >= 0) return u.slice(i + 1);
  const j = u.indexOf('/node_modules/');
  if (j >= 0) return u.slice(j + 1);
  return u;
}

export function formatSummary(s) {
  const lines = [`${s.files} profile(s), ${(s.totalMs / 1000).toFixed(1)} s sampled`, '', '| # | self ms | self % | function  location |', '| --: | --: | --: | --- |'];
  s.rows.forEach((r, i) => lines.push(`| ${i + 1} | ${r.ms.toFixed(0)} | ${r.pct.toFixed(1)} | \`${r.fn}\` |`));
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '15' } } });
  if (!positionals[0]) {
    process.stderr.write('usage: node bench/profile-summary.mjs <dir> [--top N]\n');
    process.exitCode = 2;
  } else {
    process.stdout.write(`${formatSummary(summarise(positionals[0], Number(values.top)))}\n`);
  }
}
