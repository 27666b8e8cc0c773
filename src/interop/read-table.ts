/**
 * Streaming readers for the spreadsheets people actually have: CSV (any of , ; tab | as separator,
 * UTF-8 with or without BOM, UTF-16 with BOM, or Latin-1/Windows-1252 from old spreadsheet
 * programs) and XLSX (exceljs' streaming reader). Rows come out one at a time with the line number
 * the user sees in their program, so every problem can be reported by line and column.
 *
 * Nothing here evaluates a formula: a CSV cell starting with "=" stays text, and an XLSX formula
 * cell gives the value the spreadsheet saved with it (the formula itself is never run).
 */
import { keepXlsxTempInMemory, ownTempFiles, removeTempFiles } from './xlsx-temp.js';
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
// exceljs (~27 MB resident) is loaded only when a workbook is read: a CSV import or the web server
// should not carry it.
import type ExcelJS from 'exceljs';
import { AppError } from '../shared/errors.js';
import { XLSX_LIMITS, checkCentralDirectory, checkInflated } from './xlsx-guard.js';

/** A cell as read: text, a number (XLSX), or a date the spreadsheet stored as a date (XLSX). */
export type Cell = string | number | Date;

export interface TableRow {
  /** 1-based line (CSV) or row number (XLSX) where the row starts. */
  line: number;
  cells: Cell[];
  /** Problems with single cells noticed while reading (formula, error value, short/long row). */
  notes: ReadIssue[];
}

/** A problem found while reading, located by line and column (header name) when it has a place. */
export interface ReadIssue {
  line?: number;
  column?: string;
  key: string;
  values?: Record<string, string | number>;
}

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface TableOptions {
  kind?: 'csv' | 'xlsx' | undefined;
  delimiter?: string | undefined;
  encoding?: 'auto' | Encoding | undefined;
  sheet?: string | undefined;
}

export interface TableReader {
  kind: 'csv' | 'xlsx';
  headers: string[];
  /** The header line (1-based). */
  headerLine: number;
  delimiter: string | null;
  encoding: Encoding | null;
  sha256: string;
  /** Lines in the file (CSV), for progress; null for XLSX. */
  approxRows: number | null;
  /** Warnings about the whole file (encoding, BOM, renamed duplicate headers). */
  warnings: ReadIssue[];
  rows(): AsyncGenerator<TableRow>;
}

export function fail(issue: ReadIssue): never {
  const path: (string | number)[] = [];
  if (issue.line !== undefined) path.push(`line ${issue.line}`);
  if (issue.column !== undefined) path.push(issue.column);
  throw new AppError('bad_input', { issues: [{ path, key: issue.key, ...(issue.values ? { values: issue.values } : {}) }] });
}

/**
 * Where a table's bytes come from: a file, or a source opened afresh for each pass over it (an
 * upload kept encrypted on disk and decrypted as it is read, so its names never lie there in clear).
 */
export interface TableSource {
  /** For messages: what the user called the file. */
  name: string;
  /** Bytes of the plain table, or any positive number when only "not empty" is known. */
  size: number;
  open(): Readable;
}
export type TableInput = string | TableSource;

function openInput(input: TableInput, highWaterMark: number): Readable {
  return typeof input === 'string' ? createReadStream(input, { highWaterMark }) : input.open();
}

/** Detects XLSX by its zip signature, whatever the file name says. */
function sniffKind(head: Buffer): 'csv' | 'xlsx' {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04 ? 'xlsx' : 'csv';
}

/** One pass over the file: SHA-256 (the job's identity for resuming) and whether it is valid UTF-8. */
interface Scan {
  sha256: string;
  validUtf8: boolean;
  firstBad: number | null;
  head: Buffer;
  /** Lines of text: newlines, plus one for a last line without its newline. */
  lines: number;
  /** The last bytes (where a zip keeps its central directory) and the file's length. */
  tail: Buffer;
  size: number;
}

async function scanFile(input: TableInput): Promise<Scan> {
  const hash = createHash('sha256');
  const dec = new TextDecoder('utf-8', { fatal: true });
  let valid = true;
  let firstBad: number | null = null;
  let lines = 1;
  let head = Buffer.alloc(0);
  let newlines = 0;
  let last = 10;
  let tail = Buffer.alloc(0);
  let size = 0;
  for await (const chunk of openInput(input, 1 << 20)) {
    const b = chunk as Buffer;
    hash.update(b);
    size += b.length;
    tail = b.length >= XLSX_LIMITS.tailBytes ? Buffer.from(b.subarray(b.length - XLSX_LIMITS.tailBytes)) : Buffer.concat([tail, b]).subarray(-XLSX_LIMITS.tailBytes);
    if (b.length) last = b[b.length - 1]!;
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) newlines++;
    if (head.length < 65536) head = Buffer.concat([head, b.subarray(0, 65536 - head.length)]);
    if (valid) {
      try {
        dec.decode(b, { stream: true });
        for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
      } catch {
        valid = false;
        // The line of the first bad byte, for the warning: count up to the first byte >= 0x80 that fails.
        const s = b.toString('latin1');
        let j = 0;
        for (; j < s.length; j++) {
          if (s.charCodeAt(j) === 10) lines++;
          else if (s.charCodeAt(j) >= 0x80 && !isUtf8At(b, j)) break;
        }
        firstBad = lines;
      }
    }
  }
  if (valid) {
    try {
      dec.decode();
    } catch {
      valid = false;
      firstBad = lines;
    }
  }
  return { sha256: hash.digest('hex'), validUtf8: valid, firstBad, head, lines: newlines + (last === 10 ? 0 : 1), tail, size };
}

function isUtf8At(b: Buffer, i: number): boolean {
  const c = b[i]!;
  const need = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 && c < 0xe0 ? 1 : -1;
  if (need < 0) {
    // A continuation byte: valid only when some lead byte before it started a sequence.
    for (let k = 1; k <= 3 && i - k >= 0; k++) {
      const p = b[i - k]!;
      if (p >= 0xc2 && p <= 0xf4) return true;
      if (p < 0x80 || p > 0xbf) break;
    }
    return false;
  }
  for (let k = 1; k <= need; k++) {
    const n = b[i + k];
    if (n === undefined) return true; // cut at the chunk boundary; the decoder decides
    if (n < 0x80 || n > 0xbf) return false;
  }
  return true;
}

function detectDelimiter(sample: string): string {
  // Count candidates on the first non-empty line, outside quotes.
  const line = sample.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0], ['|', 0]]);
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  let n = 0;
  for (const [d, c] of counts) if (c > n) [best, n] = [d, c];
  return best;
}

/**
 * More columns than any case sheet has: a 10,000-column file made an 11 MB mapping page and
 * hundreds of MB of memory. Refused before any row is read.
 */
export const MAX_COLUMNS = 500;
function checkColumnCount(found: number, line: number): void {
  if (found > MAX_COLUMNS) fail({ line, key: 'interop:read.too_many_columns', values: { found, max: MAX_COLUMNS } });
}

/** Header names made unique: a repeated name becomes "Name (2)", with a warning naming both places. */
export function uniqueHeaders(raw: string[], line: number, warnings: ReadIssue[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((h, i) => {
    let name = h.trim() || `#${i + 1}`;
    const key = name.toLowerCase();
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n > 1) {
      warnings.push({ line, column: name, key: 'interop:read.duplicate_header', values: { name, position: i + 1, renamed: `${name} (${n})` } });
      name = `${name} (${n})`;
    }
    return name;
  });
}

class DecodeStream extends Transform {
  private dec: InstanceType<typeof TextDecoder>;
  constructor(encoding: Encoding, skip: number) {
    super({ decodeStrings: true });
    this.dec = new TextDecoder(encoding);
    this.skip = skip;
  }
  private skip: number;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null, d?: string) => void) {
    let c = chunk;
    if (this.skip > 0) {
      const n = Math.min(this.skip, c.length);
      c = c.subarray(n);
      this.skip -= n;
    }
    cb(null, this.dec.decode(c, { stream: true }));
  }
  override _flush(cb: (e?: Error | null, d?: string) => void) {
    cb(null, this.dec.decode());
  }
}

async function openCsv(input: TableInput, opts: TableOptions, scan: Scan): Promise<TableReader> {
  const warnings: ReadIssue[] = [];
  const h = scan.head;
  let encoding: Encoding;
  let bom = 0;
  if (h[0] === 0xef && h[1] === 0xbb && h[2] === 0xbf) {
    encoding = 'utf-8';
    bom = 3;
    warnings.push({ key: 'interop:read.bom' });
  } else if (h[0] === 0xff && h[1] === 0xfe) {
    encoding = 'utf-16le';
    bom = 2;
  } else if (h[0] === 0xfe && h[1] === 0xff) {
    encoding = 'utf-16be';
    bom = 2;
  } else if (opts.encoding && opts.encoding !== 'auto') {
    encoding = opts.encoding;
  } else if (scan.validUtf8) {
    encoding = 'utf-8';
  } else {
    encoding = 'windows-1252';
    warnings.push({ line: scan.firstBad ?? 1, key: 'interop:read.latin1', values: { line: scan.firstBad ?? 1 } });
  }
  if (encoding === 'utf-8' && !scan.validUtf8 && opts.encoding === 'utf-8') {
    fail({ line: scan.firstBad ?? 1, key: 'interop:read.not_utf8', values: { line: scan.firstBad ?? 1 } });
  }
  if (h.subarray(bom, bom + 4096).includes(0) && !encoding.startsWith('utf-16')) {
    fail({ key: 'interop:read.binary' });
  }
  const sample = new TextDecoder(encoding).decode(h.subarray(bom, Math.max(bom, h.length - 4)));
  const delimiter = opts.delimiter ?? detectDelimiter(sample);

  const makeParser = () => {
    const raw = openInput(input, 1 << 16);
    const decoded = raw.pipe(new DecodeStream(encoding, bom));
    const parser = parse({ delimiter, relax_column_count: true, skip_empty_lines: false, info: true, max_record_size: 1 << 20 });
    raw.on('error', (e) => parser.destroy(e));
    decoded.on('error', (e) => parser.destroy(e));
    decoded.pipe(parser);
    return parser as unknown as Readable;
  };

  // Read the header: the first row that has any non-empty cell.
  let headerLine = 0;
  let rawHeaders: string[] | null = null;
  {
    const parser = makeParser();
    let prevEnd = 0;
    try {
      for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        const line = prevEnd + 1;
        prevEnd = rec.info.lines;
        if (rec.record.some((c) => c.trim() !== '')) {
          headerLine = line;
          rawHeaders = rec.record;
          break;
        }
      }
    } catch (e) {
      csvFailure(e);
    } finally {
      parser.destroy();
    }
  }
  if (!rawHeaders) fail({ key: 'interop:read.empty_file' });
  checkColumnCount(rawHeaders.length, headerLine);
  const headers = uniqueHeaders(rawHeaders, headerLine, warnings);

  async function* rows(): AsyncGenerator<TableRow> {
    const parser = makeParser();
    let prevEnd = 0;
    try {
      for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        const line = prevEnd + 1;
        prevEnd = rec.info.lines;
        if (line <= headerLine) continue;
        const cells: Cell[] = rec.record;
        const notes: ReadIssue[] = [];
        if (rec.record.every((c) => c.trim() === '')) {
          yield { line, cells: [], notes: [{ line, key: 'interop:read.empty_row' }] };
          continue;
        }
        if (rec.record.length < headers.length) {
          notes.push({ line, key: 'interop:read.short_row', values: { found: rec.record.length, expected: headers.length } });
        } else if (rec.record.length > headers.length && rec.record.slice(headers.length).some((c) => c.trim() !== '')) {
          notes.push({ line, key: 'interop:read.long_row', values: { found: rec.record.length, expected: headers.length } });
        }
        rec.record.forEach((c, i) => {
          if (/^[=+@]/.test(c) || (/^-/.test(c) && /^-[A-Za-z(]/.test(c))) {
            notes.push({ line, column: headers[i] ?? `#${i + 1}`, key: 'interop:read.formula_text' });
          }
        });
        yield { line, cells, notes };
      }
    } catch (e) {
      csvFailure(e);
    } finally {
      parser.destroy();
    }
  }

  return { kind: 'csv', headers, headerLine, delimiter, encoding, sha256: scan.sha256, approxRows: Math.max(0, scan.lines - headerLine), warnings, rows };
}

function csvFailure(e: unknown): never {
  if (e instanceof AppError) throw e;
  if (e instanceof CsvError) {
    const line = (e as unknown as { lines?: number }).lines ?? 0;
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') fail({ line, key: 'interop:read.unclosed_quote', values: { line } });
    if (e.code === 'CSV_MAX_RECORD_SIZE') fail({ line, key: 'interop:read.record_too_large', values: { line } });
    fail({ line, key: 'interop:read.csv_error', values: { line, code: e.code } });
  }
  fail({ key: 'interop:read.unreadable', values: { reason: e instanceof Error ? e.message.slice(0, 200) : 'unknown' } });
}

type XCell = ExcelJS.CellValue;

/** An XLSX cell value as text, number or date; formulas give their saved result, never re-run. */
function xlsxCell(v: XCell, line: number, column: string, notes: ReadIssue[]): Cell {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return v;
  const o = v as unknown as Record<string, unknown>;
  if ('formula' in o || 'sharedFormula' in o) {
    notes.push({ line, column, key: 'interop:read.formula_cell' });
    const r = o.result as XCell | undefined;
    if (r && typeof r === 'object' && 'error' in (r as object)) return '';
    return r === undefined ? '' : xlsxCell(r, line, column, []);
  }
  if ('richText' in o) return (o.richText as { text: string }[]).map((p) => p.text).join('');
  if ('text' in o) return String(o.text);
  if ('error' in o) {
    notes.push({ line, column, key: 'interop:read.error_cell', values: { value: String(o.error) } });
    return '';
  }
  return '';
}

async function openXlsx(input: TableInput, opts: TableOptions, scan: Scan): Promise<TableReader> {
  // Bomb gates before exceljs sees a byte (xlsx-guard.ts): declared sizes first, then actual ones.
  await checkCentralDirectory(scan.tail, scan.size);
  await checkInflated(() => openInput(input, 1 << 16));
  const warnings: ReadIssue[] = [];
  let headers: string[] | null = null;
  let headerLine = 0;

  async function* sheetRows(): AsyncGenerator<{ number: number; values: XCell[] }> {
    const { default: excel } = await import('exceljs');
    keepXlsxTempInMemory();
    const reader = new excel.stream.xlsx.WorkbookReader(typeof input === 'string' ? input : input.open(), {
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'cache',
      worksheets: 'emit',
      entries: 'emit',
    } as ExcelJS.stream.xlsx.WorkbookStreamReaderOptions);
    let found = false;
    const parked = new Set<string>();
    try {
      for await (const ws of ownTempFiles(parked, reader as unknown as AsyncIterable<AsyncIterable<ExcelJS.Row> & { name: string }>)) {
        if (found) break;
        if (opts.sheet && ws.name !== opts.sheet) continue;
        found = true;
        for await (const row of ownTempFiles(parked, ws)) {
          const vals = (row.values as XCell[]) ?? [];
          yield { number: row.number, values: vals.slice(1) };
        }
      }
    } catch (e) {
      if (e instanceof AppError) throw e;
      fail({ key: 'interop:read.xlsx_damaged', values: { reason: e instanceof Error ? e.message.slice(0, 200) : 'unknown' } });
    } finally {
      removeTempFiles(parked);
    }
    if (!found) fail({ key: opts.sheet ? 'interop:read.no_sheet' : 'interop:read.empty_file', values: { sheet: opts.sheet ?? '' } });
  }

  for await (const r of sheetRows()) {
    const texts = r.values.map((v) => String(xlsxCell(v, r.number, '', []) ?? '').trim());
    if (texts.some((t) => t !== '')) {
      checkColumnCount(texts.length, r.number);
      headerLine = r.number;
      headers = uniqueHeaders(texts, r.number, warnings);
      break;
    }
  }
  if (!headers) fail({ key: 'interop:read.empty_file' });
  const hs = headers;

  async function* rows(): AsyncGenerator<TableRow> {
    let expected = headerLine + 1;
    for await (const r of sheetRows()) {
      if (r.number <= headerLine) continue;
      // The streaming reader skips rows with no cells at all; report them like empty CSV rows.
      for (; expected < r.number; expected++) yield { line: expected, cells: [], notes: [{ line: expected, key: 'interop:read.empty_row' }] };
      expected = r.number + 1;
      const notes: ReadIssue[] = [];
      const cells = r.values.map((v, i) => xlsxCell(v, r.number, hs[i] ?? `#${i + 1}`, notes));
      if (cells.every((c) => typeof c === 'string' && c.trim() === '')) {
        yield { line: r.number, cells: [], notes: [{ line: r.number, key: 'interop:read.empty_row' }] };
        continue;
      }
      if (cells.length > hs.length && cells.slice(hs.length).some((c) => !(typeof c === 'string' && c.trim() === ''))) {
        notes.push({ line: r.number, key: 'interop:read.long_row', values: { found: cells.length, expected: hs.length } });
      }
      yield { line: r.number, cells, notes };
    }
  }
  return { kind: 'xlsx', headers: hs, headerLine, delimiter: null, encoding: null, sha256: scan.sha256, approxRows: null, warnings, rows };
}

export async function openTable(input: TableInput, opts: TableOptions = {}): Promise<TableReader> {
  let size: number;
  if (typeof input === 'string') {
    try {
      size = statSync(input).size;
    } catch {
      fail({ key: 'interop:read.no_file', values: { file: input } });
    }
  } else size = input.size;
  if (size === 0) fail({ key: 'interop:read.empty_file' });
  const scan = await scanFile(input);
  if (scan.head.length === 0) fail({ key: 'interop:read.empty_file' });
  const kind = opts.kind ?? sniffKind(scan.head);
  return kind === 'xlsx' ? openXlsx(input, opts, scan) : openCsv(input, opts, scan);
}
