import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { inTransaction, publicScope } from '../store/index.js';
import { alignRelease, releaseTable as releaseIn } from './dashboard.queries.js';
import { findDifferencingConflicts, protectTable1D } from './disclosure/index.js';

describe.each(engines)('public releases and their register (%s)', (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(engine);
  });
  afterAll(async () => t.cleanup());
  // The register is read and appended in the public scope, as the dashboards do.
  const releaseTable = (_db: unknown, key: string, counts: Map<string, number>, k: number, opts?: { months?: boolean }) =>
    inTransaction(t.db, publicScope, (trx) => releaseIn(trx, key, counts, k, opts));
  const releases = async (key: string) => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM public_release WHERE table_key = ${key}`.execute(t.ownerDb ?? t.db)).rows[0]!.n);

  it('does not let a second release reveal two new records by subtraction', async () => {
    const first = await releaseTable(t.db, 'test:a', new Map([['a', 10], ['b', 10], ['c', 10]]), 5);
    expect(first.cells.map((c) => c.value)).toEqual([10, 10, 10]);
    // Unprotected, the new table would publish a = 12 next to the old a = 10: two new records exposed.
    const naive = protectTable1D({ categories: ['a', 'b', 'c'], counts: [12, 10, 10] }, { k: 5 });
    expect(naive.cells.map((c) => c.value)).toEqual([12, 10, 10]);
    const second = await releaseTable(t.db, 'test:a', new Map([['a', 12], ['b', 10], ['c', 10]]), 5);
    expect(second.withheld || second.cells[0]!.suppressed).toBe(true);
    expect(second.releaseId).not.toBe(first.releaseId);
    // And the published result has no conflict with the first release.
    const stored = await sql<{ categories: unknown; published: unknown; total: number | null; id: string; k: number; released_at: Date }>`SELECT * FROM public_release WHERE table_key = 'test:a' ORDER BY released_at`.execute(t.ownerDb ?? t.db);
    const asRelease = (r: (typeof stored.rows)[number]) => ({
      ...r,
      categories: (typeof r.categories === 'string' ? JSON.parse(r.categories) : r.categories) as string[],
      published: (typeof r.published === 'string' ? JSON.parse(r.published) : r.published) as { value: number | null; suppressed: boolean }[],
    });
    const [r1, r2] = stored.rows.map(asRelease);
    const cats = ['a', 'b', 'c'];
    expect(findDifferencingConflicts(alignRelease(r2!, cats).table, [alignRelease(r1!, cats)], 5)).toEqual([]);
  });

  it('records a release only when what is shown changes', async () => {
    const counts = new Map([['2020-01', 9], ['2020-03', 7]]);
    await releaseTable(t.db, 'test:months', counts, 5, { months: true });
    const again = await releaseTable(t.db, 'test:months', counts, 5, { months: true });
    expect(await releases('test:months')).toBe(1);
    // The calendar is complete, with the empty month as a published zero.
    expect(again.categories).toEqual(['2020-01', '2020-02', '2020-03']);
    expect(again.cells.map((c) => c.value)).toEqual([9, 0, 7]);
  });

  it('lays an earlier release on new categories as published zeros', () => {
    const aligned = alignRelease(
      { id: 'r', categories: ['b'], published: [{ value: null, suppressed: true }], total: 7, k: 5, released_at: new Date() },
      ['a', 'b'],
    );
    expect(aligned.table.kind).toBe('table1d');
    if (aligned.table.kind !== 'table1d') return;
    expect(aligned.table.cells.map((c) => [c.value, c.suppressed])).toEqual([
      [0, false],
      [null, true],
    ]);
    expect(aligned.table.total?.value).toBe(7);
  });
});
