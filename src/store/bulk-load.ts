/**
 * Bulk loading of the record tables, as PostgreSQL's "Populating a Database" advises, inside the
 * caller's transaction: drop the secondary indexes of the record tables (and the keys of the history
 * and perpetrator-link tables, which no foreign key needs), turn off the trend-count triggers, write,
 * then rebuild the indexes once and recount the trend counts of the organisations written to.
 * Building an index once is far cheaper than maintaining it row by row (above all the GIN text index
 * and the indexes on random ids once they outgrow memory).
 *
 * The tables are locked until the transaction ends, and a failure rolls everything back, indexes and
 * triggers included. Used by the synthetic loader and by imports, each only when the load is at
 * least as large as what the incident table already holds and the connection owns the tables (the
 * application role on a server does not).
 */
import { sql } from 'kysely';
import type { DB } from './db.js';

// Tables a bulk load writes: their indexes are dropped and rebuilt (see dropSecondaryIndexes).
const bulkTables = ['incident', 'actor', 'act', 'involvement', 'record_history'].map((t) => `public.${t}`);
// Triggers a bulk load turns off (the trend counts, recounted once at the end).
const countTriggers = (on: boolean) =>
  ['incident', 'act'].flatMap((t) =>
    ['ins', 'upd', 'del'].map(
      (op) => sql`ALTER TABLE ${sql.table(t)} ${sql.raw(on ? 'ENABLE' : 'DISABLE')} TRIGGER ${sql.raw(`incident_month_${op}`)}`,
    ),
  );

/** Whether a load of `n` incidents may be bulk: the connection owns the tables and they hold at most `n` incidents. */
export async function bulkPossible(db: DB, n: number): Promise<boolean> {
  // The count sees only the rows row-level security lets through (an owner is subject to it too:
  // the tables force it), so the statistics' row counts, which see every organisation's, are
  // taken when larger.
  const r = await sql<{ owner: boolean; rows: string }>`SELECT
      bool_and(pg_has_role(current_user, c.relowner, 'USAGE')) AS owner,
      greatest(
        (SELECT count(*) FROM (SELECT 1 FROM incident LIMIT ${n + 1}) x),
        (SELECT n_live_tup FROM pg_stat_user_tables WHERE relid = 'incident'::regclass),
        (SELECT reltuples::bigint FROM pg_class WHERE oid = 'incident'::regclass)
      ) AS rows
    FROM pg_class c WHERE c.oid = ANY(${bulkTables}::regclass[])`.execute(db);
  const row = r.rows[0];
  return !!row?.owner && Number(row.rows) <= n;
}

/**
 * Drops the indexes of `bulkTables` and returns the statements that rebuild them: every index that
 * backs no constraint, and the primary-key and unique constraints of the tables no foreign key
 * points to (history and perpetrator links: their random-id keys are the largest indexes, and
 * their uniqueness is checked once, when they are rebuilt). Keys that foreign keys need stay.
 */
async function dropSecondaryIndexes(trx: DB): Promise<string[]> {
  const r = await sql<{ drop: string; rebuild: string }>`SELECT 'DROP INDEX ' || i.indexrelid::regclass::text AS drop,
      pg_get_indexdef(i.indexrelid) AS rebuild
    FROM pg_index i
    WHERE i.indrelid = ANY(${bulkTables}::regclass[])
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
    UNION ALL
    SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', k.conrelid::regclass, k.conname),
      format('ALTER TABLE %s ADD CONSTRAINT %I %s', k.conrelid::regclass, k.conname, pg_get_constraintdef(k.oid))
    FROM pg_constraint k
    WHERE k.conrelid = ANY(${bulkTables}::regclass[]) AND k.contype IN ('p', 'u')
      AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = k.conrelid)`.execute(trx);
  for (const x of r.rows) await sql.raw(x.drop).execute(trx);
  return r.rows.map((x) => x.rebuild);
}

/** Runs `write` in `trx` as a bulk load (see the module comment), recounting `organisationIds` at the end. */
export async function withBulkLoad<T>(trx: DB, organisationIds: readonly string[], write: () => Promise<T>): Promise<T> {
  // Index builds sort in memory; the default 64 MB would spill a million rows to disk.
  await sql`SET LOCAL maintenance_work_mem = '512MB'`.execute(trx);
  // A large load writes full-page images of every index page it touches after each checkpoint
  // (~30 MB/s of WAL was seen at 1M); compressing them (lz4 where the server has it) shrinks that.
  // Its own share of the gain was not measured. Only a superuser may set it: otherwise skipped.
  await sql`SELECT set_config('wal_compression', CASE WHEN 'lz4' = ANY(enumvals) THEN 'lz4' ELSE 'on' END, true)
    FROM pg_settings WHERE name = 'wal_compression' AND has_parameter_privilege('wal_compression', 'SET')`.execute(trx);
  const defs = await dropSecondaryIndexes(trx);
  for (const off of countTriggers(false)) await off.execute(trx);
  const written = await write();
  for (const def of defs) await sql.raw(def).execute(trx);
  for (const org of organisationIds) await sql`SELECT atalaya_derived.recount(${org}::uuid)`.execute(trx);
  for (const on of countTriggers(true)) await on.execute(trx);
  return written;
}
