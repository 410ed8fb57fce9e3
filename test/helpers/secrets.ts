import { loadRules } from '../../src/rules/load.js';
import { createDetector } from '../../src/detect/detect.js';
import { detectLocated } from '../../src/detect/locate.js';
import type { Source } from '../../src/core/types.js';

/**
 * The raw secrets a source holds, found in-process, so tests can assert that none of them
 * ever appears in what the CLI prints.
 */
export async function rawSecrets(source: Source): Promise<string[]> {
  const detector = createDetector(await loadRules({ builtin: true, dirs: [] }));
  const found = new Set<string>();
  for await (const item of source) {
    if (item.type !== 'fragment') continue;
    for (const m of detectLocated(item.fragment, detector)) found.add(m.secret);
  }
  return [...found];
}

/** Names the first raw secret that occurs in `text` (or in any of its 16-char windows). */
export function leakedSecret(text: string, secrets: readonly string[]): string | null {
  for (const s of secrets) {
    if (text.includes(s)) return `${s.slice(0, 6)}… (whole)`;
    // A long secret must not leak in parts either: no 16-character window of its second half
    // may appear (the first half may hold a public prefix such as "-----BEGIN PRIVATE KEY").
    for (let i = Math.floor(s.length / 2); i + 16 <= s.length; i += 4) if (text.includes(s.slice(i, i + 16))) return `${s.slice(0, 6)}… (window at ${i})`;
  }
  return null;
}
