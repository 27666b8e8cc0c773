/**
 * "Done means": an organisation's spreadsheet of several thousand cases, in Spanish, with its own
 * column names and misspelt act types, is mapped (unmatched values resolved from the suggestions),
 * previewed, imported, exported again with the filters of the case list, backed up, and restored on
 * a second server; the counts match at each step.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, it, expect } from 'vitest';
import { openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser } from '../../test/support/factories.js';
import { Keyring } from '../access/index.js';
import { masterKeyId } from '../access/crypto/master-key.js';
import { listIncidents, recordInput } from '../records/index.js';
import { createBackup, restoreBackup, verifyBackup } from './backup.service.js';
import { exportIncidents } from './export.service.js';
import type { ImportProfile } from './import-profile.js';
import { runImport } from './import.service.js';
import { sheetCsv, sheetProfile, sheetRow, writtenActTypes } from './testing/spanish-sheet.js';

const N = Number(process.env.ATALAYA_E2E_ROWS ?? 3000);
const key = randomBytes(32);
const withKey = (t: TestDb): TestDb => Object.assign(t, { keys: new Keyring({ key, id: masterKeyId(key), source: 'environment' }) });

async function countListed(t: TestDb, actor: Parameters<typeof listIncidents>[1], filters: Record<string, string>): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  do {
    const p = await listIncidents(t, actor, recordInput.listQuery.parse({ ...filters, limit: 200, ...(cursor ? { cursor } : {}) }));
    n += p.items.length;
    cursor = p.nextCursor ?? undefined;
  } while (cursor);
  return n;
}

describe('spreadsheet to second server', () => {
  it(`${N} Spanish cases: map, preview, import, export, back up, restore`, async () => {
    const a = withKey(await openTestDb('pglite'));
    const b = withKey(await openTestDb('pglite'));
    try {
      const org = await makeOrg(a, 'observatorio-e2e');
      const user = await makeUser(a, org, 'admin');
      const file = join(a.dataDir, 'registro.csv');
      writeFileSync(file, sheetCsv(N, 11));

      // 1. Map: start with the columns only; the preview lists what does not match the vocabularies.
      const bare: ImportProfile = { ...sheetProfile('registro'), values: {} };
      const first = await runImport(a, user, { profile: bare, file, lang: 'es', dryRun: true });
      expect(first.rows).toBe(N);
      expect(first.valid + first.rejected).toBe(N);
      const unmatchedValues = first.unmatched.map((u) => u.value).sort();
      // "amenaza" and "detencion" are labels once accents and case are ignored: they match as they are.
      expect(unmatchedValues).toEqual(['Detención arbitraria', 'Hostigamiento judicial', 'alanamiento'].sort());
      // The user accepts the first suggestion for each (what the import screen preselects), except
      // "Hostigamiento judicial", a group term, which they map to criminal charges themselves.
      const actType: Record<string, string> = {};
      for (const u of first.unmatched) actType[u.value] = u.value === 'Hostigamiento judicial' ? 'criminal_charges' : u.suggestions[0]!.code;
      expect(actType).toMatchObject({ alanamiento: 'raid', 'Detención arbitraria': 'detention' });
      const profile: ImportProfile = { ...bare, values: { actType } };

      // 2. Preview: every row valid now; nothing written yet.
      const preview = await runImport(a, user, { profile, file, lang: 'es', dryRun: true });
      expect(preview).toMatchObject({ rows: N, valid: N, rejected: 0, created: N });
      expect(await countListed(a, user, {})).toBe(0);

      // 3. Import, and the same file again.
      const imported = await runImport(a, user, { profile, file, lang: 'es', mode: 'valid-rows' });
      expect(imported).toMatchObject({ state: 'complete', created: N, rejected: 0 });
      expect(await countListed(a, user, {})).toBe(N);
      expect((await runImport(a, user, { profile, file, lang: 'es' })).unchanged).toBe(N);

      // Expected counts straight from the spreadsheet, for a filter the user sets on screen.
      const filters = { subdivision: 'VE-V', actType: 'raid', from: '2017', to: '2022' };
      let expected = 0;
      for (let i = 1; i <= N; i++) {
        const c = sheetRow(i, 11).cells;
        const year = Number(c[1]!.slice(-4));
        const code = writtenActTypes.find(([w]) => w === c[5])![1];
        if (c[3] === 'Zulia' && code === 'raid' && year >= 2017 && year <= 2022) expected++;
      }
      expect(expected).toBeGreaterThan(10);
      expect(await countListed(a, user, filters)).toBe(expected);

      // 4. Export with the same filters.
      const out = join(a.dataDir, 'export.csv');
      const ex = await exportIncidents(a, user, { format: 'csv', filters, publicUrl: 'https://atalaya.example.org', lang: 'es' }, createWriteStream(out));
      const exported = parse(readFileSync(out), { bom: true, columns: true }) as Record<string, string>[];
      expect(ex.incidents).toBe(expected);
      expect(exported).toHaveLength(expected);

      // 5. Back up, verify, restore on a second server; counts match there too.
      const backup = join(a.dataDir, 'backup.age');
      const manifest = await createBackup(a.db, { out: backup, passphrase: 'frase de paso de prueba e2e', dataDir: a.dataDir, engine: 'pglite', workFactor: 10 });
      expect(manifest.tables.find((x) => x.name === 'incident')!.rows).toBe(N);
      expect((await verifyBackup(backup, 'frase de paso de prueba e2e')).ok).toBe(true);
      await restoreBackup(b.db, { file: backup, passphrase: 'frase de paso de prueba e2e', dataDir: b.dataDir, masterKeyId: masterKeyId(key) });
      const u2 = { ...user };
      expect(await countListed(b, u2, {})).toBe(N);
      expect(await countListed(b, u2, filters)).toBe(expected);
      const out2 = join(b.dataDir, 'export.csv');
      await exportIncidents(b, u2, { format: 'csv', filters, publicUrl: 'https://atalaya.example.org', lang: 'es' }, createWriteStream(out2));
      const again = parse(readFileSync(out2), { bom: true, columns: true }) as Record<string, string>[];
      const strip = (rows: Record<string, string>[]) => rows.map(({ updated_at: _u, ...r }) => r).sort((x, y) => (x.id! < y.id! ? -1 : 1));
      expect(strip(again)).toEqual(strip(exported));
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  }, 900_000);
});
