/**
 * Spreadsheet bombs (issue 19, point 3): a table with thousands of columns is refused with a clear
 * error naming the header line, in CSV and in XLSX, before any row is read; an XLSX whose parts
 * unpack to hundreds of MB is refused naming the part, quickly and in bounded memory, whether its
 * table of contents tells the truth or lies.
 */
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_COLUMNS, openTable, type TableSource } from '../../src/interop/read-table.js';
import { AppError } from '../../src/shared/errors.js';
import { t } from '../../src/shared/i18n/index.js';
import { Client, startTestApp, type TestApp } from '../support/app.js';
import { engines } from '../support/db.js';
import { makeOrg, makeUser } from '../support/factories.js';

const dir = mkdtempSync(join(tmpdir(), 'atalaya-bomb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function refusal(file: string | TableSource): Promise<AppError> {
  try {
    const r = await openTable(file);
    for await (const _ of r.rows()) void _;
  } catch (e) {
    return e as AppError;
  }
  throw new Error('accepted');
}

describe('tables with too many columns', () => {
  it('a 10,000-column CSV is refused with the header line named, in Spanish and English', async () => {
    const f = join(dir, 'wide.csv');
    writeFileSync(f, Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',') + '\n' + '1,'.repeat(9_999) + '1\n');
    const e = await refusal(f);
    expect(e.status).toBe(400);
    expect(e.issues[0]).toMatchObject({ path: ['line 1'], key: 'interop:read.too_many_columns', values: { found: 10_000, max: MAX_COLUMNS } });
    expect(t('en', e.issues[0]!.key, e.issues[0]!.values)).toContain('10000 columns');
    expect(t('es', e.issues[0]!.key, e.issues[0]!.values)).toContain('10000 columnas');
  });

  it('a wide XLSX is refused the same way, and a normal width passes', async () => {
    const { default: excel } = await import('exceljs');
    const wb = new excel.Workbook();
    wb.addWorksheet('Casos').addRow(Array.from({ length: 2_000 }, (_, i) => `c${i}`));
    const f = join(dir, 'wide.xlsx');
    await wb.xlsx.writeFile(f);
    expect((await refusal(f)).issues[0]!.key).toBe('interop:read.too_many_columns');
    const ok = join(dir, 'ok.csv');
    writeFileSync(ok, Array.from({ length: MAX_COLUMNS }, (_, i) => `c${i}`).join(',') + '\n');
    expect((await openTable(ok)).headers).toHaveLength(MAX_COLUMNS);
  }, 60_000);
});

// ---- XLSX bombs: parts that unpack to hundreds of MB, with honest and with lying sizes ----

type Archiver = ((f: 'zip', o: object) => Archive) & object;
interface Archive extends NodeJS.ReadableStream {
  append(src: Readable | Buffer | string, o: { name: string }): void;
  finalize(): Promise<void>;
}
const fromExcel = createRequire(createRequire(import.meta.url).resolve('exceljs'));

/**
 * A real workbook (written by exceljs) whose xl/sharedStrings.xml is replaced by `shared`, streamed
 * through archiver (exceljs' own zip writer) so the test never holds the unpacked text. With
 * `lie`, the central directory then declares that part 1,000 bytes long.
 */
async function bombXlsx(name: string, shared: () => Iterable<Buffer>, lie = false): Promise<string> {
  const { default: excel } = await import('exceljs');
  const wb = new excel.Workbook();
  wb.addWorksheet('Casos').addRow(['Código', 'Víctima', 'Fecha']);
  const normal = join(dir, `${name}.base.xlsx`);
  await wb.xlsx.writeFile(normal);
  const JSZip = fromExcel('jszip') as { loadAsync(b: Buffer): Promise<{ files: Record<string, { dir: boolean; async(t: 'nodebuffer'): Promise<Buffer> }> }> };
  const parts = (await JSZip.loadAsync(readFileSync(normal))).files;
  const archive = (fromExcel('archiver') as Archiver)('zip', { zlib: { level: 9, strategy: 3 } });
  const f = join(dir, `${name}.xlsx`);
  const out = createWriteStream(f);
  archive.pipe(out);
  for (const [path, p] of Object.entries(parts)) {
    if (p.dir) continue;
    if (path === 'xl/sharedStrings.xml') archive.append(Readable.from(shared()), { name: path });
    else archive.append(await p.async('nodebuffer'), { name: path });
  }
  await archive.finalize();
  await new Promise<void>((r) => out.on('close', () => r()));
  if (lie) {
    const b = readFileSync(f);
    const nameBytes = Buffer.from('xl/sharedStrings.xml');
    for (let i = b.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); i >= 0; i = b.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), i + 4)) {
      if (b.subarray(i + 46, i + 46 + b.readUInt16LE(i + 28)).equals(nameBytes)) b.writeUInt32LE(1000, i + 24);
    }
    writeFileSync(f, b);
  }
  return f;
}

/** One huge shared string of `mb` MB of "A". */
function* hugeString(mb: number): Iterable<Buffer> {
  yield Buffer.from('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>');
  const a = Buffer.alloc(1 << 20, 65);
  for (let i = 0; i < mb; i++) yield a;
  yield Buffer.from('</t></si></sst>');
}
/** `n` tiny shared strings. */
function* manyStrings(n: number): Iterable<Buffer> {
  yield Buffer.from('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">');
  const block = Buffer.from('<si><t>a</t></si>'.repeat(10_000));
  for (let i = 0; i < n; i += 10_000) yield block;
  yield Buffer.from('</sst>');
}

/** Refusal of a file, with the growth of resident memory while it was being read (sampled). */
async function refusedWithin(file: string | TableSource): Promise<{ e: AppError; ms: number; growth: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const t0 = performance.now();
  try {
    const e = await refusal(file);
    return { e, ms: performance.now() - t0, growth: (Math.max(peak, process.memoryUsage.rss()) - before) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

const en = (e: AppError) => t('en', e.issues[0]!.key, e.issues[0]!.values);
const es = (e: AppError) => t('es', e.issues[0]!.key, e.issues[0]!.values);

describe('XLSX bombs', () => {
  it('a ~0.5 MB workbook whose shared strings declare 500 MB is refused from its table of contents, at once', async () => {
    const f = await bombXlsx('honest', () => hugeString(500));
    expect(statSync(f).size).toBeLessThan(1.5 * 2 ** 20);
    const { e, ms, growth } = await refusedWithin(f);
    expect(e.status).toBe(400);
    expect(e.issues[0]!.key).toBe('interop:read.xlsx_part_too_large');
    expect(en(e)).toContain('xl/sharedStrings.xml');
    expect(en(e)).toMatch(/unpacks to 50\d MB/);
    expect(es(e)).toMatch(/La parte “xl\/sharedStrings\.xml” del XLSX ocupa 50\d MB/);
    expect(ms).toBeLessThan(2_000);
    expect(growth).toBeLessThan(100);
  }, 60_000);

  it('a part within the size cap but packed over 100:1 is refused as a bomb', async () => {
    const f = await bombXlsx('ratio', () => hugeString(40));
    const { e } = await refusedWithin(f);
    expect(e.issues[0]!.key).toBe('interop:read.xlsx_part_bomb');
    expect(en(e)).toMatch(/“xl\/sharedStrings\.xml” unpacks to \d+ times/);
    expect(es(e)).toContain('parece una bomba de descompresión');
  }, 60_000);

  it('when the table of contents lies (declares 1,000 bytes), the text is counted while inflating and refused, memory bounded', async () => {
    const f = await bombXlsx('lying', () => hugeString(500), true);
    expect(statSync(f).size).toBeLessThan(1.5 * 2 ** 20);
    const { e, ms, growth } = await refusedWithin(f);
    expect(e.issues[0]!.key).toBe('interop:read.xlsx_strings_too_large');
    expect(en(e)).toContain('“xl/sharedStrings.xml” take more than 64 MB');
    expect(es(e)).toContain('Los textos compartidos de la parte “xl/sharedStrings.xml” del XLSX ocupan más de 64 MB');
    expect(ms).toBeLessThan(15_000);
    expect(growth).toBeLessThan(100);
  }, 60_000);

  it('more than a million shared strings under a lying size are refused by count', async () => {
    const f = await bombXlsx('many', () => manyStrings(1_010_000), true);
    const { e, growth } = await refusedWithin(f);
    expect(e.issues[0]!.key).toBe('interop:read.xlsx_too_many_strings');
    expect(en(e)).toContain('more than 1000000 shared texts');
    expect(growth).toBeLessThan(100);
  }, 60_000);

  it('the same bomb arriving as an encrypted upload source (read as a stream) is refused too', async () => {
    const f = await bombXlsx('stream', () => hugeString(300), true);
    const source: TableSource = { name: 'x.xlsx', size: statSync(f).size, open: () => createReadStream(f) };
    const { e, growth } = await refusedWithin(source);
    expect(e.issues[0]!.key).toBe('interop:read.xlsx_strings_too_large');
    expect(growth).toBeLessThan(100);
  }, 60_000);

  it('a normal workbook with shared strings passes both gates and reads', async () => {
    const { default: excel } = await import('exceljs');
    const wb = new excel.Workbook();
    const ws = wb.addWorksheet('Casos');
    ws.addRow(['Código', 'Víctima', 'Fecha']);
    for (let i = 0; i < 2_000; i++) ws.addRow([`A${i}`, `Persona ${i} ${'x'.repeat(i % 50)}`, new Date(Date.UTC(2020, 0, 1 + (i % 300)))]);
    const f = join(dir, 'normal.xlsx');
    await wb.xlsx.writeFile(f);
    const r = await openTable(f);
    expect(r.headers).toEqual(['Código', 'Víctima', 'Fecha']);
    let n = 0;
    for await (const row of r.rows()) if (row.cells.length) n++;
    expect(n).toBe(2_000);
  }, 60_000);
});

describe.each(engines)('an XLSX bomb through the import upload on %s', (engine) => {
  let s: TestApp;
  let c: Client;
  beforeAll(async () => {
    s = await startTestApp(engine);
    const org = await makeOrg(s.t);
    c = new Client(s.url, 'en');
    await c.login(await makeUser(s.t, org, 'documenter'));
  }, 60_000);
  afterAll(async () => s?.close());

  it('answers 4xx naming the part, keeps no upload, and the server stays up', async () => {
    const f = await bombXlsx(`http-${engine}`, () => hugeString(400), true);
    const fd = new FormData();
    fd.append('_csrf', c.csrf);
    fd.append('file', new Blob([readFileSync(f)]), 'casos.xlsx');
    const r = await fetch(`${s.url}/import`, { method: 'POST', body: fd, redirect: 'manual', headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'accept-language': 'en' } });
    expect(r.status).toBe(422);
    const page = await r.text();
    expect(page).toContain('“xl/sharedStrings.xml” take more than 64 MB');
    expect(readdirSync(join(s.t.dataDir, 'imports'), { recursive: true }).filter((n) => String(n).endsWith('.src'))).toEqual([]);
    expect((await c.request('GET', '/import')).status).toBe(200);
  }, 90_000);
});
