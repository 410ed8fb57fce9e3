// --format html as a pure reporter: escaping (markup, attributes, the JSON data block), the
// CSP, redaction through the run's redactor, the size limit, the empty report and the charts'
// series. The browser test (test/e2e/html-browser.test.ts) runs the same page in Chromium.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import type { ScanResult } from '../../src/core/types.js';
import { buildCharts, credentialsOf } from '../../src/report/html-data.js';
import { escapeHtml, scriptJson, shown } from '../../src/report/html-text.js';
import { MAX_CARDS, renderHtml } from '../../src/report/html.js';
import { leakedSecret } from '../helpers/secrets.js';
import { HOSTILE, NOW, htmlScenario } from './html-fixture.js';

/** The page's data block, parsed. */
function data(html: string): { charts: Record<string, { labels: string[]; counts: number[] }>; columns: string[]; rows: (string | number)[][] } {
  const m = /<script type="application\/json" id="ts-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m?.[1]) throw new Error('no data block');
  return JSON.parse(m[1]) as ReturnType<typeof data>;
}

/** The page without its data block and script (whose text is JSON and minified code). */
function markup(html: string): string {
  return html.replace(/<script type="application\/json" id="ts-data">[\s\S]*?<\/script>/, '').replace(/<script>[\s\S]*?<\/script>/, '');
}

/** Which of the needles occur in the haystack (a short list to compare, not the whole page in a failure message). */
function present(haystack: string, needles: readonly string[]): string[] {
  return needles.filter((n) => haystack.toLowerCase().includes(n.toLowerCase()));
}

function emptyResult(): ScanResult {
  return {
    tool: { name: 'tokensprawl', version: '0.1.0' },
    scan: { startedAt: NOW.toISOString(), now: NOW.toISOString(), command: 'dir', targets: ['.'], durationMs: 5, stats: { bytes: 10, files: 1, commits: 0, messages: 0 } },
    findings: [],
    errors: [],
  };
}

describe('html-text', () => {
  it('escapes markup and quotes, shows control characters and bidi overrides, cuts long strings', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(shown('\u001b[31mred\u202e\u0000')).toBe('\\x1b[31mred\\u{202e}\\x00');
    expect(shown('x'.repeat(1000), 10)).toBe(`${'x'.repeat(10)}… (+990 characters)`);
    // a surrogate pair is not cut in half
    expect(shown(`${'x'.repeat(9)}😀tail`, 10)).toBe(`${'x'.repeat(9)}… (+6 characters)`);
  });

  it('makes JSON safe inside a script element', () => {
    const out = scriptJson({ a: '</script><script>alert(1)</script><!--', b: '\u2028\u2029&' });
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(out)).toEqual({ a: '</script><script>alert(1)</script><!--', b: '\u2028\u2029&' });
  });
});

describe('renderHtml', () => {
  const { result, secrets } = htmlScenario();
  const html = renderHtml(result, { now: NOW, allowIncomplete: true, failOn: 'high' });

  it('renders scanned markup as text: file names, claims, rule titles, owners, errors, notes', () => {
    // only the page's own two script elements, no element or handler from the scan
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(present(markup(html), ['<img', '<svg', '<textarea', '</style><', 'href="javascript', '__xss=1</script>'])).toEqual([]);
    // every tag on the page is the report's own: no event handler attribute, no element that loads or frames
    // (attribute values are double-quoted with `"` escaped inside: what a value holds is text)
    const tags = (markup(html).match(/<[a-zA-Z][^>]*>/g) ?? []).map((t) => t.replace(/"[^"]*"/g, '""'));
    expect(tags.length).toBeGreaterThan(200);
    expect(tags.filter((t) => /\son\w+\s*=/i.test(t) || /^<(img|svg|iframe|object|embed|textarea|base|link|form|meta http-equiv="refresh")/i.test(t))).toEqual([]);
    // the data block holds no markup at all: every < is \u003c
    const block = /id="ts-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(block.length).toBeGreaterThan(100);
    expect(present(block, ['<', '>'])).toEqual([]);
    expect(html).toContain('&lt;script&gt;window.__xss=1&lt;/script&gt;.env');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=&quot;window.__xss=2&quot;&gt;');
    expect(html).toContain('&lt;script&gt;window.__xss=3&lt;/script&gt; token');
    // a revoke "link" that is not https stays text
    expect(html).toContain('<strong>Revoke</strong> javascript:window.__xss=6');
    expect(html).toContain('<a href="https://auth.example.com/admin/tokens" rel="noopener noreferrer">');
  });

  it('keeps control characters, bidi overrides and very long lines out of the page', () => {
    expect(html).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(html).toContain('\\x1b[31mEve\\u{202e}liame');
    expect(html).not.toContain('a/'.repeat(300));
    expect(html).toMatch(/… \(\+\d+ characters\)/);
  });

  it('embeds the table data as JSON that round-trips hostile strings as text', () => {
    const d = data(html);
    expect(d.rows).toHaveLength(result.findings.length);
    expect(d.columns[0]).toBe('rank');
    const cells = d.rows.flat().map(String);
    expect(cells).toContain(`${HOSTILE.script}.env:3:9`);
    expect(cells.some((c) => c.includes(HOSTILE.json))).toBe(true);
  });

  it('sets a CSP that forbids network access and allows only its own script, by hash', () => {
    const head = html.slice(0, html.indexOf('</head>'));
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(head);
    expect(meta).not.toBeNull();
    // the policy comes before any style or script
    expect(head.indexOf('Content-Security-Policy')).toBeLessThan(head.indexOf('<style'));
    const policy = (meta?.[1] ?? '').replace(/&#39;/g, "'");
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toMatch(/connect-src|https?:|\*/);
    const script = /<script>([\s\S]*?)<\/script>\n<\/body>/.exec(html)?.[1] ?? '';
    expect(script.length).toBeGreaterThan(1000);
    expect(policy).toContain(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(policy).not.toContain("script-src 'unsafe-inline'");
  });

  it('shows every section: gate, severity counts, cards by risk with provenance, sprawl map, charts, errors', () => {
    expect(html).toContain('Gate: FAIL — 8 findings at or above high');
    expect(html.match(/<article class="card /g)).toHaveLength(result.credentials?.length ?? -1);
    expect(html.indexOf('class="card sev-critical"')).toBeLessThan(html.indexOf('class="card sev-high"'));
    for (const s of ['commit c0ffee111111 by Alice Example', 'job build', 'step Deploy to staging', 'topic orders', 'partition 0', 'offset 42', 'policy/unbound-long-lived — Unbound token living longer than 30 days (critical)', 'OWASP-NHI7', 'codeowners: @example/platform', 'first seen', 'no (still in history)']) {
      expect(html).toContain(s);
    }
    expect(html).toContain('id="sprawl-map"');
    for (const id of ['lifetime', 'binding', 'audience', 'issuer', 'timeline']) expect(html).toContain(`data-chart="${id}"`);
    expect(html).toContain('logs/archive.zip!&lt;b&gt;broken&lt;/b&gt;.log');
    expect(html).toContain('2 binary files skipped');
  });

  it('says the gate is incomplete when a target could not be scanned', () => {
    expect(renderHtml(result, { now: NOW })).toContain('Gate: INCOMPLETE — 2 targets could not be scanned');
  });

  it('never contains a raw secret, even where the scan put one into a name, claim, error or note (the run redactor)', () => {
    const [jwt, ghp, opaque] = [secrets[0]!, secrets[1]!, secrets[secrets.length - 1]!];
    const leaky = structuredClone(result);
    const f0 = leaky.findings[0]!;
    f0.location.path = `config/${ghp}.env`;
    f0.jwt!.claims = { ...f0.jwt!.claims, note: `copy of ${jwt}`, [opaque]: 'key' };
    leaky.credentials![0]!.owners.push({ kind: 'ci', name: `job ${ghp}` });
    leaky.credentials![0]!.risk.reasons.push(`seen as ${opaque}`);
    leaky.errors.push({ target: `logs/${jwt}.log`, message: `bad ${ghp}` });
    leaky.scan.notes!.push(`allow entry ${opaque}`);
    // without the redactor the secrets would be on the page
    expect(leakedSecret(renderHtml(leaky, { now: NOW }), secrets)).not.toBeNull();
    const redactor = new Redactor();
    for (const s of secrets) redactor.add(s);
    const safe = renderHtml(leaky, { now: NOW, redactor });
    expect(leakedSecret(safe, secrets)).toBeNull();
    // also not in base64 (a data blob) or URL-encoded form
    for (const s of secrets) {
      expect(safe).not.toContain(Buffer.from(s).toString('base64').slice(8, 40));
      expect(safe).not.toContain(encodeURIComponent(s).slice(-24));
    }
  });

  it('renders an empty report', () => {
    const out = renderHtml(emptyResult(), { now: NOW });
    expect(out).toContain('Gate: PASS — no finding at or above low');
    expect(out).toContain('id="no-credentials"');
    expect(out).toContain('No credentials to map.');
    expect(out).toContain('id="no-errors"');
    expect(out.match(/no data/g)).toHaveLength(5);
    expect(data(out).rows).toEqual([]);
  });

  it('groups findings into credentials itself when the run carries no credential view', () => {
    const { result: plain } = htmlScenario({ withCredentials: false });
    const { credentials, derived } = credentialsOf(plain);
    expect(derived).toBe(true);
    // six secrets (the policy finding is not one); riskiest first
    expect(credentials).toHaveLength(6);
    expect(credentials[0]?.risk.level).toBe('critical');
    const shared = credentials.find((c) => c.places.length === 4);
    expect(shared?.sourceKinds.sort()).toEqual(['ci-log', 'dir', 'git', 'queue']);
    expect(shared?.owners.map((o) => o.kind).sort()).toEqual(['author', 'ci', 'queue']);
    const out = renderHtml(plain, { now: NOW });
    expect(out).toContain('This run carries no credential view');
    expect(out.match(/<article class="card /g)).toHaveLength(6);
  });

  it('computes the charts over distinct tokens, with log-spaced lifetime bins', () => {
    const charts = buildCharts(result.findings);
    const lifetime = Object.fromEntries(charts.lifetime.labels.map((l, i) => [l, charts.lifetime.counts[i]]));
    expect(lifetime).toMatchObject({ '≤5m': 1, '≤1h': 1, '≤10y': 1, 'no exp': 1, '≤1d': 0 });
    expect(Object.fromEntries(charts.binding.labels.map((l, i) => [l, charts.binding.counts[i]]))).toEqual({ none: 2, dpop: 1, mtls: 1 });
    expect(charts.audience.labels[0]).toBe('reports-api');
    expect(charts.audience.counts[0]).toBe(2);
    expect(charts.timeline.labels[0]).toBe('2023-05');
    expect(charts.timeline.counts.reduce((a, b) => a + b, 0)).toBe(result.findings.filter((f) => f.location.date ?? f.location.time).length);
  });
});

describe('renderHtml over its size limit', () => {
  const { result } = htmlScenario({ extra: 3000 });
  const maxBytes = 400_000;
  const html = renderHtml(result, { now: NOW, maxBytes });

  it('stays under the limit, keeps the worst findings and says what it left out', () => {
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(maxBytes);
    const rows = data(html).rows;
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.length).toBeLessThan(result.findings.length);
    // every critical finding is kept; whatever is left out is never worse than what is kept
    const kept = rows.map((r) => Number(r[0]));
    const criticals = result.findings.filter((f) => f.severity === 'critical').length;
    expect(kept.filter((r) => r === 4)).toHaveLength(criticals);
    const leftOut = result.findings.length - rows.length;
    expect(html).toContain(`leaves out ${leftOut} of ${result.findings.length} findings, the least severe`);
    expect(html).toContain('id="left-out"');
    // the summary still counts them all
    expect(html).toContain(`<b>${result.findings.filter((f) => f.severity === 'info').length}</b>info`);
  });

  it('shows at most MAX_CARDS cards and says so', () => {
    const many = htmlScenario({ extra: 0 }).result;
    const base = many.credentials![0]!;
    many.credentials = Array.from({ length: MAX_CARDS + 5 }, (_, i) => ({ ...base, fingerprint: `${i}`.padStart(64, '0') }));
    const out = renderHtml(many, { now: NOW });
    expect(out.match(/<article class="card /g)).toHaveLength(MAX_CARDS);
    expect(out).toContain(`Cards are shown for the ${MAX_CARDS} riskiest of ${MAX_CARDS + 5} credentials`);
  });
});
