// The HAR source, on two fixtures: chromium-capture.har was written by a real producer
// (Chromium 156 headless, driven over the DevTools protocol by chrome-har-capturer 0.14.4, of a
// local page whose script sends a bearer header and a token in a query string);
// devtools-export.har is hand-written in the exact shape of DevTools' "Export HAR" (HAR 1.2 with
// Chrome's _initiator/_priority extras, base64 bodies, cookies, postData). Findings are checked at their exact places, with hostile
// inputs: broken JSON, a JSON file that is not a HAR, escapes, one-line exports, huge entries,
// input cut into tiny pieces, and URLs whose query strings hold the secret.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding, ScanResult, SourceItem } from '../../src/core/types.js';
import { harSource, redactUrl, type HarOptions } from '../../src/sources/har.js';
import { jsonReport, ROOT, runCli } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { leakedSecret, rawSecrets } from '../helpers/secrets.js';
import { tmpTrees } from '../helpers/tmp.js';

const FIX = path.join(ROOT, 'fixtures/har');
const NOW = '2025-12-01T09:30:00Z';
const JSON_ARGS = ['--format', 'json', '--now', NOW, '--no-progress'];
const { tree } = tmpTrees(afterAll);
const TOKEN = fakeGithubToken('ghp', 'har-1');
const BEARER = 'FAKEopaque0000harTest00000EXAMPLE5v8K';

function har(entries: unknown[]): string {
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'test', version: '1' }, entries } }, null, 2);
}

function entry(over: { url?: string; headers?: Array<{ name: string; value: string }>; cookies?: unknown[]; postData?: unknown; content?: unknown; method?: string } = {}): unknown {
  return {
    startedDateTime: '2025-12-01T09:00:00.000Z',
    time: 10,
    request: { method: over.method ?? 'GET', url: over.url ?? 'https://api.example.com/x', httpVersion: 'HTTP/1.1', headers: over.headers ?? [], queryString: [], cookies: over.cookies ?? [], headersSize: -1, bodySize: 0, ...(over.postData ? { postData: over.postData } : {}) },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: over.content ?? { size: 0, mimeType: 'text/plain' }, redirectURL: '', headersSize: -1, bodySize: 0 },
    cache: {},
    timings: { send: 0, wait: 1, receive: 0 },
  };
}

async function scanHar(files: Record<string, string>, extra: string[] = [], input?: string): Promise<{ status: number; r: ScanResult; stdout: string; stderr: string }> {
  const dir = tree(files);
  const run = await runCli(['har', ...Object.keys(files), ...JSON_ARGS, ...extra], { cwd: dir, ...(input !== undefined ? { input } : {}) });
  return { status: run.status, r: jsonReport<ScanResult>(run), stdout: run.stdout, stderr: run.stderr };
}

const where = (f: Finding) => ({ ruleId: f.ruleId, entry: f.location.entry, field: f.location.field, line: f.location.line, column: f.location.column });

describe('Chrome DevTools export (fixture)', () => {
  it('reports every secret at its entry, field and exact place, with method, redacted URL and time', async () => {
    const run = await runCli(['har', 'devtools-export.har', ...JSON_ARGS], { cwd: FIX });
    expect(run.status).toBe(1);
    const r = jsonReport<ScanResult>(run);
    expect(r.scan.command).toBe('har');
    expect(r.errors).toEqual([]);
    expect(r.findings.map(where)).toEqual([
      { ruleId: 'github-pat', entry: 0, field: 'request.url', line: 31, column: 64 },
      { ruleId: 'bearer-header', entry: 0, field: 'request.headers.authorization', line: 44, column: 32 },
      { ruleId: 'github-pat', entry: 0, field: 'request.queryString.access_token', line: 50, column: 25 },
      { ruleId: 'github-pat', entry: 0, field: 'request.cookies.gh_session', line: 60, column: 25 },
      { ruleId: 'github-pat', entry: 0, field: 'response.content.text', line: 85, column: 22 },
      { ruleId: 'jwt', entry: 1, field: 'response.content.text/access_token', line: 160, column: 22 },
    ]);
    const header = r.findings.find((f) => f.ruleId === 'bearer-header');
    expect(header?.location).toMatchObject({ source: 'har', method: 'GET', url: 'https://api.example.com/v1/user?access_token=…&page=…', time: '2025-12-01T09:00:00.120Z' });
    // the bearer token really is at that line and column of the file
    const lines = readFileSync(path.join(FIX, 'devtools-export.har'), 'utf8').split('\n');
    expect(lines[43]?.slice(31, 41)).toBe('FAKEopaque');
    expect(r.findings.find((f) => f.location.field === 'response.content.text')?.decodedFrom).toEqual(['base64']);
    expect(r.findings.find((f) => f.ruleId === 'jwt')?.location).toMatchObject({ method: 'POST', url: 'https://auth.example.com/oauth/token' });
    const secrets = await rawSecrets(harSource(['devtools-export.har'], { cwd: FIX }));
    expect(leakedSecret(run.stdout + run.stderr, secrets)).toBeNull();
  });
});

describe('Chromium capture (real producer)', () => {
  it('reports the bearer header at the entry of the request that sent it', async () => {
    const run = await runCli(['har', 'chromium-capture.har', ...JSON_ARGS], { cwd: FIX });
    expect(run.status).toBe(1);
    const r = jsonReport<ScanResult>(run);
    expect(r.errors).toEqual([]);
    const header = r.findings.filter((f) => f.ruleId === 'bearer-header' && f.location.field?.startsWith('request.'));
    expect(header.map((f) => f.location)).toEqual([
      expect.objectContaining({ source: 'har', entry: 1, method: 'GET', field: 'request.headers.Authorization', url: 'http://127.0.0.1:8765/api/user?access_token=…&page=…' }),
    ]);
    expect(r.findings.map((f) => `${f.location.entry} ${f.location.field}`)).toEqual(
      expect.arrayContaining(['1 request.url', '1 request.queryString.access_token', '1 response.content.text/token', '0 response.content.text']),
    );
    const secrets = await rawSecrets(harSource(['chromium-capture.har'], { cwd: FIX }));
    expect(leakedSecret(run.stdout + run.stderr, secrets)).toBeNull();
  });
});

describe('HAR parsing', () => {
  it('finds a bearer header in a one-line (minified) export, and in a pretty one, at the same entry', async () => {
    const entries = [entry(), entry({ headers: [{ name: 'Authorization', value: `Bearer ${BEARER}` }] })];
    const min = await scanHar({ 'min.har': JSON.stringify({ log: { version: '1.2', creator: {}, entries } }) });
    const pretty = await scanHar({ 'pretty.har': har(entries) });
    for (const { r } of [min, pretty]) {
      expect(r.findings.map((f) => [f.ruleId, f.location.entry, f.location.field])).toEqual([['bearer-header', 1, 'request.headers.Authorization']]);
    }
  });

  it('reads values with JSON escapes at their place', async () => {
    const raw = har([entry({ url: `https://api.example.com/a?t=${TOKEN}`, postData: { mimeType: 'text/plain', text: `token\t"${TOKEN}"` } })]).replace('https://api.example.com/a', 'https:\\/\\/api.example.com\\/a');
    const { r } = await scanHar({ 'esc.har': raw });
    expect(r.findings.map((f) => f.location.field).sort()).toEqual(['request.postData.text', 'request.url']);
    const line = raw.split('\n')[(r.findings.find((f) => f.location.field === 'request.url')?.location.line ?? 0) - 1] ?? '';
    expect(line.slice((r.findings.find((f) => f.location.field === 'request.url')?.location.column ?? 0) - 1)).toMatch(/^ghp_/);
  });

  it('never copies a query value or userinfo into the URL it reports', () => {
    expect(redactUrl(`https://user:${TOKEN}@h.example.com/p/a?access_token=${TOKEN}&x=1#frag`)).toBe('https://h.example.com/p/a?access_token=…&x=…#…');
    expect(redactUrl(`not a url?token=${TOKEN}`)).toBe('not a url');
  });

  it('skips binary base64 bodies and decodes text ones', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), Buffer.from(TOKEN)]).toString('base64');
    const { r } = await scanHar({
      'b.har': har([entry({ content: { size: 1, mimeType: 'image/png', text: png, encoding: 'base64' } }), entry({ content: { size: 1, mimeType: 'text/plain', text: Buffer.from(`key=${TOKEN}`).toString('base64'), encoding: 'base64' } })]),
    });
    // the binary body is not decoded as text; its raw base64 does not hold the token as such
    expect(r.findings.map((f) => [f.location.entry, f.location.field, f.decodedFrom])).toEqual([[1, 'response.content.text', ['base64']]]);
  });

  it('reads input cut into tiny pieces (stdin) exactly as a file', async () => {
    const text = har([entry({ headers: [{ name: 'authorization', value: `Bearer ${BEARER}` }], cookies: [{ name: 's', value: TOKEN }] })]);
    const file = (await scanHar({ 'a.har': text })).r.findings.map(where);
    const pieces: string[] = [];
    for (let i = 0; i < text.length; i += 7) pieces.push(text.slice(i, i + 7));
    const items: SourceItem[] = [];
    const opts: HarOptions = {
      cwd: '/',
      stdin: async function* () {
        for (const p of pieces) yield Buffer.from(p);
      },
    };
    for await (const it of harSource(['-'], opts)) items.push(it);
    expect(items.filter((i) => i.type === 'error')).toEqual([]);
    expect(items.filter((i) => i.type === 'fragment').length).toBeGreaterThan(0);
    const viaStdin = await runCli(['har', '-', ...JSON_ARGS], { cwd: tree({}), input: text });
    expect(jsonReport<ScanResult>(viaStdin).findings.map(where)).toEqual(file);
  });

  it('scans an entry too big to parse as raw text, still at its entry', async () => {
    const big = 'x'.repeat(3000);
    const text = har([entry({ postData: { mimeType: 'text/plain', text: `${big} ${TOKEN} ${big}` } })]);
    const items: SourceItem[] = [];
    const dir = tree({ 'big.har': text });
    for await (const it of harSource(['big.har'], { cwd: dir, maxEntryChars: 1000 })) items.push(it);
    const frags = items.flatMap((i) => (i.type === 'fragment' ? [i.fragment] : []));
    const hit = frags.find((f) => f.text.includes(TOKEN));
    expect(hit?.provenance).toMatchObject({ kind: 'har', entry: 0 });
    expect(items.filter((i) => i.type === 'error')).toEqual([]);
  });
});

describe('HAR errors', () => {
  it('broken JSON: an errors entry at its line, what was read is still reported, exit 2', async () => {
    const good = har([entry({ headers: [{ name: 'authorization', value: `Bearer ${BEARER}` }] })]);
    const broken = good.replace(/\n  \}\n\}$/, '').replace(/\]\s*$/, '') + ',\n {"request": {"url": ';
    const { status, r, stderr } = await scanHar({ 'broken.har': broken });
    expect(status).toBe(2);
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors[0]?.target).toMatch(/^broken\.har:\d+$/);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['bearer-header']);
    expect(stderr).toContain('could not scan broken.har');
    expect(leakedSecret(stderr, [BEARER])).toBeNull();
  });

  it('a JSON file that is not a HAR is an error, not a clean pass (its text is still scanned)', async () => {
    const { status, r } = await scanHar({ 'x.har': JSON.stringify({ token: TOKEN }) });
    expect(status).toBe(2);
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringContaining('not a HAR file')]);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['github-pat']);
  });

  it('a missing file or a folder stops the run before scanning (exit 2)', async () => {
    const dir = tree({ 'sub/a.har': har([]) });
    const missing = await runCli(['har', 'nope.har', ...JSON_ARGS], { cwd: dir });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('nope.har does not exist');
    const folder = await runCli(['har', 'sub', ...JSON_ARGS], { cwd: dir });
    expect(folder.status).toBe(2);
    expect(folder.stderr).toContain('is a directory');
  });

  it('an empty entries list is clean (exit 0); an empty file says nothing was read (exit 2)', async () => {
    expect((await scanHar({ 'e.har': har([]) })).status).toBe(0);
    const empty = await scanHar({ 'zero.har': '' });
    expect(empty.status).toBe(2);
  });
});

describe('scan --har', () => {
  it('mixes a HAR with other sources; each finding keeps its own source kind', async () => {
    const dir = tree({ 'a.har': har([entry({ headers: [{ name: 'authorization', value: `Bearer ${BEARER}` }] })]), 'app.env': `T=${TOKEN}\n` });
    const run = await runCli(['scan', '--har', 'a.har', '--dir', 'app.env', ...JSON_ARGS], { cwd: dir });
    expect(run.status).toBe(1);
    const r = jsonReport<ScanResult>(run);
    expect(r.scan.command).toBe('scan');
    expect(r.findings.map((f) => f.location.source).sort()).toEqual(['dir', 'har']);
  });
});
