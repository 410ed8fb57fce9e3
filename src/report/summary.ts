// `--summary FILE`: a Markdown job summary (GitHub's $GITHUB_STEP_SUMMARY, appended to): counts
// by severity and by rule, the worst findings, JWT facts. Every string that came from the scan
// (paths, titles, authors, job names, notes) is escaped for Markdown and HTML, since GitHub
// renders the summary as Markdown with HTML allowed; secrets appear only redacted.
import { formatDuration } from '../analyze/duration.js';
import { escapeControl } from '../core/redact.js';
import { compareSeverity, SEVERITIES_WORST_FIRST } from '../core/severity.js';
import type { Finding, ScanResult, Severity } from '../core/types.js';
import { summarizeJwt } from './jwt-summary.js';
import { provenanceWords } from './provenance.js';

export interface SummaryContext {
  now: Date;
  /** the scanned root relative to the folder the scan ran from ("" when it is that folder) */
  uriPrefix?: string;
  /** rows in "worst findings" (default 20): GitHub caps a step's summary at 1 MiB */
  maxFindings?: number;
}

const ICON: Record<Severity, string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', info: '⬜' };

export function renderSummary(result: ScanResult, ctx: SummaryContext): string {
  const active = result.findings.filter((f) => !f.suppressed);
  const s = result.scan.stats;
  const out: string[] = [];
  const targets = result.scan.targets.map((t) => code(t)).join(', ');
  out.push(`## tokensprawl: ${active.length === 0 ? (result.errors.length > 0 ? 'no findings in what could be scanned' : 'no findings') : `${active.length} finding${active.length === 1 ? '' : 's'}`}`);
  out.push('');
  const scanned: string[] = [];
  if (s.files) scanned.push(`${s.files} file${s.files === 1 ? '' : 's'}`);
  if (s.commits) scanned.push(`${s.commits} commit${s.commits === 1 ? '' : 's'}`);
  if (s.messages) scanned.push(`${s.messages} message${s.messages === 1 ? '' : 's'}`);
  scanned.push(`${(s.bytes / 1e6).toFixed(1)} MB in ${(result.scan.durationMs / 1000).toFixed(2)} s`);
  const extra = [
    ...(s.suppressed ? [`${s.suppressed} suppressed`] : []),
    ...(result.errors.length ? [`**${result.errors.length} could not be scanned**`] : []),
  ];
  out.push(`${code(`tokensprawl ${result.scan.command}`)} of ${targets}: ${scanned.join(', ')}${extra.length ? `; ${extra.join(', ')}` : ''}.`);

  if (active.length > 0) {
    out.push('', '| severity | findings |', '| --- | ---: |');
    for (const sev of SEVERITIES_WORST_FIRST) {
      const n = active.filter((f) => f.severity === sev).length;
      if (n > 0) out.push(`| ${ICON[sev]} ${sev} | ${n} |`);
    }

    const byRule = new Map<string, { title: string; worst: Severity; count: number }>();
    for (const f of active) {
      const r = byRule.get(f.ruleId);
      if (!r) byRule.set(f.ruleId, { title: f.title, worst: f.severity, count: 1 });
      else {
        r.count++;
        if (compareSeverity(f.severity, r.worst) > 0) r.worst = f.severity;
      }
    }
    out.push('', '| rule | title | worst | findings |', '| --- | --- | --- | ---: |');
    const rules = [...byRule].sort((a, b) => compareSeverity(b[1].worst, a[1].worst) || b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
    for (const [id, r] of rules) out.push(`| ${code(id)} | ${md(r.title)} | ${r.worst} | ${r.count} |`);

    const max = ctx.maxFindings ?? 20;
    const worst = active
      .map((f, i) => ({ f, i }))
      .sort((a, b) => compareSeverity(b.f.severity, a.f.severity) || a.i - b.i)
      .slice(0, max)
      .map((x) => x.f);
    out.push('', `### ${worst.length < active.length ? `The ${worst.length} worst findings` : 'Findings'}`, '');
    out.push('| severity | rule | where | secret | notes |', '| --- | --- | --- | --- | --- |');
    for (const f of worst) out.push(findingRow(f, ctx));
    if (worst.length < active.length) out.push('', `${active.length - worst.length} more in the full report (\`--format json\` or \`sarif\`).`);

    const jwts = active.filter((f) => f.jwt);
    if (jwts.length > 0) out.push('', '### JWTs', '', ...jwtFacts(jwts));
  }

  if (result.errors.length > 0) {
    out.push('', '### Could not be scanned', '');
    for (const e of result.errors.slice(0, 50)) out.push(`- ${code(e.target)}: ${md(e.message)}`);
    if (result.errors.length > 50) out.push(`- … and ${result.errors.length - 50} more`);
  }
  const notes = result.scan.notes ?? [];
  if (notes.length > 0) out.push('', '### Notes', '', ...notes.map((n) => `- ${md(n)}`));
  return `${out.join('\n')}\n\n`;
}

function findingRow(f: Finding, ctx: SummaryContext): string {
  const l = f.location;
  const file = ctx.uriPrefix ? `${ctx.uriPrefix}/${l.path}` : l.path;
  const notes: string[] = [];
  if (l.commit && /^0+$/.test(l.commit)) notes.push('staged');
  else if (l.commit) notes.push(`commit ${code(l.commit.slice(0, 7))}${f.presentAtHead === true ? ', still at HEAD' : f.presentAtHead === false ? ', no longer at HEAD' : ''}`);
  notes.push(...provenanceWords(l, (v, label) => (label === 'field' ? code(v) : md(v))));
  if (f.decodedFrom?.length) notes.push(`decoded from ${f.decodedFrom.join(' → ')}`);
  if (f.jwt) notes.push(md(summarizeJwt(f.jwt, ctx.now)));
  return `| ${ICON[f.severity]} ${f.severity} | ${code(f.ruleId)} | ${code(`${file}:${l.line}:${l.column}`)} | ${code(f.secret.redacted)} | ${notes.join('; ')} |`;
}

function jwtFacts(jwts: Finding[]): string[] {
  const analyses = jwts.map((f) => f.jwt!);
  const count = (pred: (a: (typeof analyses)[number]) => boolean) => analyses.filter(pred).length;
  const lines = [
    `- ${analyses.length} JWT finding${analyses.length === 1 ? '' : 's'}: ${count((a) => !a.expired)} not expired, ${count((a) => a.expired)} expired`,
    `- ${count((a) => a.binding === 'none')} unbound bearer (no \`cnf\`: anyone holding one can replay it)`,
  ];
  const problems = new Map<string, number>();
  for (const a of analyses) for (const p of new Set(a.problems.map((x) => x.id))) problems.set(p, (problems.get(p) ?? 0) + 1);
  if (problems.size > 0) {
    lines.push(`- problems: ${[...problems].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id, n]) => `${code(id)} ×${n}`).join(', ')}`);
  }
  const lifetimes = analyses.map((a) => a.lifetimeSeconds).filter((x): x is number => x !== null);
  if (lifetimes.length > 0) lines.push(`- longest lifetime: ${formatDuration(Math.max(...lifetimes))}`);
  return lines;
}

/**
 * Text for Markdown with HTML allowed: ASCII punctuation that Markdown acts on is
 * backslash-escaped (so `|` cannot end a table cell, `[x](y)` is no link, `@team` no mention),
 * then `& < > " '` become entities (so nothing is a tag).
 */
export function md(s: string): string {
  // control characters first (line breaks included: a table row is one line)
  return escapeControl(s)
    .replace(/[\\`*_{}[\]()#+\-.!|~@:]/g, (c) => `\\${c}`)
    .replace(/[&<>"']/g, (c) => ENTITY[c] ?? c);
}

/** Identifiers and paths in <code>: Markdown still applies between HTML tags, so escaped the same. */
function code(s: string): string {
  return `<code>${md(s)}</code>`;
}

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
