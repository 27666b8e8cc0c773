/**
 * SQL of imports: jobs, the staging area, the external-key table, and the bulk writes that make a
 * staged import visible. Bulk paths use multi-row INSERT … RETURNING (a few hundred rows a
 * statement) so that history rows can be written from exactly what was stored.
 */
import { sql } from 'kysely';
import { newId } from '../shared/ids.js';
import { canonicalJson, type DB } from '../store/index.js';
import './interop.tables.js';
import type { ImportMode, ImportState } from './interop.tables.js';

export interface JobRow {
  organisation_id: string;
  id: string;
  dataset: string;
  file_name: string | null;
  file_sha256: string;
  profile: Record<string, unknown>;
  mode: ImportMode;
  state: ImportState;
  rows_total: string | null;
  rows_read: string;
  rows_staged: string;
  rows_rejected: string;
  last_line: string;
  result: Record<string, unknown>;
  created_at: Date;
  created_by: string | null;
  updated_at: Date;
  finished_at: Date | null;
}

export async function createJob(
  db: DB,
  v: { orgId: string; dataset: string; fileName: string | null; sha256: string; profile: unknown; mode: ImportMode; userId: string | null; rowsTotal: number | null },
): Promise<JobRow> {
  const id = newId();
  await db
    .insertInto('import_job')
    .values({
      organisation_id: v.orgId,
      id,
      dataset: v.dataset,
      file_name: v.fileName,
      file_sha256: v.sha256,
      profile: JSON.stringify(v.profile),
      mode: v.mode,
      state: 'staging',
      rows_total: v.rowsTotal,
      created_by: v.userId,
    })
    .execute();
  return (await getJob(db, v.orgId, id))!;
}

export async function getJob(db: DB, orgId: string, id: string): Promise<JobRow | undefined> {
  return (await db.selectFrom('import_job').selectAll().where('organisation_id', '=', orgId).where('id', '=', id).executeTakeFirst()) as JobRow | undefined;
}

/** An unfinished job for the same file, dataset and profile: the one to resume after a crash. */
export async function findResumable(db: DB, orgId: string, sha256: string, dataset: string, profileJson: string): Promise<JobRow | undefined> {
  const rows = (await db
    .selectFrom('import_job')
    .selectAll()
    .where('organisation_id', '=', orgId)
    .where('file_sha256', '=', sha256)
    .where('dataset', '=', dataset)
    .where('state', 'in', ['staging', 'staged', 'applying'])
    .orderBy('created_at', 'desc')
    .execute()) as JobRow[];
  return rows.find((r) => canonicalJson(r.profile) === profileJson);
}

export async function listJobs(db: DB, orgId: string, limit = 20): Promise<JobRow[]> {
  return (await db.selectFrom('import_job').selectAll().where('organisation_id', '=', orgId).orderBy('created_at', 'desc').limit(limit).execute()) as JobRow[];
}

export async function stageBatch(
  db: DB,
  orgId: string,
  jobId: string,
  rows: { line: number; groupKey: string; payload: Buffer }[],
  progress: { lastLine: number; read: number; staged: number; rejected: number },
): Promise<void> {
  // Called inside the caller's transaction: the rows and the job's progress commit together.
  {
    const trx = db;
    if (rows.length) {
      await trx
        .insertInto('import_staging')
        .values(rows.map((r) => ({ organisation_id: orgId, job_id: jobId, line: r.line, group_key: r.groupKey, payload: r.payload })))
        .onConflict((oc) => oc.columns(['organisation_id', 'job_id', 'line']).doNothing())
        .execute();
    }
    await trx
      .updateTable('import_job')
      .set({ last_line: progress.lastLine, rows_read: progress.read, rows_staged: progress.staged, rows_rejected: progress.rejected, updated_at: new Date() })
      .where('organisation_id', '=', orgId)
      .where('id', '=', jobId)
      .execute();
  }
}

export async function setJobState(db: DB, orgId: string, jobId: string, state: ImportState, result?: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('import_job')
    .set({
      state,
      updated_at: new Date(),
      ...(result ? { result: JSON.stringify(result) } : {}),
      ...(state === 'complete' || state === 'failed' ? { finished_at: new Date() } : {}),
    })
    .where('organisation_id', '=', orgId)
    .where('id', '=', jobId)
    .execute();
}

export async function deleteStaging(db: DB, orgId: string, jobId: string): Promise<void> {
  await db.deleteFrom('import_staging').where('organisation_id', '=', orgId).where('job_id', '=', jobId).execute();
}

export interface StagedRow {
  line: string;
  group_key: string;
  payload: Buffer;
}

/** Staged rows in group order, a page at a time (keyset on group_key, line). */
export async function stagedPage(db: DB, orgId: string, jobId: string, after: { groupKey: string; line: number } | null, limit: number): Promise<StagedRow[]> {
  let q = db
    .selectFrom('import_staging')
    .select(['line', 'group_key', 'payload'])
    .where('organisation_id', '=', orgId)
    .where('job_id', '=', jobId);
  if (after) q = q.where(sql<boolean>`(group_key, line) > (${after.groupKey}, ${after.line}::bigint)`);
  return (await q.orderBy('group_key').orderBy('line').limit(limit).execute()) as StagedRow[];
}

export async function lookupKeys(db: DB, orgId: string, dataset: string, bidx: Buffer[]): Promise<Map<string, { incidentId: string; hash: string }>> {
  const out = new Map<string, { incidentId: string; hash: string }>();
  if (!bidx.length) return out;
  const rows = await db
    .selectFrom('import_key')
    .select(['key_bidx', 'incident_id', 'content_hash'])
    .where('organisation_id', '=', orgId)
    .where('dataset', '=', dataset)
    .where('key_bidx', 'in', bidx)
    .execute();
  for (const r of rows) out.set(r.key_bidx.toString('hex'), { incidentId: r.incident_id, hash: r.content_hash });
  return out;
}

export async function upsertKeys(db: DB, orgId: string, dataset: string, jobId: string, rows: { bidx: Buffer; incidentId: string; hash: string }[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    const part = rows.slice(i, i + 1000);
    await db
      .insertInto('import_key')
      .values(part.map((r) => ({ organisation_id: orgId, dataset, key_bidx: r.bidx, incident_id: r.incidentId, content_hash: r.hash, job_id: jobId })))
      .onConflict((oc) =>
        oc.columns(['organisation_id', 'dataset', 'key_bidx']).doUpdateSet({
          incident_id: (eb) => eb.ref('excluded.incident_id'),
          content_hash: (eb) => eb.ref('excluded.content_hash'),
          job_id: (eb) => eb.ref('excluded.job_id'),
          updated_at: sql`now()`,
        }),
      )
      .execute();
  }
}

type Values = Record<string, unknown>;

/**
 * Inserts many rows of one record table and their 'create' history rows, in the caller's
 * transaction. The history row is the stored row, as record-store writes it for single records.
 */
export async function bulkInsertRecords(trx: DB, table: 'incident' | 'actor' | 'act' | 'involvement', rows: Values[], changedBy: string | null, reason: string): Promise<number> {
  if (!rows.length) return 0;
  const cols = Object.keys(rows[0]!);
  const per = Math.max(1, Math.floor(30000 / cols.length));
  let n = 0;
  for (let i = 0; i < rows.length; i += per) {
    const part = rows.slice(i, i + per);
    const stored = await sql<Values & { organisation_id: string; id: string; version: number }>`INSERT INTO ${sql.table(table)} (${sql.join(cols.map((c) => sql.ref(c)))})
      VALUES ${sql.join(part.map((r) => sql`(${sql.join(cols.map((c) => sql`${r[c]}`))})`))} RETURNING *`.execute(trx);
    await insertHistory(trx, table, stored.rows, 'create', changedBy, reason);
    n += stored.rows.length;
  }
  return n;
}

export async function insertHistory(
  trx: DB,
  table: string,
  rows: (Values & { organisation_id: string; id: string; version: number })[],
  action: 'create' | 'update' | 'archive',
  changedBy: string | null,
  reason: string,
): Promise<void> {
  if (!rows.length) return;
  const values = rows.map((r) => {
    const { search: _search, ...rest } = r;
    return {
      organisation_id: r.organisation_id,
      id: newId(),
      record_table: table,
      record_id: r.id,
      version: r.version,
      action,
      reason,
      changed_by: changedBy,
      row_data: canonicalJson(rest),
    };
  });
  for (let i = 0; i < values.length; i += 3000) await trx.insertInto('record_history').values(values.slice(i, i + 3000)).execute();
}
