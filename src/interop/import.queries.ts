/**
 * SQL of imports: jobs, the staging area, the external-key table, and the bulk writes that make a
 * staged import visible. Bulk paths send each column as one array (INSERT … SELECT FROM unnest),
 * a few thousand rows a statement, and write the history rows (a creation's carries no data) in
 * the same statement.
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
  // One array parameter per column: a batch of thousands of rows is one short statement.
  if (rows.length) {
    await sql`INSERT INTO import_staging (organisation_id, job_id, line, group_key, payload)
      SELECT ${orgId}::uuid, ${jobId}::uuid, u.line, u.group_key, u.payload
      FROM unnest(${rows.map((r) => r.line)}::bigint[], ${rows.map((r) => r.groupKey)}::text[], ${rows.map((r) => r.payload)}::bytea[]) AS u(line, group_key, payload)
      ON CONFLICT (organisation_id, job_id, line) DO NOTHING`.execute(db);
  }
  await db
    .updateTable('import_job')
    .set({ last_line: progress.lastLine, rows_read: progress.read, rows_staged: progress.staged, rows_rejected: progress.rejected, updated_at: new Date() })
    .where('organisation_id', '=', orgId)
    .where('id', '=', jobId)
    .execute();
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

/** Whether an earlier release of the dataset was applied (its keys are stored). */
export async function datasetHasKeys(db: DB, orgId: string, dataset: string): Promise<boolean> {
  return (await sql`SELECT 1 FROM import_key WHERE organisation_id = ${orgId} AND dataset = ${dataset} LIMIT 1`.execute(db)).rows.length > 0;
}

export async function lookupKeys(db: DB, orgId: string, dataset: string, bidx: Buffer[]): Promise<Map<string, KnownKey>> {
  const out = new Map<string, KnownKey>();
  if (!bidx.length) return out;
  const rows = (
    await sql<{ key_bidx: Buffer; incident_id: string; content_hash: string; has_external_id: boolean }>`SELECT key_bidx, incident_id, content_hash,
        external_id_enc IS NOT NULL AS has_external_id FROM import_key
      WHERE organisation_id = ${orgId} AND dataset = ${dataset} AND key_bidx = ANY(${bidx}::bytea[])`.execute(db)
  ).rows;
  for (const r of rows) out.set(r.key_bidx.toString('hex'), { incidentId: r.incident_id, hash: r.content_hash, hasExternalId: r.has_external_id });
  return out;
}

export interface KnownKey {
  incidentId: string;
  hash: string;
  /** False for keys stored before source ids were kept: the next import of the row fills it in. */
  hasExternalId: boolean;
}

export const externalIdAad = (bidx: Buffer): string => `import_key.external_id:${bidx.toString('hex')}`;

export async function upsertKeys(
  db: DB,
  orgId: string,
  dataset: string,
  jobId: string,
  rows: { bidx: Buffer; incidentId: string; hash: string; externalIdEnc?: Buffer | null }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    await sql`INSERT INTO import_key (organisation_id, dataset, key_bidx, incident_id, content_hash, job_id, external_id_enc)
      SELECT ${orgId}::uuid, ${dataset}, u.b, u.i, u.h, ${jobId}::uuid, u.e
      FROM unnest(${part.map((r) => r.bidx)}::bytea[], ${part.map((r) => r.incidentId)}::uuid[], ${part.map((r) => r.hash)}::text[], ${part.map((r) => r.externalIdEnc ?? null)}::bytea[]) AS u(b, i, h, e)
      ON CONFLICT (organisation_id, dataset, key_bidx) DO UPDATE
        SET incident_id = excluded.incident_id, content_hash = excluded.content_hash, job_id = excluded.job_id, updated_at = now(),
          external_id_enc = coalesce(excluded.external_id_enc, import_key.external_id_enc)`.execute(db);
  }
}

/** The sealed source ids of incidents, per incident (several when two datasets or ids lead to one). */
export async function externalIdsOf(db: DB, orgId: string, incidentIds: string[]): Promise<{ incident_id: string; dataset: string; key_bidx: Buffer; external_id_enc: Buffer }[]> {
  if (!incidentIds.length) return [];
  return (
    await sql<{ incident_id: string; dataset: string; key_bidx: Buffer; external_id_enc: Buffer }>`SELECT incident_id, dataset, key_bidx, external_id_enc FROM import_key
      WHERE organisation_id = ${orgId} AND incident_id = ANY(${incidentIds}::uuid[]) AND external_id_enc IS NOT NULL ORDER BY dataset, updated_at`.execute(db)
  ).rows;
}

type Values = Record<string, unknown>;
type RecordTableName = 'incident' | 'actor' | 'act' | 'involvement';

/** Rows per statement of the bulk writes: large enough that round trips do not matter, small enough to bound memory. */
const CHUNK = 5000;

/** Column name → SQL type (format_type) of a table, read once per transaction from the catalogue. */
export type TableTypes = Map<string, string>;

export async function tableTypes(trx: DB, table: RecordTableName): Promise<TableTypes> {
  const rows = (
    await sql<{ name: string; type: string }>`SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = ${table}::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`.execute(trx)
  ).rows;
  return new Map(rows.map((r) => [r.name, r.type]));
}

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected column name ${name}`);
  return `"${name}"`;
};

/** A text[] value as an array literal, for columns whose rows each hold an array (unnest would flatten them). */
function arrayLiteral(xs: unknown): string | null {
  if (xs == null) return null;
  return `{${(xs as unknown[]).map((x) => (x == null ? 'NULL' : `"${String(x).replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(',')}}`;
}

/**
 * Inserts many rows of one record table and their 'create' history rows, in the caller's
 * transaction: one statement per few thousand rows, each column sent as one array. A creation's
 * history row records who, when and why but no data: the new version is the live row (081).
 */
export async function bulkInsertRecords(trx: DB, table: RecordTableName, types: TableTypes, rows: Values[], changedBy: string | null, reason: string): Promise<number> {
  if (!rows.length) return 0;
  const cols = Object.keys(rows[0]!);
  const casts = cols.map((c) => {
    const t = types.get(c);
    if (!t) throw new Error(`${table} has no column ${c}`);
    return t;
  });
  const names = cols.map(ident).join(', ');
  const selectList = cols.map((c, k) => (casts[k]!.endsWith('[]') ? `u.${ident(c)}::${casts[k]}` : `u.${ident(c)}`)).join(', ');
  let n = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const arrays = cols.map((c, k) => {
      const isArray = casts[k]!.endsWith('[]');
      const values = part.map((r) => (isArray ? arrayLiteral(r[c]) : (r[c] ?? null)));
      return sql`${values}::${sql.raw(isArray ? 'text' : casts[k]!)}[]`;
    });
    const r = await sql`WITH ins AS (
        INSERT INTO ${sql.table(table)} (${sql.raw(names)})
        SELECT ${sql.raw(selectList)} FROM unnest(${sql.join(arrays)}) AS u(${sql.raw(names)})
        RETURNING organisation_id, id, version
      )
      INSERT INTO record_history (organisation_id, id, record_table, record_id, version, action, reason, changed_by)
      SELECT ins.organisation_id, gen_random_uuid(), ${table}, ins.id, ins.version, 'create', ${reason}, ${changedBy}::uuid
      FROM ins`.execute(trx);
    n += Number(r.numAffectedRows ?? part.length);
  }
  return n;
}
