// Pure knowledge of CI log formats: which tool printed a log, how to strip its decoration from a
// line while remembering original columns, and which job/step a line belongs to.
// No I/O here: ci-log.ts feeds lines in.

export type LogFormat = 'github-actions' | 'gh-run-view' | 'gitlab' | 'jenkins' | 'generic';

/** One line after stripping; `map` only when the text differs from the original line. */
export interface RewrittenLine {
  text: string;
  /**
   * map[i] = 0-based original column of text[i]; one extra entry for the end position.
   * A view of the rewriter's scratch buffer: valid until its next call (copy it to keep it).
   */
  map: Int32Array | undefined;
  job?: string;
  step?: string;
  /** the line's timestamp prefix (ISO-8601), when the format has one */
  time?: string;
}

export type LineRewriter = (line: string) => RewrittenLine;

const ISO = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z`;
/** GitHub Actions runner: `2024-05-01T12:00:00.1234567Z ` (the first line of a step log has a BOM) */
const ACTIONS_PREFIX = new RegExp(String.raw`^\ufeff?(${ISO}) `);
/** gh run view --log: `job<TAB>step<TAB>2024-…Z line` */
const GH_LINE = new RegExp(String.raw`^[^\t]+\t[^\t]*\t\ufeff?${ISO} `);
/** GitLab runner with job log timestamps: `2024-05-01T12:00:00.123456Z 00O ` (O/E stream, `+` continuation) */
const GITLAB_TS_PREFIX = new RegExp(String.raw`^(${ISO}) [0-9a-f]{2}[OE]\+? ?`);
/** Jenkins timestamper plugin: `[2024-05-01T12:00:00.123Z] ` */
const JENKINS_TS_PREFIX = new RegExp(String.raw`^\[(${ISO})\] `);
const JENKINS_STAGE_OPEN = /^\[Pipeline\] \{ \((.*)\)\s*$/;

/**
 * Everything that is decoration rather than output: Jenkins ConsoleNotes (hidden base64
 * annotations), CSI sequences (colours, erase-line), OSC (titles, hyperlinks), charset and other
 * two-byte escapes, and GitLab section markers (groups 1-2 give kind and name).
 */
const STRIP_SOURCE = String.raw`\x1b\[8mha:\/\/\/\/[A-Za-z0-9+/=]*\x1b\[0m|\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[()*+][0-9A-Za-z]|[@-Z\\-_=>])?|section_(start|end):\d+:([^\s\[]+)(?:\[[^\]\r\n]*\])?\r`;

const SNIFF_LINES = 20;

/** Decide the format from the first lines of a log. */
export function detectLogFormat(lines: readonly string[]): LogFormat {
  let seen = 0;
  let gh = 0;
  let actions = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (line.includes('section_start:') || line.includes('section_end:') || line.includes('Running with gitlab-runner')) {
      return 'gitlab';
    }
    if (GITLAB_TS_PREFIX.test(line)) return 'gitlab';
    if (JENKINS_TS_PREFIX.test(line) || line.startsWith('[Pipeline] ') || /^Started by (user|an SCM|timer|upstream)/.test(line)) {
      return 'jenkins';
    }
    if (GH_LINE.test(line)) gh++;
    else if (ACTIONS_PREFIX.test(line)) actions++;
    if (++seen >= SNIFF_LINES) break;
  }
  if (seen === 0) return 'generic';
  if (gh * 2 > seen) return 'gh-run-view';
  if (actions * 2 > seen) return 'github-actions';
  return 'generic';
}

/** How many sniffed lines detectLogFormat wants before it decides. */
export const SNIFF_WANTED = SNIFF_LINES;

interface Strip {
  /** rewrite line[skip..], dropping escapes; calls onSection for GitLab markers */
  (line: string, skip: number, sections: boolean, onSection?: (kind: string, name: string) => void): RewrittenLine;
}

function createStripper(): Strip {
  // One regex per rewriter: a global regex carries lastIndex, so it is never shared.
  const re = new RegExp(STRIP_SOURCE, 'g');
  // maps are written to one reused buffer: allocating a typed array per line dominated the cost
  let scratch = new Int32Array(256);
  const mapOf = (length: number): Int32Array => {
    if (scratch.length < length) scratch = new Int32Array(Math.max(length, scratch.length * 2));
    return scratch.subarray(0, length);
  };
  return (line, skip, sections, onSection) => {
    const hasEsc = line.indexOf('\x1b', skip) !== -1;
    const hasSection = sections && line.indexOf('section_', skip) !== -1;
    if (!hasEsc && !hasSection) {
      if (skip === 0) return { text: line, map: undefined };
      const map = mapOf(line.length - skip + 1);
      for (let i = 0; i < map.length; i++) map[i] = i + skip;
      return { text: line.slice(skip), map };
    }
    const kept: number[] = [];
    let pos = skip;
    re.lastIndex = skip;
    for (let m = re.exec(line); m !== null; m = re.exec(line)) {
      const kind = m[1];
      const name = m[2];
      if (kind !== undefined && !sections) continue; // a section marker only means something in GitLab logs
      if (m.index > pos) kept.push(pos, m.index);
      pos = m.index + m[0].length;
      if (kind !== undefined && name !== undefined) onSection?.(kind, name);
    }
    if (pos < line.length) kept.push(pos, line.length);
    if (kept.length === 2 && kept[0] === 0 && kept[1] === line.length) return { text: line, map: undefined };
    let length = 0;
    for (let k = 0; k < kept.length; k += 2) length += (kept[k + 1] ?? 0) - (kept[k] ?? 0);
    const map = mapOf(length + 1);
    const parts: string[] = [];
    let i = 0;
    let end = skip;
    for (let k = 0; k < kept.length; k += 2) {
      const from = kept[k] ?? 0;
      const to = kept[k + 1] ?? 0;
      parts.push(line.slice(from, to));
      for (let c = from; c < to; c++) map[i++] = c;
      end = to;
    }
    map[length] = end;
    return { text: parts.join(''), map };
  };
}

/** The line after its timestamp prefix (when it has one), with that timestamp. */
function stripPrefix(strip: Strip, re: RegExp, line: string, sections = false, onSection?: (kind: string, name: string) => void): RewrittenLine {
  const m = re.exec(line);
  const r = strip(line, m === null ? 0 : m[0].length, sections, onSection);
  if (m?.[1] !== undefined) r.time = m[1];
  return r;
}

/** The CI system that writes logs of this format, when the format tells. */
export function providerOf(format: LogFormat): string | undefined {
  switch (format) {
    case 'github-actions':
    case 'gh-run-view':
      return 'github-actions';
    case 'gitlab':
      return 'gitlab';
    case 'jenkins':
      return 'jenkins';
    case 'generic':
      return undefined;
  }
}

/**
 * A stateful rewriter for one log: strips decoration line by line and tracks the job/step the
 * format tells (gh columns, GitLab sections, Jenkins stages); `base` gives the job/step known
 * from where the log came from (an archive path).
 */
export function createLineRewriter(format: LogFormat, base: { job?: string; step?: string }): LineRewriter {
  const strip = createStripper();
  const withBase = (r: RewrittenLine, step: string | undefined = base.step): RewrittenLine => {
    if (base.job !== undefined) r.job = base.job;
    if (step !== undefined) r.step = step;
    return r;
  };
  switch (format) {
    case 'github-actions':
      return (line) => withBase(stripPrefix(strip, ACTIONS_PREFIX, line));
    case 'gh-run-view': {
      const ts = new RegExp(String.raw`\ufeff?(${ISO}) `, 'y');
      let job = base.job;
      let step = base.step;
      return (line) => {
        const t1 = line.indexOf('\t');
        const t2 = t1 === -1 ? -1 : line.indexOf('\t', t1 + 1);
        let skip = 0;
        let time: string | undefined;
        if (t2 !== -1) {
          job = line.slice(0, t1);
          step = line.slice(t1 + 1, t2);
          ts.lastIndex = t2 + 1;
          const m = ts.exec(line);
          skip = t2 + 1 + (m === null ? 0 : m[0].length);
          time = m?.[1];
        }
        const r = strip(line, skip, false);
        if (time !== undefined) r.time = time;
        if (job !== undefined) r.job = job;
        if (step !== undefined) r.step = step;
        return r;
      };
    }
    case 'gitlab': {
      // open sections, innermost last; a line belongs to the innermost one open on it
      const open: string[] = [];
      const closing: string[] = [];
      const onSection = (kind: string, name: string): void => {
        if (kind === 'start') open.push(name);
        else closing.push(name);
      };
      return (line) => {
        const r = stripPrefix(strip, GITLAB_TS_PREFIX, line, true, onSection);
        const step = open[open.length - 1] ?? base.step;
        for (const name of closing) {
          const at = open.lastIndexOf(name);
          if (at !== -1) open.splice(at, 1);
        }
        closing.length = 0;
        return withBase(r, step);
      };
    }
    case 'jenkins': {
      // `[Pipeline] {` blocks; stage blocks carry a name
      const blocks: (string | undefined)[] = [];
      const current = (): string | undefined => {
        for (let i = blocks.length - 1; i >= 0; i--) if (blocks[i] !== undefined) return blocks[i];
        return base.step;
      };
      return (line) => {
        const r = stripPrefix(strip, JENKINS_TS_PREFIX, line);
        let pop = false;
        if (r.text.startsWith('[Pipeline] ')) {
          const stage = JENKINS_STAGE_OPEN.exec(r.text);
          if (stage !== null) blocks.push(stage[1]);
          else if (r.text.trimEnd() === '[Pipeline] {') blocks.push(undefined);
          else if (r.text.trimEnd() === '[Pipeline] }') pop = true;
        }
        const step = current();
        if (pop) blocks.pop();
        return withBase(r, step);
      };
    }
    case 'generic':
      return (line) => withBase(strip(line, 0, false));
  }
}

/**
 * Values a log registers as secret: GitHub's `::add-mask::` workflow command (command names are
 * case-insensitive) and Azure Pipelines' `##vso[task.setsecret]` and `##vso[task.setvariable
 * …;issecret=true]`. The same shape as the `ci-masked-value` rule's secret (rules/ci.yaml), so
 * `***`, `$VAR` and quoted script text are not values.
 */
export function addMaskValues(text: string): string[] {
  const values: string[] = [];
  for (const m of text.matchAll(MASK_COMMAND)) {
    const value = m[1] ?? m[2];
    if (value !== undefined && !value.includes('***')) values.push(value);
  }
  return values;
}

const MASK_VALUE = `([^\\s*$"'%][^\\s"']{3,})`;
const MASK_COMMAND = new RegExp(`::add-mask::${MASK_VALUE}|##vso\\[task\\.(?:setsecret|setvariable [^\\]]*\\bissecret=true\\b[^\\]]*)\\]${MASK_VALUE}`, 'gi');

/** Whether a line may register a mask (a cheap test before addMaskValues). */
export function mayRegisterMask(text: string): boolean {
  return (text.includes('::') || text.includes('##')) && /::add-mask::|##vso\[task\.set(?:secret|variable)/i.test(text);
}

/** Where a file sits in a GitHub Actions run-log layout. */
export interface LogPlacement {
  /** a whole-job log whose step logs are present: its lines would be reported twice */
  skip: boolean;
  job?: string;
  step?: string;
}

const NUMBERED = /^(\d+)_(.+)\.txt$/;

function splitPath(path: string): { dir: string; base: string } {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? { dir: '', base: path } : { dir: path.slice(0, slash), base: path.slice(slash + 1) };
}

function joinPath(dir: string, base: string): string {
  return dir === '' ? base : `${dir}/${base}`;
}

/**
 * Job and step of each file of a run-log layout ("/"-separated paths): `N_job.txt` beside a
 * folder `job/` of `N_Step name.txt` step logs. In an archive the layout is certain; in a
 * folder it is trusted only where both halves are present.
 */
export function planRunLogLayout(files: readonly string[], archive: boolean): Map<string, LogPlacement> {
  const dirsWithSteps = new Set<string>();
  const numberedNames = new Set<string>(); // "dir/name" of every N_name.txt
  for (const file of files) {
    const { dir, base } = splitPath(file);
    const m = NUMBERED.exec(base);
    if (m === null) continue;
    numberedNames.add(joinPath(dir, m[2] ?? ''));
    if (dir !== '') dirsWithSteps.add(dir);
  }
  const dirs = new Set<string>();
  for (const file of files) {
    const { dir } = splitPath(file);
    if (dir !== '') dirs.add(dir);
  }
  const plan = new Map<string, LogPlacement>();
  for (const file of files) {
    const { dir, base } = splitPath(file);
    const m = NUMBERED.exec(base);
    const name = m?.[2];
    const stem = name ?? base.replace(/\.txt$/, '');
    if (name !== undefined) {
      const jobDir = joinPath(dir, name);
      if (dirsWithSteps.has(jobDir)) {
        plan.set(file, { skip: true, job: name });
        continue;
      }
      if ((archive && dir === '') || dirs.has(jobDir)) {
        plan.set(file, { skip: false, job: name });
        continue;
      }
    }
    if (dir !== '' && (archive || numberedNames.has(dir))) {
      plan.set(file, { skip: false, job: splitPath(dir).base, step: stem });
      continue;
    }
    plan.set(file, { skip: false });
  }
  return plan;
}

/** Order for reading a layout: by folder, then by the step number, so masks registered early apply later. */
export function compareLogPaths(a: string, b: string): number {
  const pa = splitPath(a);
  const pb = splitPath(b);
  if (pa.dir !== pb.dir) return pa.dir < pb.dir ? -1 : 1;
  const na = NUMBERED.exec(pa.base);
  const nb = NUMBERED.exec(pb.base);
  if (na !== null && nb !== null) {
    const d = Number(na[1]) - Number(nb[1]);
    if (d !== 0) return d;
  } else if (na !== null || nb !== null) {
    return na !== null ? -1 : 1;
  }
  return pa.base < pb.base ? -1 : pa.base > pb.base ? 1 : 0;
}
