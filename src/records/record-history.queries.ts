/** Histories of records: every version with what changed, and the names of who changed it. */
import { authorize, readScope, type Actor, type Ctx } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { isId } from '../shared/ids.js';
import { inTransaction, type RecordTable } from '../store/index.js';
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
    const entries = await historyRows(trx, table, found.row.organisation_id, id);
    const out: PresentedHistoryEntry[] = [];
    let prev: Presented | null = null;
    for (const e of entries) {
      const cur = await presentRow(ctx, trx, table, e.row);
      const skip = new Set(['version', 'updatedAt', 'updatedBy', 'createdAt', 'createdBy', 'id', 'organisationId']);
      const changes = Object.keys(cur)
        .filter((k) => !skip.has(k))
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
    return out;
  });
}

/** Display names of the people who made changes (for history and conflict pages). */
export async function userNames(ctx: Ctx, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const list = [...new Set(ids.filter((x): x is string => !!x && isId(x)))];
  if (!list.length) return new Map();
  const rows = await ctx.db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', list).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}
