// Baseline: drop findings already reported in an earlier JSON report. Ids are content-based
// (rule + secret hash + path), so a moved line stays hidden and a new token on it does not.

import { readFile } from 'node:fs/promises';
import { TargetError, UsageError, describeError, describeJsonError } from '../core/errors.js';
import type { Finding } from '../core/types.js';

export interface FilterOutcome {
  kept: Finding[];
  /** marked `suppressed`, for --show-suppressed */
  suppressed: Finding[];
}

export function applyBaseline(findings: Finding[], baselineIds: ReadonlySet<string>): FilterOutcome {
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const f of findings) {
    if (baselineIds.has(f.id)) suppressed.push({ ...f, suppressed: { by: 'baseline' } });
    else kept.push(f);
  }
  return { kept, suppressed };
}

/** The finding ids of a tokensprawl JSON report (`--format json`). */
export async function loadBaseline(file: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new TargetError(`baseline ${file}: cannot be read (${describeError(err)})`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`baseline ${file}: not a tokensprawl JSON report (${describeJsonError(err, text)})`, {
      cause: err,
    });
  }
  const ids = baselineIds(doc);
  if (typeof ids === 'string') throw new UsageError(`baseline ${file}: not a tokensprawl JSON report (${ids})`);
  return ids;
}

/** The ids, or what is wrong with the document. */
function baselineIds(doc: unknown): Set<string> | string {
  if (!isObject(doc)) return 'expected a JSON object';
  if (!isObject(doc.tool) || doc.tool.name !== 'tokensprawl') {
    return Array.isArray(doc.runs) ? 'this is SARIF; use the JSON report (--format json)' : 'no tool.name "tokensprawl"';
  }
  if (!Array.isArray(doc.findings)) return 'no findings array';
  const ids = new Set<string>();
  for (const [i, f] of doc.findings.entries()) {
    if (!isObject(f) || typeof f.id !== 'string' || f.id === '') return `findings[${i}] has no id`;
    ids.add(f.id);
  }
  return ids;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
