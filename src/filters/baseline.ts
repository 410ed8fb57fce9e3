// Baseline: drop findings already reported in an earlier JSON report. Ids are content-based
// (rule + secret hash + path), so a moved line stays hidden and a new token on it does not.

import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { DocumentSplitter, type DocumentPart } from '../core/json-stream.js';
import { TargetError, UsageError, describeError, describeJsonError } from '../core/errors.js';
import type { Finding } from '../core/types.js';
import { isObject } from '../core/guards.js';

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

/** A report up to this size is parsed whole (exact JSON error messages); a bigger one is streamed. */
const WHOLE_BASELINE_BYTES = 8 * 1024 * 1024;
/** One finding of a streamed report larger than this is not a finding tokensprawl wrote. */
const MAX_FINDING_CHARS = 1024 * 1024;
/** The report's text outside its findings that is kept to find tool.name. */
const MAX_OUTSIDE_CHARS = 64 * 1024;

/** The finding ids of a tokensprawl JSON report (`--format json`). */
export async function loadBaseline(file: string): Promise<Set<string>> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    throw new TargetError(`baseline ${file}: cannot be read (${describeError(err)})`, { cause: err });
  }
  if (size > WHOLE_BASELINE_BYTES) return streamBaseline(file);
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

/**
 * The ids of a big report, read finding by finding: the report is never held (an 82 MB one
 * peaked at 424 MB parsed whole). Checks what baselineIds() checks.
 */
async function streamBaseline(file: string): Promise<Set<string>> {
  const splitter = new DocumentSplitter(MAX_FINDING_CHARS, { lists: new Set(['findings']), names: new Set() });
  const decoder = new StringDecoder('utf8');
  const ids = new Set<string>();
  let outside = '';
  let index = 0;
  let problem: string | undefined;
  const take = (parts: DocumentPart[]): void => {
    for (const part of parts) {
      if (problem !== undefined) return;
      if (part.type === 'error') problem = `malformed JSON at line ${part.line} column ${part.column}: ${part.message}`;
      else if (part.type === 'raw' && part.of === 'record') problem = `findings[${index}] is over ${MAX_FINDING_CHARS} characters`;
      else if (part.type === 'raw') {
        if (outside.length < MAX_OUTSIDE_CHARS) outside += part.text.slice(0, MAX_OUTSIDE_CHARS);
      } else {
        let f: unknown;
        try {
          f = JSON.parse(part.text);
        } catch {
          f = undefined;
        }
        if (!isObject(f) || typeof f.id !== 'string' || f.id === '') problem = `findings[${index}] has no id`;
        else ids.add(f.id);
        index++;
      }
    }
  };
  try {
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      take(splitter.push(decoder.write(chunk)));
      if (problem !== undefined) break;
    }
  } catch (err) {
    throw new TargetError(`baseline ${file}: cannot be read (${describeError(err)})`, { cause: err });
  }
  if (problem === undefined) take([...splitter.push(decoder.end()), ...splitter.end()]);
  if (problem === undefined && splitter.root !== '{') problem = 'expected a JSON object';
  if (problem === undefined && !/"name"\s*:\s*"tokensprawl"/.test(outside)) {
    problem = /"runs"\s*:/.test(outside) ? 'this is SARIF; use the JSON report (--format json)' : 'no tool.name "tokensprawl"';
  }
  if (problem === undefined && !splitter.foundList) problem = 'no findings array';
  if (problem !== undefined) throw new UsageError(`baseline ${file}: not a tokensprawl JSON report (${problem})`);
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

