/**
 * A workbook whose worksheet comes before its shared strings in the zip makes exceljs park the
 * sheet in a temporary file, in clear. Those files must be in memory (/dev/shm), never on disk in
 * the system's temporary folder (issue 19: no identifying text in clear on a seized server).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTable } from '../../src/interop/read-table.js';

const dir = mkdtempSync(join(tmpdir(), 'atalaya-xlsx-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Zip = { file(name: string): { async(t: 'nodebuffer'): Promise<Buffer> } | null; file(name: string, data: Buffer): void; files: Record<string, unknown>; generateAsync(o: { type: 'nodebuffer'; compression: 'DEFLATE' }): Promise<Buffer> };

/** The same workbook with every worksheet moved to the front of the zip. */
async function sheetsFirst(bytes: Buffer): Promise<Buffer> {
  const JSZip = createRequire(createRequire(import.meta.url).resolve('exceljs'))('jszip') as { loadAsync(b: Buffer): Promise<Zip>; new (): Zip };
  const src = await JSZip.loadAsync(bytes);
  const names = Object.keys(src.files).sort((a, b) => Number(!a.startsWith('xl/worksheets/sheet')) - Number(!b.startsWith('xl/worksheets/sheet')));
  const out = new JSZip();
  for (const n of names) {
    const f = src.file(n);
    if (f) out.file(n, await f.async('nodebuffer'));
  }
  return out.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

const tmpFiles = (d: string) => (existsSync(d) ? readdirSync(d).filter((f) => /^(tmp-|atalaya-xlsx-)/.test(f)) : []);

describe.skipIf(!existsSync('/dev/shm'))('a worksheet before its shared strings', () => {
  it('is parked in memory, not on disk, and read with its strings', async () => {
    const { default: excel } = await import('exceljs');
    const wb = new excel.Workbook();
    const ws = wb.addWorksheet('Casos');
    ws.addRow(['Nombre', 'Fecha']);
    for (let i = 0; i < 50; i++) ws.addRow([`Persona secreta ${i}`, '2021-01-02']);
    const f = join(dir, 'order.xlsx');
    writeFileSync(f, await sheetsFirst(Buffer.from(await wb.xlsx.writeBuffer())));
    const diskBefore = tmpFiles(tmpdir());
    const table = await openTable(f);
    const names: unknown[] = [];
    let inMemory: string[] = [];
    let onDisk: string[] = [];
    for await (const row of table.rows()) {
      if (names.length === 0) {
        // The parked sheet exists while its rows are read.
        inMemory = tmpFiles('/dev/shm');
        onDisk = tmpFiles(tmpdir()).filter((x) => !diskBefore.includes(x));
      }
      names.push(row.cells[0]);
    }
    expect(inMemory.length).toBeGreaterThan(0);
    expect(onDisk).toEqual([]);
    expect(names).toHaveLength(50);
    expect(names[0]).toBe('Persona secreta 0');
    expect(tmpFiles('/dev/shm').filter((x) => x.startsWith('atalaya-xlsx-'))).toEqual([]);
  });
});
