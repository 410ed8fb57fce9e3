import { storedZip } from '../helpers/zip.js';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetError } from '../../src/core/errors.js';
import type { Fragment, SourceItem } from '../../src/core/types.js';
import { checkCiLogTargets, ciLogSource, LogReader, type CiLogOptions, type LogContext } from '../../src/sources/ci-log.js';
import {
  addMaskValues,
  createLineRewriter,
  detectLogFormat,
  planRunLogLayout,
} from '../../src/sources/ci-log-formats.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/ci-log/', import.meta.url));
const E = '\x1b';

// Fake tokens of the fixtures (visibly fake; the ghp_ ones carry a valid CRC-32 checksum).
const GH_TOKEN = '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';
const GITLAB_LOG_TOKEN = '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';
const ACTIONS_BEARER = 'FAKEb7Qx9LmZ2vT4kW8rN1sJ6pH3dC5yE0aG';
const JENKINS_BEARER = 'FAKEj3nK1nsP9wQ2zR7tV5xY8bD4fH6mL0cA';
const PLAIN_BEARER = 'FAKEp1aInL0gT6yU3iO9pA2sD5fG8hJ4kZ7xC';
const MASKED = 'FAKE-deploy-s3cr3t-Xq81vLr0Zt';

async function collect(paths: string[], opts: Partial<CiLogOptions> = {}): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of ciLogSource(paths, { cwd: FIXTURES, ...opts })) items.push(item);
  return items;
}

function fragments(items: SourceItem[]): Fragment[] {
  return items.flatMap((i) => (i.type === 'fragment' ? [i.fragment] : []));
}

function errors(items: SourceItem[]): { target: string; message: string }[] {
  return items.flatMap((i) => (i.type === 'error' ? [i.error] : []));
}

/** 1-based line and column in the original file of fragment.text[offset] (the lead's mapping). */
function locate(fragment: Fragment, offset: number): { line: number; column: number } {
  const before = fragment.text.slice(0, offset);
  const lineIndex = before.split('\n').length - 1;
  const col = offset - (before.lastIndexOf('\n') + 1);
  const map = fragment.columnMaps?.get(lineIndex);
  if (map !== undefined) return { line: fragment.line + lineIndex, column: (map[col] ?? -1) + 1 };
  return { line: fragment.line + lineIndex, column: lineIndex === 0 ? fragment.column + col : col + 1 };
}

/** Where `needle` is in the original text: 1-based line (by "\n") and column. */
function originalPosition(raw: string, needle: string): { line: number; column: number } {
  const at = raw.indexOf(needle);
  expect(at).toBeGreaterThanOrEqual(0);
  const before = raw.slice(0, at);
  return { line: before.split('\n').length, column: at - (before.lastIndexOf('\n') + 1) + 1 };
}

/** Every place `needle` occurs in the fragments, mapped back to the original. */
function occurrences(frags: Fragment[], needle: string): { fragment: Fragment; line: number; column: number }[] {
  const out: { fragment: Fragment; line: number; column: number }[] = [];
  for (const fragment of frags) {
    for (let at = fragment.text.indexOf(needle); at !== -1; at = fragment.text.indexOf(needle, at + 1)) {
      if (fragment.acceptBefore !== undefined && at >= fragment.acceptBefore) continue;
      out.push({ fragment, ...locate(fragment, at) });
    }
  }
  return out;
}

/** A minimal zip writer (stored entries), so tests can build archives, including broken ones. */

function actionsLines(lines: string[]): string {
  return '\ufeff' + lines.map((l, i) => `2024-05-01T12:00:0${i % 10}.${String(1000000 + i).slice(1)}0Z ${l}\n`).join('');
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'tokensprawl-ci-log-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('GitHub Actions run-log archive', () => {
  const zipPath = 'github-actions-zip/logs_42.zip';

  it('names entries archive!path, takes job from the folder and step from the file name', async () => {
    const frags = fragments(await collect([zipPath]));
    const deploy = frags.find((f) => f.provenance.path === `${zipPath}!deploy/2_Run deploy.txt`);
    expect(deploy?.provenance).toEqual({ kind: 'ci-log', path: `${zipPath}!deploy/2_Run deploy.txt`, job: 'deploy', step: 'Run deploy', provider: 'github-actions' });
    const checkout = frags.find((f) => f.provenance.path.endsWith('build/2_Run actions_checkout@v4.txt'));
    expect(checkout?.provenance).toMatchObject({ job: 'build', step: 'Run actions_checkout@v4' });
  });

  it('skips the whole-job log when its step logs exist, keeps it when they do not', async () => {
    const items = await collect([zipPath]);
    const paths = new Set(fragments(items).map((f) => f.provenance.path));
    expect(paths.has(`${zipPath}!0_build.txt`)).toBe(false);
    expect(paths.has(`${zipPath}!1_deploy.txt`)).toBe(false);
    const lint = fragments(items).find((f) => f.provenance.path === `${zipPath}!2_lint.txt`);
    expect(lint?.provenance).toEqual({ kind: 'ci-log', path: `${zipPath}!2_lint.txt`, job: 'lint', provider: 'github-actions' });
    // the token is in deploy's step log and in its whole-job log: reported once
    expect(occurrences(fragments(items), GH_TOKEN)).toHaveLength(1);
    const files = items.reduce((n, i) => n + (i.type === 'stat' ? (i.files ?? 0) : 0), 0);
    expect(files).toBe(8); // 10 entries, 2 whole-job logs skipped
  });

  it('strips timestamps and ANSI, and maps a token back to its original column', async () => {
    const frags = fragments(await collect([zipPath]));
    const raw = await readFile(path.join(FIXTURES, 'github-actions-run/deploy/2_Run deploy.txt'), 'utf8');
    const deploy = frags.filter((f) => f.provenance.path.endsWith('deploy/2_Run deploy.txt'));
    expect(deploy.map((f) => f.text).join('\n')).not.toMatch(/2024-05-01T|\x1b/);
    const [gh] = occurrences(deploy, GH_TOKEN);
    expect(gh).toMatchObject(originalPosition(raw, GH_TOKEN));
    const [bearer] = occurrences(deploy, ACTIONS_BEARER);
    expect(bearer).toMatchObject(originalPosition(raw, ACTIONS_BEARER));
    // masked values stay exactly as printed
    expect(deploy[0]?.text).toContain('> Authorization: Bearer ***\n');
  });

  it('collects ::add-mask:: values as knownSecrets for later logs of the archive', async () => {
    const frags = fragments(await collect([zipPath]));
    const register = frags.find((f) => f.provenance.path.endsWith('build/3_Register deploy token.txt'));
    const deploy = frags.find((f) => f.provenance.path.endsWith('deploy/2_Run deploy.txt'));
    const setup = frags.find((f) => f.provenance.path.endsWith('build/1_Set up job.txt'));
    expect(register?.knownSecrets).toEqual([MASKED]);
    expect(deploy?.knownSecrets).toEqual([MASKED]);
    expect(deploy?.text).toContain(`using token ${MASKED} for`);
    expect(setup?.knownSecrets).toBeUndefined(); // read before the mask was registered
  });

  it('reads the same layout from an extracted folder', async () => {
    const items = await collect(['github-actions-run']);
    const frags = fragments(items);
    const paths = frags.map((f) => f.provenance.path);
    expect(paths).not.toContain('github-actions-run/0_build.txt');
    expect(paths).not.toContain('github-actions-run/1_deploy.txt');
    expect(paths).toContain('github-actions-run/2_lint.txt');
    const deploy = frags.find((f) => f.provenance.path === 'github-actions-run/deploy/2_Run deploy.txt');
    expect(deploy?.provenance).toMatchObject({ job: 'deploy', step: 'Run deploy', provider: 'github-actions' });
    expect(deploy?.knownSecrets).toEqual([MASKED]);
    expect(occurrences(frags, GH_TOKEN)).toHaveLength(1);
  });

  it('reports a corrupt entry and goes on with the others', async () => {
    const good = actionsLines(['##[group]Run ./ok.sh', `token ${GH_TOKEN}`]);
    const bad = actionsLines(['this entry is damaged']);
    const file = path.join(tmp, 'logs_7.zip');
    await writeFile(
      file,
      storedZip([
        { name: 'job/1_Bad step.txt', data: bad, crc: (zlib.crc32(bad) ^ 0xffff) >>> 0 },
        { name: 'job/2_Good step.txt', data: good },
      ]),
    );
    const items = await collect([file, path.join(FIXTURES, 'plain/deploy.log')], { cwd: tmp });
    expect(errors(items)).toEqual([{ target: 'logs_7.zip!job/1_Bad step.txt', message: expect.stringMatching(/CRC/) }]);
    const frags = fragments(items);
    expect(occurrences(frags, GH_TOKEN)[0]?.fragment.provenance).toEqual({
      kind: 'ci-log',
      path: 'logs_7.zip!job/2_Good step.txt',
      job: 'job',
      step: 'Good step',
      provider: 'github-actions',
    });
  });

  it('reports an entry whose deflated data is damaged and reads the rest of the archive', async () => {
    const zip = await readFile(path.join(FIXTURES, 'github-actions-zip/logs_42.zip'));
    const name = Buffer.from('deploy/2_Run deploy.txt');
    const header = zip.indexOf(name) - 30; // first occurrence: the local header
    expect(zip.readUInt32LE(header)).toBe(0x04034b50);
    const dataStart = header + 30 + name.length + zip.readUInt16LE(header + 28);
    const compressed = zip.readUInt32LE(header + 18);
    for (let i = 0; i < compressed; i++) zip[dataStart + i] = 0xff; // not a valid deflate stream
    const file = path.join(tmp, 'logs_43.zip');
    await writeFile(file, zip);
    const items = await collect([file], { cwd: tmp });
    expect(errors(items).map((e) => e.target)).toEqual(['logs_43.zip!deploy/2_Run deploy.txt']);
    const paths = new Set(fragments(items).map((f) => f.provenance.path));
    expect(paths.has('logs_43.zip!deploy/3_Complete job.txt')).toBe(true);
    expect(paths.has('logs_43.zip!build/3_Register deploy token.txt')).toBe(true);
  });

  it('reports a file that is not a zip archive and scans the next target', async () => {
    const file = path.join(tmp, 'broken.zip');
    await writeFile(file, Buffer.from('PK\x03\x04 this is not really a zip archive'));
    const items = await collect([file, path.join(FIXTURES, 'plain/deploy.log')], { cwd: tmp });
    expect(errors(items)).toEqual([{ target: 'broken.zip', message: expect.stringMatching(/zip/) }]);
    expect(occurrences(fragments(items), PLAIN_BEARER)).toHaveLength(1);
  });
});

describe('gh run view --log', () => {
  it('takes job and step from the columns of every line and strips them', async () => {
    const frags = fragments(await collect(['gh-run-view/run-42.log']));
    const raw = await readFile(path.join(FIXTURES, 'gh-run-view/run-42.log'), 'utf8');
    const steps = frags.map((f) => `${f.provenance.kind === 'ci-log' ? f.provenance.job : ''}/${f.provenance.kind === 'ci-log' ? f.provenance.step : ''}`);
    expect(steps).toEqual([
      'build/Set up job',
      'build/Run actions/checkout@v4',
      'build/Register deploy token',
      'build/Complete job',
      'deploy/Set up job',
      'deploy/Run deploy',
      'deploy/Complete job',
    ]);
    expect(frags.map((f) => f.text).join('\n')).not.toMatch(/\t|2024-05-01T|\x1b/);
    const [gh] = occurrences(frags, GH_TOKEN);
    expect(gh).toMatchObject(originalPosition(raw, GH_TOKEN));
    expect(gh?.fragment.provenance).toMatchObject({ job: 'deploy', step: 'Run deploy', provider: 'github-actions' });
    // a later fragment of the same file carries the value registered earlier
    expect(frags.find((f) => f.text.includes(`using token ${MASKED}`))?.knownSecrets).toEqual([MASKED]);
  });
});

describe('GitLab job log', () => {
  it('strips section markers and ANSI; the step is the innermost open section', async () => {
    const frags = fragments(await collect(['gitlab/job-1234.log']));
    const all = frags.map((f) => f.text).join('\n');
    expect(all).not.toMatch(/section_(start|end)|\x1b/);
    const stepOf = (needle: string): string | undefined => {
      const f = frags.find((x) => x.text.includes(needle));
      return f?.provenance.kind === 'ci-log' ? f.provenance.step : 'missing';
    };
    expect(stepOf('Running with gitlab-runner')).toBeUndefined();
    expect(stepOf('Preparing the "docker+machine" executor')).toBe('prepare_executor');
    expect(stepOf('Receiving objects')).toBe('get_sources');
    expect(stepOf('$ npm ci')).toBe('step_script');
    expect(stepOf(GITLAB_LOG_TOKEN)).toBe('publish');
    expect(stepOf('Bearer [MASKED]')).toBe('step_script'); // back in the outer section
    expect(stepOf('Job succeeded')).toBeUndefined();
  });

  it('maps a token printed after a colour code to its original column', async () => {
    const frags = fragments(await collect(['gitlab/job-1234.log']));
    const raw = await readFile(path.join(FIXTURES, 'gitlab/job-1234.log'), 'utf8');
    const [hit] = occurrences(frags, GITLAB_LOG_TOKEN);
    const expected = originalPosition(raw, GITLAB_LOG_TOKEN);
    expect(expected.column).toBe('token: \x1b[33m'.length + 1);
    expect(hit).toMatchObject(expected);
  });

  it('keeps carriage-return progress in one line: lines are counted by \\n only', async () => {
    const frags = fragments(await collect(['gitlab/job-1234.log']));
    const [hit] = occurrences(frags, 'Receiving objects: 100%');
    expect(hit?.line).toBe(8);
    expect(hit?.column).toBe('Receiving objects:  10% (1/10)\rReceiving objects:  50% (5/10)\r'.length + 1);
    const fragment = hit?.fragment;
    // an unchanged line carries no column map
    const index = (fragment?.text.split('\n') ?? []).findIndex((l) => l.startsWith('Receiving'));
    expect(fragment?.columnMaps?.has(index)).toBe(false);
  });
});

describe('Jenkins console text', () => {
  it('strips the timestamper prefix and takes the step from the stage', async () => {
    const frags = fragments(await collect(['jenkins']));
    const raw = await readFile(path.join(FIXTURES, 'jenkins/consoleText'), 'utf8');
    expect(frags[0]?.provenance.path).toBe('jenkins/consoleText'); // a file without extension is a log
    expect(frags.map((f) => f.text).join('\n')).not.toMatch(/^\[2024/m);
    const [hit] = occurrences(frags, JENKINS_BEARER);
    expect(hit).toMatchObject(originalPosition(raw, JENKINS_BEARER));
    expect(hit?.fragment.provenance).toEqual({ kind: 'ci-log', path: 'jenkins/consoleText', step: 'Deploy', provider: 'jenkins' });
    const build = frags.find((f) => f.text.includes('+ make build'));
    expect(build?.provenance).toMatchObject({ step: 'Build' });
    expect(frags.find((f) => f.text.includes('Finished: SUCCESS'))?.provenance).not.toHaveProperty('step');
  });
});

describe('plain logs', () => {
  it('handles CRLF line ends and lone carriage returns without column maps', async () => {
    const frags = fragments(await collect(['plain/deploy.log']));
    expect(frags).toHaveLength(1);
    const [f] = frags;
    expect(f?.provenance).toEqual({ kind: 'ci-log', path: 'plain/deploy.log' });
    expect(f?.columnMaps).toBeUndefined();
    expect(f?.text).not.toMatch(/\r\n|\r$/m);
    expect(f?.text).toContain('Uploading artifact  10%\rUploading artifact  60%\rUploading artifact 100%\nPOST');
    expect(occurrences(frags, PLAIN_BEARER)[0]).toMatchObject({ line: 5, column: 'Authorization: Bearer '.length + 1 });
  });

  it('recurses into folders, skips binaries and files of other types, and counts bytes', async () => {
    const dir = path.join(tmp, 'logs');
    await mkdir(path.join(dir, 'nested'), { recursive: true });
    await writeFile(path.join(dir, 'nested', 'run.txt'), `token=${GH_TOKEN}\n`);
    await writeFile(path.join(dir, 'core'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1]));
    await writeFile(path.join(dir, 'notes.md'), `token=${GH_TOKEN}\n`);
    const items = await collect(['logs'], { cwd: tmp });
    expect(fragments(items).map((f) => f.provenance.path)).toEqual(['logs/nested/run.txt']);
    expect(items).toContainEqual({ type: 'stat', binarySkipped: 1 });
    expect(items).toContainEqual({ type: 'stat', files: 1, bytes: `token=${GH_TOKEN}\n`.length });
  });

  it('reports an unreadable file or a missing target and goes on', async () => {
    const dir = path.join(tmp, 'mixed');
    await mkdir(dir, { recursive: true });
    await symlink(path.join(dir, 'gone.log'), path.join(dir, 'dangling.log'));
    await writeFile(path.join(dir, 'ok.log'), `Authorization: Bearer ${PLAIN_BEARER}\n`);
    const items = await collect(['missing.log', 'mixed'], { cwd: tmp });
    const targets = errors(items).map((e) => e.target);
    expect(targets).toContain('missing.log');
    expect(targets).toContain('mixed/dangling.log');
    expect(occurrences(fragments(items), PLAIN_BEARER)[0]?.fragment.provenance.path).toBe('mixed/ok.log');
  });
});

describe('checkCiLogTargets', () => {
  it('throws a TargetError naming a path that does not exist', async () => {
    await expect(checkCiLogTargets(['plain', 'nope/logs_1.zip'], FIXTURES)).rejects.toThrow(TargetError);
    await expect(checkCiLogTargets(['nope/logs_1.zip'], FIXTURES)).rejects.toThrow(/nope\/logs_1\.zip/);
    await expect(checkCiLogTargets(['plain', 'github-actions-zip/logs_42.zip'], FIXTURES)).resolves.toBeUndefined();
  });
});

describe('LogReader', () => {
  const ctx = (): LogContext => ({
    path: 'x.log',
    masks: { values: new Set(), list: undefined },
  });
  const limits = { fragmentChars: 2 * 1024 * 1024, lineChars: 1024 * 1024, overlapChars: 1024 };

  function read(chunks: Buffer[], l = limits): Fragment[] {
    const reader = new LogReader(ctx(), l);
    const out = chunks.flatMap((c) => reader.push(c));
    return [...out, ...reader.end()];
  }

  it('gives the same fragments whatever the chunk boundaries (UTF-8, CRLF, escapes split)', () => {
    const text = actionsLines([`${E}[36;1mcafé ☕ ${E}[0mtoken ${GH_TOKEN}\r`, 'naïve\r', `${E}]0;title${E}\\done`]);
    const bytes = Buffer.from(text, 'utf8');
    const whole = read([bytes]);
    const byteByByte = read([...bytes].map((b) => Buffer.from([b])));
    expect(byteByByte.map((f) => f.text)).toEqual(whole.map((f) => f.text));
    expect(whole[0]?.text).toBe(`café ☕ token ${GH_TOKEN}\nnaïve\ndone`);
    const raw = text;
    expect(occurrences(byteByByte, GH_TOKEN)[0]).toMatchObject(originalPosition(raw, GH_TOKEN));
  });

  it('cuts fragments at the size bound with consecutive lines', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `${E}[32mline ${i}${E}[0m`);
    const frags = read([Buffer.from(lines.join('\n') + '\n')], { ...limits, fragmentChars: 60 });
    expect(frags.length).toBeGreaterThan(5);
    let next = 1;
    for (const f of frags) {
      expect(f.line).toBe(next);
      expect(f.text.length).toBeLessThanOrEqual(60);
      next += f.text.split('\n').length;
    }
    expect(frags.map((f) => f.text).join('\n')).toBe(lines.map((_, i) => `line ${i}`).join('\n'));
  });

  it('scans a line longer than the bound in overlapping windows, each token once', () => {
    const filler = 'x'.repeat(95);
    const long = `${filler} ${GH_TOKEN} ${'y'.repeat(300)} tail ${GH_TOKEN}`;
    const text = `first line\n${long}\nlast line\n`;
    const frags = read([Buffer.from(text)], { fragmentChars: 1000, lineChars: 100, overlapChars: 60 });
    for (const f of frags) expect(f.text.length).toBeLessThanOrEqual(160);
    const hits = occurrences(frags, GH_TOKEN);
    expect(hits.map((h) => ({ line: h.line, column: h.column }))).toEqual([
      { line: 2, column: 97 },
      { line: 2, column: long.lastIndexOf(GH_TOKEN) + 1 },
    ]);
    expect(occurrences(frags, 'last line')[0]).toMatchObject({ line: 3, column: 1 });
  });

  it('never turns *** into something else and registers real add-mask values only', () => {
    const masks = ctx();
    const reader = new LogReader(masks, limits);
    const text = actionsLines(['::add-mask::***', 'echo "::add-mask::$TOKEN"', `::add-mask::${MASKED}`, 'Bearer ***']);
    const frags = [...reader.push(Buffer.from(text)), ...reader.end()];
    expect(frags[0]?.text).toBe(`::add-mask::***\necho "::add-mask::$TOKEN"\n::add-mask::${MASKED}\nBearer ***`);
    expect([...masks.masks.values]).toEqual([MASKED]);
  });
});

describe('line rewriting', () => {
  it('strips CSI, OSC and Jenkins ConsoleNotes with a column map', () => {
    const rewrite = createLineRewriter('generic', {});
    const line = `${E}]8;;https://x${E}\\link${E}]8;;${E}\\ ${E}[8mha:////4KLLmQ+/ab==${E}[0m${E}[1;31mERR${E}(B${E}[m tok`;
    const r = rewrite(line);
    expect(r.text).toBe('link ERR tok');
    const map = r.map;
    expect(map).toBeDefined();
    expect(map?.[r.text.indexOf('tok')]).toBe(line.indexOf('tok'));
    expect(map?.[r.text.indexOf('ERR')]).toBe(line.indexOf('ERR'));
    expect(map?.length).toBe(r.text.length + 1);
    expect(map?.[r.text.length]).toBe(line.length);
  });

  it('leaves a line with nothing to strip untouched, without a map', () => {
    const r = createLineRewriter('gitlab', {})('plain output with section_ in it');
    expect(r).toEqual({ text: 'plain output with section_ in it', map: undefined });
  });

  it('strips GitLab runner timestamps and stream tags', () => {
    const rewrite = createLineRewriter('gitlab', {});
    const r = rewrite('2024-05-01T12:00:00.123456Z 00O+token here');
    expect(r.text).toBe('token here');
    expect(r.map?.[0]).toBe('2024-05-01T12:00:00.123456Z 00O+'.length);
  });

  it.each([
    [['2024-05-01T12:00:00.1234567Z Current runner version'], 'github-actions'],
    [['build\tSet up job\t\ufeff2024-05-01T12:00:00.1234567Z Current runner version'], 'gh-run-view'],
    [[`${E}[0KRunning with gitlab-runner 16.11.0`], 'gitlab'],
    [['2024-05-01T12:00:00.123456Z 00O Running'], 'gitlab'],
    [['[2024-05-01T12:00:00.123Z] Started by user admin'], 'jenkins'],
    [['Started by user admin', '[Pipeline] Start of Pipeline'], 'jenkins'],
    [['', 'npm ERR! 404'], 'generic'],
    [[], 'generic'],
  ] as const)('detects %j as %s', (lines, format) => {
    expect(detectLogFormat(lines)).toBe(format);
  });
});

describe('planRunLogLayout', () => {
  it('places run-log files in an archive', () => {
    const plan = planRunLogLayout(
      ['0_build.txt', 'build/1_Set up job.txt', 'build/system.txt', '1_lint.txt', 'lint/system.txt', 'notes.txt'],
      true,
    );
    expect(plan.get('0_build.txt')).toEqual({ skip: true, job: 'build' });
    expect(plan.get('build/1_Set up job.txt')).toEqual({ skip: false, job: 'build', step: 'Set up job' });
    expect(plan.get('build/system.txt')).toEqual({ skip: false, job: 'build', step: 'system' });
    expect(plan.get('1_lint.txt')).toEqual({ skip: false, job: 'lint' }); // folder without step logs
    expect(plan.get('notes.txt')).toEqual({ skip: false });
  });

  it('trusts the layout in a plain folder only when both halves are there', () => {
    const plan = planRunLogLayout(['0_build.txt', 'build/1_Set up job.txt', 'ci/1_nightly.txt', 'other/2_step.txt'], false);
    expect(plan.get('0_build.txt')).toEqual({ skip: true, job: 'build' });
    expect(plan.get('build/1_Set up job.txt')).toMatchObject({ job: 'build', step: 'Set up job' });
    expect(plan.get('ci/1_nightly.txt')).toEqual({ skip: false });
    expect(plan.get('other/2_step.txt')).toEqual({ skip: false });
  });
});

describe('addMaskValues', () => {
  it.each([
    ['::add-mask::s3cr3t-FAKE-value', ['s3cr3t-FAKE-value']],
    ['::add-mask::***', []],
    ['echo "::add-mask::$TOKEN"', []],
    ["echo '::add-mask::${{ steps.t.outputs.v }}'", []],
    ['::add-mask::abc', []],
    ['::add-mask::FAKE***', []],
    // command names are case-insensitive (GitHub's workflow-command docs)
    ['::ADD-MASK::s3cr3t-FAKE-upper', ['s3cr3t-FAKE-upper']],
    // Azure Pipelines logging commands that declare a value secret
    ['##vso[task.setsecret]azure-FAKE-secret', ['azure-FAKE-secret']],
    ['##vso[task.setvariable variable=tok;issecret=true]azure-FAKE-var', ['azure-FAKE-var']],
    ['##vso[task.setvariable variable=plain]not-a-secret', []],
  ])('%s', (text, values) => {
    expect(addMaskValues(text)).toEqual(values);
  });
});
