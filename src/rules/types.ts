import type { Severity } from '../core/types.js';
import type { Boundary, RawBoundary } from '../detect/boundary.js';

/** A rule as written in a YAML file, after ajv validated it (see rules/schema.json). */
export interface RawRule {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  pattern: string;
  flags?: string;
  keywords: string[];
  prefix?: string;
  generic?: boolean;
  precision?: 'very-high' | 'high' | 'medium' | 'low';
  entropy?: number;
  minLength?: number;
  checksum?: 'crc32-base62';
  boundary?: RawBoundary;
  jwt?: boolean;
  allow?: string[];
  paths?: string[];
  references?: string[];
  remediation?: string;
  examples: string[];
  negativeExamples: string[];
}

export interface RawRuleFile {
  family?: string;
  rules: RawRule[];
}

/** A rule ready for detection: regexes compiled, keywords lower-cased. */
export interface Rule {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  family: string;
  /** global + hasIndices; callers reset lastIndex */
  regex: RegExp;
  hasSecretGroup: boolean;
  keywords: string[];
  prefix?: RegExp;
  generic: boolean;
  precision: 'very-high' | 'high' | 'medium' | 'low';
  entropy?: number;
  minLength?: number;
  checksum?: 'crc32-base62';
  /** checked by the engine after the regex matched (detect/boundary.ts) */
  boundary?: Boundary;
  jwt: boolean;
  allow: RegExp[];
  paths?: string[];
  references: string[];
  remediation?: string;
  examples: string[];
  negativeExamples: string[];
  /** file the rule was loaded from (for messages) */
  file: string;
  /** the raw form, for handing to worker threads */
  raw: RawRule;
}
