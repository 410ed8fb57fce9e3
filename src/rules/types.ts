import type { Severity } from '../core/types.js';
import type { Boundary, RawBoundary } from '../detect/boundary.js';
import type { LinearRegex } from '../detect/linear.js';

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
  checksum?: 'crc32-base62' | 'gitlab-routable' | 'crc32-hex-le' | 'bech32';
  boundary?: RawBoundary;
  jwt?: boolean;
  allow?: string[];
  paths?: string[];
  references?: string[];
  remediation?: string;
  /** where to revoke this kind of token (a URL of the provider's console or docs) */
  revoke?: string;
  examples: string[];
  negativeExamples: string[];
  /**
   * Not in the YAML schema: set by the loader. `re2`: the pattern (and `allow`, `pathPattern`)
   * run on the linear-time engine (user and imported rules, detect/linear.ts).
   */
  engine?: 're2';
  /** imported rules: the numbered capture group that is the secret */
  secretGroup?: number;
  /** imported rules: a regex the path must match for the rule to run */
  pathPattern?: string;
  /** imported rules: regexes of paths the rule does not run on */
  pathAllow?: string[];
  /** imported rules: a secret holding one of these words (case-insensitive) is not a finding */
  stopwords?: string[];
  /** imported rules: regexes tested against the whole match instead of the secret */
  allowMatch?: string[];
  /** imported rules: regexes tested against the match's line */
  allowLine?: string[];
  /** where the rule came from when it is not a tokensprawl rule file */
  imported?: 'gitleaks';
}

/** A rule's words that only reports and `rules test` read: the built-in cache keeps them apart (rules/load.ts). */
export type RuleTexts = Pick<RawRule, 'description' | 'references' | 'remediation' | 'examples' | 'negativeExamples'>;

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
  /**
   * global + hasIndices; callers reset lastIndex. For a rule on the linear-time engine, the
   * same pattern for V8 when it compiles there, else one that never matches: detection uses
   * `linear` then.
   */
  regex: RegExp;
  /**
   * The pattern without its negative lookarounds (global): it matches wherever `regex` does, and
   * detection runs `regex` only from where it matched. A large lookbehind costs V8 most of a
   * pattern's compile time (~2 ms for a generic-secret rule), and most texts a rule runs on
   * hold no match of it at all.
   */
  gate?: RegExp;
  /** set when the rule runs on the linear-time engine (user and imported rules) */
  linear?: LinearRegex;
  hasSecretGroup: boolean;
  keywords: string[];
  prefix?: RegExp;
  generic: boolean;
  precision: 'very-high' | 'high' | 'medium' | 'low';
  entropy?: number;
  minLength?: number;
  checksum?: 'crc32-base62' | 'gitlab-routable' | 'crc32-hex-le' | 'bech32';
  /** checked by the engine after the regex matched (detect/boundary.ts) */
  boundary?: Boundary;
  jwt: boolean;
  /** tested against the secret (RegExp, or a linear-time pattern) */
  allow: Array<Pick<RegExp, 'test'>>;
  /** tested against the whole match */
  allowMatch?: Array<Pick<RegExp, 'test'>>;
  /** tested against the match's line */
  allowLine?: Array<Pick<RegExp, 'test'>>;
  stopwords?: string[];
  /** the path must pass this to run the rule (beside `paths` globs) */
  pathTest?: (path: string) => boolean;
  paths?: string[];
  references: string[];
  remediation?: string;
  revoke?: string;
  examples: string[];
  negativeExamples: string[];
  /** file the rule was loaded from (for messages) */
  file: string;
  /** the raw form, for handing to worker threads */
  raw: RawRule;
}
