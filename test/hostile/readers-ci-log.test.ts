// Issue 13, item 6 (robust readers), CI logs: a zip entry with an unsafe name or a bad CRC is an
// errors entry and the other entries are scanned; archives inside archives are scanned to a
// depth limit; "-" reads standard input; UTF-16 and CR-only logs are decoded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { leakedSecret } from '../helpers/secrets.js';
import { tmpTree } from '../helpers/tmp.js';
import { storedZip } from '../helpers/zip.js';
import { incompleteExit, printed, scan } from './readers-support.js';

const log = (token: string): string => `2026-01-01T00:00:00.0000000Z Run deploy\n2026-01-01T00:00:01.0000000Z export TOKEN=${token}\n`;

describe('ci-log: hostile zip archives', () => {
  const good = fakeGithubToken('ghp', 'zip-good');
  const escaping = fakeGithubToken('ghp', 'zip-dotdot');
  const absolute = fakeGithubToken('ghp', 'zip-absolute');
  const badCrc = fakeGithubToken('ghp', 'zip-bad-crc');
  const nested = fakeGithubToken('ghp', 'zip-nested');
  const tooDeep = fakeGithubToken('ghp', 'zip-too-deep');
  let t: ReturnType<typeof tmpTree>;
  beforeAll(() => {
    let deep = storedZip([{ name: 'build/1_deep.txt', data: log(tooDeep) }]);
    for (let i = 0; i < 5; i++) deep = storedZip([{ name: `level${i}.zip`, data: deep }]);
    t = tmpTree({
      'unsafe.zip': storedZip([
        // a secret in an entry's name must not be printed either
        { name: `../${escaping}.txt`, data: log(escaping) },
        { name: '/etc/abs.txt', data: log(absolute) },
        { name: 'build/1_test.txt', data: log(good) },
      ]),
      'crc.zip': storedZip([
        { name: 'build/1_a.txt', data: log(badCrc), crc: 0x12345678 },
        { name: 'build/2_b.txt', data: log(good) },
      ]),
      'outer.zip': storedZip([{ name: 'inner.zip', data: storedZip([{ name: 'build/1_inner.txt', data: log(nested) }]) }]),
      'deep.zip': deep,
    });
  });
  afterAll(() => t.cleanup());

  it('entries named "../x" or "/x" are errors, by number; the other entries are scanned', () => {
    const { run, report } = scan('ci-log', ['unsafe.zip'], { cwd: t.dir });
    expect(report.errors.map((e) => e.target)).toEqual(['unsafe.zip!#1', 'unsafe.zip!#2']);
    expect(report.errors.map((e) => e.message)).toEqual([expect.stringMatching(/unsafe name \(invalid relative path\)/), expect.stringMatching(/unsafe name \(absolute path\)/)]);
    expect(report.findings.map((f) => f.location.path)).toEqual(['unsafe.zip!build/1_test.txt']);
    expect(run.status).toBe(incompleteExit(true));
    expect(leakedSecret(printed(run), [good, escaping, absolute])).toBeNull();
  });

  it('an entry with a bad CRC-32 is an error; the next entry is scanned', () => {
    const { run, report } = scan('ci-log', ['crc.zip'], { cwd: t.dir });
    expect(report.errors).toEqual([{ target: 'crc.zip!build/1_a.txt', message: expect.stringContaining('CRC-32') as unknown as string }]);
    expect(report.findings.map((f) => f.location.path)).toContain('crc.zip!build/2_b.txt');
    expect(run.status).toBe(incompleteExit(true));
    expect(leakedSecret(printed(run), [good, badCrc])).toBeNull();
  });

  it('a zip inside a zip is scanned, its path named through both', () => {
    const { run, report } = scan('ci-log', ['outer.zip'], { cwd: t.dir });
    expect(report.errors).toEqual([]);
    expect(report.findings.map((f) => [f.location.path, f.location.line])).toEqual([['outer.zip!inner.zip!build/1_inner.txt', 2]]);
    expect(run.status).toBe(1);
    expect(leakedSecret(printed(run), [nested])).toBeNull();
  });

  it('archives nested past the depth limit are an error, not a silent skip', () => {
    const { run, report } = scan('ci-log', ['deep.zip'], { cwd: t.dir });
    // the archive's error, and the run's own: a non-empty target of which nothing was read
    expect(report.errors.map((e) => e.message)).toEqual([expect.stringMatching(/nested more than \d+ deep/), expect.stringMatching(/nothing was read although it is not empty/)]);
    expect(report.findings).toEqual([]);
    expect(run.status).toBe(incompleteExit(false));
    expect(leakedSecret(printed(run), [tooDeep])).toBeNull();
  });
});

describe('ci-log: inputs and encodings', () => {
  const token = fakeGithubToken('ghp', 'ci-stdin');

  it('"-" reads standard input', () => {
    const { run, report } = scan('ci-log', ['-'], { input: log(token) });
    expect(report.errors).toEqual([]);
    expect(report.findings.map((f) => [f.location.path, f.location.line])).toEqual([['-', 2]]);
    expect(run.status).toBe(1);
    expect(leakedSecret(printed(run), [token])).toBeNull();
  });

  it('a UTF-16LE log with a BOM is decoded, not skipped as binary', () => {
    const t = tmpTree({ 'utf16.log': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(log(token), 'utf16le')]) });
    try {
      const { run, report } = scan('ci-log', ['utf16.log'], { cwd: t.dir });
      expect(report.scan.stats.binarySkipped).toBe(0);
      expect(report.findings.map((f) => f.location.line)).toEqual([2]);
      expect(run.status).toBe(1);
      expect(leakedSecret(printed(run), [token])).toBeNull();
    } finally {
      t.cleanup();
    }
  });

  it('CR-only line ends count as lines', () => {
    const t = tmpTree({ 'cr.log': `first\rsecond\rexport TOKEN=${token}\r` });
    try {
      const { run, report } = scan('ci-log', ['cr.log'], { cwd: t.dir });
      expect(report.findings.map((f) => [f.location.line, f.location.column])).toEqual([[3, 'export TOKEN='.length + 1]]);
      expect(run.status).toBe(1);
      expect(leakedSecret(printed(run), [token])).toBeNull();
    } finally {
      t.cleanup();
    }
  });
});
