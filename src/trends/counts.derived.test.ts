/**
 * The derived trend table (migration 043) against the rows themselves: after random inserts,
 * updates, archivals, moves and deletes of incidents and acts (single and multi-row statements),
 * the table equals a recomputation from scratch, and every count it serves equals the live SQL.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoalition } from '../access/index.js';
import { newId } from '../shared/ids.js';
import { inTransaction, systemScope, type Scope } from '../store/index.js';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg } from '../../test/support/factories.js';
import { countInScope, derivedEligible } from './counts.queries.js';
import type { CountQuery, Facet } from './counts.schema.js';

const countries = ['VE', 'CO', null] as const;
const subdivisions = { VE: ['VE-A', 'VE-V'], CO: ['CO-ANT'] } as Record<string, string[]>;
const types = ['arrest', 'raid', 'threat'];
const months = ['2020-10', '2020-11', '2021-01', '2021-02'];

interface IncidentSpec {
  country: (typeof countries)[number];
  sub: number;
  month: string;
  day: number;
  precision: 'day' | 'month' | 'year' | null;
  visibility: string;
  org: number;
}
const incidentArb: fc.Arbitrary<IncidentSpec> = fc.record({
  country: fc.constantFrom(...countries),
  sub: fc.nat(1),
  month: fc.constantFrom(...months),
  day: fc.integer({ min: 1, max: 28 }),
  precision: fc.constantFrom<IncidentSpec['precision']>('day', 'day', 'month', 'year', null),
  visibility: fc.constantFrom('private', 'coalition', 'public'),
  org: fc.nat(1),
});

type Op =
  | { kind: 'insertIncidents'; rows: IncidentSpec[] }
  | { kind: 'insertActs'; picks: { inc: number; type: string }[] }
  | { kind: 'updateIncident'; inc: number; to: IncidentSpec }
  | { kind: 'archiveIncident'; inc: number; restore: boolean }
  | { kind: 'updateActs'; act: number; type: string; archive: boolean | null }
  | { kind: 'moveAct'; act: number; inc: number }
  | { kind: 'deleteActs'; act: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('insertIncidents' as const),
    rows: fc.array(incidentArb, { minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant('insertActs' as const),
    picks: fc.array(fc.record({ inc: fc.nat(50), type: fc.constantFrom(...types) }), {
      minLength: 1,
      maxLength: 5,
    }),
  }),
  fc.record({ kind: fc.constant('updateIncident' as const), inc: fc.nat(50), to: incidentArb }),
  fc.record({ kind: fc.constant('archiveIncident' as const), inc: fc.nat(50), restore: fc.boolean() }),
  fc.record({
    kind: fc.constant('updateActs' as const),
    act: fc.nat(80),
    type: fc.constantFrom(...types),
    archive: fc.constantFrom(true, false, null),
  }),
  fc.record({ kind: fc.constant('moveAct' as const), act: fc.nat(80), inc: fc.nat(50) }),
  fc.record({ kind: fc.constant('deleteActs' as const), act: fc.nat(80) }),
);

const queryArb: fc.Arbitrary<CountQuery> = fc
  .record({
    period: fc.constantFrom('month', 'quarter', 'year', undefined),
    by: fc.subarray(['act_type', 'country', 'subdivision', 'visibility', 'organisation'] as Facet[], {
      maxLength: 2,
    }),
    country: fc.constantFrom<string[] | undefined>(undefined, ['VE'], ['VE', 'CO']),
    actType: fc.constantFrom<string[] | undefined>(undefined, ['raid'], ['arrest']),
    visibility: fc.constantFrom<string[] | undefined>(undefined, ['private'], ['coalition', 'public']),
    from: fc.constantFrom(undefined, '2020-11', '2021'),
    to: fc.constantFrom(undefined, '2021-01', '2020'),
  })
  .map((r) => {
    const where: CountQuery['where'] = {};
    if (r.country) where.country = r.country;
    if (r.actType) where.act_type = r.actType;
    if (r.visibility) where.visibility = r.visibility;
    return {
      unit: 'incidents',
      period: r.period,
      by: r.by,
      where,
      from: r.from,
      to: r.from && r.to && r.to < r.from ? undefined : r.to,
    };
  });

describe.each(engines)('derived trend counts (%s)', (engine) => {
  let t: TestDb;
  let orgs: string[];
  let coalition: string;
  const victims: string[][] = [[], []];
  const incidents: { org: string; id: string }[] = [];
  const acts: { org: string; id: string }[] = [];

  beforeAll(async () => {
    t = await openTestDb(engine);
    orgs = [await makeOrg(t), await makeOrg(t)];
    coalition = (
      await createCoalition(t.db, { slug: `d-${engine}-${newId().slice(0, 8)}`, name: 'D', members: orgs })
    ).id;
    await inTransaction(t.db, systemScope(orgs), async (trx) => {
      for (const [k, org] of orgs.entries()) {
        for (let i = 0; i < 2; i++) {
          const id = newId();
          victims[k]!.push(id);
          await sql`INSERT INTO actor (organisation_id, id, kind, name_enc, name_bidx) VALUES (${org}, ${id}, 'person', '\\x00', '\\x00')`.execute(
            trx,
          );
        }
      }
    });
  });
  afterAll(async () => t?.cleanup());

  const dateOf = (r: IncidentSpec) =>
    r.precision === null
      ? null
      : r.precision === 'year'
        ? `${r.month.slice(0, 4)}-01-01`
        : r.precision === 'month'
          ? `${r.month}-01`
          : `${r.month}-${String(r.day).padStart(2, '0')}`;
  const subOf = (r: IncidentSpec) =>
    r.country ? (subdivisions[r.country]![r.sub % subdivisions[r.country]!.length] ?? null) : null;

  async function apply(op: Op): Promise<void> {
    await inTransaction(t.db, systemScope(orgs), async (trx) => {
      switch (op.kind) {
        case 'insertIncidents': {
          // One multi-row statement, as the synthetic loader and imports write.
          const rows = op.rows.map((r) => ({ org: orgs[r.org]!, id: newId(), r }));
          await sql`INSERT INTO incident (organisation_id, id, title, status, country, subdivision, start_date, start_precision, visibility)
            VALUES ${sql.join(rows.map(({ org, id, r }) => sql`(${org}, ${id}, 't', 'open', ${r.country}, ${subOf(r)}, ${dateOf(r)}, ${r.precision}, ${r.visibility})`))}`.execute(
            trx,
          );
          for (const x of rows) incidents.push({ org: x.org, id: x.id });
          // Half of them shared with the coalition (only non-private ones are visible to partners).
          for (const x of rows.filter((_x, i) => i % 2 === 0)) {
            await sql`INSERT INTO record_share (organisation_id, incident_id, coalition_id) VALUES (${x.org}, ${x.id}, ${coalition})`.execute(
              trx,
            );
          }
          break;
        }
        case 'insertActs': {
          if (!incidents.length) return;
          const rows = op.picks.map((p) => {
            const inc = incidents[p.inc % incidents.length]!;
            return {
              org: inc.org,
              id: newId(),
              inc: inc.id,
              type: p.type,
              victim: victims[orgs.indexOf(inc.org)]![0]!,
            };
          });
          await sql`INSERT INTO act (organisation_id, id, incident_id, victim_id, act_type)
            VALUES ${sql.join(rows.map((a) => sql`(${a.org}, ${a.id}, ${a.inc}, ${a.victim}, ${a.type})`))}`.execute(
            trx,
          );
          for (const a of rows) acts.push({ org: a.org, id: a.id });
          break;
        }
        case 'updateIncident': {
          if (!incidents.length) return;
          const inc = incidents[op.inc % incidents.length]!;
          const r = op.to;
          await sql`UPDATE incident SET country = ${r.country}, subdivision = ${subOf(r)}, start_date = ${dateOf(r)}, start_precision = ${r.precision},
            visibility = ${r.visibility} WHERE organisation_id = ${inc.org} AND id = ${inc.id}`.execute(trx);
          break;
        }
        case 'archiveIncident': {
          if (!incidents.length) return;
          const inc = incidents[op.inc % incidents.length]!;
          await sql`UPDATE incident SET archived_at = ${op.restore ? null : sql`now()`} WHERE organisation_id = ${inc.org} AND id = ${inc.id}`.execute(
            trx,
          );
          break;
        }
        case 'updateActs': {
          if (!acts.length) return;
          const a = acts[op.act % acts.length]!;
          // Every act of the organisation from this one on, in one statement (a multi-row update).
          await sql`UPDATE act SET act_type = ${op.type} ${op.archive === null ? sql`` : sql`, archived_at = ${op.archive ? sql`now()` : null}`}
            WHERE organisation_id = ${a.org} AND id >= ${a.id}`.execute(trx);
          break;
        }
        case 'moveAct': {
          if (!acts.length || !incidents.length) return;
          const a = acts[op.act % acts.length]!;
          const to = incidents.filter((i) => i.org === a.org)[
            op.inc % incidents.filter((i) => i.org === a.org).length
          ];
          if (!to) return;
          await sql`UPDATE act SET incident_id = ${to.id} WHERE organisation_id = ${a.org} AND id = ${a.id}`.execute(
            trx,
          );
          break;
        }
        case 'deleteActs': {
          if (!acts.length) return;
          const a = acts[op.act % acts.length]!;
          const gone = await sql<{
            id: string;
          }>`DELETE FROM act WHERE organisation_id = ${a.org} AND incident_id =
            (SELECT incident_id FROM act WHERE organisation_id = ${a.org} AND id = ${a.id}) RETURNING id`.execute(
            trx,
          );
          const ids = new Set(gone.rows.map((x) => x.id));
          acts.splice(0, acts.length, ...acts.filter((x) => !ids.has(x.id)));
          break;
        }
      }
    });
  }

  /** The table recomputed from the rows (the migration's own backfill query). */
  async function recomputed() {
    const r = await sql<
      Record<string, unknown>
    >`SELECT i.organisation_id, i.country, k.act_type, date_trunc('month', i.start_date::timestamp)::date AS month,
        i.subdivision, i.visibility, i.start_precision, count(*)::int AS n
      FROM incident i CROSS JOIN LATERAL (
        SELECT '*'::text AS act_type
        UNION ALL SELECT DISTINCT a.act_type FROM act a WHERE a.organisation_id = i.organisation_id AND a.incident_id = i.id AND a.archived_at IS NULL
        UNION ALL SELECT '-' WHERE NOT EXISTS (SELECT 1 FROM act a WHERE a.organisation_id = i.organisation_id AND a.incident_id = i.id AND a.archived_at IS NULL)) k
      WHERE i.archived_at IS NULL GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7`.execute(
      t.ownerDb,
    );
    return r.rows.map((x) => JSON.stringify(x));
  }
  /** The by-country table (045) summed from the fine one. */
  async function byCountry() {
    const r = await sql<Record<string, unknown>>`SELECT organisation_id, country, act_type, month, start_precision, sum(n)::int AS n
      FROM atalaya_derived.incident_month GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5`.execute(t.ownerDb);
    return r.rows.map((x) => JSON.stringify(x));
  }
  async function storedByCountry() {
    const r = await sql<Record<string, unknown>>`SELECT organisation_id, country, act_type, month, start_precision, n::int AS n
      FROM atalaya_derived.incident_month_country WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5`.execute(t.ownerDb);
    return r.rows.map((x) => JSON.stringify(x));
  }
  async function stored() {
    const r = await sql<
      Record<string, unknown>
    >`SELECT organisation_id, country, act_type, month, subdivision, visibility, start_precision, n::int AS n
      FROM atalaya_derived.incident_month WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7`.execute(t.ownerDb);
    return r.rows.map((x) => JSON.stringify(x));
  }

  it('stays equal to a recomputation, and serves the same counts as the live SQL', async () => {
    const scopes: Scope[] = [
      systemScope([orgs[0]!]),
      { organisationIds: [orgs[0]!], coalitionIds: [coalition], userId: null },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 1, maxLength: 6 }),
        fc.array(queryArb, { minLength: 3, maxLength: 3 }),
        async (ops, queries) => {
          for (const op of ops) await apply(op);
          expect(await stored()).toEqual(await recomputed());
        expect(await storedByCountry()).toEqual(await byCountry());
          for (const q of queries) {
            for (const scope of scopes) {
              expect(derivedEligible(q, scope)).toBe(true);
              const fast = await countInScope(t.db, scope, q);
              const live = await countInScope(t.db, scope, q, { derived: false });
              expect(fast, JSON.stringify(q)).toEqual(live);
            }
          }
        },
      ),
      { numRuns: engine === 'pglite' ? 25 : 40, seed: 6043 },
    );
    // The property ran over a non-trivial history.
    expect(incidents.length).toBeGreaterThan(10);
  }, 240_000);

  it('is not used where it cannot be exact', () => {
    const s = systemScope([newId()]);
    const base: CountQuery = { unit: 'incidents', period: 'month', by: ['act_type'], where: {} };
    expect(derivedEligible(base, s)).toBe(true);
    expect(derivedEligible({ ...base, unit: 'acts' }, s)).toBe(false);
    expect(derivedEligible({ ...base, q: 'detención' }, s)).toBe(false);
    expect(derivedEligible({ ...base, period: 'week' }, s)).toBe(false);
    expect(derivedEligible({ ...base, by: ['sector'] }, s)).toBe(false);
    expect(derivedEligible({ ...base, from: '2020-11-15' }, s)).toBe(false);
    expect(derivedEligible({ ...base, to: '2020-11-15' }, s)).toBe(false);
    expect(derivedEligible({ ...base, to: '2020-11-30' }, s)).toBe(true);
    expect(derivedEligible(base, 'public')).toBe(false);
  });
});
