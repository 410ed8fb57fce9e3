// Reading zip archives entry by entry with yauzl: the central directory is listed first (metadata
// only), then each entry is streamed, so an archive is never held in memory.

import { Transform, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { Entry, ZipFile } from 'yauzl';

// Loaded with the first archive: most runs open none, and start-up is a pre-commit hook's budget.
let yauzl: typeof import('yauzl');
async function loadYauzl(): Promise<typeof import('yauzl')> {
  yauzl ??= (await import('yauzl')).default;
  return yauzl;
}

/** Listing more entries than this is refused: the metadata alone would not be bounded. */
const MAX_ENTRIES = 100_000;

/** Names are decoded here, not by yauzl: its check of a name stops the listing at the first bad one. */
const OPTIONS = {
  lazyEntries: true,
  autoClose: false,
  decodeStrings: false,
  validateEntrySizes: true,
  strictFileNames: false,
} as const;

export async function openZip(file: string): Promise<ZipFile> {
  return (await loadYauzl()).openPromise(file, OPTIONS);
}

/** An archive held in memory (one nested in another). */
export async function openZipBuffer(data: Buffer): Promise<ZipFile> {
  return (await loadYauzl()).fromBufferPromise(data, OPTIONS);
}

/** An entry whose name is not a safe relative path ("../x", "/x", "C:x", "a\\b"): listed by number. */
export interface UnsafeEntry {
  /** 1-based position in the central directory */
  index: number;
  entry: Entry;
  /** why, without the name (it is untrusted and may hold anything) */
  reason: string;
}

/**
 * The archive's entries, names decoded (UTF-8 flag, Info-ZIP unicode path, else CP437); entries
 * with an unsafe name apart; on a corrupt central directory, those read before it and the error.
 */
export async function listZipEntries(zip: ZipFile): Promise<{ entries: Entry[]; unsafe: UnsafeEntry[]; error?: unknown }> {
  const entries: Entry[] = [];
  const unsafe: UnsafeEntry[] = [];
  let index = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      index++;
      if (index > MAX_ENTRIES) return { entries, unsafe, error: new Error(`more than ${MAX_ENTRIES} entries`) };
      const raw = entry.fileName as unknown;
      const name = Buffer.isBuffer(raw) ? (yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false) as string) : String(raw);
      entry.fileName = name;
      const problem = yauzl.validateFileName(name);
      if (problem === null) entries.push(entry);
      else unsafe.push({ index, entry, reason: problem.slice(0, problem.indexOf(':')) });
    }
  } catch (error) {
    return { entries, unsafe, error };
  }
  return { entries, unsafe };
}

/**
 * A stream of the entry's uncompressed bytes. yauzl checks sizes and inflate checks the data;
 * the CRC-32 is checked here (yauzl does not), where node:zlib has crc32 (Node >= 20.15).
 */
export async function openZipEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  const stream = await zip.openReadStreamPromise(entry);
  const crc32 = (zlib as { crc32?: (data: Buffer, value?: number) => number }).crc32;
  if (crc32 === undefined) return stream;
  let crc = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done) {
      done(crc === entry.crc32 >>> 0 ? null : new Error('CRC-32 mismatch: the entry is corrupt'));
    },
  });
  stream.on('error', (err) => check.destroy(err));
  check.on('close', () => stream.destroy()); // a reader that stops early releases the archive
  return stream.pipe(check);
}
