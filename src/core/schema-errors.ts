// ajv's validation errors as one-line messages for people, for every schema the tool reads
// (configuration, rule files). Values are never quoted: a user may have pasted a secret where
// its hash or a pattern belongs, and a long key may be a secret too.
import type { ErrorObject } from 'ajv';
import { describeName } from './errors.js';

export interface SchemaMessageOptions {
  /** friendlier words for a `pattern` failure than "must match pattern …", by pattern source */
  patterns?: Readonly<Record<string, string>>;
  /** how an unknown key reads: a setting of its parent (`/x is not a known setting`) or a field of it (`has unknown field "x"`) */
  unknownKey?: 'setting' | 'field';
}

/** "/allow/0/sha256 must match pattern ^[0-9a-f]{64}$", "/failOn must be one of info, low, …". */
export function describeSchemaError(e: ErrorObject, opts: SchemaMessageOptions = {}): string {
  const pointer = safePointer(e.instancePath);
  const at = pointer || '/';
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String((e.params as { additionalProperty?: unknown }).additionalProperty);
      return opts.unknownKey === 'setting' ? `${pointer}/${extra.length <= 24 ? extra : describeName(extra)} is not a known setting` : `${at} has unknown field ${describeName(extra)}`;
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues ?? [];
      return `${at} must be one of ${allowed.map(String).join(', ')}`;
    }
    case 'pattern': {
      const pattern = String((e.params as { pattern?: unknown }).pattern);
      return `${at} ${opts.patterns?.[pattern] ?? `must match pattern ${pattern}`}`;
    }
    default:
      return `${at} ${e.message ?? 'is invalid'}`;
  }
}

/** A JSON pointer with long segments cut: a key may be a pasted secret. */
export function safePointer(pointer: string): string {
  return pointer
    .split('/')
    .map((seg) => (seg.length <= 24 ? seg : describeName(seg)))
    .join('/');
}

/**
 * The yaml package's parse error as words without content: its messages go on to quote the
 * offending text ("Block scalar header includes extra characters: |…", "Unresolved tag: !…",
 * "Unexpected scalar token in YAML stream: \"…\""), which may be a secret pasted into the
 * file. Only what precedes the quote is kept; the caller says where (line, column).
 */
export function describeYamlError(message: string): string {
  const first = message.split('\n', 1)[0] ?? '';
  return first
    .replace(/ at line \d+, column \d+:?$/, '')
    .split(/:\s/, 1)[0]!
    .replace(/\s*"(?:[^"\\]|\\.)*"?/g, '')
    .slice(0, 120);
}
