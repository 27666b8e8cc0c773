/** Checks shared by the tests of bulk loads (synthetic incidents, imports): schema state and stored trend counts. */
import { sql } from 'kysely';
import type { DB } from '../../src/store/index.js';

/** Index definitions and trigger states of the tables a bulk load touches. */
export async function schemaState(db: DB): Promise<string[]> {
  const idx = await sql<{ d: string }>`SELECT indexdef AS d FROM pg_indexes
    WHERE schemaname = 'public' AND tablename IN ('incident', 'actor', 'act', 'involvement', 'record_history') ORDER BY 1`.execute(db);
  const trg = await sql<{ d: string }>`SELECT c.relname || '.' || t.tgname || '=' || t.tgenabled::text AS d FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND c.relname IN ('incident', 'act') ORDER BY 1`.execute(db);
  return [...idx.rows, ...trg.rows].map((r) => r.d);
}

/** The stored trend counts of one organisation, without its id (to compare two organisations). */
export async function storedCounts(db: DB, org: string): Promise<string[]> {
  const fine = await sql<Record<string, unknown>>`SELECT country, act_type, month, subdivision, visibility, start_precision, n::int AS n
    FROM atalaya_derived.incident_month WHERE organisation_id = ${org} AND n <> 0 ORDER BY 1, 2, 3, 4, 5, 6`.execute(db);
  const coarse = await sql<Record<string, unknown>>`SELECT country, act_type, month, start_precision, n::int AS n
    FROM atalaya_derived.incident_month_country WHERE organisation_id = ${org} AND n <> 0 ORDER BY 1, 2, 3, 4`.execute(db);
  return [...fine.rows, ...coarse.rows].map((r) => JSON.stringify(r));
}
