import { createHash } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Stable finding id: same rule + same secret + same path ⇒ same id, whatever the line or
 * commit. Built from the secret's hash, never the secret.
 */
export function findingId(ruleId: string, secretSha256: string, path: string): string {
  return createHash('sha256').update(`tokensprawl/v1\0${ruleId}\0${secretSha256}\0${path}`).digest('hex').slice(0, 32);
}
