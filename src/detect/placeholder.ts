/**
 * The placeholder suppressor: one engine-wide judgement, after a rule matched, of whether the
 * value is a secret at all or a stand-in for one (`xxxx`, `your-token-here`, `${TOKEN}`,
 * `abc123abc123`, `REDACTED`). It looks at the part after the rule's public prefix and asks
 * how much of it is explained by things that are not random: template syntax, masks, runs of
 * one character, sequential runs (`0123`, `abcd`), a repeated unit, and words from a small
 * dictionary of placeholder words. A value is a placeholder only when little is left
 * unexplained: a random body that happens to hold one word (`FAKE`, `EXAMPLE`) keeps most of
 * its characters unexplained and is kept. Pure, and run per match only, never per byte.
 */

/** Why a value is not a secret; shown with --show-suppressed. */
export type PlaceholderReason =
  | 'template variable'
  | 'masked value'
  | 'repeated characters'
  | 'sequential characters'
  | 'repeated pattern'
  | 'placeholder words'
  | 'short run of digits';

/** Longest body whose characters are accounted for one by one. */
const MAX_JUDGED_LENGTH = 1024;
/** Longest unit of a repeated pattern (abc123abc123…). */
const MAX_UNIT = 16;
/** Share of the body (separators left out) that may stay unexplained for a placeholder. */
const MAX_UNEXPLAINED_SHARE = 0.25;
/** …but at least this many characters may (`changeme1` is still a placeholder). */
const MIN_UNEXPLAINED_ALLOWED = 2;

const TEMPLATE = new RegExp(
  [
    String.raw`\$\{[^}$]*\}`, // ${VAR}, ${{ secrets.X }} (no `$` inside: linear on `${${${…`)
    String.raw`\{\{[^{}]*\}\}`, // {{ secrets.X }}, {{token}}
    String.raw`%\([A-Za-z_][\w.-]*\)[sdr]`, // %(token)s
    String.raw`^\$[A-Za-z_]\w*$`, // $TOKEN
    String.raw`^\$\([^)]*\)$`, // $(cat token)
    String.raw`^%[A-Za-z_]\w*%$`, // %TOKEN%
    String.raw`^\{[A-Za-z_][\w.-]*\}$`, // {token}
    String.raw`<[A-Za-z_][\w .:-]*>`, // <token>, <your-token>
    String.raw`^\[[A-Za-z_][\w .:-]*\]$`, // [token]
    String.raw`^#\{[^}]*\}$`, // #{token} (Ruby)
    String.raw`^__[A-Z][A-Z0-9_]*__$`, // __TOKEN__
  ].join('|'),
);

const MASKED = /\*{3,}|•{3,}|●{3,}|\[?(?:redacted|masked|hidden|removed|filtered|sanitized|omitted)\]?/i;

/**
 * Words that mark a value as written by hand instead of generated. Kept small on purpose:
 * only words a placeholder is made of, not words a real password might hold.
 */
const WORDS = [
  'your', 'yours', 'token', 'tokens', 'key', 'keys', 'secret', 'secrets', 'here', 'goes', 'insert', 'replace', 'change', 'changeme',
  'placeholder', 'example', 'examples', 'sample', 'dummy', 'fake', 'test', 'testing', 'random', 'string', 'value', 'password',
  'passwd', 'pass', 'api', 'apikey', 'access', 'auth', 'bearer', 'client', 'app', 'user', 'username', 'default', 'demo',
  'null', 'none', 'undefined', 'nil', 'empty', 'true', 'false', 'enter', 'paste', 'put', 'fill', 'add', 'set', 'real', 'actual',
  'valid', 'some', 'the', 'and', 'for', 'with', 'foo', 'bar', 'baz', 'qux', 'abc', 'xyz', 'todo', 'fixme', 'tbd', 'xxx',
  'redacted', 'secure', 'private', 'public', 'credential', 'credentials', 'generated', 'new', 'our', 'this', 'that', 'not',
  'dev', 'prod', 'staging', 'local', 'localhost', 'admin', 'root', 'service', 'account', 'org', 'project', 'id', 'my', 'me',
];
/**
 * By first letter, longest first, so that `changeme` wins over `change`. Words of one or two
 * letters only count at a word's start.
 */
const WORDS_BY_FIRST = new Map<string, string[]>();
for (const w of [...new Set(WORDS)].sort((a, b) => b.length - a.length)) {
  const list = WORDS_BY_FIRST.get(w[0] ?? '') ?? [];
  list.push(w);
  WORDS_BY_FIRST.set(w[0] ?? '', list);
}
const SEPARATORS = new Set([...`-_.:/+= \t\r\n'"`].map((c) => c.charCodeAt(0)));
const isSeparator = (c: number): boolean => SEPARATORS.has(c);

/**
 * Why `secret` (whose public prefix `prefix` matches at its start, if given) is a placeholder,
 * or undefined when it may be a secret.
 */
export function placeholderReason(secret: string, prefix?: RegExp): PlaceholderReason | undefined {
  let body = secret;
  let prefixed = false;
  if (prefix) {
    const m = prefix.exec(secret);
    if (m && m.index === 0 && m[0].length > 0) {
      body = secret.slice(m[0].length);
      prefixed = true;
    }
  }
  if (body.length === 0) return undefined;
  // a real prefix followed by a few digits (`sk_live_42`): no provider issues such a token
  if (prefixed && /^[-_.]?\d{1,8}$/.test(body)) return 'short run of digits';
  if (MASKED.test(body)) return 'masked value';
  if (TEMPLATE.test(body)) return 'template variable';
  // A placeholder is short; a long value (a private key block) is judged by the above only.
  if (body.length <= MAX_JUDGED_LENGTH) return explained(body);
  const unit = repeatedUnit(body.toLowerCase());
  return unit === undefined ? undefined : unit === 1 ? 'repeated characters' : 'repeated pattern';
}

interface Cover {
  repeated: number;
  sequential: number;
  words: number;
}

function explained(body: string): PlaceholderReason | undefined {
  const lower = body.toLowerCase();
  const n = lower.length;
  const done = new Uint8Array(n); // 0 = unexplained, 1 = separator, 2 = explained
  let counted = 0;
  for (let i = 0; i < n; i++) {
    if (isSeparator(lower.charCodeAt(i))) done[i] = 1;
    else counted++;
  }
  if (counted === 0) return 'masked value';
  const unit = repeatedUnit(lower);
  if (unit !== undefined) return unit === 1 ? 'repeated characters' : 'repeated pattern';
  const cover: Cover = { repeated: 0, sequential: 0, words: 0 };

  // runs of one character (3 or more), then sequential runs (3 or more, up or down)
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && lower[j] === lower[i]) j++;
    if (j - i >= 3 && done[i] === 0) {
      for (let k = i; k < j; k++) done[k] = 2;
      cover.repeated += j - i;
    }
    i = j;
  }
  for (let i = 0; i < n; ) {
    const j = sequentialEnd(lower, i);
    if (j - i >= 3) {
      for (let k = i; k < j; k++) if (done[k] === 0) (done[k] = 2), cover.sequential++;
      i = j;
    } else i++;
  }
  // dictionary words, longest first at each place
  for (let i = 0; i < n; i++) {
    if (done[i] !== 0) continue;
    for (const w of WORDS_BY_FIRST.get(lower[i] ?? '') ?? []) {
      if (w.length < 3 && !(i === 0 || done[i - 1] !== 0)) continue; // short words only at a word's start
      if (lower.startsWith(w, i)) {
        for (let k = i; k < i + w.length; k++) if (done[k] === 0) (done[k] = 2), cover.words++;
        i += w.length - 1;
        break;
      }
    }
  }
  let left = 0;
  for (let i = 0; i < n; i++) if (done[i] === 0) left++;
  if (left > Math.max(MIN_UNEXPLAINED_ALLOWED, Math.floor(counted * MAX_UNEXPLAINED_SHARE))) return undefined;
  if (cover.words >= cover.repeated && cover.words >= cover.sequential) return 'placeholder words';
  return cover.repeated >= cover.sequential ? 'repeated characters' : 'sequential characters';
}

/** End of the run of consecutive characters (0123, abcd, dcba) that starts at i. */
function sequentialEnd(s: string, i: number): number {
  const cls = (c: number): number => (c >= 48 && c <= 57 ? 1 : c >= 97 && c <= 122 ? 2 : 0);
  const first = s.charCodeAt(i);
  if (cls(first) === 0 || i + 1 >= s.length) return i + 1;
  const step = s.charCodeAt(i + 1) - first;
  if ((step !== 1 && step !== -1) || cls(s.charCodeAt(i + 1)) !== cls(first)) return i + 1;
  let j = i + 1;
  while (j < s.length && s.charCodeAt(j) - s.charCodeAt(j - 1) === step && cls(s.charCodeAt(j)) === cls(first)) j++;
  return j;
}

/** Length of the shortest unit the string repeats (abc123abc123ab → 6), if it repeats it at least twice. */
function repeatedUnit(s: string): number | undefined {
  for (let p = 1; p <= Math.min(s.length / 2, MAX_UNIT); p++) {
    let ok = true;
    for (let i = p; i < s.length && ok; i++) if (s[i] !== s[i - p]) ok = false;
    if (ok) return p;
  }
  return undefined;
}
