import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { AppError } from '../shared/errors.js';
import { decryptStream, encryptStream } from '../records/evidence.stream.js';
import { openTable, type TableInput, type TableRow, type TableSource } from './read-table.js';

const dir = mkdtempSync(join(tmpdir(), 'atalaya-read-'));
let n = 0;
function file(content: string | Buffer, ext = 'csv'): string {
  const p = join(dir, `f${n++}.${ext}`);
  writeFileSync(p, content);
  return p;
}
async function all(path: string, opts = {}): Promise<{ headers: string[]; rows: TableRow[]; warnings: string[] }> {
  const r = await openTable(path, opts);
  const rows: TableRow[] = [];
  for await (const row of r.rows()) rows.push(row);
  return { headers: r.headers, rows, warnings: r.warnings.map((w) => w.key) };
}
async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('CSV reading', () => {
  it('counts the data rows for progress, never the header, with or without a last newline', async () => {
    expect((await openTable(file('a,b\n1,2\n3,4\n'))).approxRows).toBe(2);
    expect((await openTable(file('a,b\n1,2\n3,4'))).approxRows).toBe(2);
    expect((await openTable(file('\na,b\n1,2\n'))).approxRows).toBe(1);
  });

  it('detects semicolons and strips a BOM', async () => {
    const r = await all(file('\uFEFFCaso;Fecha\r\n1;01/02/2020\r\n'));
    expect(r.headers).toEqual(['Caso', 'Fecha']);
    expect(r.rows[0]!.cells).toEqual(['1', '01/02/2020']);
    expect(r.warnings).toContain('interop:read.bom');
  });

  it('reads Latin-1 (Windows-1252) files with a warning naming the line', async () => {
    const body = Buffer.concat([Buffer.from('Caso,Estado\n1,Zulia\n2,'), Buffer.from([0x54, 0xe1, 0x63, 0x68, 0x69, 0x72, 0x61]), Buffer.from('\n')]);
    const reader = await openTable(file(body));
    expect(reader.encoding).toBe('windows-1252');
    expect(reader.warnings[0]).toMatchObject({ key: 'interop:read.latin1', line: 3 });
    const rows: TableRow[] = [];
    for await (const r of reader.rows()) rows.push(r);
    expect(rows[1]!.cells[1]).toBe('Táchira');
  });

  it('refuses invalid UTF-8 when the profile insists on UTF-8', async () => {
    const e = await failure(openTable(file(Buffer.from([0x61, 0x0a, 0xe1, 0x0a])), { encoding: 'utf-8' }));
    expect(e.issues[0]!.key).toBe('interop:read.not_utf8');
  });

  it('keeps quoted newlines in one cell and gives each row the line it starts on', async () => {
    const r = await all(file('a,b\n1,"uno\ndos"\n2,tres\n'));
    expect(r.rows.map((x) => x.line)).toEqual([2, 4]);
    expect(r.rows[0]!.cells[1]).toBe('uno\ndos');
  });

  it('reports empty rows and renames duplicated headers', async () => {
    const r = await all(file('Nombre,Fecha,Nombre\n\n;;\n,,\nx,2020,y\n'));
    expect(r.headers).toEqual(['Nombre', 'Fecha', 'Nombre (2)']);
    expect(r.warnings).toContain('interop:read.duplicate_header');
    expect(r.rows.filter((x) => x.notes.some((n) => n.key === 'interop:read.empty_row')).map((x) => x.line)).toEqual([2, 4]);
  });

  it('never evaluates formulas and flags them', async () => {
    const r = await all(file('a,b\n=1+1,@SUM(A1)\n'));
    expect(r.rows[0]!.cells).toEqual(['=1+1', '@SUM(A1)']);
    expect(r.rows[0]!.notes.filter((x) => x.key === 'interop:read.formula_text').map((x) => x.column)).toEqual(['a', 'b']);
  });

  it('explains a truncated file: unclosed quote with its line, short last row', async () => {
    const e = await failure(all(file('a,b\n1,2\n3,"cut off')));
    expect(e.issues[0]!.key).toBe('interop:read.unclosed_quote');
    expect(e.issues[0]!.path[0]).toBe('line 3');
    const r = await all(file('a,b,c\n1,2,3\n4,5'));
    expect(r.rows[1]!.notes[0]).toMatchObject({ key: 'interop:read.short_row', line: 3 });
  });

  it('explains empty and binary files', async () => {
    expect((await failure(openTable(file('')))).issues[0]!.key).toBe('interop:read.empty_file');
    expect((await failure(openTable(file(Buffer.from([0x61, 0, 1, 2, 0, 0]))))).issues[0]!.key).toBe('interop:read.binary');
  });

  it('never crashes on random bytes: it reads or explains', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        try {
          await all(file(Buffer.from(bytes)));
        } catch (e) {
          expect(e).toBeInstanceOf(AppError);
          expect((e as AppError).issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('XLSX reading', () => {
  it('streams rows with dates, serial numbers, formulas (saved value only) and error cells', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Casos');
    ws.addRow(['Caso', 'Fecha', 'Serie', 'Calc']);
    ws.addRow(['A-1', new Date(Date.UTC(2020, 2, 5)), 43891, { formula: '1+1', result: 2 }]);
    ws.addRow([]);
    ws.addRow(['A-2', 'marzo 2020', '', { error: '#N/A' }]);
    const p = join(dir, 'book.xlsx');
    await wb.xlsx.writeFile(p);
    const r = await all(p);
    expect(r.headers).toEqual(['Caso', 'Fecha', 'Serie', 'Calc']);
    expect(r.rows[0]!.cells[1]).toBeInstanceOf(Date);
    expect(r.rows[0]!.cells[2]).toBe(43891);
    expect(r.rows[0]!.cells[3]).toBe(2);
    expect(r.rows[0]!.notes.map((x) => x.key)).toContain('interop:read.formula_cell');
    expect(r.rows[1]!.notes[0]!.key).toBe('interop:read.empty_row');
    expect(r.rows[2]!.line).toBe(4);
    expect(r.rows[2]!.notes.map((x) => x.key)).toContain('interop:read.error_cell');
  });

  it('explains a truncated workbook', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('S').addRow(['a']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const e = await failure(all(file(buf.subarray(0, Math.floor(buf.length / 2)), 'xlsx')));
    expect(['interop:read.xlsx_damaged', 'interop:read.empty_file']).toContain(e.issues[0]!.key);
  });
});

describe('reading from a source instead of a file', () => {
  // An upload kept encrypted on disk is read through a source that decrypts it as it streams; every
  // pass (scan, sniff, rows) must open it afresh and see the same bytes as the plain file.
  const key = randomBytes(32);
  async function sealed(content: Buffer): Promise<TableSource> {
    const p = join(dir, `enc${n++}.bin`);
    await pipeline(Readable.from([content]), encryptStream(key, 1, 'upload'), createWriteStream(p));
    expect(readFileSync(p).includes(content.subarray(0, 12))).toBe(false);
    return { name: 'casos', size: content.length, open: () => createReadStream(p).pipe(decryptStream(() => key, 'upload')) };
  }
  async function rowsOf(input: TableInput): Promise<{ headers: string[]; cells: unknown[][]; warnings: string[]; sha: string }> {
    const r = await openTable(input);
    const cells: unknown[][] = [];
    for await (const row of r.rows()) cells.push(row.cells);
    return { headers: r.headers, cells, warnings: r.warnings.map((w) => w.key), sha: r.sha256 };
  }

  it('a Latin-1 CSV decrypted on the fly reads as the plain file does', async () => {
    const csv = Buffer.from('Caso;Víctima\r\n1;María Pérez\r\n2;"José, Ana"\r\n', 'latin1');
    const plain = await rowsOf(file(csv));
    const viaSource = await rowsOf(await sealed(csv));
    expect(viaSource).toEqual(plain);
    expect(viaSource.cells[0]).toEqual(['1', 'María Pérez']);
    expect(viaSource.warnings).toContain('interop:read.latin1');
  });

  it('an XLSX decrypted on the fly reads as the plain file does', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Casos');
    ws.addRow(['Caso', 'Víctima']);
    ws.addRow(['A-1', 'María Pérez']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const viaSource = await rowsOf(await sealed(buf));
    expect(viaSource).toEqual(await rowsOf(file(buf, 'xlsx')));
    expect(viaSource.cells).toEqual([['A-1', 'María Pérez']]);
  });

  it('explains an empty source, and fails loudly on a damaged one rather than reading garbage', async () => {
    expect((await failure(openTable({ name: 'x', size: 0, open: () => Readable.from([]) }))).issues[0]!.key).toBe('interop:read.empty_file');
    expect((await failure(openTable({ name: 'x', size: 1, open: () => Readable.from([]) }))).issues[0]!.key).toBe('interop:read.empty_file');
    const other = randomBytes(32);
    const p = join(dir, `enc${n++}.bin`);
    await pipeline(Readable.from([Buffer.from('a;b\r\n1;2\r\n')]), encryptStream(other, 1, 'upload'), createWriteStream(p));
    // Sealed with another key: the authentication tag fails on the first chunk.
    await expect(openTable({ name: 'x', size: 10, open: () => createReadStream(p).pipe(decryptStream(() => key, 'upload')) })).rejects.toThrow();
  });
});
