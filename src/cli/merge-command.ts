import path from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Severity } from '../core/types.js';
import { mergeReports } from '../merge.js';
import { createRunRedactor } from '../scan.js';
import { setOutputRedactor, type Io } from './io.js';
import { loadCommandRules } from './rules-command.js';
import { INFORMATION_URI, VERSION } from './version.js';

/** `tokensprawl merge <reports...>`: one report from shard reports, duplicates dropped by id. */
export async function runMergeCommand(reports: string[], opts: Record<string, unknown>, io: Io): Promise<number> {
  const output = opts['output'] as string | undefined;
  const { checkWritable, writeReport } = await import('./scan-command.js');
  // Like the scans: a report that cannot be written fails before the work, and is written atomically.
  if (output) await checkWritable(path.resolve(io.cwd, output));
  const raw = await mergeReports(reports.map((r) => path.resolve(io.cwd, r)));
  // The rules a scan here would load (built-in, --rules, the config's): SARIF describes them.
  const { rules, redactWith } = await loadCommandRules(opts, io);
  // The inputs are files like any other: whatever they hold goes out through the rules' patterns.
  const redactor = createRunRedactor(redactWith);
  setOutputRedactor(redactor);
  const merged = raw.kind === 'sarif' ? { ...raw, sarif: redactor.value(raw.sarif) } : { ...raw, result: redactor.value(raw.result) };
  const format = (opts['format'] as 'json' | 'sarif' | 'html' | undefined) ?? merged.kind;
  let text: string;
  const warnings = [...merged.warnings];
  if (merged.kind === 'sarif') {
    if (format !== 'sarif') throw new UsageError(`--format ${format}: the inputs are SARIF reports, which cannot be turned back into JSON reports; merge JSON reports instead`);
    text = `${JSON.stringify(merged.sarif)}\n`;
  } else if (format === 'sarif') {
    // JSON shard reports → one SARIF log, with the rules that fired as they are loaded here.
    const { renderSarif } = await import('../report/sarif.js');
    const out = renderSarif(merged.result, { rules: new Map(rules.map((r) => [r.id, r])), version: VERSION, informationUri: INFORMATION_URI });
    warnings.push(...out.warnings);
    text = out.text;
  } else if (format === 'html') {
    // The shards' one page: the same report a single scan writes (the gate as --fail-on says).
    const { renderHtml } = await import('../report/html.js');
    const failOn = (opts['failOn'] as Severity | 'none' | undefined) ?? 'low';
    text = renderHtml(merged.result, { now: new Date(merged.result.scan.now), failOn });
  } else text = `${JSON.stringify(merged.result, null, 2)}\n`;
  for (const w of warnings) io.stderr(`tokensprawl: ${w}\n`);
  if (output) await writeReport(path.resolve(io.cwd, output), text);
  else io.stdout(text);
  return 0;
}
