/** Histories of records: every version with what changed, and the names of who changed it. */
import { authorize, readScope, type Actor, type Ctx } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { isId } from '../shared/ids.js';
import { sql } from 'kysely';
import { inTransaction, type DB, type RecordTable } from '../store/index.js';
import { historyRows } from './record-store.js';
import { findVisibleRow } from './record-scope.js';
import { presentRow, type Presented } from './records.present.js';

export interface PresentedHistoryEntry {
  version: number;
  action: string;
  reason: string | null;
  changedAt: string;
  changedBy: string | null;
  changes: { field: string; before: unknown; after: unknown }[];
}

/** Every version of a record with what changed in each (owner organisation only). */
export async function getHistory(ctx: Ctx, actor: Actor, table: RecordTable, id: string): Promise<PresentedHistoryEntry[]> {
  authorize(actor, 'record.read');
  const scope = readScope(actor);
  return inTransaction(ctx.db, scope, async (trx) => {
    const found = await findVisibleRow(trx, table, id, scope);
    if (!found || !found.owner) throw new AppError('not_found');
    return (await presentHistory(ctx, trx, table, found.row.organisation_id, id)).entries;
  });
}

const unchangedFields = new Set(['version', 'updatedAt', 'updatedBy', 'createdAt', 'createdBy', 'id', 'organisationId']);

/** The versions of one record, each with the fields that changed from the version before. */
async function presentHistory(ctx: Ctx, trx: DB, table: RecordTable, orgId: string, id: string): Promise<{ entries: PresentedHistoryEntry[]; last: Presented | null }> {
  const out: PresentedHistoryEntry[] = [];
  let prev: Presented | null = null;
  for (const e of await historyRows(trx, table, orgId, id)) {
    const cur = await presentRow(ctx, trx, table, e.row);
    const changes = Object.keys(cur)
      .filter((k) => !unchangedFields.has(k))
      .filter((k) => JSON.stringify(cur[k]) !== JSON.stringify(prev?.[k] ?? null) && !(prev === null && (cur[k] === null || cur[k] === false || (Array.isArray(cur[k]) && (cur[k] as unknown[]).length === 0))))
      .map((k) => ({ field: k, before: prev ? (prev[k] ?? null) : null, after: cur[k] ?? null }));
    out.push({
      version: e.version,
      action: e.action,
      reason: e.reason,
      changedAt: new Date(e.changedAt).toISOString(),
      changedBy: e.changedBy,
      changes,
    });
    prev = cur;
  }
  return { entries: out, last: prev };
}

/** The kinds of record a case is made of, as they appear in its history. */
export const caseRecordTables = ['incident', 'act', 'actor', 'involvement', 'source', 'evidence', 'intervention', 'incident_link'] as const satisfies readonly RecordTable[];
export type CaseRecordTable = (typeof caseRecordTables)[number];

export interface CaseHistoryEntry extends PresentedHistoryEntry {
  table: CaseRecordTable;
  recordId: string;
  /** The record as it is now (its latest version), to name it. */
  record: Presented;
}

/** The records that make up a case, archived ones included: its acts, their victims and perpetrators, sources, evidence, interventions and links. */
async function caseRecordIds(trx: DB, orgId: string, incidentId: string): Promise<{ table: CaseRecordTable; id: string }[]> {
  const r = await sql<{ t: CaseRecordTable; id: string }>`
    SELECT 'act' AS t, id FROM act WHERE organisation_id = ${orgId} AND incident_id = ${incidentId}
    UNION SELECT 'actor', victim_id FROM act WHERE organisation_id = ${orgId} AND incident_id = ${incidentId}
    UNION SELECT 'involvement', v.id FROM involvement v JOIN act a ON a.organisation_id = v.organisation_id AND a.id = v.act_id
      WHERE a.organisation_id = ${orgId} AND a.incident_id = ${incidentId}
    UNION SELECT 'actor', v.perpetrator_id FROM involvement v JOIN act a ON a.organisation_id = v.organisation_id AND a.id = v.act_id
      WHERE a.organisation_id = ${orgId} AND a.incident_id = ${incidentId} AND v.perpetrator_id IS NOT NULL
    UNION SELECT 'source', id FROM source WHERE organisation_id = ${orgId} AND incident_id = ${incidentId}
    UNION SELECT 'evidence', id FROM evidence WHERE organisation_id = ${orgId} AND incident_id = ${incidentId}
    UNION SELECT 'intervention', id FROM intervention WHERE organisation_id = ${orgId} AND incident_id = ${incidentId}
    UNION SELECT 'incident_link', id FROM incident_link WHERE organisation_id = ${orgId} AND (from_incident_id = ${incidentId} OR to_incident_id = ${incidentId})`.execute(trx);
  return [{ table: 'incident', id: incidentId }, ...r.rows.map((x) => ({ table: x.t, id: x.id }))];
}

/**
 * Every change to a case and to every record it is made of, newest first, each with its diff and
 * reason (owner organisation only: partners see no history).
 */
export async function getCaseHistory(ctx: Ctx, actor: Actor, incidentId: string): Promise<CaseHistoryEntry[]> {
  authorize(actor, 'record.read');
  const scope = readScope(actor);
  return inTransaction(ctx.db, scope, async (trx) => {
    const found = await findVisibleRow(trx, 'incident', incidentId, scope);
    if (!found || !found.owner) throw new AppError('not_found');
    const org = found.row.organisation_id;
    const out: CaseHistoryEntry[] = [];
    for (const { table, id } of await caseRecordIds(trx, org, incidentId)) {
      const { entries, last } = await presentHistory(ctx, trx, table, org, id);
      if (!last) continue;
      for (const e of entries) out.push({ ...e, table, recordId: id, record: last });
    }
    const order = (t: CaseRecordTable) => caseRecordTables.indexOf(t);
    return out.sort((a, b) => b.changedAt.localeCompare(a.changedAt) || order(b.table) - order(a.table) || b.version - a.version);
  });
}

/** Whether a record belongs to the case (the history of one record is read through its case). */
export async function isPartOfCase(ctx: Ctx, actor: Actor, incidentId: string, table: CaseRecordTable, id: string): Promise<boolean> {
  authorize(actor, 'record.read');
  const scope = readScope(actor);
  return inTransaction(ctx.db, scope, async (trx) => {
    const found = await findVisibleRow(trx, 'incident', incidentId, scope);
    if (!found || !found.owner || !isId(id)) return false;
    return (await caseRecordIds(trx, found.row.organisation_id, incidentId)).some((r) => r.table === table && r.id === id);
  });
}

/** Display names of the people who made changes (for history and conflict pages). */
export async function userNames(ctx: Ctx, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const list = [...new Set(ids.filter((x): x is string => !!x && isId(x)))];
  if (!list.length) return new Map();
  const rows = await ctx.db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', list).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}
