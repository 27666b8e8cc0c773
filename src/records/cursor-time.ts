/**
 * The exact creation time of a row, for a page cursor. PostgreSQL keeps microseconds and a
 * JavaScript Date only milliseconds: a cursor cut to the millisecond is earlier than its own row, so
 * `(created_at, id) < cursor` skipped every row of that millisecond — after a bulk import (one
 * transaction, one now()) the second page was empty and an export stopped at its first 200 cases.
 */
import { sql } from 'kysely';
import type { DB } from '../store/index.js';

export async function exactCreatedAt(db: DB, table: 'incident' | 'actor', organisationId: string, id: string): Promise<string> {
  const r = await sql<{ at: string }>`SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at
    FROM ${sql.table(table)} WHERE organisation_id = ${organisationId}::uuid AND id = ${id}::uuid`.execute(db);
  if (!r.rows[0]) throw new Error(`${table} ${id} vanished while its page was read`);
  return r.rows[0].at;
}
