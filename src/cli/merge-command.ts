import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { mergeReports } from '../merge.js';
import type { Io } from './io.js';

/** `tokensprawl merge <reports...>`: one report from shard reports, duplicates dropped by id. */
export async function runMergeCommand(reports: string[], opts: Record<string, unknown>, io: Io): Promise<number> {
  const merged = await mergeReports(reports.map((r) => path.resolve(io.cwd, r)));
  const format = (opts['format'] as 'json' | 'sarif' | undefined) ?? merged.kind;
  if (format !== merged.kind) throw new UsageError(`--format ${format}: the inputs are ${merged.kind} reports; merge keeps their format`);
  const text = `${JSON.stringify(merged.kind === 'json' ? merged.result : merged.sarif, null, 2)}\n`;
  const output = opts['output'] as string | undefined;
  if (output) await writeFile(path.resolve(io.cwd, output), text);
  else io.stdout(text);
  return 0;
}
