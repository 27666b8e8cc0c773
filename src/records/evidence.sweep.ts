/**
 * Removes evidence files that no row refers to: left by a crash between storing a file and
 * recording it, or by versions that kept refused uploads. Unreferenced files are not evidence of
 * anything, fill the disk and travel in every backup. Run at start-up and by `atalaya doctor`.
 *
 * A file is referenced by any `storage_key` column of any table (so tables added later count
 * without changes here) or by an intake draft's encrypted payload. Only files older than
 * `minAgeMs` go, so an upload being recorded at this moment by another process is left alone.
 */
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Ctx } from '../access/index.js';
import { isId } from '../shared/ids.js';
import { inTransaction, systemScope } from '../store/index.js';

export interface SweepResult {
  removed: number;
  kept: number;
}

const STORAGE_KEY = /^[0-9a-f]{32}$/;

async function referencedKeys(ctx: Ctx, orgId: string): Promise<Set<string>> {
  return inTransaction(ctx.db, systemScope([orgId]), async (trx) => {
    const keys = new Set<string>();
    // Every column that names a stored file: evidence, and any later table (public reports keep a
    // sealed original and a stripped copy, `storage_key` and `stripped_storage_key`).
    const columns = await sql<{ table_name: string; column_name: string }>`SELECT c.table_name, c.column_name FROM information_schema.columns c
      JOIN information_schema.columns o ON o.table_schema = c.table_schema AND o.table_name = c.table_name AND o.column_name = 'organisation_id'
      WHERE c.table_schema = current_schema() AND (c.column_name = 'storage_key' OR c.column_name LIKE '%\\_storage\\_key')`.execute(trx);
    for (const { table_name, column_name } of columns.rows) {
      const r = await sql<{ k: string | null }>`SELECT ${sql.ref(column_name)} AS k FROM ${sql.table(table_name)} WHERE organisation_id = ${orgId}`.execute(trx);
      for (const row of r.rows) if (row.k) keys.add(row.k);
    }
    const drafts = await sql<{ id: string; payload_enc: Buffer }>`SELECT id, payload_enc FROM intake_draft WHERE organisation_id = ${orgId}`.execute(trx);
    for (const d of drafts.rows) {
      const payload = await ctx.keys.decrypt(trx, orgId, `intake_draft.payload_enc:${d.id}`, d.payload_enc);
      for (const m of payload.matchAll(/"storageKey":"([0-9a-f]{32})"/g)) keys.add(m[1]!);
    }
    return keys;
  });
}

export async function sweepUnreferencedEvidence(ctx: Ctx, opts: { minAgeMs?: number; now?: number } = {}): Promise<SweepResult> {
  const root = join(ctx.dataDir, 'evidence');
  const minAge = opts.minAgeMs ?? 60 * 60_000;
  const now = opts.now ?? Date.now();
  const result: SweepResult = { removed: 0, kept: 0 };
  let orgDirs: string[];
  try {
    orgDirs = readdirSync(root);
  } catch {
    return result;
  }
  for (const orgId of orgDirs) {
    if (!isId(orgId)) continue;
    const dir = join(root, orgId);
    const files = readdirSync(dir).filter((f) => STORAGE_KEY.test(f));
    if (!files.length) continue;
    const used = await referencedKeys(ctx, orgId);
    for (const f of files) {
      const path = join(dir, f);
      if (used.has(f) || now - statSync(path).mtimeMs < minAge) {
        result.kept++;
        continue;
      }
      unlinkSync(path);
      result.removed++;
    }
  }
  return result;
}
