import type { ScanResult } from '../core/types.js';

/** The JSON report of SPEC "Findings": one object, findings already sorted and redacted. */
export function renderJson(result: ScanResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
