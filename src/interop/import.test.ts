import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { schemaState, storedCounts } from '../../test/support/bulk.js';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser } from '../../test/support/factories.js';
import { writeScope, type UserActor } from '../access/index.js';
import { getCaseFile, getHistory, listIncidents, recordInput } from '../records/index.js';
import { AppError } from '../shared/errors.js';
import { sql } from 'kysely';
import { inTransaction, verifyAudit } from '../store/index.js';
import { parseProfile, profileJsonSchema, type ImportProfile } from './import-profile.js';
import { bulkImportFrom, runImport } from './import.service.js';
import { sheetCsv, sheetHeaders, sheetProfile, sheetRow } from './testing/spanish-sheet.js';

const schemaFile = new URL('./import-profile.schema.json', import.meta.url);

describe('import profile', () => {
  it('the committed JSON Schema is the one the code validates with', () => {
    expect(JSON.parse(readFileSync(schemaFile, 'utf8'))).toEqual(profileJsonSchema());
  });
  it('every example profile in docs/import is valid', () => {
    for (const name of ['incidents.profile.json', 'acts.profile.json']) {
      const raw = JSON.parse(readFileSync(new URL(`../../docs/import/${name}`, import.meta.url), 'utf8')) as unknown;
      expect(() => parseProfile(raw, 'en')).not.toThrow();
    }
  });
  it('names the field of a bad profile in the user language', () => {
    try {
      parseProfile({ version: 1, dataset: 'x', unit: 'act', columns: { actType: 'T' } }, 'es');
      throw new Error('accepted');
    } catch (e) {
      expect((e as AppError).issues[0]!.path).toEqual(['columns', 'incidentKey']);
    }
  });
});

describe.each(engines)('imports on %s', (engine) => {
  let t: TestDb;
  let user: UserActor;
  let n = 0;
  const file = (text: string | Buffer) => {
    const p = join(t.dataDir, `in-${n++}.csv`);
    writeFileSync(p, text);
    return p;
  };
  const count = async () => (await listIncidents(t, user, recordInput.listQuery.parse({ limit: 200 }))).items.length;

  beforeAll(async () => {
    t = await openTestDb(engine);
    user = await makeUser(t, await makeOrg(t), 'documenter');
  });
  afterAll(async () => t.cleanup());

  it('a dry run lists unmatched values with suggestions and writes nothing', async () => {
    const profile = { ...sheetProfile('dry'), values: {} } as ImportProfile;
    const r = await runImport(t, user, { profile, file: file(sheetCsv(60)), lang: 'es', dryRun: true });
    expect(r.rows).toBe(60);
    expect(r.rejected).toBeGreaterThan(0);
    const ala = r.unmatched.find((u) => u.value === 'alanamiento')!;
    expect(ala.suggestions[0]!.code).toBe('raid');
    expect(ala.column).toBe('Tipo de agresión');
    const det = r.unmatched.find((u) => u.value === 'Detención arbitraria')!;
    expect(det.suggestions[0]!.code).toBe('detention');
    expect(r.issues[0]).toMatchObject({ column: 'Tipo de agresión', key: 'interop:row.unknown_value' });
    expect(await count()).toBe(0);
  });

  it('imports, then imports the same file again without changing anything', async () => {
    const f = file(sheetCsv(40));
    const dry = await runImport(t, user, { profile: sheetProfile('same'), file: f, lang: 'es', dryRun: true });
    expect(dry).toMatchObject({ rows: 40, valid: 40, rejected: 0, created: 40 });
    const first = await runImport(t, user, { profile: sheetProfile('same'), file: f, lang: 'es' });
    expect(first).toMatchObject({ state: 'complete', created: 40, updated: 0, unchanged: 0 });
    expect(await count()).toBe(40);
    const again = await runImport(t, user, { profile: sheetProfile('same'), file: f, lang: 'es' });
    expect(again).toMatchObject({ state: 'complete', created: 0, updated: 0, unchanged: 40 });
    expect(await count()).toBe(40);
    expect((await verifyAudit(t.db)).problems).toEqual([]);
  });

  it('writes a creation history row for every imported record, without a copy of the row (the live row is that version)', async () => {
    const profile = parseProfile(
      {
        version: 1,
        dataset: 'history-form',
        unit: 'incident',
        columns: { externalId: 'Id', title: 'Título', actType: 'Acto', victims: 'Víctimas', sector: 'Sector', perpetratorType: 'Perpetrador', startDate: 'Fecha', country: 'País', narrative: 'Relato' },
        separator: '|',
        defaults: { narrativeSensitive: true },
      },
      'es',
    );
    const text = 'Id,Título,Acto,Víctimas,Sector,Perpetrador,Fecha,País,Relato\nH1,Allanamiento en Mérida,raid|detention,"Ana Paz|Luis ""el Flaco"" Díaz",lawyers|journalists_media,police|military,2021-05-03,VE,Texto sensible\nH2,Amenaza en Coro,threat,Rosa Gil,,,2020,VE,\n';
    const r = await runImport(t, user, { profile, file: file(text), lang: 'es' });
    expect(r).toMatchObject({ created: 2, rejected: 0 });
    // In the organisation's scope, so that it also reads under row-level security.
    await inTransaction(t.db, writeScope(user), async (trx) => {
      let checked = 0;
      for (const table of ['incident', 'actor', 'act', 'involvement'] as const) {
        const hist = await trx
          .selectFrom('record_history')
          .select(['record_id', 'row_data', 'version', 'action'])
          .where('record_table', '=', table)
          .where('reason', '=', `import ${r.jobId}`)
          .execute();
        expect(hist.length).toBeGreaterThan(0);
        for (const h of hist) {
          const row = (await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} WHERE id = ${h.record_id}`.execute(trx)).rows[0]!;
          // A creation records who, when and why; the version it made is the live row (migration 081).
          expect(h).toMatchObject({ version: 1, action: 'create', row_data: null });
          expect(row.version).toBe(1);
          checked++;
        }
      }
      // 2 incidents, 3 victims, 5 acts (2 types x 2 victims, and 1), 8 involvements (the second row names no perpetrator).
      expect(checked).toBe(2 + 3 + 5 + 8);
      const sectors = await trx.selectFrom('actor').select('sectors').where('sectors', '@>', sql<string[]>`ARRAY['lawyers', 'journalists_media']`).execute();
      expect(sectors.length).toBe(2);
    });
  });

  it('a newer release updates what changed, with history, and reports it', async () => {
    const ds = 'release';
    const rows1 = Array.from({ length: 10 }, (_, i) => sheetRow(i + 1, 3).cells);
    const toCsv = (rows: string[][]) => [sheetHeaders, ...rows].map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(';')).join('\n');
    await runImport(t, user, { profile: sheetProfile(ds), file: file(toCsv(rows1)), lang: 'es' });
    const rows2 = rows1.map((r) => [...r]);
    rows2[0]![4] = 'Municipio corregido';
    rows2[1]![5] = 'Amenaza de muerte';
    rows2.push(sheetRow(11, 3).cells);
    const r = await runImport(t, user, { profile: sheetProfile(ds), file: file(toCsv(rows2)), lang: 'es' });
    expect(r).toMatchObject({ created: 1, updated: 2, unchanged: 8 });
    const page = await listIncidents(t, user, recordInput.listQuery.parse({ q: 'corregido', limit: 10 }));
    expect(page.items).toHaveLength(1);
    const hist = await getHistory(t, user, 'incident', page.items[0]!.id);
    expect(hist.map((h) => h.action)).toEqual(['create', 'update']);
    expect(hist[1]!.changes.map((c) => c.field)).toContain('placeName');
  });

  it('all-or-nothing writes nothing when a row is bad; valid-rows writes the rest and a rejected file', async () => {
    const text = sheetCsv(5, 9) + 'C-999999;31/02/2020;Venezuela;Zulia;X;alanamiento;Ana Díaz;Policía;texto\r\nC-999998;01/01/2020;Narnia;Zulia;X;raid;Luis Paz;Policía;x\r\n';
    const profile = sheetProfile('modes');
    const before = await count();
    const aon = await runImport(t, user, { profile, file: file(text), lang: 'en', mode: 'all-or-nothing' });
    expect(aon).toMatchObject({ state: 'failed', rejected: 2, created: 0 });
    expect(await count()).toBe(before);
    const out = join(t.dataDir, 'rejected.csv');
    const vr = await runImport(t, user, { profile, file: file(text), lang: 'en', mode: 'valid-rows', rejectedOut: out });
    expect(vr).toMatchObject({ state: 'complete', rejected: 2, created: 5 });
    const rej = parse(readFileSync(out), { bom: true }) as string[][];
    expect(rej[0]![0]).toBe('Line');
    expect(rej[0]!.at(-1)).toBe('Reason rejected');
    expect(rej[1]![0]).toBe('7');
    expect(rej[1]!.at(-1)).toMatch(/line 7, column “Fecha del hecho”: “31\/02\/2020” is not a date/);
    expect(rej[2]!.at(-1)).toMatch(/column “País”: “Narnia” is not a recognised country/);
  });

  it('one row per act: rows sharing the case key become one incident with several acts', async () => {
    const profile = parseProfile(
      {
        version: 1,
        dataset: 'acts',
        unit: 'act',
        columns: { incidentKey: 'Caso', title: 'Título', actType: 'Acto', victims: 'Víctima', startDate: 'Fecha', country: 'País' },
      },
      'es',
    );
    const text = 'Caso,Título,Acto,Víctima,Fecha,País\nK1,Allanamiento en Maracaibo,raid,Ana Paz,2021-05,Venezuela\nK2,Otro caso,threat,Luis Paz,2021,VE\nK1,Allanamiento en Maracaibo,detention,Ana Paz,2021-05,Venezuela\n';
    const r = await runImport(t, user, { profile, file: file(text), lang: 'es' });
    expect(r).toMatchObject({ created: 2, mergedRows: 1 });
    const page = await listIncidents(t, user, recordInput.listQuery.parse({ q: 'Maracaibo', limit: 10 }));
    const cf = await getCaseFile(t, user, page.items[0]!.id);
    expect(cf.acts.map((a) => a.actType).sort()).toEqual(['detention', 'raid']);
    expect(cf.acts[0]!.victim!.name).toBe('Ana Paz');
    expect(cf.incident.startDate).toBe('2021-05');
  });

  it('victim names are stored encrypted, never in plain text', async () => {
    const rows = await t.db.selectFrom('actor').select(['name_enc']).limit(5).execute();
    for (const r of rows) expect(r.name_enc.toString('latin1')).not.toMatch(/Pérez|González|Paz/);
    const staging = await t.db.selectFrom('import_staging').selectAll().execute();
    expect(staging).toEqual([]);
  });

  it('never crashes on random or malformed files: it imports or explains', async () => {
    const profile = sheetProfile('fuzz');
    const cell = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('=1+1', '"', '""', ';', '\n', '31/02/2020', '43891', 'Venezuela', 'alanamiento', ''));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { maxLength: 11 }), { maxLength: 8 }),
        fc.constantFrom(';', ',', '\t'),
        fc.boolean(),
        async (rows, sep, header) => {
          const lines = [header ? sheetHeaders.join(sep) : 'x', ...rows.map((r) => r.join(sep))];
          try {
            const r = await runImport(t, user, { profile, file: file(lines.join('\n')), lang: 'es', dryRun: true });
            expect(r.valid + r.rejected).toBe(r.rows);
            if (r.rejected) expect(r.issueCount).toBeGreaterThan(0);
          } catch (e) {
            expect(e).toBeInstanceOf(AppError);
            expect((e as AppError).issues.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe.each(engines)('bulk import (%s)', (engine) => {
  let t: TestDb;
  let owner: TestDb;
  beforeAll(async () => {
    t = await openTestDb(engine);
    // Dropping indexes needs the tables' owner (the application role on a server is not).
    owner = { ...t, db: t.ownerDb ?? t.db };
  });
  afterAll(async () => t?.cleanup());

  it('leaves the same records, history and trend counts as the row-by-row apply, and the schema as it was', async () => {
    const before = await schemaState(owner.db);
    const [a, b] = [await makeUser(t, await makeOrg(t), 'documenter'), await makeUser(t, await makeOrg(t), 'documenter')];
    const path = join(t.dataDir, 'bulk.csv');
    writeFileSync(path, sheetCsv(300));
    const plain = await runImport(owner, a, { profile: sheetProfile('bulk'), file: path, lang: 'es', mode: 'valid-rows', bulk: false });
    const bulk = await runImport(owner, b, { profile: sheetProfile('bulk'), file: path, lang: 'es', mode: 'valid-rows', bulk: true });
    expect(plain).toMatchObject({ state: 'complete', bulk: false });
    expect(bulk).toMatchObject({ state: 'complete', bulk: true, created: plain.created, rejected: plain.rejected });
    expect(plain.created).toBeGreaterThan(250);
    expect(await schemaState(owner.db)).toEqual(before);
    const stored = await storedCounts(owner.db, b.organisationId);
    expect(stored.length).toBeGreaterThan(20);
    expect(stored).toEqual(await storedCounts(owner.db, a.organisationId));
    const tally = async (org: string) =>
      (await sql<{ t: string; n: string }>`SELECT record_table AS t, count(*) AS n FROM record_history WHERE organisation_id = ${org} GROUP BY 1 ORDER BY 1`.execute(owner.db)).rows;
    expect(await tally(b.organisationId)).toEqual(await tally(a.organisationId));
    // The indexes are back: the next release goes row by row and finds every case unchanged.
    const again = await runImport(owner, b, { profile: sheetProfile('bulk'), file: path, lang: 'es', mode: 'valid-rows' });
    expect(again).toMatchObject({ bulk: false, created: 0, unchanged: plain.created });
    expect((await verifyAudit(owner.db)).problems).toEqual([]);
  });

  it.each([false, true])('a failure while a batch is being written leaves nothing behind (bulk: %s)', async (bulk) => {
    const before = await schemaState(owner.db);
    const u = await makeUser(t, await makeOrg(t), 'documenter');
    const path = join(t.dataDir, `fail-${bulk}.csv`);
    writeFileSync(path, sheetCsv(200));
    // Progress is reported right after a batch is handed to the database, while it is written.
    const onProgress = (p: { phase: string; rows: number }) => {
      if (p.phase === 'apply' && p.rows >= 100) throw new Error('stopped');
    };
    await expect(runImport(owner, u, { profile: sheetProfile(`fail-${bulk}`), file: path, lang: 'es', mode: 'valid-rows', bulk, batchSize: 40, onProgress })).rejects.toThrow('stopped');
    const left = async (table: string) =>
      Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)} WHERE organisation_id = ${u.organisationId}`.execute(owner.db)).rows[0]!.n);
    for (const table of ['incident', 'actor', 'act', 'involvement', 'record_history', 'import_key']) expect(await left(table)).toBe(0);
    expect(await schemaState(owner.db)).toEqual(before);
    // The job is still there to be applied: running the same import again completes it.
    const again = await runImport(owner, u, { profile: sheetProfile(`fail-${bulk}`), file: path, lang: 'es', mode: 'valid-rows', bulk });
    expect(again).toMatchObject({ state: 'complete', resumed: true });
    expect(await left('incident')).toBe(again.created);
  });

  it('is not chosen by default below bulkImportFrom rows', async () => {
    const u = await makeUser(t, await makeOrg(t), 'documenter');
    const path = join(t.dataDir, 'small.csv');
    writeFileSync(path, sheetCsv(20));
    expect(bulkImportFrom).toBeGreaterThan(20);
    expect(await runImport(owner, u, { profile: sheetProfile('small'), file: path, lang: 'es', mode: 'valid-rows' })).toMatchObject({ bulk: false, state: 'complete' });
  });
});
