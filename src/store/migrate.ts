/**
 * Forward-only migrations: plain SQL files `NNN-name.sql` applied in order, each in its own
 * transaction together with its row in schema_migration, so a crash leaves either the old schema
 * or the new one, never half of a migration. Safe to run twice and from two processes at once
 * (an advisory lock serialises them).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { AppError } from '../shared/errors.js';
import type { DB } from './db.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_KEY = 7_345_118_201;

export interface Migration {
  id: string;
  sql: string;
  checksum: string;
}

export function listMigrations(): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      return { id: f.slice(0, -4), sql: text, checksum: createHash('sha256').update(text).digest('hex') };
    });
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

export async function migrate(db: DB): Promise<MigrationResult> {
  const all = listMigrations();
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${LOCK_KEY})`.execute(conn);
    try {
      await sql`CREATE TABLE IF NOT EXISTS schema_migration (
        id text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`.execute(conn);
      const done = await sql<{ id: string; checksum: string }>`SELECT id, checksum FROM schema_migration`.execute(conn);
      const known = new Map(done.rows.map((r) => [r.id, r.checksum]));
      for (const [id, checksum] of known) {
        const m = all.find((x) => x.id === id);
        if (!m) throw new AppError('unavailable', { message: `The database has migration ${id}, which this version of Atalaya does not know. Upgrade Atalaya.` });
        if (m.checksum !== checksum) throw new AppError('unavailable', { message: `Migration ${id} was changed after it was applied; migrations are forward-only.` });
      }
      const applied: string[] = [];
      for (const m of all) {
        if (known.has(m.id)) continue;
        await conn.transaction().execute(async (trx) => {
          await sql.raw(m.sql).execute(trx);
          await sql`INSERT INTO schema_migration (id, checksum) VALUES (${m.id}, ${m.checksum})`.execute(trx);
        });
        applied.push(m.id);
      }
      return { applied, alreadyApplied: known.size };
    } finally {
      await sql`SELECT pg_advisory_unlock(${LOCK_KEY})`.execute(conn);
    }
  });
}

/** Migrations not yet applied (the doctor and the server refuse to run with any). */
export async function pendingMigrations(db: DB): Promise<string[]> {
  const exists = await sql<{ t: string | null }>`SELECT to_regclass('schema_migration')::text AS t`.execute(db);
  const all = listMigrations().map((m) => m.id);
  if (!exists.rows[0]?.t) return all;
  const done = await sql<{ id: string }>`SELECT id FROM schema_migration`.execute(db);
  const have = new Set(done.rows.map((r) => r.id));
  return all.filter((id) => !have.has(id));
}
