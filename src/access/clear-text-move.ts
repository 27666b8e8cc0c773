/**
 * The start-up half of migration 073 (issue 19, point 11): act notes, involvement remarks and
 * evidence descriptions used to be stored in clear. Encrypting needs the organisation keys, which
 * the database never holds, so SQL alone cannot do it: right after the migrations, as the owner
 * role (the application role may not rewrite record_history), each clear value still present —
 * in the live row and in every history version of it — is encrypted under the organisation's data
 * key, bound to `<table>.<column>:<record id>` exactly as the record code writes it, and the clear
 * copy is removed, in batches, each batch one transaction. Idempotent: a second run finds nothing.
 *
 * What this cannot reach: copies taken before the move (older backups, WAL already archived, free
 * space in the database's files until PostgreSQL reuses it). The README says so.
 */
import { sql } from 'kysely';
import { inTransaction, systemScope, type DB } from '../store/index.js';
import type { Keyring } from './crypto/keyring.js';

/** Each clear column and the encrypted column that replaces it. */
export const clearTextMoves = [
  { table: 'act', clear: 'notes', enc: 'notes_enc' },
  { table: 'involvement', clear: 'remarks', enc: 'remarks_enc' },
  { table: 'evidence', clear: 'description', enc: 'description_enc' },
] as const;

const BATCH = 500;

async function moveBatch(trx: DB, keys: Keyring, org: string, m: (typeof clearTextMoves)[number]): Promise<number> {
  const where = (id: string) => `${m.table}.${m.enc}:${id}`;
  const live = await sql<{ id: string; v: string }>`SELECT id, ${sql.ref(m.clear)} AS v FROM ${sql.table(m.table)}
    WHERE organisation_id = ${org} AND ${sql.ref(m.clear)} IS NOT NULL LIMIT ${BATCH} FOR UPDATE`.execute(trx);
  for (const r of live.rows) {
    const enc = r.v === '' ? null : await keys.encrypt(trx, org, where(r.id), r.v);
    await sql`UPDATE ${sql.table(m.table)} SET ${sql.ref(m.enc)} = ${enc}, ${sql.ref(m.clear)} = NULL
      WHERE organisation_id = ${org} AND id = ${r.id}`.execute(trx);
  }
  const past = await sql<{ id: string; record_id: string; v: string }>`SELECT id, record_id, row_data ->> ${m.clear} AS v FROM record_history
    WHERE organisation_id = ${org} AND record_table = ${m.table} AND row_data ->> ${m.clear} IS NOT NULL LIMIT ${BATCH} FOR UPDATE`.execute(trx);
  for (const h of past.rows) {
    // History rows keep bytes as {"$b64": …} (store/canonical-json.ts), which reviveRow turns back.
    const enc = h.v === '' ? null : (await keys.encrypt(trx, org, where(h.record_id), h.v)).toString('base64');
    await sql`UPDATE record_history
      SET row_data = (row_data - ${m.clear}) || jsonb_build_object(${m.enc}::text, CASE WHEN ${enc}::text IS NULL THEN NULL ELSE jsonb_build_object('$b64', ${enc}::text) END)
      WHERE organisation_id = ${org} AND id = ${h.id}`.execute(trx);
  }
  return live.rows.length + past.rows.length;
}

/** Encrypts whatever is still in clear; returns how many values (live and history) were moved. */
export async function moveClearText(db: DB, keys: Keyring): Promise<number> {
  const orgs = (await sql<{ id: string }>`SELECT id FROM organisation`.execute(db)).rows.map((r) => r.id);
  if (!orgs.length) return 0;
  // One cheap look first: a server that has already moved everything starts without further work.
  const pending = await inTransaction(db, systemScope(orgs), async (trx) => {
    for (const m of clearTextMoves) {
      const live = await sql`SELECT 1 FROM ${sql.table(m.table)} WHERE ${sql.ref(m.clear)} IS NOT NULL LIMIT 1`.execute(trx);
      const past = await sql`SELECT 1 FROM record_history WHERE record_table = ${m.table} AND row_data ->> ${m.clear} IS NOT NULL LIMIT 1`.execute(trx);
      if (live.rows.length || past.rows.length) return true;
    }
    return false;
  });
  if (!pending) return 0;
  let moved = 0;
  for (const org of orgs) {
    for (const m of clearTextMoves) {
      for (;;) {
        const n = await inTransaction(db, systemScope([org]), (trx) => moveBatch(trx, keys, org, m));
        moved += n;
        if (n === 0) break;
      }
    }
  }
  return moved;
}
