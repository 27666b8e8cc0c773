/**
 * What people and code see of a case's history — every record's versions with their diffs, who,
 * when and why, the case history, the audit trail, archive and restore — for one scenario made
 * by hand, by imports (row by row and bulk) and by a re-import that changes rows. The expected
 * output (record-history.golden.json) was written by the code that kept every version in
 * record_history, before history kept only superseded versions (migration 081); both engines must
 * still produce it exactly. Ids and times differ from run to run, so they are replaced by stable
 * names (records by what they are, times by their order).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { UserActor } from '../access/index.js';
import { runImport } from '../interop/import.service.js';
import { sheetCsv, sheetProfile } from '../interop/testing/spanish-sheet.js';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser } from '../../test/support/factories.js';
import { archiveRecord, createRecord, getCaseFile, getCaseHistory, getHistory, getRecord, updateRecordCommand, uploadEvidence } from './index.js';
import { caseRecordTables } from './record-history.queries.js';
import { getRow } from './record-store.js';
import { canonicalJson, listMigrations, type RecordTable } from '../store/index.js';

const goldenPath = join(import.meta.dirname, 'record-history.golden.json');
const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const isoTime = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g;

/** Replaces ids by the names given (others by 'id') and times by their rank among all times seen. */
function normalise(value: unknown, names: Map<string, string>, times: string[]): unknown {
  const text = JSON.stringify(value)
    .replace(uuid, (id) => names.get(id) ?? 'id')
    .replace(isoTime, (at) => (times.includes(at) ? `t${times.indexOf(at)}` : 'import time'));
  return JSON.parse(text) as unknown;
}

async function scenario(t: TestDb, doc: UserActor): Promise<{ names: Map<string, string>; cases: string[]; cutoff: string }> {
  const names = new Map<string, string>();
  const name = <T extends { id: string }>(label: string, r: T): T => {
    names.set(r.id, label);
    return r;
  };
  const inc = name('incident', await createRecord(t, doc, 'incident', { title: 'Allanamiento de la sede', startDate: '2021-03', country: 'VE', placeName: 'Mérida' }));
  const v1 = name('victim1', await createRecord(t, doc, 'actor', { kind: 'person', name: 'Ana Pérez', aliases: ['Anita'], contact: 'tel 1' }));
  const v2 = name('victim2', await createRecord(t, doc, 'actor', { kind: 'group', name: 'Colectivo Tierra', groupSize: 12 }));
  const p = name('perpetrator', await createRecord(t, doc, 'actor', { kind: 'organisation', name: 'Policía municipal' }));
  const a1 = name('act1', await createRecord(t, doc, 'act', { incidentId: inc.id, victimId: v1.id, actType: 'raid', startDate: '2021-03-02' }));
  const a2 = name('act2', await createRecord(t, doc, 'act', { incidentId: inc.id, victimId: v2.id, actType: 'threat' }));
  const i1 = name('involvement1', await createRecord(t, doc, 'involvement', { actId: a1.id, perpetratorId: p.id, perpetratorType: 'police' }));
  name('involvement2', await createRecord(t, doc, 'involvement', { actId: a2.id, perpetratorType: 'military' }));
  name('source', await createRecord(t, doc, 'source', { incidentId: inc.id, sourceType: 'testimony_witness', identity: 'Testigo A' }));
  const ev = await uploadEvidence(t, doc, inc.id, Readable.from([Buffer.from('Testimonio escrito.\n')]), { originalName: 'nota.txt' });
  names.set(ev.original.id as string, 'evidence');

  await updateRecordCommand(t, doc, 'incident', inc.id, { version: 1, title: 'Allanamiento de la sede de la ONG', reason: 'título preciso' });
  await updateRecordCommand(t, doc, 'incident', inc.id, { version: 2, narrative: 'Entraron sin orden.', narrativeSensitive: true, reason: 'relato' });
  await updateRecordCommand(t, doc, 'incident', inc.id, { version: 3, startDate: '2021-03-02', placeName: null });
  await updateRecordCommand(t, doc, 'actor', v1.id, { version: 1, aliases: ['Anita', 'A. P.'], contact: null, reason: 'contacto retirado' });
  await updateRecordCommand(t, doc, 'act', a1.id, { version: 1, actType: 'detention', reason: 'fue detención' });
  await updateRecordCommand(t, doc, 'involvement', i1.id, { version: 1, perpetratorType: 'military' });
  await archiveRecord(t, doc, 'act', a2.id, { version: 1, reason: 'duplicado' });
  await archiveRecord(t, doc, 'act', a2.id, { version: 2, reason: 'no era duplicado' }, true);
  await archiveRecord(t, doc, 'actor', v2.id, { version: 1, reason: 'error' });

  const cutoff = (await sql<{ at: Date }>`SELECT clock_timestamp() AS at`.execute(t.ownerDb)).rows[0]!.at.toISOString();
  // Imports: a bulk first release, a row-by-row one, then a re-import with changed cells.
  const file = (label: string, text: string) => {
    const path = join(t.dataDir, `${label}.csv`);
    writeFileSync(path, text);
    return path;
  };
  const bulk = await runImport(t, doc, { profile: sheetProfile('bulk'), file: file('bulk', sheetCsv(6)), lang: 'es', mode: 'valid-rows', bulk: true });
  expect(bulk).toMatchObject({ state: 'complete', bulk: true });
  const rows = await runImport(t, doc, { profile: sheetProfile('rows'), file: file('rows', sheetCsv(6)), lang: 'es', mode: 'valid-rows', bulk: false });
  expect(rows).toMatchObject({ state: 'complete', bulk: false });
  const again = await runImport(t, doc, { profile: sheetProfile('rows'), file: file('rows2', sheetCsv(6, 2)), lang: 'es', mode: 'valid-rows', bulk: false });
  expect(again.updated).toBeGreaterThan(0);

  // Imported cases are named by dataset and case number (their narrative says "Hechos del caso N").
  const imported = await sql<{ id: string; dataset: string }>`SELECT incident_id AS id, dataset FROM import_key`.execute(t.ownerDb);
  const cases = [inc.id];
  for (const r of imported.rows) {
    const n = /caso (\d+)/.exec(JSON.stringify(await getRecord(t, doc, 'incident', r.id)))?.[1];
    expect(n).toBeDefined();
    names.set(r.id, `${r.dataset}-${n}`);
    cases.push(r.id);
  }
  cases.sort((a, b) => names.get(a)!.localeCompare(names.get(b)!));
  return { names, cases, cutoff };
}

/** Everything the scenario shows: per case its history, per record its versions, the audit trail. */
async function observe(t: TestDb, doc: UserActor, org: string, names: Map<string, string>, cases: string[], cutoff: string) {
  const raw: Record<string, unknown> = {};
  for (const id of cases) {
    const history = await getCaseHistory(t, doc, id);
    // The newest first, as the page shows it.
    for (let k = 1; k < history.length; k++) expect(history[k - 1]!.changedAt >= history[k]!.changedAt).toBe(true);
    const file = await getCaseFile(t, doc, id);
    const records: unknown[] = [];
    for (const key of new Set(history.map((e) => `${e.table}:${e.recordId}`))) {
      const [table, recordId] = key.split(':') as [(typeof caseRecordTables)[number], string];
      records.push({ table, recordId, versions: await getHistory(t, doc, table, recordId) });
    }
    raw[id] = { history, records, file };
  }
  const audit = await sql<Record<string, unknown>>`SELECT action, object_table, object_id, outcome, detail FROM audit_log
    WHERE organisation_id = ${org} ORDER BY seq`.execute(t.ownerDb);
  raw.audit = audit.rows;
  // Times of the hand-made edits by their order; those of imports all alike (batches of one import
  // run in an order of their own).
  const times = [...new Set(JSON.stringify(raw).match(isoTime) ?? [])].filter((at) => at < cutoff).sort();
  // Records other than those named get names from their case and their place in it.
  const out = normalise(raw, names, times) as Record<string, unknown>;
  const stable = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(stable) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, stable(x)])) : v;
  const byCase: Record<string, unknown> = {};
  for (const id of cases) {
    const c = out[names.get(id)!] as { history: unknown[]; records: unknown[]; file: unknown };
    byCase[names.get(id)!] = {
      // Entries of one moment have no order between records of the same kind: compare them as a set.
      history: c.history.map((e) => JSON.stringify(stable(e))).sort(),
      records: c.records.map((r) => JSON.stringify(stable(r))).sort(),
      file: stable(c.file),
    };
  }
  return { cases: byCase, audit: out.audit };
}

describe.each(engines)('record history on %s', (engine) => {
  let t: TestDb;
  afterAll(async () => t?.cleanup());

  it('reads, diffs, case history, audit, archive and restore are exactly those of the golden record', async () => {
    t = await openTestDb(engine);
    const org = await makeOrg(t, 'historia');
    const doc = await makeUser(t, org, 'documenter');
    const { names, cases, cutoff } = await scenario(t, doc);
    const seen = await observe(t, doc, org, names, cases, cutoff);
    if (process.env.WRITE_HISTORY_GOLDEN === engine) writeFileSync(goldenPath, JSON.stringify(seen, null, 1) + '\n');
    if (process.env.DUMP_HISTORY) writeFileSync(process.env.DUMP_HISTORY, JSON.stringify(seen, null, 1) + "\n");
    const golden = JSON.parse(readFileSync(goldenPath, 'utf8')) as unknown;
    expect(seen).toEqual(golden);

    // Migration 081 on data written the old way (every history row a copy of its own version, the
    // latest one a copy of the live row): rebuilt here from what is stored, then converted by the
    // migration's own text, it reads exactly the same.
    const history = await sql<{ id: string; record_table: RecordTable; record_id: string; version: number }>`SELECT id, record_table, record_id, version
      FROM record_history WHERE organisation_id = ${org} ORDER BY record_table, record_id, version`.execute(t.ownerDb);
    const total = history.rows.length;
    await sql`UPDATE record_history h SET row_data = n.after FROM (
        SELECT id, lead(row_data) OVER (PARTITION BY organisation_id, record_table, record_id ORDER BY version) AS after FROM record_history) n
      WHERE n.id = h.id`.execute(t.ownerDb);
    const latest = new Map(history.rows.map((h) => [`${h.record_table}:${h.record_id}`, h]));
    for (const h of latest.values()) {
      const { search: _search, ...live } = (await getRow(t.ownerDb, h.record_table, org, h.record_id))!;
      await sql`UPDATE record_history SET row_data = ${canonicalJson(live)}::jsonb WHERE organisation_id = ${org} AND id = ${h.id}`.execute(t.ownerDb);
    }
    const old = await sql<{ n: string }>`SELECT count(*) AS n FROM record_history WHERE organisation_id = ${org} AND row_data IS NULL`.execute(t.ownerDb);
    expect(Number(old.rows[0]!.n)).toBe(0);
    const migration = listMigrations().find((m) => m.id.startsWith('081-'))!;
    await sql.raw(migration.sql).execute(t.ownerDb);
    const created = await sql<{ n: string; empty: string }>`SELECT count(*) AS n, count(*) FILTER (WHERE row_data IS NULL) AS empty
      FROM record_history WHERE organisation_id = ${org} AND action = 'create'`.execute(t.ownerDb);
    expect(Number(created.rows[0]!.empty)).toBe(Number(created.rows[0]!.n));
    expect((await sql<{ n: string }>`SELECT count(*) AS n FROM record_history WHERE organisation_id = ${org}`.execute(t.ownerDb)).rows[0]!.n).toBe(String(total));
    const after = await observe(t, doc, org, names, cases, cutoff);
    const expected = golden as typeof seen;
    expect(after.cases).toEqual(expected.cases);
    // The same trail, followed by the views of this second reading.
    expect((after.audit as unknown[]).slice(0, (expected.audit as unknown[]).length)).toEqual(expected.audit);

    // A restored act reads as it was before its archive.
    const act2 = [...names].find(([, l]) => l === 'act2')![0];
    expect((await getRecord(t, doc, 'act', act2)).archivedAt).toBeNull();
  }, 600_000);
});
