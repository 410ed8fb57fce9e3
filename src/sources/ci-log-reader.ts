// One CI log's bytes to fragments: lines split on "\n", stripped by the format's rewriter (with
// column maps back to the original), cut at a size bound or where the job/step changes.
import { StringDecoder } from 'node:string_decoder';
import type { Fragment, Provenance } from '../core/types.js';
import { addMaskValues, createLineRewriter, mayRegisterMask, detectLogFormat, providerOf, SNIFF_WANTED, type LineRewriter } from './ci-log-formats.js';

export interface CiLogLimits {
  /** a fragment is cut after about this many characters of lines */
  fragmentChars: number;
  /** a line longer than this is scanned raw in windows of this size */
  lineChars: number;
  /** windows of a long line overlap by this much, so a token on a cut is still whole once */
  overlapChars: number;
}


const SNIFF_CHARS = 256 * 1024;

/** `::add-mask::` values of one log, job or archive, shared by the logs that belong together. */
export interface MaskSet {
  values: Set<string>;
  list: string[] | undefined;
}

export function newMaskSet(): MaskSet {
  return { values: new Set(), list: undefined };
}

export interface LogContext {
  /** provenance path */
  path: string;
  job?: string;
  step?: string;
  masks: MaskSet;
}


/**
 * Turns the bytes of one log into fragments: splits on "\n" only, strips each line with the
 * format's rewriter, and cuts fragments at a size bound or where the job/step changes.
 */
export class LogReader {
  private readonly decoder = new StringDecoder('utf8');
  /** the incomplete last line */
  private pending = '';
  /** original column of pending[0]: non-zero inside a line longer than lineChars */
  private pendingColumn = 0;
  private lineNo = 1;
  /** lines held back until the format is known */
  private sniffed: { text: string; line: number }[] | undefined = [];
  private sniffedChars = 0;
  private rewrite: LineRewriter | undefined;
  /** the CI system, once the format is known */
  private provider: string | undefined;
  /** the timestamp of the line being added (epoch ms), NaN when it has none */
  private lineTime = NaN;
  /** per line of the fragment being built: its timestamp (epoch ms) or NaN */
  private times: number[] = [];
  private timed = false;
  private job: string | undefined;
  private step: string | undefined;
  // the fragment being built
  private lines: string[] = [];
  /** column maps of the fragment's lines, packed: one allocation per fragment, not per line */
  private mapBuffer = new Int32Array(4096);
  private mapUsed = 0;
  /** (line index, start, length) per mapped line */
  private mapIndex: number[] = [];
  private chars = 0;
  private fragLine = 1;
  private fragColumn = 1;
  private fragJob: string | undefined;
  private fragStep: string | undefined;
  private out: Fragment[] = [];

  constructor(
    private readonly ctx: LogContext,
    private readonly limits: CiLogLimits,
  ) {
    this.job = ctx.job;
    this.step = ctx.step;
  }

  push(chunk: Buffer): Fragment[] {
    this.feed(this.decoder.write(chunk));
    return this.take();
  }

  end(): Fragment[] {
    this.feed(this.decoder.end());
    if (this.pending !== '') this.takeLine(this.pending);
    this.pending = '';
    this.decide();
    this.flush();
    return this.take();
  }

  private take(): Fragment[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private feed(text: string): void {
    if (text === '') return;
    const s = this.pending === '' ? text : this.pending + text;
    const long = this.limits.lineChars + this.limits.overlapChars;
    let start = 0;
    for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', start)) {
      const line = s.slice(start, nl);
      this.takeLine(line.length >= long ? this.cutLongLine(line) : line);
      start = nl + 1;
    }
    this.pending = s.slice(start);
    if (this.pending.length >= long) this.pending = this.cutLongLine(this.pending);
  }

  /** A line too long to hold: scan it raw in overlapping windows; returns the rest of it. */
  private cutLongLine(text: string): string {
    const { lineChars, overlapChars } = this.limits;
    let rest = text;
    while (rest.length >= lineChars + overlapChars) {
      this.decide();
      this.flush();
      const window = rest.slice(0, lineChars + overlapChars);
      this.out.push(this.fragment(window, this.lineNo, this.pendingColumn + 1, { acceptBefore: lineChars }, this.job, this.step));
      rest = rest.slice(lineChars);
      this.pendingColumn += lineChars;
    }
    return rest;
  }

  private takeLine(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const lineNo = this.lineNo++;
    if (this.pendingColumn > 0) {
      // the tail of a long line: raw, and first in its fragment so `column` applies to it
      const column = this.pendingColumn + 1;
      this.pendingColumn = 0;
      this.flush();
      this.add(line, undefined, lineNo, column);
      return;
    }
    if (this.sniffed !== undefined) {
      this.sniffed.push({ text: line, line: lineNo });
      this.sniffedChars += line.length;
      if (this.sniffed.length >= SNIFF_WANTED || this.sniffedChars >= SNIFF_CHARS) this.decide();
      return;
    }
    this.rewriteLine(line, lineNo);
  }

  private decide(): void {
    if (this.sniffed === undefined) return;
    const held = this.sniffed;
    this.sniffed = undefined;
    const base: { job?: string; step?: string } = {};
    if (this.ctx.job !== undefined) base.job = this.ctx.job;
    if (this.ctx.step !== undefined) base.step = this.ctx.step;
    const format = detectLogFormat(held.map((h) => h.text));
    this.provider = providerOf(format);
    this.rewrite = createLineRewriter(format, base);
    for (const h of held) this.rewriteLine(h.text, h.line);
  }

  private rewriteLine(line: string, lineNo: number): void {
    const r = (this.rewrite ?? createLineRewriter('generic', {}))(line);
    this.job = r.job;
    this.step = r.step;
    this.lineTime = r.time === undefined ? NaN : Date.parse(r.time);
    if (mayRegisterMask(r.text)) {
      const masks = this.ctx.masks;
      for (const value of addMaskValues(r.text)) {
        if (!masks.values.has(value)) {
          masks.values.add(value);
          masks.list = undefined;
        }
      }
    }
    this.add(r.text, r.map, lineNo, 1);
    this.lineTime = NaN;
  }

  private add(text: string, map: Int32Array | undefined, lineNo: number, column: number): void {
    if (
      this.lines.length > 0 &&
      (this.fragJob !== this.job || this.fragStep !== this.step || this.chars + text.length > this.limits.fragmentChars)
    ) {
      this.flush();
    }
    if (this.lines.length === 0) {
      this.fragLine = lineNo;
      this.fragColumn = column;
      this.fragJob = this.job;
      this.fragStep = this.step;
    }
    if (map !== undefined) {
      if (this.mapUsed + map.length > this.mapBuffer.length) {
        const grown = new Int32Array(Math.max(this.mapBuffer.length * 2, this.mapUsed + map.length));
        grown.set(this.mapBuffer.subarray(0, this.mapUsed));
        this.mapBuffer = grown;
      }
      this.mapBuffer.set(map, this.mapUsed);
      this.mapIndex.push(this.lines.length, this.mapUsed, map.length);
      this.mapUsed += map.length;
    }
    this.lines.push(text);
    this.times.push(this.lineTime);
    if (!Number.isNaN(this.lineTime)) this.timed = true;
    this.chars += text.length + 1;
  }

  private flush(): void {
    if (this.lines.length === 0) return;
    const extra: Partial<Fragment> = {};
    if (this.mapIndex.length > 0) {
      const slab = this.mapBuffer.slice(0, this.mapUsed);
      const maps = new Map<number, Int32Array>();
      const index = this.mapIndex;
      for (let k = 0; k < index.length; k += 3) {
        const start = index[k + 1] ?? 0;
        maps.set(index[k] ?? 0, slab.subarray(start, start + (index[k + 2] ?? 0)));
      }
      extra.columnMaps = maps;
    }
    if (this.timed) extra.lineTimes = Float64Array.from(this.times);
    this.out.push(this.fragment(this.lines.join('\n'), this.fragLine, this.fragColumn, extra, this.fragJob, this.fragStep));
    this.lines = [];
    this.times = [];
    this.timed = false;
    this.mapIndex = [];
    this.mapUsed = 0;
    this.chars = 0;
  }

  private fragment(
    text: string,
    line: number,
    column: number,
    extra: Partial<Fragment>,
    job: string | undefined,
    step: string | undefined,
  ): Fragment {
    const provenance: Extract<Provenance, { kind: 'ci-log' }> = { kind: 'ci-log', path: this.ctx.path };
    if (job !== undefined) provenance.job = job;
    if (step !== undefined) provenance.step = step;
    if (this.provider !== undefined) provenance.provider = this.provider;
    const fragment: Fragment = { text, provenance, line, column, ...extra };
    const masks = this.ctx.masks;
    if (masks.values.size > 0) {
      masks.list ??= [...masks.values];
      fragment.knownSecrets = masks.list;
    }
    return fragment;
  }
}
