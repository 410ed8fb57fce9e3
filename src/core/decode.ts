// Peels the encodings tokens hide behind in messages and manifests: base64/base64url, gzip
// inside base64, a JSON document inside a JSON string, URL encoding. Pure and total: bad
// input yields no decoded text, never an exception.
import { isUtf8 } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import type { DecodeLayer } from './types.js';

export interface DecodedText {
  /**
   * The decoded text. For a string field of a decoded JSON document it is `"key": "value"`
   * (the key kept as context for rules like `access_token`); for an array item, the value.
   */
  text: string;
  /** layers peeled to reach `text`, outermost first; never empty */
  layers: DecodeLayer[];
  /** JSON pointer (RFC 6901) of the string field inside the decoded document(s) */
  pointer?: string;
}

export const DEFAULT_DECODE_DEPTH = 6;
/** Strings shorter than this cannot hold a token worth reporting, nor an encoded one. */
export const MIN_SECRET_LENGTH = 16;

/** Decompressed gzip larger than this is cut off: a bomb must not exhaust memory. */
const MAX_GUNZIP_BYTES = 32 * 1024 * 1024;
/** A decoded text counts as text when at most this share of its characters are control characters. */
const MAX_CONTROL_SHARE = 0.05;

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/;
const FORM_BODY = /^[\w.[\]-]+=[^&\s]*(?:&[\w.[\]-]+=[^&\s]*)+$/;

/**
 * Decode `value` layer by layer, up to `maxDepth` layers. Returns every decoded text worth
 * scanning, outermost layers first; an empty array when `value` is not encoded. Never throws.
 */
export function decodeLayers(value: string, maxDepth: number = DEFAULT_DECODE_DEPTH): DecodedText[] {
  const out: DecodedText[] = [];
  try {
    peel(value, [], '', maxDepth, out);
  } catch {
    // decoding is best effort: whatever was decoded before the failure is kept
  }
  return out;
}

/** Cheap test before any decoding: could `value` be base64, JSON text or URL-encoded? */
export function looksEncoded(value: string): boolean {
  if (value.length < MIN_SECRET_LENGTH) return false;
  const t = value.trim();
  const c = t.charCodeAt(0);
  if (c === 0x7b || c === 0x5b || c === 0x22) return true; // { [ "
  return looksBase64(t) || looksUrlEncoded(t);
}

/** Escape one JSON pointer segment (RFC 6901). */
export function pointerSegment(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}

/** Try one layer on `value`; push what it yields. Returns whether a layer applied. */
function peel(value: string, layers: DecodeLayer[], pointer: string, maxDepth: number, out: DecodedText[]): boolean {
  if (layers.length >= maxDepth || value.length < MIN_SECRET_LENGTH) return false;
  const t = value.trim();
  const c = t.charCodeAt(0);
  if (c === 0x7b || c === 0x5b || c === 0x22) {
    const parsed = parseJson(t);
    if (parsed === undefined) return false;
    const next: DecodeLayer[] = [...layers, 'json'];
    if (typeof parsed === 'string') {
      emitText(parsed, next, pointer, maxDepth, out);
      return true;
    }
    if (typeof parsed !== 'object' || parsed === null) return false;
    walkJson(parsed, next, pointer, undefined, maxDepth, out);
    return true;
  }
  if (looksUrlEncoded(t)) return peelUrl(t, layers, pointer, maxDepth, out);
  if (looksBase64(t)) return peelBase64(t, layers, pointer, maxDepth, out);
  return false;
}

function peelBase64(t: string, layers: DecodeLayer[], pointer: string, maxDepth: number, out: DecodedText[]): boolean {
  const bytes = Buffer.from(t, 'base64');
  if (bytes.length >= 18 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    let inflated: Buffer;
    try {
      inflated = gunzipSync(bytes, { maxOutputLength: MAX_GUNZIP_BYTES });
    } catch {
      return false;
    }
    const text = asText(inflated);
    if (text === undefined) return false;
    emitText(text, [...layers, 'base64', 'gzip'], pointer, maxDepth, out);
    return true;
  }
  const text = asText(bytes);
  if (text === undefined) return false;
  emitText(text, [...layers, 'base64'], pointer, maxDepth, out);
  return true;
}

function peelUrl(t: string, layers: DecodeLayer[], pointer: string, maxDepth: number, out: DecodedText[]): boolean {
  const next: DecodeLayer[] = [...layers, 'url'];
  if (FORM_BODY.test(t)) {
    let changed = false;
    const pairs: Array<[string, string]> = [];
    for (const part of t.split('&')) {
      const eq = part.indexOf('=');
      const k = unescapeForm(part.slice(0, eq));
      const v = unescapeForm(part.slice(eq + 1));
      if (k !== part.slice(0, eq) || v !== part.slice(eq + 1)) changed = true;
      pairs.push([k, v]);
    }
    // a form body without escapes shows its tokens as they are: nothing to peel
    if (!changed) return false;
    // one text per parameter, like a JSON field: `key=value`, the value peeled further
    for (const [k, v] of pairs) {
      if (v.length < MIN_SECRET_LENGTH) continue;
      emitText(v, next, pointer, maxDepth, out, `${k}=`);
    }
    return true;
  }
  const decoded = unescapePercent(t);
  if (decoded === t) return false;
  emitText(decoded, next, pointer, maxDepth, out);
  return true;
}

/**
 * A decoded text: peel it further; keep the text itself unless a further json/url layer
 * shows the same content again. `prefix` and `suffix` are context shown around it (a field name).
 */
function emitText(
  text: string,
  layers: DecodeLayer[],
  pointer: string,
  maxDepth: number,
  out: DecodedText[],
  prefix = '',
  suffix = '',
): void {
  const sub: DecodedText[] = [];
  const applied = looksEncoded(text) && peel(text, layers, pointer, maxDepth, sub);
  const shadowed = applied && (sub[0]?.layers[layers.length] === 'json' || sub[0]?.layers[layers.length] === 'url');
  const shown = prefix + text + suffix;
  if (!shadowed) out.push(pointer ? { text: shown, layers, pointer } : { text: shown, layers });
  for (const d of sub) out.push(d);
}

function walkJson(
  node: unknown,
  layers: DecodeLayer[],
  pointer: string,
  key: string | undefined,
  maxDepth: number,
  out: DecodedText[],
): void {
  if (typeof node === 'string') {
    if (node.length < MIN_SECRET_LENGTH) return;
    if (key === undefined) emitText(node, layers, pointer, maxDepth, out);
    else emitText(node, layers, pointer, maxDepth, out, `${JSON.stringify(key)}: "`, '"');
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    node.forEach((item: unknown, i) => walkJson(item, layers, `${pointer}/${i}`, undefined, maxDepth, out));
    return;
  }
  const obj = node as Record<string, unknown>;
  for (const k in obj) {
    walkJson(obj[k], layers, `${pointer}/${pointerSegment(k)}`, k, maxDepth, out);
  }
}

function parseJson(t: string): unknown {
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

function looksBase64(t: string): boolean {
  if (t.length < MIN_SECRET_LENGTH || t.length % 4 === 1 || !BASE64.test(t)) return false;
  // both alphabets at once is not base64 but some other token
  const std = t.includes('+') || t.includes('/');
  const url = t.includes('-') || t.includes('_');
  return !(std && url);
}

function looksUrlEncoded(t: string): boolean {
  if (/\s/.test(t)) return false;
  return PERCENT_ESCAPE.test(t) || FORM_BODY.test(t);
}

/** Mostly printable UTF-8, else undefined. Checks bytes first: most base64-looking ids are binary. */
function asText(bytes: Buffer): string | undefined {
  if (bytes.length < 4) return undefined;
  let control = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] ?? 0;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) control++;
  }
  if (control > bytes.length * MAX_CONTROL_SHARE || !isUtf8(bytes)) return undefined;
  return bytes.toString('utf8');
}

function unescapeForm(s: string): string {
  return unescapePercent(s.replace(/\+/g, ' '));
}

/** decodeURIComponent that keeps malformed escapes as they are. */
function unescapePercent(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}
