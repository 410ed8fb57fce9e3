import type { SecretRef } from './types.js';
import { sha256Hex } from './fingerprint.js';

/**
 * The only form in which a secret leaves the detector: its public prefix (when the format has
 * one), an ellipsis and at most 4 trailing characters — never more than a quarter of the rest.
 */
export function redact(secret: string, prefix?: RegExp): SecretRef {
  const shown = prefix?.exec(secret)?.[0] ?? '';
  // A prefix that is most of the secret would reveal it: then show nothing of it.
  const pre = shown.length <= secret.length / 2 ? shown : '';
  const rest = secret.length - pre.length;
  const tail = Math.min(4, Math.floor(rest / 4));
  return {
    redacted: `${pre}…${tail > 0 ? secret.slice(secret.length - tail) : ''}`,
    sha256: sha256Hex(secret),
    length: secret.length,
  };
}
