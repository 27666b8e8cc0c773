import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoalition } from '../access/index.js';
import { createRecord } from '../records/index.js';
import { AppError } from '../shared/errors.js';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser } from '../../test/support/factories.js';
import { analyseEscalation } from './escalation.analysis.js';
import { countInScope, countRecords } from './counts.queries.js';
import { parseCountQuery } from './counts.schema.js';
import { generateSynthetic } from './synthetic.generate.js';
import { inTransaction, systemScope } from '../store/index.js';

describe('parseCountQuery', () => {
  it('reads the CLI form and lists every problem at once', () => {
    const q = parseCountQuery({ by: 'year,country', unit: 'acts', where: 'act_type=arrest|raid,country=VE', from: '2020-01', to: '2021-12' });
    expect(q).toMatchObject({ unit: 'acts', period: 'year', by: ['country'], where: { act_type: ['arrest', 'raid'], country: ['VE'] } });
    try {
      parseCountQuery({ by: 'year,colour', unit: 'people', where: 'act_type=flying,country=', from: '2020-13' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      const paths = (e as AppError).issues.map((i) => i.path.join('.'));
      expect(paths).toEqual(expect.arrayContaining(['unit', 'by', 'where.act_type', 'where.country', 'from']));
    }
  });
});

describe.each(engines)('counts (%s)', (engine) => {
  let t: TestDb;
  let orgA: string;
  let orgB: string;
  let coalition: string;
  beforeAll(async () => {
    t = await openTestDb(engine);
    orgA = await makeOrg(t);
    orgB = await makeOrg(t);
    coalition = (await createCoalition(t.db, { slug: `c-${engine}`, name: 'C', members: [orgA, orgB] })).id;
    const sys = { kind: 'system', organisationId: orgA } as const;
    // One incident, three victims (one a group of 4): 1 incident, 3 acts, 6 victims.
    const inc = await createRecord(t, sys, 'incident', { title: 'Detención en Caracas', country: 'VE', subdivision: 'VE-A', startDate: '2020-11-05', status: 'open', visibility: 'private' });
    const p1 = await createRecord(t, sys, 'actor', { kind: 'person', name: 'Persona Uno', sectors: ['lawyers'] });
    const p2 = await createRecord(t, sys, 'actor', { kind: 'person', name: 'Persona Dos', sectors: [] });
    const g = await createRecord(t, sys, 'actor', { kind: 'group', name: 'Grupo', groupSize: 4, sectors: ['students'] });
    for (const v of [p1, p2, g]) await createRecord(t, sys, 'act', { incidentId: inc.id, victimId: v.id, actType: 'arrest', startDate: '2020-11-05', country: 'VE' });
    // A raid dated only to the year, and an undated threat.
    const inc2 = await createRecord(t, sys, 'incident', { title: 'Allanamiento', country: 'VE', startDate: '2021', status: 'open', visibility: 'public' });
    const o = await createRecord(t, sys, 'actor', { kind: 'organisation', name: 'ONG', sectors: ['ngo_organisation'] });
    await createRecord(t, sys, 'act', { incidentId: inc2.id, victimId: o.id, actType: 'raid', country: 'VE' });
    const inc3 = await createRecord(t, sys, 'incident', { title: 'Amenaza', country: 'CO', status: 'open', visibility: 'private' });
    await createRecord(t, sys, 'act', { incidentId: inc3.id, victimId: p1.id, actType: 'threat' });
    // Organisation B: one incident shared with the coalition, one not.
    const sysB = { kind: 'system', organisationId: orgB } as const;
    const shared = await createRecord(t, sysB, 'incident', { title: 'Compartido', country: 'VE', startDate: '2021-02-01', status: 'open', visibility: 'coalition' });
    await createRecord(t, sysB, 'incident', { title: 'No compartido', country: 'VE', startDate: '2021-02-01', status: 'open', visibility: 'coalition' });
    await inTransaction(t.db, systemScope([orgB]), (trx) => trx.insertInto('record_share').values({ organisation_id: orgB, incident_id: shared.id, coalition_id: coalition, fields: null }).execute());
  });
  afterAll(async () => t.cleanup());

  it('states each unit: 1 incident is 3 acts and 6 victims (a group of 4 counts 4)', async () => {
    const scope = systemScope([orgA]);
    const q = (unit: 'incidents' | 'acts' | 'victims') => countInScope(t.db, scope, parseCountQuery({ unit, where: 'act_type=arrest' }));
    expect((await q('incidents')).rows).toEqual([{ keys: {}, count: 1 }]);
    expect((await q('acts')).rows).toEqual([{ keys: {}, count: 3 }]);
    expect((await q('victims')).rows).toEqual([{ keys: {}, count: 6 }]);
  });

  it('gives one row per month with explicit zeros and reports what it leaves out', async () => {
    const r = await countInScope(t.db, systemScope([orgA]), parseCountQuery({ unit: 'incidents', by: 'month', from: '2020-10', to: '2021-01' }));
    expect(r.rows.map((x) => [x.period, x.count])).toEqual([['2020-10', 0], ['2020-11', 1], ['2020-12', 0], ['2021-01', 0]]);
    expect(r.excluded).toEqual({ undated: 0, imprecise: 1 });
    const all = await countInScope(t.db, systemScope([orgA]), parseCountQuery({ unit: 'incidents', by: 'year' }));
    expect(all.rows.map((x) => [x.period, x.count])).toEqual([['2020', 1], ['2021', 1]]);
    expect(all.excluded.undated).toBe(1);
  });

  it('breaks down by facets, and a parent act type includes its narrower types', async () => {
    const r = await countInScope(t.db, systemScope([orgA]), parseCountQuery({ unit: 'acts', by: 'country,act_type' }));
    expect(r.rows.map((x) => [x.keys.country, x.keys.act_type, x.count])).toEqual([['CO', 'threat', 1], ['VE', 'arrest', 3], ['VE', 'raid', 1]]);
    const parent = await countInScope(t.db, systemScope([orgA]), parseCountQuery({ unit: 'incidents', where: 'act_type=attacks_on_organisations' }));
    expect(parent.rows[0]!.count).toBe(1);
    const kinds = await countInScope(t.db, systemScope([orgA]), parseCountQuery({ unit: 'victims', by: 'victim_kind,sector', where: 'country=VE' }));
    expect(kinds.rows).toContainEqual({ keys: { victim_kind: 'group', sector: 'students' }, count: 4 });
    expect(kinds.rows).toContainEqual({ keys: { victim_kind: 'person', sector: null }, count: 1 });
  });

  it('counts only what the actor may see: own records plus what coalitions shared', async () => {
    const analyst = await makeUser(t, orgA, 'analyst', [coalition]);
    const r = await countRecords(t, analyst, parseCountQuery({ unit: 'incidents', by: 'organisation' }));
    const total = r.rows.reduce((s, x) => s + x.count, 0);
    expect(total).toBe(4); // 3 own + 1 shared, not the unshared one
    const outsider = await makeUser(t, await makeOrg(t), 'analyst');
    const none = await countRecords(t, outsider, parseCountQuery({ unit: 'incidents' }));
    expect(none.rows).toEqual([{ keys: {}, count: 0 }]);
  });

  it('reports a cancelled statement as AppError(timeout)', async () => {
    const { readOnly } = await import('./counts.queries.js');
    const cancelled = readOnly(t.db, systemScope([orgA]), {}, async (trx) =>
      sql`DO $$ BEGIN RAISE EXCEPTION 'cancelled' USING ERRCODE = 'query_canceled'; END $$`.execute(trx),
    );
    await expect(cancelled).rejects.toMatchObject({ code: 'timeout' });
  });

  // PGlite runs each statement to the end on the one JavaScript thread: it has no statement timeout.
  it.runIf(engine === 'postgres')('cancels a read at the statement timeout, and a writer is not blocked meanwhile', async () => {
    const { readOnly } = await import('./counts.queries.js');
    const started = Date.now();
    const slow = readOnly(t.db, systemScope([orgA]), { timeoutMs: 800 }, async (trx) => {
      await sql`SELECT count(*) FROM incident`.execute(trx);
      return sql`SELECT pg_sleep(5)`.execute(trx);
    });
    const write = (async () => {
      await new Promise((r) => setTimeout(r, 100));
      await createRecord(t, { kind: 'system', organisationId: orgA }, 'incident', { title: 'Durante', status: 'open' });
      return Date.now() - started;
    })();
    await expect(slow).rejects.toMatchObject({ code: 'timeout' });
    const cancelledAfter = Date.now() - started;
    expect(cancelledAfter).toBeLessThan(3000);
    expect(await write).toBeLessThan(cancelledAfter);
  });
});

describe.each(engines)('synthetic data and escalation (%s)', (engine) => {
  let t: TestDb;
  let org: string;
  beforeAll(async () => {
    t = await openTestDb(engine);
    org = await makeOrg(t);
  });
  afterAll(async () => t.cleanup());

  it('loads in bulk with encrypted names and finds the change point it was given', async () => {
    const r = await generateSynthetic(t, { organisationId: org, n: 1500, seed: 7, from: '2019-01', to: '2022-12', changePoint: { period: '2020-11', ratio: 3 }, venezuelaShare: 1, batchSize: 700 });
    expect(r.incidents).toBe(1500);
    const n = await t.ownerDb.selectFrom('incident').select(sql<string>`count(*)`.as('n')).where('organisation_id', '=', org).executeTakeFirst();
    expect(Number(n?.n)).toBe(1500);
    const actor = await t.ownerDb.selectFrom('actor').select(['name_enc']).where('organisation_id', '=', org).executeTakeFirst();
    expect(actor!.name_enc.toString('utf8')).not.toMatch(/González|Rodríguez|Red |Comité/);
    const history = await t.ownerDb.selectFrom('record_history').select(sql<string>`count(*)`.as('n')).where('organisation_id', '=', org).where('record_table', '=', 'incident').executeTakeFirst();
    expect(Number(history?.n)).toBe(1500);
    const audit = await t.ownerDb.selectFrom('audit_log').select(sql<string>`count(*)`.as('n')).where('organisation_id', '=', org).where('action', '=', 'synthetic.load').executeTakeFirst();
    expect(Number(audit?.n)).toBe(3);
    const a = await analyseEscalation(t, { kind: 'system', organisationId: org }, { unit: 'incidents', country: 'VE' });
    expect(a.result.status).toBe('change');
    expect(a.result.direction).toBe('increase');
    // Month-precision and day-precision dates only (2% are year-only and left out).
    expect(a.result.changeInterval!.from <= '2020-11' && a.result.changeInterval!.to >= '2020-11').toBe(true);
    expect(a.excluded.imprecise).toBeGreaterThan(0);
    const stored = await t.ownerDb.selectFrom('escalation_result').selectAll().where('organisation_id', '=', org).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.method).toBe(a.result.method);
    expect(Number(stored[0]!.seed)).toBe(a.seed);
  });
});
