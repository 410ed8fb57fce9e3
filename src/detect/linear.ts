/**
 * Patterns on a linear-time engine (re2js, a port of RE2): user rules and imported gitleaks
 * rules run here, so no pattern from a rule file can make a scan hang. RE2 has no
 * backtracking; its price is speed (a few MB/s against V8's hundreds), paid only by those rules
 * and only on fragments holding their keywords. The module is handed in by whoever loaded it
 * (rules/load.ts, the worker) so that a scan with built-in rules only never loads re2js.
 */
import type * as Re2Module from 're2js';

export type Re2 = typeof Re2Module;

export interface LinearMatch {
  start: number;
  end: number;
  /** the secret's span: the `secret` group, the rule's numbered group, else the whole match */
  secretStart: number;
  secretEnd: number;
}

/** What the engine needs of a pattern: the next match at or after `from`. */
export interface LinearRegex {
  readonly source: string;
  exec(text: string, from: number): LinearMatch | null;
  test(text: string): boolean;
  /** drops the text exec() kept for the next call (a fragment must not outlive its scan) */
  release(): void;
}

/**
 * Compiles a pattern (RE2 syntax, which covers JavaScript's for the common cases: `(?<n>…)`,
 * `(?P<n>…)`, `(?i)`, `(?i:…)`, `[[:alpha:]]`, `\z`; captureless lookbehinds too) for linear-time
 * matching. `group`: the capture group that is the secret (a number, or a name); by default the
 * group named `secret` when there is one; `first`: the first group that took part in the match
 * (gitleaks' rule when secretGroup is unset). Throws the engine's error (without the pattern).
 */
export function compileLinear(re2: Re2, source: string, flags = '', group?: number | string | 'first'): LinearRegex {
  const { RE2JS } = re2;
  let f = RE2JS.LOOKBEHINDS;
  if (flags.includes('i')) f |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) f |= RE2JS.MULTILINE;
  if (flags.includes('s')) f |= RE2JS.DOTALL;
  let pattern: InstanceType<Re2['RE2JS']>;
  try {
    pattern = RE2JS.compile(source, f);
  } catch (err) {
    throw new Error(describeRe2Error(err, source));
  }
  const named = Object.keys(pattern.namedGroups());
  const secretGroup: number | string | undefined = group ?? (named.includes('secret') ? 'secret' : undefined);
  const groups = pattern.groupCount();
  if (typeof secretGroup === 'number' && secretGroup > pattern.groupCount()) {
    throw new Error(`secret group ${secretGroup} does not exist (the pattern has ${pattern.groupCount()} group(s))`);
  }
  // one matcher per text: a rule's matches in one fragment are found one after the other
  let lastText: string | undefined;
  let lastMatcher: ReturnType<typeof pattern.matcher> | undefined;
  return {
    source,
    exec(text, from) {
      if (lastText !== text || !lastMatcher) {
        lastText = text;
        lastMatcher = pattern.matcher(text);
      }
      const m = lastMatcher;
      if (from > text.length || !m.find(from)) return null;
      const start = m.start();
      const end = m.end();
      let secretStart = start;
      let secretEnd = end;
      if (secretGroup === 'first') {
        for (let g = 1; g <= groups; g++) {
          const s = m.start(g);
          if (s >= 0 && m.end(g) > s) {
            secretStart = s;
            secretEnd = m.end(g);
            break;
          }
        }
      } else if (secretGroup !== undefined) {
        const s = m.start(secretGroup);
        // a group that did not take part in the match: the whole match is the secret
        if (s >= 0) {
          secretStart = s;
          secretEnd = m.end(secretGroup);
        }
      }
      return { start, end, secretStart, secretEnd };
    },
    test(text) {
      return pattern.matcher(text).find(0);
    },
    release() {
      lastText = undefined;
      lastMatcher = undefined;
    },
  };
}

/** "error parsing regexp: invalid escape sequence: `\C`" → the reason and where it is. */
function describeRe2Error(err: unknown, source: string): string {
  const msg = err instanceof Error ? err.message : String(err);
  const m = /^error parsing regexp: ([^:`]+)(?:: `(.*)`)?$/s.exec(msg);
  if (!m) return `not a pattern the linear-time engine takes: ${msg.split('\n')[0] ?? ''}`;
  const why = m[1] ?? 'invalid';
  const bit = m[2];
  const at = bit !== undefined && bit !== source ? source.indexOf(bit) : -1;
  // The offending piece is named by its position only: a pattern may hold a literal token.
  return `not a pattern the linear-time engine takes: ${why}${at >= 0 ? ` at position ${at + 1}` : ''}`;
}
