/**
 * The bulk load of synthetic incidents (indexes dropped and rebuilt, trend triggers off and one
 * recount at the end) against the per-batch load with its triggers: the same seed must leave the
 * same trend counts, the schema as it was, and a failure nothing at all.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { schemaState, storedCounts } from '../../test/support/bulk.js';
import { makeOrg } from '../../test/support/factories.js';
import type { DB } from '../store/index.js';
import { systemScope } from '../store/index.js';
import { countInScope } from './counts.queries.js';
import type { CountQuery } from './counts.schema.js';
import { generateSynthetic, type SyntheticOptions } from './synthetic.generate.js';

describe.each(engines)('bulk synthetic load (%s)', (engine) => {
  let t: TestDb;
  let owner: DB;
  beforeAll(async () => {
    t = await openTestDb(engine);
    owner = t.ownerDb ?? t.db;
  });
  afterAll(async () => t?.cleanup());

  const opts = (org: string): SyntheticOptions => ({
    organisationId: org,
    n: 400,
    seed: 11,
    from: '2020-01',
    to: '2021-06',
    changePoint: { period: '2020-11', ratio: 3 },
    batchSize: 150,
  });

  it('leaves the same trend counts as the per-batch load, and the schema as it was', async () => {
    const before = await schemaState(owner);
    expect(before.some((d) => d.includes('incident_search'))).toBe(true);
    const [perBatch, bulk] = [await makeOrg(t), await makeOrg(t)];
    const a = await generateSynthetic({ ...t, db: owner }, { ...opts(perBatch), bulk: false });
    // Under the scope of both, with the other organisation's rows already there.
    const b = await generateSynthetic({ ...t, db: owner }, { ...opts(bulk), bulk: true });
    expect(b).toMatchObject({ incidents: a.incidents, acts: a.acts, actors: a.actors, involvements: a.involvements });
    expect(await schemaState(owner)).toEqual(before);
    const stored = await storedCounts(owner, bulk);
    expect(stored.length).toBeGreaterThan(20);
    expect(stored).toEqual(await storedCounts(owner, perBatch));
    // And they serve the same figures as the live SQL over the rows.
    const q: CountQuery = { unit: 'incidents', period: 'month', by: ['act_type'], where: { country: ['VE'] } };
    const fast = await countInScope(t.db, systemScope([bulk]), q);
    const live = await countInScope(t.db, systemScope([bulk]), q, { derived: false });
    expect(fast).toEqual(live);
    // The history rows were written as in the per-batch load.
    const history = await sql<{ n: string }>`SELECT count(*) AS n FROM record_history WHERE organisation_id = ${bulk}`.execute(owner);
    expect(Number(history.rows[0]!.n)).toBe(a.incidents + a.acts + a.actors + a.involvements);
  });

  it('rolls everything back when the load fails, indexes and triggers included', async () => {
    const before = await schemaState(owner);
    const org = await makeOrg(t);
    await expect(
      generateSynthetic(
        { ...t, db: owner },
        {
          ...opts(org),
          bulk: true,
          onProgress: (done) => {
            if (done >= 300) throw new Error('disk full');
          },
        },
      ),
    ).rejects.toThrow('disk full');
    expect(await schemaState(owner)).toEqual(before);
    const left = await sql<{ n: string }>`SELECT count(*) AS n FROM incident WHERE organisation_id = ${org}`.execute(owner);
    expect(Number(left.rows[0]!.n)).toBe(0);
    expect(await storedCounts(owner, org)).toEqual([]);
  });

  it('is not chosen by default when the tables hold more than the load', async () => {
    const org = await makeOrg(t);
    const before = await sql<{ n: string }>`SELECT count(*) AS n FROM incident`.execute(owner);
    expect(Number(before.rows[0]!.n)).toBeGreaterThan(10);
    // 'auto' with a load smaller than the table: per-batch transactions, so a failure after the
    // first batch keeps it.
    await expect(
      generateSynthetic(
        { ...t, db: owner },
        {
          ...opts(org),
          n: 10,
          batchSize: 5,
          onProgress: (done) => {
            if (done >= 5) throw new Error('stop');
          },
        },
      ),
    ).rejects.toThrow('stop');
    const kept = await sql<{ n: string }>`SELECT count(*) AS n FROM incident WHERE organisation_id = ${org}`.execute(owner);
    expect(Number(kept.rows[0]!.n)).toBe(5);
  });
});
