/**
 * The keyed word index covers encrypted narratives written before it existed (migration 066): the
 * start-up backfill indexes every encrypted narrative without index rows, in batches, for each
 * organisation under its own key, and a second run has nothing to do.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser, type TestUser } from '../../test/support/factories.js';
import { backfillWordIndex, createRecord, listIncidents, recordInput } from './index.js';

describe.each(engines)('word index backfill on %s', (engine) => {
  let t: TestDb;
  let doc: TestUser;
  let other: TestUser;

  const titles = async (u: TestUser, q: string) =>
    (await listIncidents(t, u, recordInput.listQuery.parse({ q, limit: 50 }))).items.map((i) => String(i.title)).sort();

  beforeAll(async () => {
    t = await openTestDb(engine, { rls: true });
    doc = await makeUser(t, await makeOrg(t), 'documenter', [], { totp: false });
    other = await makeUser(t, await makeOrg(t), 'documenter', [], { totp: false });
    for (let i = 0; i < 5; i++) {
      await createRecord(t, doc, 'incident', { title: `Traslado ${i}`, narrative: `Funcionarios de la DGCIM lo trasladaron a la celda${i}0.`, narrativeSensitive: true });
    }
    await createRecord(t, doc, 'incident', { title: 'Sin palabras', narrative: 'a y o', narrativeSensitive: true });
    await createRecord(t, other, 'incident', { title: 'Otra', narrative: 'Detenido por la DGCIM en Caracas.', narrativeSensitive: true });
    // As before migration 066: the narratives are encrypted and nothing indexes them.
    await sql`DELETE FROM incident_word`.execute(t.ownerDb);
  }, 120_000);
  afterAll(async () => t?.cleanup());

  it('indexes old encrypted narratives once, per organisation', async () => {
    expect(await titles(doc, 'DGCIM')).toEqual([]);
    const first = await backfillWordIndex(t, { batch: 2 });
    expect(first).toEqual({ indexed: 6, skipped: 0 });
    expect(await titles(doc, 'DGCIM')).toEqual(['Traslado 0', 'Traslado 1', 'Traslado 2', 'Traslado 3', 'Traslado 4']);
    expect(await titles(doc, 'dgcim celda30')).toEqual(['Traslado 3']);
    expect(await titles(other, 'dgcim caracas')).toEqual(['Otra']);
    // Nothing left to index (the narrative without indexable words gives no rows).
    expect(await backfillWordIndex(t, { batch: 2 })).toEqual({ indexed: 0, skipped: 0 });
    const rows = await sql<{ n: string }>`SELECT count(*) AS n FROM incident_word`.execute(t.ownerDb);
    expect(Number(rows.rows[0]!.n)).toBeGreaterThan(0);
    expect((await backfillWordIndex(t)).indexed).toBe(0);
    expect(Number((await sql<{ n: string }>`SELECT count(*) AS n FROM incident_word`.execute(t.ownerDb)).rows[0]!.n)).toBe(Number(rows.rows[0]!.n));
  });
});
