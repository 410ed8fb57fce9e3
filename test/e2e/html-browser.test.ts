// Spawns the built binary on purpose: the report a user gets from the bundle, opened in a real browser.
// The HTML report in a real browser: Debian's headless Chromium (installed by .ci/run), driven
// over the DevTools protocol. The fixture scenario's report must show every section filled,
// run its script under its own CSP without a console error or violation, keep hostile strings
// as text, and print to PDF; its screenshot is bench/results/html-report.png (in README).
// Without chromium this file fails: it never skips.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { Redactor } from '../../src/core/redact.js';
import { cli, ROOT } from '../helpers/cli.js';
import { leakedSecret, rawSecrets } from '../helpers/secrets.js';
import { dirSource } from '../../src/sources/fs.js';
import { tmpTrees } from '../helpers/tmp.js';
import { HOSTILE, NOW, htmlScenario } from '../report/html-fixture.js';
import { buildSprawlScenario, SPRAWL_NOW } from '../helpers/sprawl-scenario.js';
import { Browser, findChromium, type Page } from './html-chromium.js';

const { tree } = tmpTrees(afterAll);
let browser: Browser;

beforeAll(() => {
  const bin = findChromium();
  if (!bin) throw new Error('chromium not found: .ci/run installs it (apt-get install chromium); CHROMIUM=/path/to/chrome names another');
  browser = Browser.launch(bin);
});
afterAll(async () => {
  await browser?.close();
});

/** Console errors and CSP violations the page produced. */
async function problems(page: Page): Promise<string[]> {
  const csp = await page.evaluate<string[]>('window.__csp');
  return [...page.console.filter((c) => c.level === 'error' || c.source === 'security' || c.source === 'exception').map((c) => `${c.source}: ${c.text}`), ...csp.map((v) => `CSP: ${v}`)];
}

async function openReport(html: string, width = 1280, height = 900): Promise<Page> {
  const dir = tree({ 'report.html': html });
  const page = await browser.newPage(width, height);
  await page.open(pathToFileURL(path.join(dir, 'report.html')).href);
  // chartist draws on a timer after load: wait until the charts with data have their SVG
  await page.waitFor('document.querySelectorAll("[data-chart] .ct-target svg").length === document.querySelectorAll("[data-chart] .chart-values:not(.empty)").length && document.querySelector("#findings-table.ready") !== null');
  return page;
}

describe('HTML report in headless Chromium', () => {
  it('opens the fixture scenario with every section filled, no console error, hostile strings as text', async () => {
    const { result, secrets } = htmlScenario();
    const redactor = new Redactor();
    for (const s of secrets) redactor.add(s);
    const html = renderHtml(result, { now: NOW, failOn: 'high', allowIncomplete: true, redactor });
    expect(leakedSecret(html, secrets)).toBeNull();
    const page = await openReport(html);

    expect(await problems(page)).toEqual([]);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    const facts = await page.evaluate<Record<string, unknown>>(`(() => ({
      cards: document.querySelectorAll('#credentials .card').length,
      firstCard: document.querySelector('#credentials .card .badge').textContent,
      places: document.querySelectorAll('#credentials .card:first-child .places li').length,
      sprawlRows: document.querySelectorAll('#sprawl-map tbody tr').length,
      charts: document.querySelectorAll('[data-chart] .ct-target svg').length,
      bars: document.querySelectorAll('#chart-lifetime .ct-bar').length,
      slices: document.querySelectorAll('#chart-binding .ct-slice-donut').length,
      rows: document.querySelectorAll('#findings-table tbody tr').length,
      gate: document.getElementById('gate').className,
      errors: document.querySelectorAll('#errors tbody tr').length,
      imgs: document.querySelectorAll('img').length,
      handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
      jsLinks: document.querySelectorAll('a[href^="javascript"]').length,
      scripts: document.scripts.length,
      text: document.body.innerText,
      wide: document.documentElement.scrollWidth,
    }))()`);
    expect(facts).toMatchObject({ cards: 6, firstCard: 'critical', places: 4, sprawlRows: 6, charts: 5, slices: 3, rows: result.findings.length, gate: 'gate fail', errors: 2, imgs: 0, handlers: 0, jsLinks: 0, scripts: 2 });
    expect(facts['bars']).toBeGreaterThan(0);
    // markup from the scan is shown, not run; a long path does not widen the page
    for (const s of [HOSTILE.script, HOSTILE.img, HOSTILE.svg, '<script>window.__xss=3</script> token']) expect(String(facts['text'])).toContain(s);
    expect(facts['wide']).toBeLessThanOrEqual(1280);

    // the table filters and sorts
    await page.evaluate(`(() => { const s = document.getElementById('table-search'); s.value = 'publish.sh'; s.dispatchEvent(new Event('input')); })()`);
    expect(await page.waitFor('document.querySelectorAll("#findings-table tbody tr").length === 1')).toBe(true);
    await page.evaluate(`(() => { const s = document.getElementById('table-search'); s.value = ''; s.dispatchEvent(new Event('input')); document.querySelector('th.col-time').click(); })()`);
    await page.waitFor(`document.querySelectorAll("#findings-table tbody tr").length === ${result.findings.length}`);
    const times = await page.evaluate<string[]>(`[...document.querySelectorAll('#findings-table tbody td[data-col=time]')].map((td) => td.textContent)`);
    expect(times.filter(Boolean)).toEqual([...times.filter(Boolean)].sort());

    // README shows these: the top of the page (summary, cards), then the sprawl map and charts
    mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench/results/html-report.png'), await page.screenshot({ width: 1280, height: 2000 }));
    const sprawlTop = await page.evaluate<number>(`document.getElementById('sprawl').getBoundingClientRect().top + scrollY`);
    writeFileSync(path.join(ROOT, 'bench/results/html-report-charts.png'), await page.screenshot({ y: sprawlTop - 10, width: 1280, height: 1150 }));
    const pdf = await page.pdf();
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await problems(page)).toEqual([]);
  });

  it('opens 10,000 findings with the table paged', async () => {
    const { result } = htmlScenario({ extra: 10_000 });
    const html = renderHtml(result, { now: NOW });
    const page = await openReport(html);
    expect(await problems(page)).toEqual([]);
    // a figure for the README, not an assertion: when the page's script had finished (ms after navigation)
    const ready = await page.evaluate<number>('performance.getEntriesByName("report-ready")[0].startTime');
    console.log(`html report, ${result.findings.length} findings, ${(html.length / 1e6).toFixed(1)} MB: ready ${Math.round(ready)} ms after navigation`);
    const facts = await page.evaluate<Record<string, unknown>>(`({
      rows: document.querySelectorAll('#findings-table tbody tr').length,
      status: document.getElementById('table-status').textContent,
      cards: document.querySelectorAll('#credentials .card').length,
    })`);
    expect(facts).toMatchObject({ rows: 100, cards: 6 });
    expect(String(facts['status'])).toContain(`of ${result.findings.length} matching`);
    await page.evaluate(`document.getElementById('table-next').click()`);
    expect(await page.evaluate<string>(`document.getElementById('table-status').textContent`)).toContain('page 2 of');
  });

  it("opens the CLI's report of the sprawl scenario (one JWT and one key in history, CI and a queue) with both credentials carded", async () => {
    const sc = await buildSprawlScenario();
    try {
      const out = path.join(sc.work, 'report.html');
      const run = cli(['scan', ...sc.sources, '--now', SPRAWL_NOW, '--format', 'html', '-o', out, '--no-progress'], { cwd: sc.work });
      expect(run.status).toBe(1);
      const html = readFileSync(out, 'utf8');
      expect(leakedSecret(html, [sc.jwt, sc.key])).toBeNull();
      const page = await openReport(html);
      expect(await problems(page)).toEqual([]);
      const facts = await page.evaluate<Record<string, unknown>>(`({
        cards: document.querySelectorAll('#credentials .card').length,
        places: [...document.querySelectorAll('#credentials .card')].map((c) => c.querySelectorAll('.places li').length),
        sprawlRows: document.querySelectorAll('#sprawl-map tbody tr').length,
        text: document.getElementById('credentials').innerText,
      })`);
      expect(facts).toMatchObject({ cards: 2, places: [3, 3], sprawlRows: 2 });
      for (const s of ['@acme/payments', 'billing-svc', 'Dana Dev', 'github-actions']) expect(String(facts['text'])).toContain(s);
    } finally {
      sc.cleanup();
    }
  });

  it('shows the CLI report of the demo service without a console error and with no raw secret', async () => {
    const out = path.join(tree({ 'keep.txt': '' }), 'report.html');
    const run = cli(['dir', 'fixtures/demo-service', '--now', '2026-01-01T00:00:00Z', '--format', 'html', '-o', out, '--no-progress'], { cwd: ROOT });
    expect(run.status).toBe(1);
    const html = readFileSync(out, 'utf8');
    const demo = path.join(ROOT, 'fixtures/demo-service');
    const secrets = await rawSecrets(dirSource([demo], { root: demo }));
    expect(secrets.length).toBeGreaterThan(5);
    expect(leakedSecret(html, secrets)).toBeNull();
    const json = cli(['dir', 'fixtures/demo-service', '--now', '2026-01-01T00:00:00Z', '--format', 'json', '--no-progress'], { cwd: ROOT });
    const findings = (JSON.parse(json.stdout) as { findings: unknown[] }).findings.length;
    const page = await openReport(html);
    expect(await problems(page)).toEqual([]);
    const facts = await page.evaluate<Record<string, number>>(`({
      cards: document.querySelectorAll('#credentials .card').length,
      rows: document.querySelectorAll('#findings-table tbody tr').length,
      charts: document.querySelectorAll('[data-chart] .ct-target svg').length,
    })`);
    expect(facts['cards']).toBeGreaterThan(0);
    expect(facts['rows']).toBe(Math.min(100, findings));
    expect(facts['charts']).toBeGreaterThan(0);
  });
});
