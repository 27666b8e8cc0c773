/**
 * Spreadsheet bombs (issue 19, point 3): a table with thousands of columns is refused with a clear
 * error naming the header line, in CSV and in XLSX, before any row is read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_COLUMNS, openTable } from '../../src/interop/read-table.js';
import { AppError } from '../../src/shared/errors.js';
import { t } from '../../src/shared/i18n/index.js';

const dir = mkdtempSync(join(tmpdir(), 'atalaya-bomb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function refusal(file: string): Promise<AppError> {
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
