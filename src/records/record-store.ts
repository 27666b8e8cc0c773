/**
 * Versioned records: every insert, update and archive bumps `version`, writes a history row and
 * appends an audit entry, all in the caller's transaction. A history row records the change (who,
 * when, why) and carries the version it superseded: nothing for a creation, the row as it was for
 * the others; the current version is the live row (migration 081), so it is never stored twice. An update names
 * the version it edits; when someone else saved first it is refused with a conflict carrying the
 * current row, so no edit is ever lost silently.
 */
import { sql } from 'kysely';
import type { Ctx } from '../access/index.js';
import { AppError, type FieldIssue } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { fromStored, toStored, type Precision } from '../shared/dates.js';
import { publicContentChanged } from '../shared/public-changes.js';
import { afterCommit, appendAudit, canonicalJson, type DB, type RecordTable } from '../store/index.js';
import { fieldMaps, foreignKeyFields } from './record-fields.js';

export type Row = Record<string, unknown> & {
  organisation_id: string;
  id: string;
  version: number;
  archived_at: Date | null;
};

export interface Who {
  organisationId: string;
  userId: string | null;
  requestId?: string | undefined;
  clientHash?: string | undefined;
}

/** Turns the given input fields into column values (only the keys present in `input`). */
export async function toColumns(
  ctx: Ctx,
  trx: DB,
  table: RecordTable,
  orgId: string,
  id: string,
  input: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const map = fieldMaps[table];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const spec = map[key];
    if (!spec || value === undefined) continue;
    if (spec.kind === 'plain') out[spec.col] = value;
    else if (spec.kind === 'date') {
      if (value === null) {
        out[spec.col] = null;
        if (spec.precisionCol) out[spec.precisionCol] = null;
      } else {
        const st = toStored(value as string);
        out[spec.col] = st.date;
        if (spec.precisionCol) out[spec.precisionCol] = st.precision;
      }
    } else {
      const empty = value === null || (Array.isArray(value) && value.length === 0) || value === '';
      out[spec.col] = empty
        ? null
        : await ctx.keys.encrypt(trx, orgId, `${table}.${spec.col}:${id}`, spec.json ? JSON.stringify(value) : (value as string));
    }
  }
  return out;
}

/** Turns a stored row back into input-shaped fields, decrypting what is encrypted. */
export async function fromColumns(ctx: Ctx, db: DB, table: RecordTable, row: Row): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(fieldMaps[table])) {
    const v = row[spec.col];
    if (spec.kind === 'plain') out[key] = v ?? null;
    else if (spec.kind === 'date') {
      const precision = spec.precisionCol ? (row[spec.precisionCol] as Precision | null) : 'day';
      out[key] = fromStored((v as string | null) ?? null, precision);
    } else if (v == null) out[key] = spec.json ? [] : null;
    else {
      const plain = await ctx.keys.decrypt(db, row.organisation_id, `${table}.${spec.col}:${row.id}`, v as Buffer);
      out[key] = spec.json ? (JSON.parse(plain) as unknown) : plain;
    }
  }
  return out;
}

function historyRow(row: Row): string {
  const { search: _search, ...rest } = row;
  return canonicalJson(rest);
}

/** Maps database constraint errors to field errors; everything else passes through. */
export function translateDbError(e: unknown, table: RecordTable): never {
  const err = e as { code?: string; constraint?: string; column?: string };
  if (err.code === '23503' && err.constraint) {
    const col = Object.keys(foreignKeyFields).find((c) => err.constraint!.includes(`_${c}_`));
    const field = col ? foreignKeyFields[col]! : 'id';
    const issues: FieldIssue[] = [{ path: [field], key: 'records:missing_reference' }];
    throw new AppError('validation', { issues, cause: e });
  }
  if (err.code === '23514' || err.code === '23502' || err.code === '22P02' || err.code === '22003') {
    throw new AppError('validation', {
      issues: [{ path: err.column ? [err.column] : [], key: 'records:constraint', values: { table } }],
      cause: e,
    });
  }
  throw e;
}

async function writeHistory(
  trx: DB,
  table: RecordTable,
  row: Row,
  before: Row | null,
  who: Who,
  action: 'create' | 'update' | 'archive' | 'restore',
  reason: string | null | undefined,
) {
  await trx
    .insertInto('record_history')
    .values({
      organisation_id: row.organisation_id,
      id: newId(),
      record_table: table,
      record_id: row.id,
      version: row.version,
      action,
      reason: reason ?? null,
      changed_by: who.userId,
      row_data: before ? historyRow(before) : null,
    })
    .execute();
  await appendAudit(trx, {
    organisationId: row.organisation_id,
    userId: who.userId,
    action: `record.${action}`,
    objectTable: table,
    objectId: row.id,
    requestId: who.requestId ?? null,
    clientHash: who.clientHash ?? null,
    detail: { version: row.version },
  });
}

export async function insertRecord(trx: DB, table: RecordTable, who: Who, id: string, columns: Record<string, unknown>, reason?: string | null): Promise<Row> {
  const values: Record<string, unknown> = {
    ...columns,
    organisation_id: who.organisationId,
    id,
    created_by: who.userId,
    updated_by: who.userId,
  };
  const cols = Object.keys(values);
  let row: Row;
  try {
    const r = await sql<Row>`INSERT INTO ${sql.table(table)} (${sql.join(cols.map((c) => sql.ref(c)))})
      VALUES (${sql.join(cols.map((c) => sql`${values[c]}`))}) RETURNING *`.execute(trx);
    row = r.rows[0]!;
  } catch (e) {
    translateDbError(e, table);
  }
  await writeHistory(trx, table, row, null, who, 'create', reason);
  return row;
}

export async function getRow(trx: DB, table: RecordTable, orgId: string, id: string): Promise<Row | undefined> {
  const r = await sql<Row>`SELECT * FROM ${sql.table(table)} WHERE organisation_id = ${orgId} AND id = ${id}`.execute(trx);
  return r.rows[0];
}

/**
 * Applies `columns` to the record if it is still at `expectedVersion`. Conflict details carry the
 * current stored row so the caller can show both versions.
 */
export async function updateRecord(
  trx: DB,
  table: RecordTable,
  who: Who,
  id: string,
  expectedVersion: number,
  columns: Record<string, unknown>,
  opts: { reason?: string | null | undefined; action?: 'update' | 'archive' | 'restore' } = {},
): Promise<Row> {
  const action = opts.action ?? 'update';
  const sets = Object.entries(columns).map(([c, v]) => sql`${sql.ref(c)} = ${v}`);
  sets.push(sql`version = version + 1`, sql`updated_at = now()`, sql`updated_by = ${who.userId}`);
  if (action === 'archive') sets.push(sql`archived_at = now()`);
  if (action === 'restore') sets.push(sql`archived_at = NULL`);
  let row: Row | undefined;
  // The version being superseded goes to history: read and locked first, under the same conditions.
  const before = (
    await sql<Row>`SELECT * FROM ${sql.table(table)}
      WHERE organisation_id = ${who.organisationId} AND id = ${id} AND version = ${expectedVersion}
        AND (archived_at IS NULL) = ${action !== 'restore'} FOR UPDATE`.execute(trx)
  ).rows[0];
  try {
    const r = await sql<Row>`UPDATE ${sql.table(table)} SET ${sql.join(sets)}
      WHERE organisation_id = ${who.organisationId} AND id = ${id} AND version = ${expectedVersion}
        AND (archived_at IS NULL) = ${action !== 'restore'}
      RETURNING *`.execute(trx);
    row = r.rows[0];
  } catch (e) {
    translateDbError(e, table);
  }
  if (!row) {
    const current = await getRow(trx, table, who.organisationId, id);
    if (!current) throw new AppError('not_found');
    if (current.version !== expectedVersion) {
      throw new AppError('conflict', { details: { currentVersion: current.version, yourVersion: expectedVersion, current } });
    }
    throw new AppError('invalid_state', { values: { state: current.archived_at ? 'archived' : 'active' } });
  }
  await writeHistory(trx, table, row, before ?? null, who, action, opts.reason);
  if (table === 'incident') await refreshPublicPagesCiting(trx, who.organisationId, id);
  return row;
}

/** A statement's public page lists the public cases it cites (title, month, country): it must show the change. */
async function refreshPublicPagesCiting(trx: DB, orgId: string, incidentId: string): Promise<void> {
  const cited = await trx.selectFrom('statement_incident').select('statement_id').where('organisation_id', '=', orgId).where('incident_id', '=', incidentId).limit(1).executeTakeFirst();
  if (cited) afterCommit(trx, publicContentChanged);
}

export interface HistoryEntry {
  version: number;
  action: string;
  reason: string | null;
  changedAt: Date;
  changedBy: string | null;
  row: Row;
}

/**
 * Every version of a record, oldest first. A history row carries the version its change
 * superseded, so version v is read from the next change's row, and the latest from the live row.
 */
export async function historyRows(db: DB, table: RecordTable, orgId: string, id: string): Promise<HistoryEntry[]> {
  const rows = await db
    .selectFrom('record_history')
    .select(['version', 'action', 'reason', 'changed_at', 'changed_by', 'row_data'])
    .where('organisation_id', '=', orgId)
    .where('record_table', '=', table)
    .where('record_id', '=', id)
    .orderBy('version')
    .execute();
  if (!rows.length) return [];
  const live = await getRow(db, table, orgId, id);
  const out: HistoryEntry[] = [];
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    const data = k + 1 < rows.length ? rows[k + 1]!.row_data : live ? (JSON.parse(historyRow(live)) as Record<string, unknown>) : null;
    // A version whose data is nowhere (a live row removed outside the application) cannot be shown.
    if (!data) continue;
    out.push({ version: r.version, action: r.action, reason: r.reason, changedAt: r.changed_at, changedBy: r.changed_by, row: reviveRow(data) });
  }
  return out;
}

/** History rows keep Buffers as {$b64}; turn them back into Buffers so they decrypt like live rows. */
export function reviveRow(data: Record<string, unknown>): Row {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    out[k] = v && typeof v === 'object' && '$b64' in (v as object) ? Buffer.from((v as { $b64: string }).$b64, 'base64') : v;
  }
  return out as Row;
}
