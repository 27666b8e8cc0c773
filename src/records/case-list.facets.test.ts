/**
 * Facet counts of the case list against a plain recount: random incidents (two organisations, one
 * sharing with the reader's coalition), random filters and text; each facet is counted with every
 * other filter applied but not its own. Under the cap the counts are exact; over it, each count is a
 * lower bound and says so. With a small search window (the first incidents looked through before
 * the text index) the same holds, and the page of cases is exactly the one without a window.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoalition } from '../access/index.js';
import { newId } from '../shared/ids.js';
import { inTransaction, systemScope } from '../store/index.js';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser, type TestUser } from '../../test/support/factories.js';
import { incidentFacets, listIncidents, recordInput, type Facet, type FacetCounts } from './index.js';

interface Model {
  org: string;
  id: string;
  word: string;
  country: string;
  subdivision: string | null;
  visibility: string;
  year: number | null;
  archived: boolean;
  shared: boolean;
  acts: { type: string; archived: boolean; perps: string[]; sectors: string[] }[];
}

const words = ['detención', 'amenaza', 'allanamiento'];
const places: [string, string | null][] = [
  ['VE', 'VE-A'],
  ['VE', 'VE-V'],
  ['CO', null],
];
const types = ['arrest', 'threat', 'raid'];
const perps = ['police', 'military'];
const sectorCodes = ['lawyers', 'students', 'journalists_media'];

const incidentArb = fc.record({
  word: fc.constantFrom(...words),
  place: fc.constantFrom<[string, string | null]>(...places),
  visibility: fc.constantFrom('private', 'coalition', 'public'),
  year: fc.constantFrom<number | null>(2020, 2021, null),
  archived: fc.constantFrom(false, false, false, true),
  otherOrg: fc.boolean(),
  shared: fc.boolean(),
  acts: fc.array(
    fc.record({
      type: fc.constantFrom(...types),
      archived: fc.constantFrom(false, false, false, true),
      perps: fc.subarray(perps),
      sector: fc.nat(3),
    }),
    { maxLength: 3 },
  ),
}).map((m) => ({
  ...m,
  // Sharing is one truth (migration 065): a case that is not public is 'coalition' exactly when it
  // has a share, whatever was asked for, so the model follows the database.
  visibility: m.visibility === 'public' ? 'public' : m.shared ? 'coalition' : 'private',
}));

interface Q {
  q: string | undefined;
  country: string | undefined;
  subdivision: string | undefined;
  visibility: string | undefined;
  actType: string | undefined;
  perpetratorType: string | undefined;
  sector: string | undefined;
  year: string | undefined;
}
const queryArb: fc.Arbitrary<Q> = fc.record({
  q: fc.constantFrom(undefined, 'detencion', 'amenaza'),
  country: fc.constantFrom(undefined, 'VE', 'CO'),
  subdivision: fc.constantFrom(undefined, 'VE-V'),
  visibility: fc.constantFrom(undefined, 'private', 'public'),
  actType: fc.constantFrom(undefined, 'arrest', 'raid'),
  perpetratorType: fc.constantFrom(undefined, 'police'),
  sector: fc.constantFrom(undefined, 'lawyers'),
  year: fc.constantFrom(undefined, '2020'),
});

/** The facet counts recomputed from the model, one facet at a time (what the old per-facet SQL did). */
function expected(model: Model[], reader: string, q: Q): FacetCounts {
  const visible = model.filter(
    (m) => !m.archived && (m.org === reader || (m.shared && m.visibility !== 'private')),
  );
  const live = (m: Model) => m.acts.filter((a) => !a.archived);
  const tests: Record<Facet, (m: Model) => boolean> = {
    country: (m) => !q.country || m.country === q.country,
    subdivision: (m) => !q.subdivision || m.subdivision === q.subdivision,
    visibility: (m) => !q.visibility || m.visibility === q.visibility,
    organisation: () => true,
    year: (m) => !q.year || m.year === Number(q.year),
    actType: (m) => !q.actType || live(m).some((a) => a.type === q.actType),
    perpetratorType: (m) => !q.perpetratorType || live(m).some((a) => a.perps.includes(q.perpetratorType!)),
    sector: (m) => !q.sector || live(m).some((a) => a.sectors.includes(q.sector!)),
  };
  const textOk = (m: Model) => !q.q || m.word.normalize('NFD').replace(/\p{M}/gu, '') === q.q;
  const base = (except?: Facet) =>
    visible.filter(
      (m) => textOk(m) && (Object.keys(tests) as Facet[]).every((f) => f === except || tests[f](m)),
    );
  const tally = (rows: Model[], values: (m: Model) => (string | null)[]) => {
    const c = new Map<string, number>();
    for (const m of rows) for (const v of new Set(values(m))) if (v !== null) c.set(v, (c.get(v) ?? 0) + 1);
    return [...c].map(([value, count]) => ({ value, count }));
  };
  return {
    total: base().length,
    facets: {
      country: tally(base('country'), (m) => [m.country]),
      subdivision: tally(base('subdivision'), (m) => [m.subdivision]),
      visibility: tally(base('visibility'), (m) => [m.visibility]),
      organisation: tally(base('organisation'), (m) => [m.org]),
      year: tally(base('year'), (m) => [m.year === null ? null : String(m.year)]),
      actType: tally(base('actType'), (m) => live(m).map((a) => a.type)),
      perpetratorType: tally(base('perpetratorType'), (m) => live(m).flatMap((a) => a.perps)),
      sector: tally(base('sector'), (m) => live(m).flatMap((a) => a.sectors)),
    },
  };
}

const sorted = (f: FacetCounts) =>
  Object.fromEntries(
    Object.entries(f.facets).map(([k, v]) => [
      k,
      v.map((x) => ({ value: x.value, count: x.count })).sort((a, b) => a.value.localeCompare(b.value)),
    ]),
  );

describe.each(engines)('case list facets against a recount (%s)', (engine) => {
  let t: TestDb;
  let orgs: string[];
  let coalition: string;
  let reader: TestUser;
  const model: Model[] = [];

  beforeAll(async () => {
    t = await openTestDb(engine);
    orgs = [await makeOrg(t), await makeOrg(t)];
    coalition = (
      await createCoalition(t.db, { slug: `f-${engine}-${newId().slice(0, 8)}`, name: 'F', members: orgs })
    ).id;
    reader = await makeUser(t, orgs[0]!, 'analyst', [coalition]);
    const specs = fc.sample(incidentArb, { numRuns: 60, seed: 6044 });
    await inTransaction(t.db, systemScope(orgs), async (trx) => {
      const victims = new Map<string, string>();
      for (const org of orgs) {
        for (const [k, code] of sectorCodes.entries()) {
          const id = newId();
          victims.set(`${org}:${k}`, id);
          await sql`INSERT INTO actor (organisation_id, id, kind, name_enc, name_bidx, sectors) VALUES (${org}, ${id}, 'person', '\\x00', '\\x00', ${[code]}::text[])`.execute(
            trx,
          );
        }
        // A victim without a sector.
        const none = newId();
        victims.set(`${org}:3`, none);
        await sql`INSERT INTO actor (organisation_id, id, kind, name_enc, name_bidx) VALUES (${org}, ${none}, 'person', '\\x00', '\\x00')`.execute(
          trx,
        );
      }
      for (const s of specs) {
        const org = orgs[s.otherOrg ? 1 : 0]!;
        const id = newId();
        const [country, subdivision] = s.place;
        await sql`INSERT INTO incident (organisation_id, id, title, status, country, subdivision, start_date, start_precision, visibility, archived_at)
          VALUES (${org}, ${id}, ${`${s.word} caso`}, 'open', ${country}, ${subdivision}, ${s.year ? `${s.year}-05-01` : null}, ${s.year ? 'day' : null},
            ${s.visibility}, ${s.archived ? sql`now()` : null})`.execute(trx);
        if (s.shared)
          await sql`INSERT INTO record_share (organisation_id, incident_id, coalition_id) VALUES (${org}, ${id}, ${coalition})`.execute(
            trx,
          );
        const acts: Model['acts'] = [];
        for (const a of s.acts) {
          const actId = newId();
          await sql`INSERT INTO act (organisation_id, id, incident_id, victim_id, act_type, archived_at)
            VALUES (${org}, ${actId}, ${id}, ${victims.get(`${org}:${a.sector}`)!}, ${a.type}, ${a.archived ? sql`now()` : null})`.execute(
            trx,
          );
          for (const p of a.perps) {
            await sql`INSERT INTO involvement (organisation_id, id, act_id, perpetrator_type, degree) VALUES (${org}, ${newId()}, ${actId}, ${p}, 'direct')`.execute(
              trx,
            );
          }
          acts.push({
            type: a.type,
            archived: a.archived,
            perps: a.perps,
            sectors: a.sector < 3 ? [sectorCodes[a.sector]!] : [],
          });
        }
        model.push({
          org,
          id,
          word: s.word,
          country,
          subdivision,
          visibility: s.visibility,
          year: s.year,
          archived: s.archived,
          shared: s.shared,
          acts,
        });
      }
    });
  });
  afterAll(async () => t?.cleanup());

  const listQuery = (q: Q) =>
    recordInput.listQuery.parse(
      Object.fromEntries(
        Object.entries({ ...q, year: undefined, from: q.year, to: q.year }).filter(
          ([, v]) => v !== undefined,
        ),
      ),
    );

  it('under the cap, every facet equals the recount', async () => {
    await fc.assert(
      fc.asyncProperty(queryArb, async (q) => {
        const got = await incidentFacets(t, reader, listQuery(q));
        const want = expected(model, orgs[0]!, q);
        expect(got.total).toBe(want.total);
        expect(got.totalAtLeast).toBeUndefined();
        expect(sorted(got)).toEqual(sorted(want));
      }),
      { numRuns: 30, seed: 6044 },
    );
  }, 120_000);

  it('over the cap, the total and the counts are lower bounds and say so', async () => {
    await fc.assert(
      fc.asyncProperty(queryArb, async (q) => {
        const cap = 5;
        const got = await incidentFacets(t, reader, listQuery(q), { cap });
        const want = expected(model, orgs[0]!, q);
        expect(got.total).toBe(Math.min(want.total, cap + 1));
        expect(!!got.totalAtLeast).toBe(want.total > cap);
        for (const [f, values] of Object.entries(got.facets) as [Facet, FacetCounts['facets'][Facet]][]) {
          for (const v of values) {
            const truth = want.facets[f].find((w) => w.value === v.value)?.count ?? 0;
            expect(v.count).toBeLessThanOrEqual(truth);
            if (!v.atLeast) expect(v.count).toBe(truth);
          }
          // A facet that was not capped lists every value.
          if (values.every((v) => !v.atLeast) && values.length)
            expect(values.length).toBe(want.facets[f].length);
        }
      }),
      { numRuns: 20, seed: 6045 },
    );
  }, 120_000);

  it('with a small search window, counts are exact or lower bounds that say so', async () => {
    await fc.assert(
      fc.asyncProperty(queryArb, fc.integer({ min: 3, max: 12 }), fc.integer({ min: 1, max: 70 }), async (q, cap, window) => {
        const got = await incidentFacets(t, reader, listQuery(q), { cap, window });
        const want = expected(model, orgs[0]!, q);
        expect(got.total).toBeLessThanOrEqual(want.total);
        if (!got.totalAtLeast) expect(got.total).toBe(want.total);
        for (const [f, values] of Object.entries(got.facets) as [Facet, FacetCounts['facets'][Facet]][]) {
          for (const v of values) {
            const truth = want.facets[f].find((w) => w.value === v.value)?.count ?? 0;
            expect(v.count).toBeLessThanOrEqual(truth);
            if (!v.atLeast) expect(v.count).toBe(truth);
          }
          if (values.every((v) => !v.atLeast) && values.length) expect(values.length).toBe(want.facets[f].length);
        }
      }),
      { numRuns: 40, seed: 6046 },
    );
  }, 120_000);

  it('with a small search window, every page of cases is the page without one', async () => {
    const ids = (p: { items: { id: string }[] }) => p.items.map((x) => x.id);
    await fc.assert(
      fc.asyncProperty(
        queryArb,
        fc.constantFrom('date', 'entered', 'title'),
        fc.integer({ min: 1, max: 40 }),
        async (q, sort, window) => {
          const base = { ...Object.fromEntries(Object.entries(listQuery(q))), sort, limit: 3 };
          let cursor: string | undefined;
          for (let page = 0; page < 3; page++) {
            const lq = recordInput.listQuery.parse({ ...base, ...(cursor ? { cursor } : {}) });
            const windowed = await listIncidents(t, reader, lq, { window });
            const whole = await listIncidents(t, reader, lq, { window: 0 });
            expect(ids(windowed)).toEqual(ids(whole));
            expect(windowed.nextCursor).toBe(whole.nextCursor);
            if (!whole.nextCursor) break;
            cursor = whole.nextCursor;
          }
        },
      ),
      { numRuns: 40, seed: 6047 },
    );
  }, 240_000);

  it('by relevance, paging walks every match once, own and shared alike, ranks never rising', async () => {
    await fc.assert(
      fc.asyncProperty(queryArb, fc.integer({ min: 1, max: 7 }), async (q, limit) => {
        const base = { ...Object.fromEntries(Object.entries(listQuery(q))), sort: 'relevance', limit };
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 100; page++) {
          const p = await listIncidents(t, reader, recordInput.listQuery.parse({ ...base, ...(cursor ? { cursor } : {}) }));
          seen.push(...p.items.map((x) => x.id));
          if (!p.nextCursor) break;
          cursor = p.nextCursor;
        }
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.length).toBe(expected(model, orgs[0]!, q).total);
        // Every incident here has the title "<word> caso": with words, all matches rank alike and
        // the order is the tie-break (newest id first); without words, newest entered first.
        const all = await listIncidents(t, reader, recordInput.listQuery.parse({ ...base, sort: q.q ? 'relevance' : 'entered', limit: 200 }));
        expect(seen).toEqual(all.items.map((x) => x.id));
        if (q.q) expect([...seen].sort().reverse()).toEqual(seen);
      }),
      { numRuns: 30, seed: 6048 },
    );
  }, 240_000);

  it('by relevance with a small search window, pages rank every match or say how many of the most recent they rank', async () => {
    type Opts = { window: number; rankCandidates?: number; rankCandidatesMin?: number; exhaustive?: boolean };
    const walk = async (base: Record<string, unknown>, opts: Opts) => {
      const seen: { id: string; org: string }[] = [];
      let among: number | undefined;
      let cursor: string | undefined;
      for (let page = 0; page < 200; page++) {
        const p = await listIncidents(t, reader, recordInput.listQuery.parse({ ...base, ...(cursor ? { cursor } : {}) }), opts);
        seen.push(...p.items.map((x) => ({ id: x.id, org: x.organisationId })));
        among ??= p.rankedAmong;
        if (!p.nextCursor) break;
        cursor = p.nextCursor;
      }
      return { ids: seen.map((x) => x.id), seen, among };
    };
    let capped = 0;
    let windowed = 0;
    await fc.assert(
      fc.asyncProperty(
        // Words, and few column filters, so that windows fill up.
        queryArb.map((q) => ({ ...q, q: q.q ?? 'amenaza', subdivision: undefined, visibility: undefined, perpetratorType: undefined, sector: undefined, year: undefined })),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        async (q, window, max, min, limit) => {
          const base = { ...Object.fromEntries(Object.entries(listQuery(q))), sort: 'relevance', limit };
          const whole = await walk(base, { window: 0 });
          const got = await walk(base, { window, rankCandidates: max, rankCandidatesMin: min });
          expect(whole.among).toBeUndefined();
          // An export asks for every match: the window never narrows it.
          expect((await walk(base, { window, rankCandidates: max, rankCandidatesMin: min, exhaustive: true })).ids).toEqual(whole.ids);
          expect(new Set(got.ids).size).toBe(got.ids.length);
          if (got.among === undefined) {
            expect(got.ids).toEqual(whole.ids);
            return;
          }
          windowed++;
          expect(got.ids.length).toBe(got.among);
          // In the order of ranking every match...
          expect(whole.ids.filter((id) => got.ids.includes(id))).toEqual(got.ids);
          // ... and, for each part (own, shared), the most recent of its matches, at most `max`.
          const byDate = await walk({ ...base, sort: 'date' }, { window: 0 });
          for (const own of [true, false]) {
            const inPart = (x: { org: string }) => (x.org === orgs[0]) === own;
            const recent = byDate.seen.filter(inPart).map((x) => x.id);
            const mine = got.seen.filter(inPart).map((x) => x.id);
            expect(mine.length).toBeLessThanOrEqual(max);
            if (mine.length === max && recent.length > max) capped++;
            expect(new Set(mine)).toEqual(new Set(recent.slice(0, mine.length)));
          }
        },
      ),
      { numRuns: 80, seed: 6049 },
    );
    // The ways were all taken: capped at `max`, and the whole window's matches.
    expect(capped).toBeGreaterThan(0);
    expect(windowed).toBeGreaterThan(capped);
  }, 240_000);
});
