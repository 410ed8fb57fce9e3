// The HAR source: HTTP Archive 1.2 exports of browser dev tools (Chrome, Firefox, Safari) and
// proxies (mitmproxy, Charles, Fiddler, Burp). Every request and response header, cookie, query
// string parameter, posted text and parameter, and response body (base64 bodies decoded) of
// every entry is scanned, each located exactly in the file and named by its entry and field.
// The file is streamed: log.entries is split entry by entry (core/json-stream.ts), so a 500 MB
// export with response bodies costs one entry of memory; what lies outside the entries
// (creator, pages) is scanned as raw text.
// Format: http://www.softwareishard.com/blog/har-12-spec/ and https://w3c.github.io/web-performance/specs/HAR/Overview.html
import { isObject } from '../core/guards.js';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import path from 'node:path';
import { describeError } from '../core/errors.js';
import { MIN_SECRET_LENGTH } from '../core/decode.js';
import { DocumentSplitter, type DocumentLayout, type DocumentPart } from '../core/json-stream.js';
import { toUtf8Stream } from '../core/text-decode.js';
import type { Provenance, Source, SourceItem } from '../core/types.js';
import { TextWindows } from './chunks.js';
import { documentPositioner, shifted } from './queue-document.js';
import { fieldFragments, type Positioner } from './queue-fragments.js';
import { JsonScanError, scanLeaves, type StringLeaf } from './queue-json.js';
import type { MessagePart } from './queue-message.js';
import { checkReadableTargets, isStdinTarget, type OpenContext, type OpenedSource } from './source.js';

export interface HarOptions {
  /** paths in findings are relative to it */
  cwd: string;
  /** what the target "-" reads */
  stdin?: () => AsyncIterable<Buffer | string>;
  /** --shard: keep only the files (relative paths) for which this returns true */
  select?: (path: string) => boolean;
  /** an entry longer than this (characters) is scanned as raw text, not parsed (default 64 Mi) */
  maxEntryChars?: number;
}

const HAR_LAYOUT: DocumentLayout = { parent: 'log', lists: new Set(['entries']), names: new Set() };
const DEFAULT_MAX_ENTRY_CHARS = 64 * 1024 * 1024;
const READ_CHUNK = 1024 * 1024;
/** Fields that are never a secret (and would only cost detection time). */
const SKIP = new Set([
  '/startedDateTime',
  '/pageref',
  '/serverIPAddress',
  '/connection',
  '/request/method',
  '/request/httpVersion',
  '/response/httpVersion',
  '/response/statusText',
  '/response/content/mimeType',
  '/response/content/encoding',
  '/request/postData/mimeType',
]);
/** name/value lists of an entry: the value is reported under the name. */
const NAMED = /^\/(request|response)\/(headers|cookies|queryString|postData\/params)\/(\d+)\/(name|value)$/;

/** Throws a TargetError naming the first path that does not exist, cannot be read or is a folder. */
export function checkHarTargets(paths: string[], cwd: string): Promise<void> {
  return checkReadableTargets(paths, cwd, 'HAR file', { folders: false, folderHint: 'name the .har files' });
}

/** Fragments of every entry of the HAR files, in file order. */
export function harSource(paths: string[], opts: HarOptions): Source {
  return { [Symbol.asyncIterator]: () => scanPaths(paths, opts) };
}

async function* scanPaths(paths: string[], opts: HarOptions): AsyncGenerator<SourceItem> {
  for (const p of paths) {
    if (isStdinTarget(p) && opts.stdin) {
      yield* scanInput(bytesOf(opts.stdin()), p, opts);
      continue;
    }
    const abs = path.resolve(opts.cwd, p);
    const rel = relPath(opts.cwd, abs);
    if (opts.select && !opts.select(rel)) continue;
    let input: AsyncIterable<Buffer>;
    try {
      input = (await open(abs, 'r')).createReadStream({ highWaterMark: READ_CHUNK });
    } catch (err) {
      yield { type: 'error', error: { target: rel, message: describeError(err) } };
      continue;
    }
    yield* scanInput(input, rel, opts);
  }
}

async function* bytesOf(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  for await (const piece of input) yield typeof piece === 'string' ? Buffer.from(piece) : piece;
}

function relPath(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  return (rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel).split(path.sep).join('/');
}

async function* scanInput(input: AsyncIterable<Buffer>, rel: string, opts: HarOptions): AsyncGenerator<SourceItem> {
  const splitter = new DocumentSplitter(opts.maxEntryChars ?? DEFAULT_MAX_ENTRY_CHARS, HAR_LAYOUT);
  const decoder = new StringDecoder('utf8');
  let windows: TextWindows | null = null;
  let entry = 0;
  let bytes = 0;
  let broken = false;
  const handle = (parts: DocumentPart[]): SourceItem[] => {
    const out: SourceItem[] = [];
    for (const part of parts) {
      if (part.type === 'error') {
        broken = true;
        out.push({ type: 'error', error: { target: `${rel}:${part.line}`, message: `malformed JSON at column ${part.column}: ${part.message}` } });
      } else if (part.type === 'raw') {
        // outside the entries (creator, pages), an entry too big to parse, or text after broken JSON
        const provenance: Provenance = { kind: 'har', path: rel, ...(part.of === 'record' ? { entry } : {}) };
        if (!part.continued || windows === null) windows = new TextWindows(provenance, {}, { line: part.line, column: part.column });
        for (const fragment of windows.push(part.text)) out.push({ type: 'fragment', fragment });
        if (!part.more) {
          for (const fragment of windows.end()) out.push({ type: 'fragment', fragment });
          windows = null;
          if (part.of === 'record') entry++;
        }
      } else {
        out.push(...entryItems(part.text, rel, entry++, shifted(documentPositioner(part.text), part.line, part.column)));
      }
    }
    return out;
  };
  try {
    for await (const chunk of toUtf8Stream(input)) {
      bytes += chunk.length;
      yield* handle(splitter.push(decoder.write(chunk)));
    }
    yield* handle(splitter.push(decoder.end()));
    yield* handle(splitter.end());
  } catch (err) {
    yield { type: 'error', error: { target: rel, message: describeError(err) } };
    return;
  }
  // A file that is JSON but not a HAR (no log.entries) must not pass as scanned-and-clean.
  if (!broken && !splitter.foundList) yield { type: 'error', error: { target: rel, message: 'not a HAR file: no log.entries array (its text was scanned as it is)' } };
  yield { type: 'stat', files: 1, bytes };
}

/** The items of one entry: a fragment per field worth scanning, or the entry raw when it is not JSON. */
function entryItems(text: string, rel: string, index: number, pos: Positioner): SourceItem[] {
  let tree: unknown;
  let leaves: StringLeaf[];
  try {
    tree = JSON.parse(text) as unknown;
    // every string (names are short): a name is the context of its value, and is not scanned itself
    leaves = scanLeaves(text, 0, text.length, 1);
  } catch (err) {
    const at = err instanceof JsonScanError ? pos.at(err.offset) : pos.at(0);
    return [
      { type: 'error', error: { target: `${rel}:${at.line}`, message: `entry ${index}: malformed JSON at column ${at.column}` } },
      { type: 'fragment', fragment: { text, provenance: { kind: 'har', path: rel, entry: index }, line: pos.at(0).line, column: pos.at(0).column } },
    ];
  }
  const e = isObject(tree) ? tree : {};
  const request = isObject(e.request) ? e.request : {};
  const base: Extract<Provenance, { kind: 'har' }> = { kind: 'har', path: rel, entry: index };
  if (typeof request.method === 'string' && /^[A-Za-z-]{1,16}$/.test(request.method)) base.method = request.method.toUpperCase();
  if (typeof request.url === 'string') base.url = redactUrl(request.url);
  const started = typeof e.startedDateTime === 'string' ? Date.parse(e.startedDateTime) : NaN;
  if (Number.isFinite(started)) base.time = new Date(started).toISOString();
  const response = isObject(e.response) ? e.response : {};
  const content = isObject(response.content) ? response.content : {};
  const base64Body = content.encoding === 'base64';

  // names of name/value items, by the pointer of the item, with where the name's text starts
  const names = new Map<string, StringLeaf>();
  for (const leaf of leaves) {
    const m = NAMED.exec(leaf.pointer);
    if (m?.[4] === 'name') names.set(leaf.pointer.slice(0, -'/name'.length), leaf);
  }
  const out: SourceItem[] = [];
  for (const leaf of leaves) {
    if (SKIP.has(leaf.pointer)) continue;
    const m = NAMED.exec(leaf.pointer);
    if (m?.[4] === 'name' || leaf.value.length < MIN_SECRET_LENGTH) continue;
    let field = fieldName(leaf.pointer);
    let part = leafPart(leaf);
    if (m) {
      const item = leaf.pointer.slice(0, -'/value'.length);
      const name = itemName(e, m[1] ?? '', m[2] ?? '', Number(m[3]));
      field = `${m[1]}.${(m[2] ?? '').replace('/', '.')}${name === undefined ? `.${m[3]}` : `.${name}`}`;
      // the name is the context a header rule needs ("Authorization" … "Bearer …"): the raw text
      // from the name to the value, across lines, when the name comes first and nothing is escaped
      const nameLeaf = names.get(item);
      if (nameLeaf && nameLeaf.start < leaf.start) part = { ...part, from: nameLeaf.start };
    }
    const provenance = { ...base, field };
    if (leaf.pointer === '/response/content/text' && base64Body) {
      const decoded = decodeBase64Body(leaf.value);
      if (decoded !== undefined) {
        const at = pos.at(part.valueStart);
        const end = pos.at(part.valueEnd);
        out.push({ type: 'fragment', fragment: { text: decoded, provenance, line: at.line, column: at.column, pinned: { endLine: end.line, endColumn: end.column }, decodedFrom: ['base64'] } });
        continue;
      }
    }
    if (!part.escaped && part.from < part.valueStart - 1) {
      // name…value as it is in the file: exact positions, several lines when pretty-printed
      const at = pos.at(part.from);
      out.push({ type: 'fragment', fragment: { text: text.slice(part.from, part.to), provenance, line: at.line, column: at.column } });
      continue;
    }
    for (const fragment of fieldFragments(text, { ...part, from: leaf.start }, provenance, pos)) out.push({ type: 'fragment', fragment });
  }
  return out;
}

function leafPart(leaf: StringLeaf): MessagePart {
  return {
    pointer: leaf.pointer,
    from: leaf.start,
    to: leaf.end,
    valueStart: leaf.start + 1,
    valueEnd: leaf.end - 1,
    value: leaf.value,
    escaped: leaf.end - leaf.start - 2 !== leaf.value.length,
  };
}

/** The name of item n of a name/value list of the entry, when it is a short printable string. */
function itemName(e: Record<string, unknown>, side: string, list: string, n: number): string | undefined {
  let at: unknown = e[side];
  for (const key of list.split('/')) at = isObject(at) ? at[key] : undefined;
  const item = Array.isArray(at) ? (at[n] as unknown) : undefined;
  const name = isObject(item) ? item.name : undefined;
  // a name is shown in reports: printable, short, and never a value-like blob
  return typeof name === 'string' && /^[\x21-\x7e]{1,64}$/.test(name) ? name : undefined;
}

/** "/request/postData/text" → "request.postData.text"; list indexes stay numbers. */
function fieldName(pointer: string): string {
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/** A base64 response body as text; undefined when it is binary (an image) or not base64. */
function decodeBase64Body(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.subarray(0, 8000).includes(0)) return undefined;
  return bytes.toString('utf8');
}

/**
 * The URL as provenance may show it: scheme, host, port and path, with userinfo dropped and
 * every query value (and the fragment) replaced by "…", so no token in a query string is
 * copied into a report field. Not a URL: the part before "?" or "#".
 */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    const query = [...u.searchParams.keys()].map((k) => `${encodeURIComponent(k).slice(0, 64)}=…`).join('&');
    return `${u.protocol}//${u.host}${u.pathname}${query ? `?${query}` : ''}${u.hash ? '#…' : ''}`.slice(0, 2048);
  } catch {
    return (raw.split(/[?#]/, 1)[0] ?? '').slice(0, 2048);
  }
}


/** `tokensprawl har <paths...>` and `scan --har P`. */
export async function openHar(targets: string[], ctx: OpenContext): Promise<OpenedSource> {
  await checkHarTargets(targets, ctx.cwd);
  const { select } = ctx;
  return {
    kind: 'har',
    root: ctx.cwd,
    targets,
    paths: targets.filter((t) => !isStdinTarget(t)).map((p) => path.resolve(ctx.cwd, p)),
    items: () => harSource(targets, { cwd: ctx.cwd, stdin: ctx.stdin, ...(select ? { select } : {}) }),
  };
}

