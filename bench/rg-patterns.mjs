// Translates the built-in rules' JavaScript patterns into ripgrep (Rust regex) patterns, so
// ripgrep searches for the same tokens. Rust regex has no lookaround:
//   (?<![C]) and (?![C])  -> (?-u:\b) when C is exactly the ASCII word class (ripgrep's
//                            Unicode \b is many times slower and would flatter us), otherwise
//                            (?:^|[^C]) / (?:[^C]|$) (consumes one character; line counts and
//                            line numbers are unchanged)
//   (?![^C])              -> (?:[C]|$)
//   (?=X), (?<=X)         -> (?:X) (consumed)
//   other negative lookarounds: the rule is left out (listed in the row name)
//   LIT(?<=(?:^|[^C]|%XX)LIT) -> (?-u:\b)LIT     (?!\.\.) -> dropped (ripgrep keeps more matches)
//   private-jwk           -> its two lookaheads become an alternation of both orders
//   private-key-pem       -> the BEGIN line only (ripgrep is line-oriented without -U)
//   (?<name>              -> (?:        flags "i" -> (?i:...)        \d -> [0-9] (ASCII, as in JS)
// Checksums, entropy and allow-lists are not translated: ripgrep does less work per match.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { spawnSync } from 'node:child_process';

const WORD = new Set(['A-Za-z0-9_', 'a-zA-Z0-9_', '\\w']);

export function translate(rule) {
  if (rule.id === 'private-jwk') {
    const kty = '"kty"\\s*:\\s*"(?:RSA|EC|OKP)"';
    const d = '"d"\\s*:\\s*"[A-Za-z0-9_-]{20,}"';
    return `\\{[^{}]*(?:${kty}[^{}]*${d}|${d}[^{}]*${kty})[^{}]*\\}`;
  }
  if (rule.id === 'private-key-pem') return '-----BEGIN[ A-Z0-9]{0,32} PRIVATE KEY(?: BLOCK)?-----';
  let p = rule.pattern;
  // LIT(?<=(?:^|[^C]|%XX)LIT): the boundary check written after the literal so V8 can search for
  // the literal first; for ripgrep, a word boundary before the literal.
  p = p.replace(/^([^(]+)\(\?<=\(\?:\^\|\[\^[^\]]+\]\|%\[0-9A-Fa-f\]\{2\}\)\1\)/, (_m, lit) => `(?-u:\\b)${lit}`);
  // (?!\.\.): drops documentation values cut with "..."; ripgrep simply keeps those matches
  p = p.replace(/\(\?!\\\.\\\.\)/g, '');
  p = p.replace(/\(\?<!\[([^\]]+)\]\)/g, (_m, c) => (WORD.has(c) ? '(?-u:\\b)' : `(?:^|[^${c}])`));
  p = p.replace(/\(\?!\[\^((?:\\.|[^\]\\])+)\]\)/g, (_m, c) => `(?:[${c}]|$)`);
  p = p.replace(/\(\?!\[((?:\\.|[^\]\\])+)\]\)/g, (_m, c) => (WORD.has(c) ? '(?-u:\\b)' : `(?:[^${c}]|$)`));
  p = p.replace(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?:');
  // JavaScript's \d is ASCII; Rust's Unicode \d is larger and slower
  p = p.replace(/(^|[^\\])\\d/g, '$1[0-9]');
  // positive lookarounds: consume instead (line counts and line numbers are unchanged)
  p = p.replace(/\(\?<?=/g, '(?:');
  if (/\(\?<?!/.test(p)) return null; // a negative lookaround we cannot express: the rule is dropped

  if ((rule.flags ?? '').includes('i')) p = `(?i:${p})`;
  return withBoundary(p, rule.boundary);
}

const PRESET_CLASSES = { token: 'A-Za-z0-9_-', alnum: 'A-Za-z0-9', base64: 'A-Za-z0-9+/=_-' };

// `boundary:` (checked by tokensprawl's engine after a match) -> one consumed character or the
// line's edge on each side, as for the lookarounds above.
function withBoundary(p, boundary) {
  if (boundary === undefined || boundary === 'none') return p;
  const sides = typeof boundary === 'string' ? { before: `[${PRESET_CLASSES[boundary]}]`, after: `[${PRESET_CLASSES[boundary]}]` } : boundary;
  const cls = (c) => (/^\[.*\]$/.test(c) && !c.startsWith('[^') ? c.slice(1, -1) : null);
  const before = sides.before === undefined ? '' : cls(sides.before) === null ? null : `(?:^|[^${cls(sides.before)}])`;
  const after = sides.after === undefined ? '' : cls(sides.after) === null ? null : `(?:[^${cls(sides.after)}]|$)`;
  if (before === null || after === null) return null; // a boundary ripgrep cannot express: left out
  return `${before}(?:${p})${after}`;
}

/** All rules of the rules directory: [{ id, pattern, rg }]. */
export function loadRgPatterns(rulesDir) {
  const out = [];
  for (const f of readdirSync(rulesDir).filter((n) => n.endsWith('.yaml')).sort()) {
    const doc = YAML.parse(readFileSync(path.join(rulesDir, f), 'utf8'));
    for (const rule of doc.rules ?? []) out.push({ id: rule.id, pattern: rule.pattern, rg: rgAccepts(translate(rule)) }); // rg null: dropped
  }
  return out;
}

/** A translation ripgrep itself rejects (a backreference, a literal newline, its size limit) is left out too. */
function rgAccepts(rg) {
  if (rg === null) return null;
  const r = spawnSync('rg', ['-c', '-e', rg, '--', '/dev/null']);
  return r.error || r.status === 2 ? null : rg;
}
