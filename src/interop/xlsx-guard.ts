/**
 * Spreadsheet bombs (issue 19, point 3): an .xlsx is a zip, and a 1.2 MB one whose shared strings
 * unpack to 800 MB took the server from 299 MB to 2.4 GB, because exceljs keeps every shared string
 * in memory. Before a workbook reaches exceljs it passes two gates, both using the zip library
 * exceljs itself uses (unzipper, resolved from exceljs so it is the very same copy) — no zip
 * parsing of our own:
 *
 * 1. the central directory: any part whose declared unpacked size is over a cap, a declared total
 *    over a cap, or a part that unpacks to more than MAX_RATIO times its packed size (Apache POI's
 *    zip-bomb rule) is refused at once, without inflating a byte;
 * 2. declared sizes can lie, and exceljs reads the zip as a stream (local headers, not the central
 *    directory), so the same stream is inflated once here, counting as it goes: each part and the
 *    total are capped on the bytes actually produced, and the shared strings are counted (how many,
 *    how many bytes) as they are inflated. Nothing is kept; the pass stops at the first cap.
 */
import { createRequire } from 'node:module';
import { PassThrough, type Readable, type Transform } from 'node:stream';
import { fail } from './read-table.js';

/** Limits, each far above what a case sheet has (a 100,000-row sheet unpacks to ~100 MB). */
export const XLSX_LIMITS = Object.freeze({
  /** Parts (files) in the zip. */
  parts: 10_000,
  /** Unpacked bytes of one part. */
  partBytes: 256 * 2 ** 20,
  /** Unpacked bytes of all parts together. */
  totalBytes: 512 * 2 ** 20,
  /** Unpacked / packed size, for parts unpacking to more than ratioGrace (POI's default 0.01). */
  ratio: 100,
  ratioGrace: 2 ** 20,
  /** Shared strings: how many, and the bytes of their part (exceljs holds them all in memory). */
  sharedStrings: 1_000_000,
  sharedStringBytes: 64 * 2 ** 20,
  /** Bytes at the end of the file in which the central directory must fit. */
  tailBytes: 2 ** 20 + 65_557,
});

interface CdEntry {
  path: string;
  compressedSize: number;
  uncompressedSize: number;
}
interface ZipEntry extends Readable {
  path: string;
}
interface Unzipper {
  Open: { custom(source: { size(): Promise<number>; stream(offset: number, length?: number): Readable }): Promise<{ files: CdEntry[] }> };
  Parse(opts: { forceStream: true }): Transform;
}
let unzipperLib: Unzipper | null = null;
function load(): Unzipper {
  // The copy exceljs resolves: what is checked here is unzipped exactly as exceljs will unzip it.
  unzipperLib ??= createRequire(createRequire(import.meta.url).resolve('exceljs'))('unzipper') as Unzipper;
  return unzipperLib;
}

/**
 * A shared string starts with an <si> element (any namespace prefix). Counting start tags needs no
 * XML parser, and unlike one (saxes buffers a text node whole until the next tag) it holds nothing.
 */
const siStart = /<(?:[A-Za-z_][\w.-]*:)?si[\s>/]/g;

function refuse(key: string, values: Record<string, string | number>): never {
  fail({ key: `interop:read.${key}`, values });
}

const mb = (n: number) => Math.ceil(n / 2 ** 20);
const isSharedStrings = (path: string) => /(^|\/)sharedStrings\d*\.xml$/i.test(path);

/**
 * Gate 1: the central directory, read from the last bytes of the file (the caller kept them while
 * hashing, so an upload that is decrypted as it streams is not read again).
 */
export async function checkCentralDirectory(tail: Buffer, fileSize: number): Promise<void> {
  const unzipper = load();
  const start = fileSize - tail.length;
  const source = {
    size: async () => fileSize,
    stream(offset: number, length?: number): Readable {
      if (offset < start) refuse('xlsx_directory_too_large', { max: mb(XLSX_LIMITS.tailBytes) });
      const from = offset - start;
      const s = new PassThrough();
      s.end(tail.subarray(from, length === undefined ? undefined : from + length));
      return s;
    },
  };
  let files: CdEntry[];
  try {
    files = (await unzipper.Open.custom(source)).files;
  } catch (e) {
    if (e instanceof Error && e.name === 'AppError') throw e;
    refuse('xlsx_damaged', { reason: e instanceof Error ? e.message.slice(0, 200) : 'unknown' });
  }
  if (files.length > XLSX_LIMITS.parts) refuse('xlsx_too_many_parts', { found: files.length, max: XLSX_LIMITS.parts });
  let total = 0;
  for (const f of files) {
    const size = f.uncompressedSize;
    if (size > XLSX_LIMITS.partBytes) refuse('xlsx_part_too_large', { part: f.path, size: mb(size), max: mb(XLSX_LIMITS.partBytes) });
    if (isSharedStrings(f.path) && size > XLSX_LIMITS.sharedStringBytes) refuse('xlsx_strings_too_large', { part: f.path, max: mb(XLSX_LIMITS.sharedStringBytes) });
    if (size > XLSX_LIMITS.ratioGrace && size > XLSX_LIMITS.ratio * Math.max(1, f.compressedSize)) {
      refuse('xlsx_part_bomb', { part: f.path, ratio: Math.round(size / Math.max(1, f.compressedSize)), max: XLSX_LIMITS.ratio });
    }
    total += size;
    if (total > XLSX_LIMITS.totalBytes) refuse('xlsx_total_too_large', { size: mb(total), max: mb(XLSX_LIMITS.totalBytes) });
  }
}

/** Gate 2: inflate the stream exceljs will read, enforcing the caps on what it actually produces. */
export async function checkInflated(open: () => Readable): Promise<void> {
  const unzipper = load();
  const raw = open();
  const zip = unzipper.Parse({ forceStream: true });
  raw.on('error', (e) => zip.destroy(e));
  raw.pipe(zip);
  let parts = 0;
  let total = 0;
  try {
    for await (const e of zip as AsyncIterable<ZipEntry>) {
      const entry = e;
      if (++parts > XLSX_LIMITS.parts) refuse('xlsx_too_many_parts', { found: parts, max: XLSX_LIMITS.parts });
      const shared = isSharedStrings(entry.path);
      let strings = 0;
      let carry = '';
      const dec = new TextDecoder('utf-8');
      let bytes = 0;
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        total += chunk.length;
        if (shared && bytes > XLSX_LIMITS.sharedStringBytes) refuse('xlsx_strings_too_large', { part: entry.path, max: mb(XLSX_LIMITS.sharedStringBytes) });
        if (bytes > XLSX_LIMITS.partBytes) refuse('xlsx_part_too_large', { part: entry.path, size: mb(bytes), max: mb(XLSX_LIMITS.partBytes) });
        if (total > XLSX_LIMITS.totalBytes) refuse('xlsx_total_too_large', { size: mb(total), max: mb(XLSX_LIMITS.totalBytes) });
        if (shared) {
          const text = carry + dec.decode(chunk, { stream: true });
          strings += text.match(siStart)?.length ?? 0;
          if (strings > XLSX_LIMITS.sharedStrings) refuse('xlsx_too_many_strings', { part: entry.path, max: XLSX_LIMITS.sharedStrings });
          // Keep a tail shorter than a start tag can be matched in twice: cut before its last '<'.
          const lt = text.lastIndexOf('<');
          carry = lt >= 0 && text.length - lt < 64 ? text.slice(lt) : '';
          if (carry) strings -= carry.match(siStart)?.length ?? 0;
        }
      }
    }
  } catch (e) {
    if (e instanceof Error && e.name === 'AppError') throw e;
    refuse('xlsx_damaged', { reason: e instanceof Error ? e.message.slice(0, 200) : 'unknown' });
  } finally {
    raw.unpipe(zip);
    raw.destroy();
    zip.destroy();
  }
}
