// --format github (workflow-command annotations) and --summary (Markdown job summary): pure
// reporters over hand-built results, hostile strings included.
import { describe, expect, it } from 'vitest';
import type { Finding, JwtAnalysis, Location, ScanResult, Severity } from '../../src/core/types.js';
import { escapeData, escapeProperty, renderGithub } from '../../src/report/github.js';
import { md, renderSummary } from '../../src/report/summary.js';

const NOW = new Date('2026-01-01T00:00:00Z');

type FindingOver = Omit<Partial<Finding>, 'location'> & { location?: Partial<Location> };

function finding(over: FindingOver = {}): Finding {
  const { location, ...rest } = over;
  return {
    id: 'id-1',
    ruleId: 'github-pat',
    title: 'GitHub personal access token (classic)',
    severity: 'high',
    secret: { redacted: 'ghp_…FAKE', sha256: 'ab'.repeat(32), length: 40 },
    location: { source: 'dir', path: 'src/app.ts', line: 3, column: 7, endLine: 3, endColumn: 47, ...location },
    ...rest,
  };
}

function result(findings: Finding[], over: Partial<ScanResult> = {}): ScanResult {
  return {
    tool: { name: 'tokensprawl', version: '0.0.0-test' },
    scan: { startedAt: NOW.toISOString(), now: NOW.toISOString(), command: 'dir', targets: ['.'], durationMs: 12, stats: { bytes: 2048, files: 3, commits: 0, messages: 0 } },
    findings,
    errors: [],
    ...over,
  };
}

const JWT: JwtAnalysis = {
  form: 'jws',
  header: { alg: 'HS256' },
  claims: { aud: 'billing' },
  issuedAt: '2025-12-01T00:00:00.000Z',
  notBefore: null,
  expiresAt: '2026-12-01T00:00:00.000Z',
  lifetimeSeconds: 365 * 86400,
  expired: false,
  audience: ['billing'],
  binding: 'none',
  signature: 'unverified',
  problems: [
    { id: 'unbound', severity: 'high', message: 'no cnf' },
    { id: 'long-lifetime', severity: 'medium', message: 'lives 365d' },
  ],
};

describe('escaping as @actions/core does', () => {
  it.each([
    ['plain', 'plain', 'plain'],
    ['100%', '100%25', '100%25'],
    ['a\r\nb', 'a%0D%0Ab', 'a%0D%0Ab'],
    ['k: v, w', 'k: v, w', 'k%3A v%2C w'],
    ['%0A', '%250A', '%250A'], // an escape sequence in the input is not decoded by GitHub
    ['::error::x', '::error::x', '%3A%3Aerror%3A%3Ax'],
  ])('%j', (input, data, property) => {
    expect(escapeData(input)).toBe(data);
    expect(escapeProperty(input)).toBe(property);
  });

  it('never passes control characters through (ESC, NUL, C1, DEL, U+2028), but keeps a tab', () => {
    const out = escapeData('a\u001b[31mred\u0000\u009b\u007f\u2028\tz');
    expect(out).toBe('a\\x1b[31mred\\x00\\x9b\\x7f\\u{2028}\tz');
    expect(out).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028]/);
  });
});

describe('renderGithub', () => {
  it('writes one workflow command per finding with file, line, col, endLine, endColumn and title', () => {
    const out = renderGithub(result([finding()]), { now: NOW });
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe(
      '::error file=src/app.ts,line=3,col=7,endLine=3,endColumn=47,title=github-pat%3A GitHub personal access token (classic)' +
        '::high: GitHub personal access token (classic) (github-pat), secret ghp_…FAKE, sha256 abababababababab…',
    );
    expect(lines[1]).toBe('tokensprawl: 1 finding');
    expect(lines).toHaveLength(2);
  });

  it.each<[Severity, string]>([
    ['critical', 'error'],
    ['high', 'error'],
    ['medium', 'warning'],
    ['low', 'notice'],
    ['info', 'notice'],
  ])('maps %s to ::%s', (severity, command) => {
    expect(renderGithub(result([finding({ severity })]), { now: NOW })).toMatch(new RegExp(`^::${command} file=`));
  });

  it('lists the worst first (GitHub shows only the first 10 errors of a step), keeping order otherwise', () => {
    const out = renderGithub(
      result([
        finding({ severity: 'low', location: { path: 'a' } }),
        finding({ severity: 'critical', location: { path: 'b' } }),
        finding({ severity: 'low', location: { path: 'c' } }),
        finding({ severity: 'high', location: { path: 'd' } }),
      ]),
      { now: NOW },
    );
    expect([...out.matchAll(/file=(\w)/g)].map((m) => m[1])).toEqual(['b', 'd', 'a', 'c']);
  });

  it('omits endColumn across lines, prefixes the scanned root, and skips suppressed findings', () => {
    const out = renderGithub(
      result([
        finding({ location: { line: 2, endLine: 4, endColumn: 5 } }),
        finding({ suppressed: { by: 'baseline' }, location: { path: 'hidden.ts' } }),
      ]),
      { now: NOW, uriPrefix: 'services/api' },
    );
    expect(out).toMatch(/^::error file=services\/api\/src\/app\.ts,line=2,col=7,endLine=4,title=/m);
    expect(out).not.toContain('hidden.ts');
    expect(out).toMatch(/^tokensprawl: 1 finding$/m);
  });

  it('escapes hostile paths and text: no second command, no early end of a property, no control characters', () => {
    const hostile = finding({
      title: 'T\n::error file=x::injected',
      location: { path: 'dir,line=999/evil:1\r\n::warning::owned%0A\u001b]0;title\u0007.env', job: 'job\n::stop-commands::tok', author: 'a,b' },
    });
    const out = renderGithub(result([hostile], { errors: [{ target: 'bad\n::error::x', message: 'm\r' }], scan: { ...result([]).scan, notes: ['note\n::notice::x'] } }), { now: NOW });
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(4); // finding, error, note, closing line
    for (const l of lines) {
      expect(l).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/);
      // a command may only be at the start of a line, with one `::` pair before its message
      expect(l.slice(2)).not.toMatch(/^[^:]*::[^:]*::.*::(error|warning|notice|stop-commands)/);
    }
    const props = lines[0]!.slice(0, lines[0]!.indexOf('::', 2));
    expect(props).toContain('file=dir%2Cline=999/evil%3A1%0D%0A%3A%3Awarning%3A%3Aowned%250A\\x1b]0;title\\x07.env');
    expect(props.match(/,line=/g)).toHaveLength(1);
    expect(lines[0]).toContain('job job%0A::stop-commands::tok');
    expect(lines[1]).toBe('::warning title=tokensprawl%3A could not scan::bad%0A::error::x: m%0D');
    expect(lines[2]).toBe('::notice title=tokensprawl::note%0A::notice::x');
  });

  it('names JWT facts, the commit of a history finding, and only the redacted secret', () => {
    const out = renderGithub(
      result([
        finding({
          ruleId: 'jwt',
          title: 'JSON Web Token',
          severity: 'critical',
          secret: { redacted: 'eyJ…AKE1', sha256: 'cd'.repeat(32), length: 200 },
          jwt: JWT,
          presentAtHead: false,
          location: { source: 'git', commit: 'f'.repeat(40), author: 'Bob', date: '2025-01-02T00:00:00Z' },
        }),
      ]),
      { now: NOW },
    );
    expect(out).toContain('introduced in fffffff by Bob on 2025-01-02, no longer at HEAD');
    expect(out).toMatch(/%0AJWT: unbound bearer · lives 1y · aud billing · expires in 334d$/m);
    expect(out).toContain('eyJ…AKE1');
  });

  it('says when nothing was found', () => {
    expect(renderGithub(result([]), { now: NOW })).toBe('tokensprawl: 0 findings\n');
  });
});

describe('renderSummary', () => {
  it('counts by severity and by rule, lists the worst findings and JWT facts', () => {
    const out = renderSummary(
      result([
        finding({ severity: 'medium', location: { path: 'a.env' } }),
        finding({ ruleId: 'jwt', title: 'JSON Web Token', severity: 'critical', jwt: JWT, secret: { redacted: 'eyJ…AKE1', sha256: 'cd'.repeat(32), length: 200 } }),
        finding({ severity: 'high', location: { path: 'b.env' } }),
        finding({ severity: 'high', suppressed: { by: 'allowlist' } }),
      ]),
      { now: NOW },
    );
    expect(out).toMatch(/^## tokensprawl: 3 findings$/m);
    expect(out).toContain('| 🟥 critical | 1 |');
    expect(out).toContain('| 🟧 high | 1 |');
    expect(out).toContain('| 🟨 medium | 1 |');
    expect(out).toContain('| <code>jwt</code> | JSON Web Token | critical | 1 |');
    expect(out).toContain('| <code>github\\-pat</code> | GitHub personal access token \\(classic\\) | high | 2 |');
    const rows = out.split('\n').filter((l) => l.startsWith('| 🟥') || l.startsWith('| 🟧') || l.startsWith('| 🟨'));
    // worst findings: critical first
    expect(rows.filter((r) => r.includes('<code>eyJ')).length).toBe(1);
    expect(out).toMatch(/### JWTs\n\n- 1 JWT finding: 1 not expired, 0 expired\n- 1 unbound bearer/);
    expect(out).toContain('<code>long\\-lifetime</code> ×1');
    expect(out).toContain('- longest lifetime: 1y');
    expect(out.endsWith('\n\n')).toBe(true); // appended summaries stay separate blocks
  });

  it('caps the findings table and says how many more there are', () => {
    const many = Array.from({ length: 30 }, (_, i) => finding({ location: { path: `f${i}.env` } }));
    const out = renderSummary(result(many), { now: NOW, maxFindings: 5 });
    expect(out).toContain('### The 5 worst findings');
    expect(out).toContain('25 more in the full report');
  });

  it('escapes Markdown and HTML in everything read from the scan', () => {
    const out = renderSummary(
      result([finding({ title: '<img src=x onerror=alert(1)> [click](https://evil.example) | @org/team', location: { path: 'a|b`<script>.env', job: '**bold**\nnext' } })], {
        errors: [{ target: '<b>t</b>', message: 'x\ny' }],
      }),
      { now: NOW },
    );
    expect(out).not.toMatch(/<(img|script|b)[\s>]/);
    expect(out).not.toContain('](https');
    expect(out).not.toMatch(/[^\\]@org/);
    const rows = out.split('\n').filter((l) => l.includes('a\\|b'));
    expect(rows).toHaveLength(1);
    for (const line of rows) {
      // exactly the 6 column separators of a 5-column row: no unescaped | from the data
      expect(line.replace(/\\\|/g, '').match(/\|/g)).toHaveLength(6);
    }
    expect(out).toContain('job \\*\\*bold\\*\\*\\\\x0anext'); // renders as job **bold**\\x0anext
    expect(out).toContain('- <code>&lt;b&gt;t&lt;/b&gt;</code>: x\\\\x0ay');
  });

  it('md() escapes Markdown punctuation, then HTML', () => {
    expect(md('a_b*c`d|e<f>&"\'#[x](y)@z')).toBe('a\\_b\\*c\\`d\\|e&lt;f&gt;&amp;&quot;&#39;\\#\\[x\\]\\(y\\)\\@z');
  });

  it('says when nothing was found, and when something could not be scanned', () => {
    expect(renderSummary(result([]), { now: NOW })).toMatch(/^## tokensprawl: no findings\n/);
    expect(renderSummary(result([], { errors: [{ target: 'x', message: 'y' }] }), { now: NOW })).toMatch(/^## tokensprawl: no findings in what could be scanned\n[\s\S]*\*\*1 could not be scanned\*\*/);
  });
});
