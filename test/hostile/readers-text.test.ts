// Issue 13, item 6 (robust readers), `dir`: UTF-16 (LE/BE, with a BOM) and UTF-8 with a BOM are
// decoded, small files and streamed big ones alike; CR-only line ends count as lines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { leakedSecret } from '../helpers/secrets.js';
import { tmpTree } from '../helpers/tmp.js';
import { printed, scan } from './readers-support.js';
import { decodeWhole, sniffText, TextNormalizer } from '../../src/core/text-decode.js';

const token = fakeGithubToken('ghp', 'dir-encodings');
const text = `# settings\r\nname: demo\r\n  token: ${token}\r\n`;
const column = '  token: '.length + 1;

function utf16be(s: string): Buffer {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) {
    const a = le[i] as number;
    le[i] = le[i + 1] as number;
    le[i + 1] = a;
  }
  return le;
}

describe('dir: encodings and line ends', () => {
  let t: ReturnType<typeof tmpTree>;
  const big = `${'filler line\n'.repeat(120_000)}token: ${token}\n`; // > 1 MiB once in UTF-16: streamed
  beforeAll(() => {
    t = tmpTree({
      'le.txt': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
      'be.txt': Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]),
      'bom8.txt': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]),
      'cr.txt': text.replace(/\r\n/g, '\r'),
      'big-le.txt': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(big, 'utf16le')]),
      'big-cr.txt': big.replace(/\n/g, '\r'),
      'le-nobom.txt': Buffer.from(text, 'utf16le'),
      'be-nobom.txt': utf16be(text),
    });
  });
  afterAll(() => t.cleanup());

  it('finds the token at line 3 in UTF-16LE, UTF-16BE, UTF-8 with BOM and CR-only files', () => {
    const { run, report } = scan('dir', ['le.txt', 'be.txt', 'bom8.txt', 'cr.txt'], { cwd: t.dir });
    expect(report.errors).toEqual([]);
    expect(report.scan.stats.binarySkipped).toBe(0);
    const at = report.findings.map((f) => [f.location.path, f.location.line, f.location.column]).sort();
    expect(at).toEqual([
      ['be.txt', 3, column],
      ['bom8.txt', 3, column],
      ['cr.txt', 3, column],
      ['le.txt', 3, column],
    ]);
    expect(run.status).toBe(1);
    expect(leakedSecret(printed(run), [token])).toBeNull();
  });

  it('finds the token in UTF-16 without a byte-order mark, LE and BE', () => {
    const { report } = scan('dir', ['le-nobom.txt', 'be-nobom.txt'], { cwd: t.dir });
    expect(report.errors).toEqual([]);
    expect(report.scan.stats.binarySkipped).toBe(0);
    const at = report.findings.map((f) => [f.location.path, f.location.line, f.location.column]).sort();
    expect(at).toEqual([
      ['be-nobom.txt', 3, column],
      ['le-nobom.txt', 3, column],
    ]);
  });

  it('streams big UTF-16 and CR-only files, lines counted', () => {
    const { run, report } = scan('dir', ['big-le.txt', 'big-cr.txt'], { cwd: t.dir });
    expect(report.errors).toEqual([]);
    const at = report.findings.map((f) => [f.location.path, f.location.line, f.location.column]).sort();
    expect(at).toEqual([
      ['big-cr.txt', 120_001, 'token: '.length + 1],
      ['big-le.txt', 120_001, 'token: '.length + 1],
    ]);
    expect(run.status).toBe(1);
    expect(leakedSecret(printed(run), [token])).toBeNull();
  });
});

describe('text-decode', () => {
  it('keeps characters and CRLF whole across any cut of the bytes', () => {
    const s = 'héllo\r\nwörld €\r\r𝄞 end\r';
    for (const [name, bytes] of [
      ['le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')])],
      ['be', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(s)])],
    ] as const) {
      const expected = decodeWhole(bytes);
      expect(expected, name).toBe(s);
      for (let cut = 1; cut < bytes.length; cut++) {
        const n = new TextNormalizer(sniffText(bytes));
        expect(n.push(bytes.subarray(0, cut)) + n.push(bytes.subarray(cut)) + n.end(), `${name} cut ${cut}`).toBe(s);
      }
    }
    const cr = Buffer.from('a\rb\r\rc\r', 'utf8');
    for (let cut = 1; cut < cr.length; cut++) {
      const n = new TextNormalizer(sniffText(cr));
      expect(n.push(cr.subarray(0, cut)) + n.push(cr.subarray(cut)) + n.end()).toBe('a\nb\n\nc\n');
    }
  });

  it('leaves plain UTF-8 and binaries alone', () => {
    expect(decodeWhole(Buffer.from('plain\nutf-8\r\n'))).toBeUndefined();
    expect(decodeWhole(Buffer.from([0x0d, 0x00, 0x01, 0x02]))).toBeUndefined();
    // NULs that are not every other byte of ASCII text: binary, not UTF-16
    const binary = Buffer.alloc(256);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 37) % 7 === 0 ? 0 : (i * 13) & 0xff;
    expect(sniffText(binary).encoding).toBe('utf8');
    // a short run of UTF-16 (under 32 code units) is not enough to tell
    expect(sniffText(Buffer.from('short', 'utf16le')).encoding).toBe('utf8');
    expect(sniffText(Buffer.from('x'.repeat(40), 'utf16le')).encoding).toBe('utf16le');
  });
});

describe('text-decode: streams', () => {
  it('tells UTF-16 without a BOM even when a pipe hands over one byte at a time', async () => {
    const { toUtf8Stream } = await import('../../src/core/text-decode.js');
    const s = 'line one of a log\nline two: value\n';
    const bytes = Buffer.from(s, 'utf16le');
    async function* drip(): AsyncGenerator<Uint8Array> {
      for (const b of bytes) yield Buffer.from([b]);
    }
    let out = '';
    for await (const piece of toUtf8Stream(drip())) out += piece.toString('utf8');
    expect(out).toBe(s);
  });
});
