// Whole values that are encoded (a Kubernetes Secret's `data:`, a base64 `.dockerconfigjson`
// auth, an env var holding base64 JSON): found cheaply, decoded with the shared decoder.
import { decodeLayers, type DecodedText } from '../core/decode.js';

export interface EncodedValue {
  start: number;
  end: number;
  decoded: DecodedText[];
}

// A base64 run of 24+ characters standing alone as a value: after start of line, space, quote,
// `:`, `=` or `,`, and before a quote, space, `,`, `]`, `}` or end of line. Short runs cannot
// hold a token once decoded.
// The leading delimiter is consumed rather than looked behind: irregexp then only tries the
// run at delimiters, which keeps this pass several times cheaper.
const CANDIDATE = /(?:^|[\s"':=,[])([A-Za-z0-9+/_-]{24,}={0,2})(?=$|[\s"',\]}])/gm;
/** Decoding tens of megabytes of one base64 blob (an embedded image) is not worth it. */
const MAX_VALUE = 1024 * 1024;

// Whole encoded values live in manifests, config and data, not in source code; skipping code
// keeps this pass off the hot path of a scan of a source tree (it would halve its speed).
const CODE = /\.(?:[cm]?[jt]sx?|map|css|s[ac]ss|less|html?|vue|svelte|py|go|rs|java|kt|scala|c|cc|cpp|h|hpp|cs|rb|php|swift|m|mm|pl|pm|pod|lua|dart|r|sql|ex|exs|erl|clj|hs|ml|fs|jl|zig|nim|d\.ts|snap|lock|sum)$/i;

/** Whether whole encoded values in this path are worth decoding. */
export function mayHoldEncodedValues(path: string): boolean {
  return !CODE.test(path);
}

export function encodedValues(text: string, limit = text.length): EncodedValue[] {
  const out: EncodedValue[] = [];
  CANDIDATE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CANDIDATE.exec(text)) !== null) {
    const value = m[1] ?? '';
    const start = m.index + m[0].length - value.length;
    if (start >= limit) break;
    // the lookahead did not consume the closing delimiter; step back so it can open the next value
    CANDIDATE.lastIndex = start + value.length;
    if (value.length > MAX_VALUE || !mixed(value)) continue;
    const decoded = decodeLayers(value).filter((d) => d.layers[0] === 'base64');
    if (decoded.length > 0) out.push({ start, end: start + value.length, decoded });
  }
  return out;
}

// Base64 of text mixes upper case, lower case and digits; an identifier or a hex hash rarely does.
function mixed(v: string): boolean {
  return /[A-Z]/.test(v) && /[a-z]/.test(v) && /[0-9]/.test(v);
}
