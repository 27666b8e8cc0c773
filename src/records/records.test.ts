import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoalition } from '../access/organisations.js';
import type { UserActor } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser } from '../../test/support/factories.js';
import { archiveRecord, createRecord, getCaseFile, getHistory, getRecord, listIncidents, updateRecordCommand, findActorsByName } from './index.js';
import { recordInput } from './index.js';

async function expectError(p: Promise<unknown>, code: string): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe(code);
    return e as AppError;
  }
  throw new Error(`expected ${code}`);
}

describe.each(engines)('records on %s', (engine) => {
  let t: TestDb;
  let org: string;
  let doc: UserActor;

  beforeAll(async () => {
    t = await openTestDb(engine, { rls: true });
    org = await makeOrg(t);
    doc = await makeUser(t, org, 'documenter');
  });
  afterAll(async () => t?.cleanup());

  it('creates an incident with a month-precision date and reads it back', async () => {
    const inc = await createRecord(t, doc, 'incident', {
      title: 'Detención de cinco integrantes de una ONG de salud',
      narrative: 'Funcionarios detuvieron a cinco integrantes de la organización en Maracaibo.',
      startDate: '2021-01',
      country: 've',
      subdivision: 'VE-V',
      placeName: 'Maracaibo',
    });
    expect(inc.startDate).toBe('2021-01');
    expect(inc.country).toBe('VE');
    expect(inc.status).toBe('open');
    expect(inc.version).toBe(1);
    const again = await getRecord(t, doc, 'incident', inc.id);
    expect(again.title).toBe(inc.title);
    expect(again.narrative).toContain('Maracaibo');
  });

  it('refuses unknown vocabulary codes, impossible dates and smuggled fields, naming each field', async () => {
    const inc = await createRecord(t, doc, 'incident', { title: 'Allanamiento de oficina', startDate: '2020-11-10' });
    const victim = await createRecord(t, doc, 'actor', { kind: 'group', name: 'Cinco integrantes de la ONG', groupSize: 5 });
    const err = await expectError(
      createRecord(t, doc, 'act', { incidentId: inc.id, victimId: victim.id, actType: 'not_a_code', startDate: '2021-02-30' }, 'en'),
      'validation',
    );
    const paths = err.issues.map((i) => i.path.join('.')).sort();
    expect(paths).toEqual(['actType', 'startDate']);
    expect(err.issues.find((i) => i.path[0] === 'actType')?.message).toMatch(/act_type/);
    const es = await expectError(createRecord(t, doc, 'act', { incidentId: inc.id, victimId: victim.id, actType: 'xx' }, 'es'), 'validation');
    expect(es.issues[0]?.message).toMatch(/Código desconocido/);
    // A group term (not a leaf) is not selectable either.
    await expectError(createRecord(t, doc, 'act', { incidentId: inc.id, victimId: victim.id, actType: 'deprivation_of_liberty' }), 'validation');
    const smuggle = await expectError(createRecord(t, doc, 'incident', { title: 'Intento', organisation_id: org, createdBy: 'x' }), 'validation');
    expect(smuggle.issues.length).toBeGreaterThan(0);
  });

  it('refuses a reference to a record of another organisation as a missing reference', async () => {
    const other = await makeOrg(t);
    const stranger = await makeUser(t, other, 'documenter');
    const theirVictim = await createRecord(t, stranger, 'actor', { kind: 'person', name: 'Persona ficticia' });
    const inc = await createRecord(t, doc, 'incident', { title: 'Amenazas públicas' });
    const err = await expectError(createRecord(t, doc, 'act', { incidentId: inc.id, victimId: theirVictim.id, actType: 'threat' }), 'validation');
    expect(err.issues[0]?.path).toEqual(['victimId']);
  });

  it('keeps every version; a stale update is a conflict that shows both versions and loses nothing', async () => {
    const inc = await createRecord(t, doc, 'incident', { title: 'Congelamiento de cuentas bancarias', startDate: '2020-12' });
    const v2 = await updateRecordCommand(t, doc, 'incident', inc.id, { version: 1, title: 'Congelamiento de cuentas de ONG', reason: 'precisión' });
    expect(v2.version).toBe(2);
    const err = await expectError(updateRecordCommand(t, doc, 'incident', inc.id, { version: 1, title: 'Otra edición' }), 'conflict');
    expect((err.details.current as { title: string }).title).toBe('Congelamiento de cuentas de ONG');
    expect((err.details.yours as { title: string }).title).toBe('Otra edición');
    const archived = await archiveRecord(t, doc, 'incident', inc.id, { version: 2, reason: 'duplicado' });
    expect(archived.archivedAt).not.toBeNull();
    const history = await getHistory(t, doc, 'incident', inc.id);
    expect(history.map((h) => [h.version, h.action, h.reason])).toEqual([
      [1, 'create', null],
      [2, 'update', 'precisión'],
      [3, 'archive', 'duplicado'],
    ]);
    expect(history[1]?.changes).toEqual([{ field: 'title', before: 'Congelamiento de cuentas bancarias', after: 'Congelamiento de cuentas de ONG' }]);
    const list = await listIncidents(t, doc, recordInput.listQuery.parse({}));
    expect(list.items.find((i) => i.id === inc.id)).toBeUndefined();
    const withArchived = await listIncidents(t, doc, recordInput.listQuery.parse({ archived: 'only' }));
    expect(withArchived.items.map((i) => i.id)).toContain(inc.id);
  });

  it('a failed write leaves the previous state intact', async () => {
    const inc = await createRecord(t, doc, 'incident', { title: 'Orden de aprehensión' });
    const before = await sql<{ n: string }>`SELECT count(*) AS n FROM record_history`.execute(t.ownerDb);
    await expect(
      t.ownerDb.transaction().execute(async (trx) => {
        await sql`UPDATE incident SET title = 'cambiado' WHERE id = ${inc.id}`.execute(trx);
        throw new Error('crash in the middle of a write');
      }),
    ).rejects.toThrow();
    expect((await getRecord(t, doc, 'incident', inc.id)).title).toBe('Orden de aprehensión');
    const after = await sql<{ n: string }>`SELECT count(*) AS n FROM record_history`.execute(t.ownerDb);
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });

  it('searches accent-insensitively and pages with a cursor', async () => {
    const a = await createRecord(t, doc, 'incident', { title: 'Detención arbitraria de un abogado', country: 'VE' });
    const found = await listIncidents(t, doc, recordInput.listQuery.parse({ q: 'detencion' }));
    expect(found.items.map((i) => i.id)).toContain(a.id);
    const none = await listIncidents(t, doc, recordInput.listQuery.parse({ q: 'inexistentepalabra' }));
    expect(none.items).toEqual([]);
    const p1 = await listIncidents(t, doc, recordInput.listQuery.parse({ limit: 2 }));
    expect(p1.items).toHaveLength(2);
    const p2 = await listIncidents(t, doc, recordInput.listQuery.parse({ limit: 2, cursor: p1.nextCursor! }));
    expect(p2.items.map((i) => i.id)).not.toContain(p1.items[0]!.id);
  });

  it('encrypts names, contacts, sensitive narratives and source identities: the stored bytes do not contain them', async () => {
    const canary = `CANARY-${Math.random().toString(36).slice(2)}`;
    const inc = await createRecord(t, doc, 'incident', { title: 'Caso con canarios', narrative: `relato ${canary}-N`, narrativeSensitive: true });
    const victim = await createRecord(t, doc, 'actor', { kind: 'person', name: `Nombre ${canary}-V`, aliases: [`Alias ${canary}-A`], contact: `tel ${canary}-C` });
    await createRecord(t, doc, 'act', { incidentId: inc.id, victimId: victim.id, actType: 'detention' });
    await createRecord(t, doc, 'source', { incidentId: inc.id, sourceType: 'testimony_witness', identity: `Testigo ${canary}-S` });
    const tables = ['incident', 'actor', 'act', 'source', 'record_history', 'audit_log'];
    for (const table of tables) {
      const r = await sql<{ dump: string }>`SELECT string_agg(t::text, '') AS dump FROM ${sql.table(table)} t`.execute(t.ownerDb);
      expect(r.rows[0]?.dump ?? '', table).not.toContain(canary);
      if (table !== 'audit_log') expect((r.rows[0]?.dump ?? '').length, `${table} is not empty`).toBeGreaterThan(0);
    }
    const file = await getCaseFile(t, doc, inc.id);
    expect(file.incident.narrative).toBe(`relato ${canary}-N`);
    expect(file.acts[0]?.victim?.name).toBe(`Nombre ${canary}-V`);
    expect(file.acts[0]?.victim?.aliases).toEqual([`Alias ${canary}-A`]);
    expect(file.sources[0]?.identity).toBe(`Testigo ${canary}-S`);
    const byName = await findActorsByName(t, doc, `nombre ${canary.toLowerCase()} v`);
    expect(byName.map((a) => a.id)).toEqual([victim.id]);
  });

  it('another organisation sees nothing private, and a coalition partner sees only the shared set', async () => {
    const partnerOrg = await makeOrg(t);
    const coalition = await createCoalition(t.db, { slug: `c-${Date.now()}`, name: 'Coalición', members: [org, partnerOrg] });
    const partner = await makeUser(t, partnerOrg, 'analyst', [coalition.id]);
    const stranger = await makeUser(t, await makeOrg(t), 'admin');
    const inc = await createRecord(t, doc, 'incident', { title: 'Caso compartido', narrative: 'relato abierto', visibility: 'coalition' });
    const victim = await createRecord(t, doc, 'actor', { kind: 'person', name: 'Persona Ficticia Compartida' });
    await createRecord(t, doc, 'act', { incidentId: inc.id, victimId: victim.id, actType: 'arrest' });
    await expectError(getRecord(t, partner, 'incident', inc.id), 'not_found');
    await t.ownerDb.insertInto('record_share').values({ organisation_id: org, incident_id: inc.id, coalition_id: coalition.id, fields: null }).execute();
    const seen = await getCaseFile(t, partner, inc.id);
    expect(seen.owner).toBe(false);
    expect(seen.incident.title).toBe('Caso compartido');
    expect(seen.incident.narrative).toBeUndefined();
    expect(seen.acts[0]?.actType).toBe('arrest');
    expect(seen.acts[0]?.victim?.name).toBeUndefined();
    await expectError(getRecord(t, stranger, 'incident', inc.id), 'not_found');
    await expectError(updateRecordCommand(t, partner, 'incident', inc.id, { version: 1, title: 'Intento ajeno' }), 'forbidden');
    // Sharing victims' names for this incident lets the partner see the victim's name on the actor record too.
    expect((await getRecord(t, partner, 'actor', victim.id)).name).toBeUndefined();
    await t.ownerDb.updateTable('record_share').set({ fields: ['victim_names'] }).where('incident_id', '=', inc.id).execute();
    expect((await getRecord(t, partner, 'actor', victim.id)).name).toBe('Persona Ficticia Compartida');
    const partnerDoc = await makeUser(t, partnerOrg, 'documenter', [coalition.id]);
    await expectError(updateRecordCommand(t, partnerDoc, 'incident', inc.id, { version: 1, title: 'Intento ajeno' }), 'not_found');
  });
});
