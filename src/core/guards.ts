// Type guards for values parsed from untrusted input (JSON, YAML) before they are trusted.

/** A plain object (not null, not an array): the shape of a JSON object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
