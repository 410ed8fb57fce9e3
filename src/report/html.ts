// --format html: one self-contained page for the people who decide what to revoke first.
// Summary and gate, credential cards riskiest first, a sprawl map (credentials × source kinds and
// owners), charts (chartist, bundled at build time) and a paged findings table built in the
// browser from embedded JSON, then what was not scanned.
//
// Safety: the result goes through the run's redactor again before anything is rendered (the
// reporters never see a raw secret, and this one also shows claims and names); every scanned
// string is made visible (control characters), cut, and entity-escaped (html-text.ts); the data
// block is JSON with `<` escaped; the page's one script runs under a CSP hash, and the policy
// forbids every fetch (default-src 'none').
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SEVERITY_RANK } from '../core/severity.js';
import type { Credential, Finding, Location, ScanResult, Severity, SourceKind } from '../core/types.js';
import {
  SEVERITY_ORDER,
  TABLE_COLUMNS,
  activeFindings,
  buildCharts,
  countBy,
  credentialsOf,
  human,
  placeText,
  provenanceText,
  sourceKinds,
  tableRow,
  type ChartSpec,
  type Charts,
} from './html-data.js';
import { PAGE_CSS } from './html-style.js';
import { escapeHtml, scriptJson, text } from './html-text.js';

export interface HtmlContext {
  now: Date;
  /** the gate (default "low") and whether an incomplete scan may pass it, as on the command line */
  failOn?: Severity | 'none';
  allowIncomplete?: boolean;
  /** the run's redactor (Redactor.value): applied to the whole result before rendering */
  redactor?: { value<T>(v: T): T };
  /** largest report in bytes (default 50 MB): past it the table keeps the worst findings and says what it left out */
  maxBytes?: number;
  /** the page's script and chartist's CSS; read from dist/html-assets.json (built by scripts/bundle.mjs) when not given */
  assets?: HtmlAssets;
}

export interface HtmlAssets {
  js: string;
  css: string;
}

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
/** credential cards rendered (riskiest first); the table holds every finding */
export const MAX_CARDS = 200;
/** places listed on one card */
export const MAX_PLACES = 25;
/** credentials (rows) and owners (columns) in the sprawl map */
const MAP_ROWS = 40;
const MAP_OWNERS = 10;
const MAX_ERRORS = 500;
const MAX_NOTES = 200;
const MAX_RULES = 60;

/** dist/html-assets.json, from dist/report/, dist/bundle/ or src/report/ alike. */
const ASSETS_FILE = fileURLToPath(new URL('../../dist/html-assets.json', import.meta.url));

export function loadHtmlAssets(file = ASSETS_FILE): HtmlAssets {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`the HTML report's script is missing (${file}): run npm run build`, { cause: err });
  }
  const parsed = JSON.parse(raw) as Partial<HtmlAssets>;
  if (typeof parsed.js !== 'string' || typeof parsed.css !== 'string') throw new Error(`${file} is not the HTML report's assets: run npm run build`);
  return { js: parsed.js, css: parsed.css };
}

/** The Content-Security-Policy of the page for a script of this text. */
export function contentSecurityPolicy(script: string): string {
  const hash = createHash('sha256').update(script, 'utf8').digest('base64');
  // Scripts: only the page's own, by hash. Styles: 'unsafe-inline', because chartist sets
  // style attributes on its SVG; CSS cannot run script, and with default-src 'none' it cannot
  // fetch anything either (no img, font or connect source), so an injected style could neither
  // act nor exfiltrate, and every scanned string is escaped before it reaches the markup anyway.
  return [`default-src 'none'`, `script-src 'sha256-${hash}'`, `style-src 'unsafe-inline'`, `base-uri 'none'`, `form-action 'none'`].join('; ');
}

export function renderHtml(raw: ScanResult, ctx: HtmlContext): string {
  const result = ctx.redactor ? ctx.redactor.value(raw) : raw;
  const assets = ctx.assets ?? loadHtmlAssets();
  const maxBytes = ctx.maxBytes ?? DEFAULT_MAX_BYTES;
  const active = activeFindings(result);
  const { credentials, derived } = credentialsOf(result);
  const charts = buildCharts(active);

  const rows = result.findings.map((f) => scriptJson(tableRow(f, ctx.now)));
  const page = (kept: readonly number[] | undefined, cards: number): string =>
    assemble(result, ctx, assets, { active, credentials, derived, charts, rows, kept, cards });

  const full = page(undefined, MAX_CARDS);
  if (Buffer.byteLength(full, 'utf8') <= maxBytes) return full;

  // Too large: keep the worst findings that fit (and fewer cards if even that is not enough).
  for (const cards of [MAX_CARDS, 20, 0]) {
    const base = Buffer.byteLength(page([], cards), 'utf8') + 4096;
    if (base > maxBytes && cards > 0) continue;
    const order = result.findings.map((f, i) => ({ i, rank: SEVERITY_RANK[f.severity] + (f.suppressed ? -10 : 0) })).sort((a, b) => b.rank - a.rank || a.i - b.i);
    let budget = maxBytes - base;
    const kept: number[] = [];
    for (const { i } of order) {
      const size = Buffer.byteLength(rows[i] ?? '', 'utf8') + 1;
      if (size > budget) break;
      budget -= size;
      kept.push(i);
    }
    return page(kept.sort((a, b) => a - b), cards);
  }
  return page([], 0);
}

interface Parts {
  active: Finding[];
  credentials: Credential[];
  derived: boolean;
  charts: Charts;
  /** each finding's table row as JSON */
  rows: string[];
  /** indices of the findings kept in the table; all when undefined */
  kept: readonly number[] | undefined;
  cards: number;
}

function assemble(result: ScanResult, ctx: HtmlContext, assets: HtmlAssets, p: Parts): string {
  const keptRows = p.kept ? p.kept.map((i) => p.rows[i] ?? '') : p.rows;
  const kept = p.kept ? new Set(p.kept) : undefined;
  const leftOut = kept ? result.findings.filter((_, i) => !kept.has(i)) : [];
  const omitted: string[] = [];
  if (leftOut.length > 0) {
    const bySev = SEVERITY_ORDER.map((s) => [s, leftOut.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
    omitted.push(
      `This report stays under ${Math.round((ctx.maxBytes ?? DEFAULT_MAX_BYTES) / 1024 / 1024) || '<1'} MB: its findings table leaves out ${leftOut.length} of ${result.findings.length} findings, the least severe (${bySev.map(([s, n]) => `${n} ${s}`).join(', ')}). The counts and charts above still include them; the JSON report (--format json) holds every one.`,
    );
  }
  const shownCards = Math.min(p.cards, p.credentials.length);
  if (shownCards < p.credentials.length) {
    omitted.push(`Cards are shown for the ${shownCards} riskiest of ${p.credentials.length} credentials; the findings table lists the places of the others.`);
  }

  const data = `{"charts":${scriptJson(p.charts)},"columns":${scriptJson(TABLE_COLUMNS)},"rows":[${keptRows.join(',')}]}`;
  const title = `tokensprawl report: ${p.active.length} finding${p.active.length === 1 ? '' : 's'}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(assets.js))}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tokensprawl ${escapeHtml(result.tool.version)}">
<title>${escapeHtml(title)}</title>
<style>${assets.css}${PAGE_CSS}</style>
</head>
<body>
${header(result)}
<nav><a href="#summary">Summary</a><a href="#credentials">Credentials</a><a href="#sprawl">Sprawl map</a><a href="#charts">Charts</a><a href="#findings">Findings</a><a href="#not-scanned">Not scanned</a></nav>
${summary(result, ctx, p, omitted)}
${cards(result, p.credentials.slice(0, shownCards), p.credentials.length, p.derived)}
${sprawl(p.credentials)}
${chartsSection(p.charts)}
${table(result, keptRows.length)}
${notScanned(result, omitted)}
<script type="application/json" id="ts-data">${data}</script>
<script>${assets.js}</script>
</body>
</html>
`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function header(result: ScanResult): string {
  const s = result.scan;
  const targets = s.targets.map((t) => `<code>${text(t, 200)}</code>`).join(', ');
  return `<header class="page"><h1>tokensprawl report</h1>
<span class="muted">tokensprawl ${text(s.command, 20)} of ${targets || '—'} · started ${text(s.startedAt, 40)} · judged at ${text(s.now, 40)} · tokensprawl ${text(result.tool.version, 40)}</span></header>`;
}

function gate(result: ScanResult, ctx: HtmlContext, active: Finding[]): string {
  const failOn = ctx.failOn ?? 'low';
  if (result.errors.length > 0 && !ctx.allowIncomplete) {
    return `<div class="gate incomplete" id="gate">Gate: INCOMPLETE — ${plural(result.errors.length, 'target')} could not be scanned, so the scan does not pass (exit 2). See <a href="#not-scanned">Not scanned</a>.</div>`;
  }
  if (failOn === 'none') return `<div class="gate off" id="gate">Gate: off (--fail-on none)</div>`;
  const over = active.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]).length;
  return over > 0
    ? `<div class="gate fail" id="gate">Gate: FAIL — ${plural(over, 'finding')} at or above ${failOn} (exit 1)</div>`
    : `<div class="gate pass" id="gate">Gate: PASS — no finding at or above ${failOn}</div>`;
}

function summary(result: ScanResult, ctx: HtmlContext, p: Parts, omitted: string[]): string {
  const st = result.scan.stats;
  const tiles = SEVERITY_ORDER.map((sev) => {
    const n = p.active.filter((f) => f.severity === sev).length;
    return `<div class="tile sev-${sev}"><b>${n}</b>${sev}</div>`;
  }).join('');
  const scanned = [
    st.files ? plural(st.files, 'file') : '',
    st.commits ? plural(st.commits, 'commit') : '',
    st.messages ? plural(st.messages, 'message') : '',
    `${(st.bytes / 1e6).toFixed(1)} MB in ${(result.scan.durationMs / 1000).toFixed(2)} s`,
  ].filter(Boolean);
  const kinds = countBy(p.active, (f) => f.location.source);
  const kindRows = kinds.map(([k, n]) => `<tr><td>${text(k, 20)}</td><td class="n">${n}</td></tr>`).join('');
  const rules = new Map<string, { title: string; worst: Severity; n: number }>();
  for (const f of p.active) {
    const r = rules.get(f.ruleId);
    if (!r) rules.set(f.ruleId, { title: f.title, worst: f.severity, n: 1 });
    else {
      r.n++;
      if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[r.worst]) r.worst = f.severity;
    }
  }
  const ruleList = [...rules].sort((a, b) => SEVERITY_RANK[b[1].worst] - SEVERITY_RANK[a[1].worst] || b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1));
  const ruleRows = ruleList
    .slice(0, MAX_RULES)
    .map(([id, r]) => `<tr class="sev-${r.worst}"><td><code>${text(id, 80)}</code></td><td>${text(r.title, 160)}</td><td><span class="badge">${r.worst}</span></td><td class="n">${r.n}</td></tr>`)
    .join('');
  const moreRules = ruleList.length > MAX_RULES ? `<p class="muted">…and ${ruleList.length - MAX_RULES} more rules (see the table).</p>` : '';
  return `<section id="summary"><h2>Summary</h2>
${gate(result, ctx, p.active)}
<p>${plural(p.active.length, 'finding')} of ${plural(p.credentials.length, 'distinct credential')}${st.suppressed ? `; ${st.suppressed} suppressed` : ''}${result.errors.length ? `; <strong>${plural(result.errors.length, 'target')} could not be scanned</strong>` : ''}. Scanned: ${escapeHtml(scanned.join(', '))}.</p>
${omitted.map((o) => `<p class="notice">${escapeHtml(o)}</p>`).join('\n')}
<div class="tiles" id="severity-counts">${tiles}</div>
<div class="cols">
<div><h4>By source kind</h4><table id="by-source"><thead><tr><th>source</th><th class="n">findings</th></tr></thead><tbody>${kindRows || '<tr><td colspan="2" class="muted">none</td></tr>'}</tbody></table></div>
<div><h4>By rule</h4><table id="by-rule"><thead><tr><th>rule</th><th>title</th><th>worst</th><th class="n">findings</th></tr></thead><tbody>${ruleRows || '<tr><td colspan="4" class="muted">none</td></tr>'}</tbody></table>${moreRules}</div>
</div></section>`;
}

/** A link only for an https URL; anything else (javascript:, data:, text) stays text. */
function linkOrText(s: string): string {
  if (/^https:\/\/[^\s<>"']+$/i.test(s) && s.length <= 400) return `<a href="${escapeHtml(s)}" rel="noopener noreferrer">${text(s)}</a>`;
  return text(s, 600);
}

function placeItem(loc: Location, time: string | undefined): string {
  const prov = provenanceText(loc);
  return `<li><span class="kind">${text(loc.source, 20)}</span><code>${text(placeText(loc), 300)}</code>${prov ? ` <span class="muted">${text(prov, 300)}</span>` : ''}${time ? ` <span class="muted">· ${text(time, 40)}</span>` : ''}</li>`;
}

function card(c: Credential, policyTitles: Map<string, Finding>): string {
  const t = c.token;
  const facts: [string, string][] = [];
  facts.push(['kind', t.kind === 'jwt' ? 'JWT' : 'opaque token']);
  if (t.issuer !== undefined) facts.push(['issuer', text(t.issuer)]);
  if (t.subject !== undefined) facts.push(['subject', text(t.subject)]);
  if (t.audience) facts.push(['audience', t.audience.length ? t.audience.map((a) => text(a, 120)).join(', ') : 'none']);
  if (t.scopes?.length) facts.push(['scopes', t.scopes.map((s) => text(s, 80)).join(' ')]);
  if (t.alg !== undefined) facts.push(['alg', text(t.alg, 40)]);
  if (t.lifetimeSeconds !== undefined) facts.push(['lifetime', escapeHtml(human(t.lifetimeSeconds))]);
  if (t.issuedAt) facts.push(['issued', text(t.issuedAt, 40)]);
  if (t.expiresAt !== undefined) facts.push(['expires', t.expiresAt === null ? 'never' : `${text(t.expiresAt, 40)}${t.expired ? ' (expired)' : ''}`]);
  if (t.binding !== undefined) facts.push(['binding', text(t.binding, 20)]);
  if (t.signature !== undefined) facts.push(['signature', text(t.signature, 20)]);
  if (c.firstSeen) facts.push(['first seen', text(c.firstSeen, 40)]);
  if (c.lastSeen) facts.push(['last seen', text(c.lastSeen, 40)]);
  if (c.atHead !== undefined) facts.push(['at HEAD / in tree', c.atHead ? 'yes' : 'no (still in history)']);

  const places = c.places.slice(0, MAX_PLACES).map((pl) => placeItem(pl.location, pl.time)).join('');
  const morePlaces = c.places.length > MAX_PLACES ? `<li class="muted">…and ${c.places.length - MAX_PLACES} more places (in the table)</li>` : '';
  const owners = c.owners.map((o) => `<span class="chip" title="${text(o.via ?? o.kind, 200)}">${text(o.kind, 20)}: ${text(o.name, 120)}</span>`).join('');
  const violations = (c.violations ?? [])
    .map((id) => {
      const f = policyTitles.get(id);
      return `<span class="chip policy">policy/${text(id, 80)}${f ? ` — ${text(f.title, 160)} (${f.severity})` : ''}</span>`;
    })
    .join('');
  const tags = c.tags.map((tg) => `<span class="chip">${text(tg, 60)}</span>`).join('');
  const fix = [c.remediation ? `<div><strong>Remediation</strong> ${text(c.remediation, 1200)}</div>` : '', c.revoke ? `<div><strong>Revoke</strong> ${linkOrText(c.revoke)}</div>` : ''].join('');
  return `<article class="card sev-${c.risk.level}" data-fingerprint="${escapeHtml(c.fingerprint.slice(0, 16))}">
<header><span class="badge">${c.risk.level}</span><h3>${text(c.title, 160)}</h3><code>${text(c.ruleId, 80)}</code></header>
<p><code class="secret">${text(c.redacted, 80)}</code> <span class="muted">sha256 ${escapeHtml(c.fingerprint.slice(0, 16))}… · ${plural(c.places.length, 'place')} · ${c.sourceKinds.map((k) => text(k, 20)).join(', ')}</span></p>
${c.risk.reasons.length ? `<ul class="reasons">${c.risk.reasons.slice(0, 12).map((r) => `<li>${text(r, 400)}</li>`).join('')}</ul>` : ''}
${violations ? `<h4>Policy violations</h4><div>${violations}</div>` : ''}
<h4>Token</h4><dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
<h4>Places</h4><ol class="places">${places}${morePlaces}</ol>
${owners ? `<h4>Owners</h4><div class="owners">${owners}</div>` : ''}
${tags ? `<h4>Standards</h4><div class="tags">${tags}</div>` : ''}
${fix ? `<div class="fix">${fix}</div>` : ''}
</article>`;
}

function cards(result: ScanResult, list: Credential[], total: number, derived: boolean): string {
  const policy = new Map<string, Finding>();
  for (const f of result.findings) if (f.ruleId.startsWith('policy/') && !policy.has(f.ruleId.slice(7))) policy.set(f.ruleId.slice(7), f);
  const note = derived && total > 0 ? `<p class="muted">This run carries no credential view; these cards group its findings by secret.</p>` : '';
  const body = list.length === 0 ? `<p class="muted" id="no-credentials">No credentials found.</p>` : `<div class="cards">${list.map((c) => card(c, policy)).join('\n')}</div>`;
  return `<section id="credentials"><h2>Credentials, riskiest first</h2>${note}${body}</section>`;
}

function sprawl(credentials: Credential[]): string {
  const rows = credentials.slice(0, MAP_ROWS);
  if (rows.length === 0) return `<section id="sprawl"><h2>Sprawl map</h2><p class="muted">No credentials to map.</p></section>`;
  const kinds: SourceKind[] = [...new Set(rows.flatMap((c) => c.sourceKinds))].sort();
  const ownerCounts = countBy(rows, (c) => [...new Set(c.owners.map((o) => `${o.kind}: ${o.name}`))]);
  const owners = ownerCounts.slice(0, MAP_OWNERS).map(([o]) => o);
  const head = `<tr><th>credential</th>${kinds.map((k) => `<th class="n">${text(k, 20)}</th>`).join('')}${owners.map((o) => `<th class="rot">${text(o, 60)}</th>`).join('')}<th class="n">owners</th></tr>`;
  const body = rows
    .map((c) => {
      const perKind = kinds.map((k) => {
        const n = c.places.filter((pl) => pl.location.source === k).length;
        return n === 0 ? '<td></td>' : `<td class="hit${n > 2 ? ' many' : ''}">${n}</td>`;
      });
      const mine = new Set(c.owners.map((o) => `${o.kind}: ${o.name}`));
      const perOwner = owners.map((o) => (mine.has(o) ? '<td class="own">●</td>' : '<td></td>'));
      return `<tr class="sev-${c.risk.level}"><td><span class="badge">${c.risk.level}</span> <code>${text(c.redacted, 60)}</code> <span class="muted">${text(c.ruleId, 60)}</span></td>${perKind.join('')}${perOwner.join('')}<td class="n">${mine.size}</td></tr>`;
    })
    .join('');
  const more = credentials.length > MAP_ROWS ? `<p class="muted">The ${MAP_ROWS} riskiest of ${credentials.length} credentials.</p>` : '';
  const moreOwners = ownerCounts.length > MAP_OWNERS ? ` (${MAP_OWNERS} of ${ownerCounts.length} owners shown as columns)` : '';
  return `<section id="sprawl"><h2>Sprawl map</h2>
<p class="muted">Each row is one credential: the number of places it was found in each source kind, and its owners${moreOwners}.</p>
<div class="scroll"><table class="matrix" id="sprawl-map"><thead>${head}</thead><tbody>${body}</tbody></table></div>${more}</section>`;
}

const CHARTS: [keyof Charts, string, string][] = [
  ['lifetime', 'JWT lifetime', 'distinct tokens per lifetime (exp − iat), log-spaced bins'],
  ['binding', 'Binding mix', 'distinct tokens by cnf binding: none is a bearer token anyone can replay'],
  ['audience', 'Audiences', 'distinct tokens per aud value'],
  ['issuer', 'Issuers', 'distinct tokens per iss'],
  ['timeline', 'Findings over time', 'by commit date, log-line or message time'],
];

function chartValues(spec: ChartSpec): string {
  const pairs = spec.labels.map((l, i) => [l, spec.counts[i] ?? 0] as const).filter(([, n]) => n > 0);
  return pairs.length === 0 ? 'no data' : pairs.map(([l, n]) => `${escapeHtml(l)} ${n}`).join(' · ');
}

function chartsSection(charts: Charts): string {
  const figs = CHARTS.map(([id, title, sub]) => {
    const spec = charts[id];
    const empty = spec.counts.every((n) => n === 0);
    return `<figure data-chart="${id}" id="chart-${id}"><figcaption>${title}<small>${sub}</small></figcaption><div class="ct-target"></div><p class="chart-values${empty ? ' empty' : ''}">${chartValues(spec)}</p></figure>`;
  }).join('\n');
  return `<section id="charts"><h2>Charts</h2><div class="charts">${figs}</div></section>`;
}

function table(result: ScanResult, rowCount: number): string {
  const kinds = sourceKinds(result.findings);
  const heads = TABLE_COLUMNS.slice(1)
    .map((c, i) => `<th class="col-${c}" data-sort="${c === 'severity' ? 0 : i + 1}" tabindex="0" aria-sort="none">${c}</th>`)
    .join('');
  return `<section id="findings"><h2>Findings</h2>
<div class="controls"><input id="table-search" type="search" placeholder="Filter: path, rule, author, job, topic…" aria-label="filter findings">
<select id="table-severity" aria-label="minimum severity"><option value="0">all severities</option><option value="1">low and above</option><option value="2">medium and above</option><option value="3">high and above</option><option value="4">critical</option></select>
<select id="table-source" aria-label="source kind"><option value="">all sources</option>${kinds.map((k) => `<option value="${escapeHtml(k)}">${text(k, 20)}</option>`).join('')}</select>
<span class="pager"><button id="table-prev" type="button">◀ prev</button> <button id="table-next" type="button">next ▶</button></span>
<span id="table-status" class="muted">${plural(rowCount, 'row')}</span></div>
<p class="nojs muted">The table is built by the page's script from the data embedded in this file (${plural(rowCount, 'finding')}).</p>
<table id="findings-table"><thead><tr>${heads}</tr></thead><tbody></tbody></table></section>`;
}

function notScanned(result: ScanResult, omitted: string[]): string {
  const st = result.scan.stats;
  const errors = result.errors.slice(0, MAX_ERRORS).map((e) => `<tr><td><code>${text(e.target, 300)}</code></td><td>${text(e.message, 600)}</td></tr>`).join('');
  const moreErrors = result.errors.length > MAX_ERRORS ? `<p class="muted">…and ${result.errors.length - MAX_ERRORS} more errors (see the JSON report).</p>` : '';
  const skipped = [
    st.binarySkipped ? `${plural(st.binarySkipped, 'binary file')} skipped` : '',
    st.symlinksSkipped ? `${plural(st.symlinksSkipped, 'symlink')} not followed (use --follow)` : '',
    st.specialSkipped ? `${plural(st.specialSkipped, 'special file')} (FIFO, socket, device) not read` : '',
    st.suppressed ? `${plural(st.suppressed, 'finding')} suppressed (baseline, inline allow, allow-list or placeholder)` : '',
  ].filter(Boolean);
  const notes = (result.scan.notes ?? []).slice(0, MAX_NOTES).map((n) => `<li>${text(n, 600)}</li>`).join('');
  return `<section id="not-scanned"><h2>Errors and what was not scanned</h2>
${result.errors.length ? `<table id="errors"><thead><tr><th>target</th><th>why it could not be scanned</th></tr></thead><tbody>${errors}</tbody></table>${moreErrors}` : '<p id="no-errors">Everything named was read: no errors.</p>'}
${skipped.length ? `<ul id="skipped">${skipped.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>` : ''}
${notes ? `<h4>Notes</h4><ul id="notes">${notes}</ul>` : ''}
${omitted.length ? `<h4>Left out of this report</h4><ul id="left-out">${omitted.map((o) => `<li>${escapeHtml(o)}</li>`).join('')}</ul>` : ''}
</section>`;
}
