// `--format github`: GitHub Actions workflow commands, one annotation per finding, so a pull
// request shows findings on its diff without code scanning (which private repositories pay for).
// https://docs.github.com/actions/reference/workflow-commands-for-github-actions
import { compareSeverity } from '../core/severity.js';
import { escapeControl } from '../core/redact.js';
import type { Finding, ScanResult, Severity } from '../core/types.js';
import { summarizeJwt } from './jwt-summary.js';
import { provenanceWords } from './provenance.js';

export interface GithubContext {
  now: Date;
  /** the scanned root relative to the folder the scan ran from ("" when it is that folder) */
  uriPrefix?: string;
}

type Command = 'error' | 'warning' | 'notice';

const COMMAND: Record<Severity, Command> = { critical: 'error', high: 'error', medium: 'warning', low: 'notice', info: 'notice' };

/**
 * One `::error file=…,line=…::message` line per finding, worst first (GitHub shows only the
 * first 10 errors and 10 warnings of a step; the job summary has them all), then a warning per
 * target that could not be scanned, a notice per note, and a plain closing line for the log.
 * Suppressed findings (--show-suppressed) get no annotation.
 */
export function renderGithub(result: ScanResult, ctx: GithubContext): string {
  const out: string[] = [];
  const active = result.findings.filter((f) => !f.suppressed);
  const ordered = active.map((f, i) => ({ f, i })).sort((a, b) => compareSeverity(b.f.severity, a.f.severity) || a.i - b.i);
  for (const { f } of ordered) out.push(annotation(f, ctx));
  for (const e of result.errors) out.push(command('warning', { title: 'tokensprawl: could not scan' }, `${e.target}: ${e.message}`));
  for (const n of result.scan.notes ?? []) out.push(command('notice', { title: 'tokensprawl' }, n));
  const errs = result.errors.length;
  const tail = errs > 0 ? `, ${errs} target${errs === 1 ? '' : 's'} could not be scanned` : '';
  // Plain text, not a command; escaped so that nothing read from the scan can start one.
  out.push(escapeData(`tokensprawl: ${active.length} finding${active.length === 1 ? '' : 's'}${tail}`));
  return `${out.join('\n')}\n`;
}

function annotation(f: Finding, ctx: GithubContext): string {
  const l = f.location;
  const file = ctx.uriPrefix ? `${ctx.uriPrefix}/${l.path}` : l.path;
  const props: Record<string, string | number> = { file, line: l.line, col: l.column, endLine: l.endLine };
  // GitHub takes a column range only on a single line.
  if (l.endLine === l.line) props['endColumn'] = l.endColumn;
  props['title'] = `${f.ruleId}: ${f.title}`;
  const parts = [`${f.severity}: ${f.title} (${f.ruleId}), secret ${f.secret.redacted}, sha256 ${f.secret.sha256.slice(0, 16)}…`];
  if (f.decodedFrom?.length) parts.push(`decoded from ${f.decodedFrom.join(' → ')}`);
  if (l.commit && /^0+$/.test(l.commit)) parts.push('staged, not committed yet');
  else if (l.commit) {
    const atHead = f.presentAtHead === true ? ', still present at HEAD' : f.presentAtHead === false ? ', no longer at HEAD (still in history: rotate it)' : '';
    parts.push(`introduced in ${l.commit.slice(0, 7)} by ${l.author ?? '?'} on ${(l.date ?? '').slice(0, 10)}${atHead}`);
  }
  parts.push(...provenanceWords(l));
  if (f.jwt) parts.push(`JWT: ${summarizeJwt(f.jwt, ctx.now)}`);
  return command(COMMAND[f.severity], props, parts.join('\n'));
}

function command(name: Command, props: Record<string, string | number>, message: string): string {
  const p = Object.entries(props)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${name}${p ? ` ${p}` : ''}::${escapeData(message)}`;
}

/**
 * The message part, escaped as @actions/core's escapeData does: `%`, CR, LF. Other control
 * characters (ESC, NUL, the C1 range, line separators, bidi controls) are first shown as `\x1b`
 * text: GitHub's runner would pass them to the log, where they can move the cursor or hide what
 * follows. A tab is kept.
 */
export function escapeData(s: string): string {
  return escapeControl(s, '\t\r\n').replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value, escaped as @actions/core's escapeProperty does: also `:` and `,`. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
