// The one loader of configuration and rules, for every command that needs rules: the scans,
// `merge` (its SARIF names the rules that fired) and `rules list` / `rules test`. So each of them
// sees the same rules: built-in, `--rules`, the `rules` folders of a config, minus `disabledRules`.
import path from 'node:path';
import { parseDuration } from '../analyze/duration.js';
import { describeError, UsageError } from '../core/errors.js';
import type { ScanError } from '../core/types.js';
import { loadRules } from '../rules/load.js';
import type { Rule } from '../rules/types.js';
import { findConfig, loadConfig, loadRepoConfig, type Config } from './load.js';

export interface RuleSetRequest {
  /** false with --no-builtin-rules */
  builtin: boolean;
  /** --rules, as given (resolved from cwd) */
  ruleDirs: readonly string[];
  /** --config, as given (resolved from cwd): trusted, and a bad one stops the run */
  config?: string | undefined;
  /** where a `.tokensprawl.yaml` is looked for: the scanned root, else the working directory */
  root: string;
  /** false with --no-repo-config: a config found under `root` is ignored */
  repoConfig?: boolean | undefined;
  cwd: string;
}

export interface RuleSet {
  config: Config;
  /** the config is the user's own (--config, or none): a config from the scanned tree is not */
  trusted: boolean;
  /** the config applied, as shown to the user (policies name it in their errors) */
  configFile?: string;
  /** every loaded rule that `disabledRules` leaves in */
  rules: Rule[];
  /**
   * The rules the run's redactor knows: every loaded one (also those `disabledRules` or
   * --min-precision leave out) and, under --no-builtin-rules, the built-in ones too: what a run
   * does not look for is still never echoed. The same array as `rules` when they are equal, so
   * the scan and the redactor share one detector.
   */
  redactWith: Rule[];
  /** for the report: which config applied, what of it was refused */
  notes: string[];
  /** for the report: a config from the scanned tree that failed (the run goes on without it) */
  errors: ScanError[];
  /** for stderr only: mistakes in the user's own settings (a disabled rule that does not exist) */
  warnings: string[];
}

export const NO_CONFIG: Config = { ignore: [], allow: [], disabledRules: [], rules: [] };

export async function loadRuleSet(req: RuleSetRequest): Promise<RuleSet> {
  const { config, trusted, notes, errors, file: configFile } = await readConfig(req);
  const loaded = await loadRules({
    builtin: req.builtin,
    dirs: [...(trusted ? config.rules : []), ...req.ruleDirs.map((d) => path.resolve(req.cwd, d))],
  });
  // Rule folders named by a config from the scanned tree add rules; they may not replace a
  // built-in or user rule (same id), and a bad one is an error of the scan, not of the run.
  if (!trusted && config.rules.length > 0) {
    try {
      const known = new Set(loaded.map((r) => r.id));
      const extra = await loadRules({ builtin: false, dirs: config.rules });
      const clashing = extra.filter((r) => known.has(r.id));
      loaded.push(...extra.filter((r) => !known.has(r.id)));
      if (clashing.length > 0) notes.push(`rules from the scanned tree's config may not replace loaded rules; not applied: ${clashing.map((r) => r.id).join(', ')}`);
    } catch (err) {
      errors.push({ target: 'config rules', message: `rules from the scanned tree's config not loaded: ${describeError(err).split('\n').join('; ')}` });
    }
  }
  const disabled = new Set(config.disabledRules);
  const warnings = [...disabled]
    .filter((id) => !loaded.some((r) => r.id === id))
    .map((id) => `disabledRules names "${id}", which is not a loaded rule (see: tokensprawl rules list)`);
  const rules = disabled.size === 0 ? loaded : loaded.filter((r) => !disabled.has(r.id));
  const redactWith = req.builtin ? loaded : await withBuiltinRules(loaded);
  if (rules.length === 0) throw new UsageError('no rules loaded: --no-builtin-rules needs --rules with at least one rule (or a config `rules` folder)');
  return { config, trusted, ...(configFile ? { configFile } : {}), rules, redactWith: redactWith.length === rules.length ? rules : redactWith, notes, errors, warnings };
}

/**
 * The user's own --config is trusted (and a bad one stops the run); a config found in the
 * scanned tree is tree content: limited (loadRepoConfig), a bad one is an error of the scan,
 * and --no-repo-config ignores it. Every config applied is named in the notes.
 */
async function readConfig(req: RuleSetRequest): Promise<{ config: Config; trusted: boolean; notes: string[]; errors: ScanError[]; file?: string }> {
  if (req.config) {
    const file = path.resolve(req.cwd, req.config);
    return { config: await loadConfig(file), trusted: true, notes: [`config ${displayPath(file, req.cwd)} (--config) applied`], errors: [], file: displayPath(file, req.cwd) };
  }
  const found = await findConfig(req.root);
  if (!found) return { config: NO_CONFIG, trusted: true, notes: [], errors: [] };
  const label = displayPath(found, req.cwd);
  if (req.repoConfig === false) return { config: NO_CONFIG, trusted: true, notes: [`config ${label} in the scanned tree ignored (--no-repo-config)`], errors: [] };
  const outcome = await loadRepoConfig(found, label, parseDuration);
  return { config: outcome.config, trusted: false, notes: outcome.notes, errors: outcome.error ? [{ target: label, message: outcome.error }] : [], file: label };
}

/** A path relative to the working directory when it lies below it, else as it is. */
export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

/** These rules and every built-in rule they lack (a user rule with a built-in id replaced it on purpose). */
async function withBuiltinRules(rules: Rule[]): Promise<Rule[]> {
  const ids = new Set(rules.map((r) => r.id));
  const missing = (await loadRules({ builtin: true, dirs: [] })).filter((r) => !ids.has(r.id));
  return missing.length === 0 ? rules : [...rules, ...missing];
}
