// Library API. Importing this module has no side effects.
export type * from './core/types.js';
export { UsageError, RuleError, ConfigError, TargetError } from './core/errors.js';
export { scan, type ScanOptions, type ScanProgress } from './scan.js';
export { compareFindings } from './core/order.js';
export { loadRules, BUILTIN_RULES_DIR } from './rules/load.js';
export { checkRules } from './rules/check.js';
export type { Rule, RawRule } from './rules/types.js';
export { createDetector, detect } from './detect/detect.js';
export { dirSource } from './sources/fs.js';
export { stdinSource } from './sources/stdin.js';
export { analyzeJwt } from './analyze/jwt.js';
export { jwtSeverity } from './analyze/severity.js';
export { renderJson } from './report/json.js';
export { renderText } from './report/text.js';
export { buildCredentials, compareCredentials, type CredentialContext } from './analyze/credentials.js';
export { parseCodeowners, type Codeowners } from './analyze/codeowners.js';
export { findingTags, isStandardTag, taxonOf, TAXONOMIES, TAG, type Taxonomy, type Taxon } from './core/standards.js';
