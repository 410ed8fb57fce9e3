// The text reports, for people at a terminal: a scan's findings, and one token's facts (`jwt`).
// The only module that colours (chalk); colour only when the context asks for it.
import { Chalk, type ChalkInstance } from 'chalk';
import { formatDuration } from '../analyze/duration.js';
import { escapeControlDeep } from '../core/redact.js';
import { compareSeverity, SEVERITIES_WORST_FIRST } from '../core/severity.js';
import type { Credential, Finding, JwtAnalysis, Owner, ScanResult, Severity } from '../core/types.js';
import { BINDING_LABEL, claimText, relative, summarizeJwt } from './jwt-summary.js';
import { provenanceWords } from './provenance.js';

export interface TextContext {
  color: boolean;
  now: Date;
}

/** Credentials listed in full at the top; the rest are counted (every one is in the JSON report). */
const MAX_CREDENTIALS = 50;
const MAX_OWNERS = 4;

/** A report for people: the credentials to revoke, riskiest first; one block per finding; a summary line. */
export function renderText(raw: ScanResult, ctx: TextContext): string {
  // Every string from the scan (paths, step names, fields, messages) shown with its control
  // characters escaped: a scanned name must not write terminal escape sequences.
  const result = escapeControlDeep(raw);
  const c = new Chalk({ level: ctx.color ? 1 : 0 });
  const out: string[] = [];
  const credentials = result.credentials ?? [];
  if (credentials.length > 0) out.push(renderCredentials(credentials, c), '');
  for (const f of result.findings) out.push(renderFinding(f, c, ctx.now));
  for (const e of result.errors) out.push(`${c.yellow('error')} ${e.target}: ${e.message}`);
  for (const n of result.scan.notes ?? []) out.push(`${c.cyan('note')} ${n}`);
  out.push(summary(result, c));
  return `${out.join('\n')}\n`;
}

/** The to-do list: each credential with what to revoke, where it is, who owns it and why it matters. */
function renderCredentials(credentials: readonly Credential[], c: ChalkInstance): string {
  const n = credentials.length;
  const lines = [c.bold(`${n} credential${n === 1 ? '' : 's'} to revoke, riskiest first:`)];
  credentials.slice(0, MAX_CREDENTIALS).forEach((cr, i) => {
    const num = `${i + 1}.`.padEnd(4);
    const places = `${cr.places.length} place${cr.places.length === 1 ? '' : 's'} (${cr.sourceKinds.join(', ')})`;
    lines.push(`${num}${severityColour(c, cr.risk.level)(cr.risk.level.toUpperCase().padEnd(8))} ${cr.redacted}  ${c.bold(cr.ruleId)}  ${places}`);
    const pad = '            ';
    if (cr.owners.length > 0) lines.push(`${pad}owners: ${ownersText(cr.owners)}`);
    if (cr.risk.reasons.length > 0) lines.push(`${pad}why: ${cr.risk.reasons.join('; ')}`);
    const seen = cr.firstSeen ? (cr.firstSeen === cr.lastSeen ? `seen ${cr.firstSeen}` : `first seen ${cr.firstSeen}, last seen ${cr.lastSeen ?? '?'}`) : '';
    if (seen) lines.push(`${pad}${seen}`);
    if (cr.violations && cr.violations.length > 0) lines.push(`${pad}policies: ${cr.violations.join(', ')}`);
    if (cr.tags.length > 0) lines.push(`${pad}${c.dim(`standards: ${cr.tags.join(' ')}`)}`);
    const todo = cr.revoke ? `revoke at ${c.underline(cr.revoke)}` : firstStep(cr.remediation);
    if (todo) lines.push(`${pad}${c.bold('→')} ${todo}`);
  });
  if (n > MAX_CREDENTIALS) lines.push(`    … and ${n - MAX_CREDENTIALS} more (all are in --format json)`);
  return lines.join('\n');
}

function ownersText(owners: readonly Owner[]): string {
  const shown = owners.slice(0, MAX_OWNERS).map((o) => `${o.name} (${OWNER_KIND[o.kind] ?? o.kind})`);
  const more = owners.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
}

const OWNER_KIND: Record<string, string> = { author: 'commit author', codeowners: 'CODEOWNERS', ci: 'CI', queue: 'queue' };

/** The first step of a rule's remediation, without its markdown, on one line. */
function firstStep(remediation: string | undefined): string {
  // The report's strings arrive with control characters escaped: a line break is the text "\x0a" here.
  const text = (remediation ?? '').replace(/\\x0a/g, '\n');
  const first = text.split(/\n\s*(?:\d+\.|[-*])\s/)[0] ?? '';
  const plain = first.replace(/^\s*(?:\d+\.|[-*])\s+/, '').replace(/\*\*|`/g, '').replace(/\s+/g, ' ').trim();
  return plain.length > 160 ? `${plain.slice(0, 159)}…` : plain;
}

function renderFinding(f: Finding, c: ChalkInstance, now: Date): string {
  const l = f.location;
  const sev = severityColour(c, f.severity)(f.severity.toUpperCase().padEnd(8));
  const lines = [`${sev} ${c.bold(f.ruleId)}  ${f.title}${f.suppressed ? c.dim(` (suppressed: ${f.suppressed.by}${f.suppressed.by === 'placeholder' && f.suppressed.reason ? `, ${f.suppressed.reason}` : ''})`) : ''}`];
  lines.push(`         ${c.underline(`${l.path}:${l.line}:${l.column}`)}${where(f)}`);
  lines.push(`         secret ${f.secret.redacted}  sha256 ${f.secret.sha256.slice(0, 16)}…${f.decodedFrom ? `  decoded from ${f.decodedFrom.join(' → ')}` : ''}`);
  if (l.commit && /^0+$/.test(l.commit)) lines.push(`         staged, not committed yet`);
  else if (l.commit) {
    const history = f.presentAtHead === true ? '; still present at HEAD' : f.presentAtHead === false ? '; no longer at HEAD (still in history: rotate it)' : '';
    lines.push(`         introduced in ${l.commit.slice(0, 7)} by ${l.author ?? '?'} on ${(l.date ?? '').slice(0, 10)}${history}`);
  }
  if (f.jwt) lines.push(`         ${c.dim(summarizeJwt(f.jwt, now))}`);
  return lines.join('\n');
}

function where(f: Finding): string {
  const l = f.location;
  const parts = provenanceWords(l);
  return parts.length > 0 ? `  (${parts.join(', ')})` : '';
}

function summary(result: ScanResult, c: ChalkInstance): string {
  const active = result.findings.filter((f) => !f.suppressed);
  const counts = SEVERITIES_WORST_FIRST.map((s) => [s, active.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  const s = result.scan.stats;
  const scanned: string[] = [];
  if (s.files) scanned.push(`${s.files} file${s.files === 1 ? '' : 's'}`);
  if (s.commits) scanned.push(`${s.commits} commit${s.commits === 1 ? '' : 's'}`);
  if (s.messages) scanned.push(`${s.messages} message${s.messages === 1 ? '' : 's'}`);
  scanned.push(`${(s.bytes / 1e6).toFixed(1)} MB in ${(result.scan.durationMs / 1000).toFixed(2)} s`);
  const extra: string[] = [];
  if (s.binarySkipped) extra.push(`${s.binarySkipped} binary skipped`);
  if (s.symlinksSkipped) extra.push(`${s.symlinksSkipped} symlink${s.symlinksSkipped === 1 ? '' : 's'} not followed`);
  if (s.specialSkipped) extra.push(`${s.specialSkipped} FIFO/socket/device skipped`);
  if (s.suppressed) extra.push(`${s.suppressed} suppressed`);
  const tail = `scanned ${scanned.join(', ')}${extra.length ? ` (${extra.join(', ')})` : ''}`;
  const errs = result.errors.length;
  if (active.length === 0) {
    const head = errs > 0 ? c.yellow(`no findings in what could be scanned, but ${errs} target${errs === 1 ? '' : 's'} could not be scanned`) : c.green('no findings');
    return `${head}; ${tail}`;
  }
  const bySev = counts.map(([sev, n]) => severityColour(c, sev)(`${n} ${sev}`)).join(', ');
  return `${active.length} finding${active.length === 1 ? '' : 's'} (${bySev})${errs ? c.yellow(`, ${errs} error${errs === 1 ? '' : 's'}`) : ''}; ${tail}`;
}

function severityColour(c: ChalkInstance, s: Severity): (t: string) => string {
  switch (s) {
    case 'critical':
      return (t) => c.bgRed.white.bold(t);
    case 'high':
      return (t) => c.red.bold(t);
    case 'medium':
      return (t) => c.yellow(t);
    case 'low':
      return (t) => c.blue(t);
    case 'info':
      return (t) => c.gray(t);
  }
}

/**
 * The text output of `tokensprawl jwt`: a small table of the token's facts and its problems,
 * worst first. Colour only when opts.color.
 */
export function renderJwtDetails(a: JwtAnalysis, severity: Severity, now: Date, opts: { color: boolean }): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const paint = (s: Severity): ((t: string) => string) => severityColour(c, s);
  const rows: [string, string][] = [];
  const claims = a.claims ?? {};

  const algText = typeof a.header.alg === 'string' ? a.header.alg : '?';
  const typText = typeof a.header.typ === 'string' ? `, typ ${a.header.typ}` : '';
  const encText = typeof a.header.enc === 'string' ? `, enc ${a.header.enc}` : '';
  rows.push(['form', `${a.form.toUpperCase()} (alg ${algText}${encText}${typText})`]);
  if (typeof a.header.kid === 'string') rows.push(['key id', a.header.kid]);

  if (a.form !== 'jwe') {
    rows.push(['issuer', claimText(claims.iss) ?? '-']);
    if (a.family) rows.push(['family', a.family]);
    rows.push(['subject', claimText(claims.sub) ?? '-']);
    rows.push(['audience', a.audience.length > 0 ? a.audience.join(', ') : '- (none)']);
    const client = claimText(claims.client_id) ?? claimText(claims.azp);
    if (client !== null) rows.push(['client', client]);
    const scope = claimText(claims.scope) ?? claimText(claims.scp);
    if (scope !== null) rows.push(['scope', scope]);
    const roles = claimText(claims.roles);
    if (roles !== null) rows.push(['roles', roles]);
    rows.push(['issued', a.issuedAt ? `${a.issuedAt} (${relative(a.issuedAt, now)})` : '-']);
    if (a.notBefore && a.notBefore !== a.issuedAt) rows.push(['not before', `${a.notBefore} (${relative(a.notBefore, now)})`]);
    const expiry = a.expiresAt
      ? `${a.expiresAt} (${a.expired ? `expired ${relative(a.expiresAt, now)}` : `expires ${relative(a.expiresAt, now)}`})`
      : 'never';
    rows.push(['expires', a.expired ? paint('low')(expiry) : expiry]);
    rows.push(['lifetime', a.lifetimeSeconds !== null ? formatDuration(a.lifetimeSeconds) : '-']);
    rows.push(['binding', a.problems.some((p) => p.id === 'dpop-proof') ? 'DPoP proof (signed by the key in its header)' : BINDING_LABEL[a.binding]]);
  } else {
    rows.push(['claims', 'encrypted (not readable without the key)']);
  }
  const sigText: Record<JwtAnalysis['signature'], string> = {
    valid: c.green('valid (JWK Set)'),
    invalid: paint('high')('INVALID (JWK Set)'),
    unverified: 'unverified',
  };
  rows.push(['signature', sigText[a.signature]]);
  rows.push(['severity', paint(severity)(severity)]);

  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${c.bold(k.padEnd(width))}  ${v}`);

  const problems = [...a.problems].sort((x, y) => compareSeverity(y.severity, x.severity));
  lines.push('');
  if (problems.length === 0) {
    lines.push('no problems found');
  } else {
    lines.push(c.bold('problems'));
    const sevWidth = Math.max(...problems.map((p) => p.severity.length));
    for (const p of problems) {
      lines.push(`  ${paint(p.severity)(p.severity.padEnd(sevWidth))}  ${p.id}: ${p.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
