// A tiny DevTools-protocol client for the system Chromium (Debian's `chromium`), over
// --remote-debugging-pipe: the browser reads commands on fd 3 and writes replies and events on
// fd 4, NUL-separated JSON. No port is opened and no browser is downloaded (puppeteer-core's
// current releases need Node 22; Playwright's and Puppeteer's browser downloads are not
// reachable here), and it is all the report's browser test needs: open a file, read the console,
// evaluate, screenshot, print to PDF.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The browser to drive: $CHROMIUM, else the first of the usual paths that runs. */
export function findChromium(): string | undefined {
  const env = process.env['CHROMIUM'];
  for (const bin of env ? [env, ...CANDIDATES] : CANDIDATES) {
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 20_000 });
    if (r.status === 0) return bin;
  }
  return undefined;
}

export interface ConsoleEntry {
  source: string;
  level: string;
  text: string;
}

interface Pending {
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: Error) => void;
}

export class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: Array<(method: string, params: Record<string, unknown>, sessionId?: string) => void> = [];
  private buffer = '';
  private constructor(
    private readonly child: ChildProcess,
    private readonly input: Writable,
    output: Readable,
    private readonly profile: string,
  ) {
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => this.receive(chunk));
    child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('chromium exited'));
      this.pending.clear();
    });
  }

  static launch(bin: string): Browser {
    const profile = mkdtempSync(path.join(os.tmpdir(), 'tokensprawl-chromium-'));
    const child = spawn(
      bin,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--no-default-browser-check',
        '--disable-extensions',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        '--mute-audio',
        `--user-data-dir=${profile}`,
        '--remote-debugging-pipe',
        'about:blank',
      ],
      // its own process group: close() can stop the renderers and zygote too, not just the browser
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true },
    );
    const input = child.stdio[3] as Writable;
    const output = child.stdio[4] as Readable;
    return new Browser(child, input, output, profile);
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    for (let end = this.buffer.indexOf('\0'); end >= 0; end = this.buffer.indexOf('\0')) {
      const message = JSON.parse(this.buffer.slice(0, end)) as { id?: number; result?: Record<string, unknown>; error?: { message: string }; method?: string; params?: Record<string, unknown>; sessionId?: string };
      this.buffer = this.buffer.slice(end + 1);
      if (message.id !== undefined) {
        const p = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) p?.reject(new Error(message.error.message));
        else p?.resolve(message.result ?? {});
      } else if (message.method) {
        for (const l of this.listeners) l(message.method, message.params ?? {}, message.sessionId);
      }
    }
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  on(listener: (method: string, params: Record<string, unknown>, sessionId?: string) => void): void {
    this.listeners.push(listener);
  }

  /** A new page (tab) with console, log and exceptions collected. */
  async newPage(width: number, height: number): Promise<Page> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const page = new Page(this, sessionId);
    this.on((method, params, sid) => {
      if (sid === sessionId) page.event(method, params);
    });
    await Promise.all(['Page.enable', 'Runtime.enable', 'Log.enable'].map((m) => page.send(m)));
    await page.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
    // CSP violations also as a page event, recorded before any of the page's own code runs.
    await page.send('Page.addScriptToEvaluateOnNewDocument', {
      source: "window.__csp=[];document.addEventListener('securitypolicyviolation',e=>window.__csp.push(e.violatedDirective+' '+e.blockedURI));",
    });
    return page;
  }

  /** Ends the browser, then removes its profile (only once it has exited: it writes there until then). */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      const within = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());
      // Browser.close lets Chromium stop every process and flush its profile; a kill of the main
      // process alone left children writing into the profile while it was removed (ENOTEMPTY).
      await Promise.race([this.send('Browser.close').catch(() => undefined), within(3000)]);
      await Promise.race([exited, within(5000)]);
      if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined) {
        try {
          process.kill(-this.child.pid, 'SIGKILL');
        } catch {
          this.child.kill('SIGKILL');
        }
        await exited;
      }
    }
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

export class Page {
  /** console errors and warnings, uncaught exceptions, and log entries (CSP violations are "security" errors) */
  readonly console: ConsoleEntry[] = [];
  private loaded: (() => void) | undefined;
  constructor(
    private readonly browser: Browser,
    private readonly sessionId: string,
  ) {}

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.browser.send(method, params, this.sessionId);
  }

  event(method: string, params: Record<string, unknown>): void {
    if (method === 'Page.loadEventFired') this.loaded?.();
    else if (method === 'Runtime.consoleAPICalled') {
      const args = (params['args'] as Array<{ value?: unknown; description?: string }>) ?? [];
      this.console.push({ source: 'console', level: String(params['type']), text: args.map((a) => String(a.value ?? a.description ?? '')).join(' ') });
    } else if (method === 'Runtime.exceptionThrown') {
      const d = params['exceptionDetails'] as { text?: string; exception?: { description?: string } };
      this.console.push({ source: 'exception', level: 'error', text: `${d.text ?? ''} ${d.exception?.description ?? ''}` });
    } else if (method === 'Log.entryAdded') {
      const e = params['entry'] as { source: string; level: string; text: string };
      this.console.push({ source: e.source, level: e.level, text: e.text });
    }
  }

  async open(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) => (this.loaded = resolve));
    await this.send('Page.navigate', { url });
    await loaded;
  }

  /** The value of an expression in the page (awaited when it is a promise). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as {
      result: { value?: T };
      exceptionDetails?: { text: string };
    };
    if (r.exceptionDetails) throw new Error(`evaluate failed: ${r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  /** Polls the expression until it is truthy, at most `tries` times 100 ms apart; returns its last value. */
  async waitFor<T>(expression: string, tries = 100): Promise<T> {
    let value: T = await this.evaluate<T>(expression);
    for (let i = 0; i < tries && !value; i++) {
      await new Promise((r) => setTimeout(r, 100));
      value = await this.evaluate<T>(expression);
    }
    return value;
  }

  async screenshot(clip?: { y?: number; width: number; height: number }): Promise<Buffer> {
    const r = (await this.send('Page.captureScreenshot', {
      format: 'png',
      ...(clip ? { clip: { x: 0, y: clip.y ?? 0, width: clip.width, height: clip.height, scale: 1 }, captureBeyondViewport: true } : {}),
    })) as { data: string };
    return Buffer.from(r.data, 'base64');
  }

  async pdf(): Promise<Buffer> {
    const r = (await this.send('Page.printToPDF', { printBackground: true, preferCSSPageSize: true })) as { data: string };
    return Buffer.from(r.data, 'base64');
  }
}
