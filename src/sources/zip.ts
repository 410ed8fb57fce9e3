// Reading zip archives entry by entry with yauzl: the central directory is listed first (metadata
// only), then each entry is streamed, so an archive is never held in memory.

import { Transform, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';

/** Listing more entries than this is refused: the metadata alone would not be bounded. */
const MAX_ENTRIES = 100_000;

export async function openZip(file: string): Promise<ZipFile> {
  return yauzl.openPromise(file, {
    lazyEntries: true,
    autoClose: false,
    decodeStrings: true,
    validateEntrySizes: true,
    strictFileNames: false,
  });
}

/** The archive's entries; on a corrupt central directory, those read before it and the error. */
export async function listZipEntries(zip: ZipFile): Promise<{ entries: Entry[]; error?: unknown }> {
  const entries: Entry[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      if (entries.length >= MAX_ENTRIES) return { entries, error: new Error(`more than ${MAX_ENTRIES} entries`) };
      entries.push(entry);
    }
  } catch (error) {
    return { entries, error };
  }
  return { entries };
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
