// CODEOWNERS: who answers for a path of the scanned repository. GitHub syntax (a pattern and its
// owners a line, gitignore-like patterns, the last matching line wins) and GitLab syntax on top
// (`[Section]`, `^[Optional section]`, `[Section][2]`, default owners after a section header;
// each section picks its own last match and the sections' owners add up).
//
// The file is content of the scanned tree: untrusted. Size and line length are capped, a bad
// line becomes an error naming the file and line (the other lines still apply), nothing throws.
//
// Patterns become one anchored RegExp each, written here rather than through the `ignore`
// package: CODEOWNERS needs the last pattern that matches a path or any folder above it (which
// gitignore matching does not report: a matching parent folder hides later rules), and the
// `ignore` package's per-instance checks cost about 14 µs a test, which a large CODEOWNERS times
// the paths of a history scan turns into minutes. Wildcards are limited so that no pattern can
// backtrack badly (at most three `*` in one path segment and two `**`).

import type { Owner, ScanError } from '../core/types.js';

/** GitHub ignores a CODEOWNERS file over 3 MB. */
export const MAX_CODEOWNERS_BYTES = 3 * 1024 * 1024;
const MAX_LINE = 4096;
const MAX_OWNERS_PER_LINE = 100;
const MAX_ERRORS = 20;
/** Pattern lines applied; GitHub documents no limit, real files have a few thousand at most. */
const MAX_ENTRIES = 20_000;

export interface Codeowners {
  /** the file, relative to the repository root */
  file: string;
  /** the owners of a path (relative, "/"-separated); [] when none */
  ownersOf(path: string): Owner[];
  /** lines that did not parse (each names the file and line) */
  errors: ScanError[];
}

interface Entry {
  pattern: string;
  owners: string[];
  line: number;
  regex: RegExp;
}

interface Section {
  name: string;
  optional: boolean;
  defaults: string[];
  entries: Entry[];
}

// @user, @org/team, @group/sub/group (GitLab), @@role (GitLab roles), or an e-mail address.
const OWNER = /^(?:@@?[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?(?:\/[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?)*|[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+)$/;
// `[Name]`, `^[Name]`, `[Name][2]`, each optionally followed by default owners.
const SECTION = /^(\^)?\[([^\]]*)\](?:\[(\d+)\])?(?:\s+(.*))?$/;

export function parseCodeowners(text: string, file: string): Codeowners {
  const errors: ScanError[] = [];
  const error = (line: number, message: string): void => {
    if (errors.length < MAX_ERRORS) errors.push({ target: `${file}:${line}`, message: `CODEOWNERS line ${line} not applied: ${message}` });
    else if (errors.length === MAX_ERRORS) errors.push({ target: file, message: 'CODEOWNERS: more bad lines not listed' });
  };
  const sections: Section[] = [{ name: '', optional: false, defaults: [], entries: [] }];
  if (Buffer.byteLength(text, 'utf8') > MAX_CODEOWNERS_BYTES) {
    errors.push({ target: file, message: `CODEOWNERS larger than ${MAX_CODEOWNERS_BYTES} bytes: not applied (GitHub ignores it too)` });
    return { file, ownersOf: () => [], errors };
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
  let entries = 0;
  for (const [i, raw] of lines.entries()) {
    const n = i + 1;
    if (raw.length > MAX_LINE) {
      error(n, `longer than ${MAX_LINE} characters`);
      continue;
    }
    const line = stripComment(raw).trim();
    if (line === '') continue;
    const section = SECTION.exec(line);
    if (section) {
      const name = (section[2] ?? '').trim();
      if (name === '') {
        error(n, 'empty section name');
        continue;
      }
      const defaults = splitOwners(section[4] ?? '');
      const bad = defaults.filter((o) => !OWNER.test(o));
      if (bad.length > 0) {
        error(n, `not an owner: ${quote(bad[0] as string)} (expected @user, @org/team or an e-mail address)`);
        continue;
      }
      // GitLab merges sections of the same name (case-insensitive).
      const existing = sections.find((s) => s.name !== '' && s.name.toLowerCase() === name.toLowerCase());
      if (existing) {
        if (defaults.length > 0) existing.defaults = defaults.slice(0, MAX_OWNERS_PER_LINE);
        sections.push(existing);
      } else {
        sections.push({ name, optional: section[1] === '^', defaults: defaults.slice(0, MAX_OWNERS_PER_LINE), entries: [] });
      }
      continue;
    }
    const [patternRaw, ...rest] = splitFields(line);
    // Escapes (`\#`, `\ `) stay: the `ignore` package reads them as gitignore does.
    const pattern = patternRaw ?? '';
    if (pattern.startsWith('!')) {
      error(n, `negated pattern ${quote(pattern)} (CODEOWNERS has no "!")`);
      continue;
    }
    if (/(?<!\\)[[\]]/.test(pattern)) {
      error(n, `pattern ${quote(pattern)} uses [ ], which CODEOWNERS does not support`);
      continue;
    }
    const bad = rest.filter((o) => !OWNER.test(o));
    if (bad.length > 0) {
      error(n, `not an owner: ${quote(bad[0] as string)} (expected @user, @org/team or an e-mail address)`);
      continue;
    }
    const compiled = compilePattern(pattern);
    if (typeof compiled === 'string') {
      error(n, `pattern ${quote(pattern)} ${compiled}`);
      continue;
    }
    if (++entries > MAX_ENTRIES) {
      if (entries === MAX_ENTRIES + 1) error(n, `more than ${MAX_ENTRIES} patterns: this and later lines not applied`);
      continue;
    }
    const current = sections[sections.length - 1] as Section;
    current.entries.push({ pattern, owners: rest.slice(0, MAX_OWNERS_PER_LINE), line: n, regex: compiled });
  }
  const unique = [...new Set(sections)];
  // A history scan asks about the same paths again and again.
  const cache = new Map<string, Owner[]>();
  return {
    file,
    errors,
    ownersOf(path) {
      const clean = normalise(path);
      if (clean === undefined) return [];
      const known = cache.get(clean);
      if (known) return known.map((o) => ({ ...o }));
      const out: Owner[] = [];
      const seen = new Set<string>();
      for (const s of unique) {
        const hit = lastMatch(s.entries, clean);
        if (!hit) continue;
        // In a GitLab section a pattern without owners takes the section's default owners.
        const owners = hit.owners.length > 0 ? hit.owners : s.defaults;
        for (const name of owners) {
          if (seen.has(name)) continue;
          seen.add(name);
          out.push({ kind: 'codeowners', name, via: `${file}:${hit.line}${s.name ? ` [${s.name}]` : ''}` });
        }
      }
      if (cache.size < 100_000) cache.set(clean, out);
      return out.map((o) => ({ ...o }));
    },
  };
}

function lastMatch(entries: Entry[], path: string): Entry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i] as Entry;
    if (e.regex.test(path)) return e;
  }
  return undefined;
}

/**
 * A CODEOWNERS pattern as a RegExp over a "/"-separated path relative to the repository root
 * (gitignore rules, as GitHub and GitLab document them): a leading or inner "/" anchors the
 * pattern at the root, otherwise it matches at any depth; a pattern matches a path or any folder
 * above it; a trailing "/" matches folders only; `dir/*` matches the files directly in dir/ and
 * not deeper ones; `**` spans folders. A string is the reason the pattern is refused.
 */
export function compilePattern(raw: string): RegExp | string {
  let p = raw;
  const dirOnly = p.endsWith('/') && !p.endsWith('\\/');
  if (dirOnly) p = p.replace(/\/+$/, '');
  // A "/" at the start or inside anchors it (a leading "**/" then still matches at any depth).
  const anchored = p.includes('/');
  p = p.replace(/^\/+/, '');
  if (p === '') return 'matches nothing';
  const segments = p.split('/');
  if (segments.filter((seg) => seg === '**').length > 2) return 'has more than two "**"';
  const parts: string[] = [];
  for (const [i, seg] of segments.entries()) {
    const last = i === segments.length - 1;
    if (seg === '**') {
      // a/**/b: zero or more folders; leading **/: any depth; trailing /**: everything below
      if (last) parts.push('.*');
      else if (parts.length === 0 || parts[parts.length - 1] !== '(?:.*/)?') parts.push('(?:.*/)?');
      continue;
    }
    if ((seg.match(/(?<!\\)\*/g) ?? []).length > 3) return 'has more than three "*" in one path segment';
    let out = '';
    for (let j = 0; j < seg.length; j++) {
      const ch = seg[j] as string;
      if (ch === '\\' && j + 1 < seg.length) {
        out += escapeRegex(seg[++j] as string);
      } else if (ch === '*') {
        while (seg[j + 1] === '*') j++;
        out += '[^/]*';
      } else if (ch === '?') {
        out += '[^/]';
      } else {
        out += escapeRegex(ch);
      }
    }
    parts.push(last ? out : `${out}/`);
  }
  const body = parts.join('');
  const directChildren = !dirOnly && segments.length > 1 && segments[segments.length - 1] === '*';
  const tail = dirOnly ? '/.+' : directChildren ? '' : '(?:/.+)?';
  try {
    return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}${tail}$`);
  } catch {
    return 'is not a valid pattern';
  }
}

function escapeRegex(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

/** A finding's path as the `ignore` package takes it; an archive member counts as its archive. */
function normalise(path: string): string | undefined {
  const artifact = path.split('!', 1)[0] ?? '';
  const clean = artifact.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '').replace(/^\/+/, '');
  if (clean === '' || clean.split('/').includes('..')) return undefined;
  return clean;
}

/** `#` starts a comment unless escaped (`\#` is a literal #, as in a file name). */
function stripComment(line: string): string {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '#') return line.slice(0, i);
  }
  return line;
}

/** Whitespace-separated fields; `\ ` keeps a space inside a pattern. */
function splitFields(line: string): string[] {
  return line.match(/(?:\\.|\S)+/g) ?? [];
}

function splitOwners(s: string): string[] {
  return s.split(/\s+/).filter((x) => x !== '');
}

function quote(s: string): string {
  const t = s.length > 80 ? `${s.slice(0, 80)}…` : s;
  return JSON.stringify(t);
}
