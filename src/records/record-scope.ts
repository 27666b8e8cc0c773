/**
 * The read scope as SQL: a row is visible when it belongs to one of the scope's organisations, or
 * its incident was shared with one of the scope's coalitions (shown through the partner view). A
 * record outside the scope is reported exactly like a record that does not exist.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Actor } from '../access/index.js';
import { isId } from '../shared/ids.js';
import { appendAudit, type DB, type RecordTable, type Scope } from '../store/index.js';
import type { Row } from './record-store.js';
import type { Viewer } from './records.present.js';

/** SQL: the incident (org, id) is shared with one of the scope's coalitions and not private. */
export function sharedIncident(org: RawBuilder<unknown>, incident: RawBuilder<unknown>, scope: Scope): RawBuilder<boolean> {
  if (scope.coalitionIds.length === 0) return sql<boolean>`false`;
  return sql<boolean>`EXISTS (SELECT 1 FROM record_share s JOIN incident si
      ON si.organisation_id = s.organisation_id AND si.id = s.incident_id
    WHERE s.organisation_id = ${org} AND s.incident_id = ${incident}
      AND s.coalition_id = ANY(${scope.coalitionIds as string[]}::uuid[])
      AND si.visibility <> 'private' AND si.archived_at IS NULL)`;
}

/** SQL condition that a row of `table` (alias t) is visible to the scope through sharing. */
export function sharedCondition(table: RecordTable, scope: Scope): RawBuilder<boolean> {
  const org = sql.ref('t.organisation_id');
  switch (table) {
    case 'incident':
      return sharedIncident(org, sql.ref('t.id'), scope);
    case 'act':
    case 'source':
    case 'evidence':
    case 'intervention':
      return sharedIncident(org, sql.ref('t.incident_id'), scope);
    case 'involvement':
      return sql<boolean>`EXISTS (SELECT 1 FROM act a WHERE a.organisation_id = t.organisation_id AND a.id = t.act_id
        AND ${sharedIncident(sql.ref('a.organisation_id'), sql.ref('a.incident_id'), scope)})`;
    case 'actor':
      return sql<boolean>`EXISTS (SELECT 1 FROM act a WHERE a.organisation_id = t.organisation_id AND a.victim_id = t.id
        AND a.archived_at IS NULL AND ${sharedIncident(sql.ref('a.organisation_id'), sql.ref('a.incident_id'), scope)})`;
    case 'incident_link':
      return sql<boolean>`(${sharedIncident(org, sql.ref('t.from_incident_id'), scope)} AND ${sharedIncident(org, sql.ref('t.to_incident_id'), scope)})`;
  }
}

export function ownCondition(scope: Scope): RawBuilder<boolean> {
  if (scope.organisationIds.length === 0) return sql<boolean>`false`;
  // One organisation (a user's scope) as an equality: an index on (organisation_id, sort key) then
  // returns rows in the sort order, which = ANY(array) does not let the planner assume.
  if (scope.organisationIds.length === 1) return sql<boolean>`t.organisation_id = ${scope.organisationIds[0]!}::uuid`;
  return sql<boolean>`t.organisation_id = ANY(${scope.organisationIds as string[]}::uuid[])`;
}

/**
 * Which part of a scope a case-list query reads: all of it, the own organisations' incidents, or
 * the incidents of others shared with the scope's coalitions. Read apart, each part can use its
 * indexes (an OR of the two made the planner scan and sort every match).
 */
export type ScopePart = 'all' | 'own' | 'shared';

export function scopePartCondition(scope: Scope, part: ScopePart): RawBuilder<unknown> {
  if (part === 'all') return sql`(${ownCondition(scope)} OR ${sharedCondition('incident', scope)})`;
  if (part === 'own') return ownCondition(scope);
  if (scope.coalitionIds.length === 0) return sql`false`;
  return sql`(NOT ${ownCondition(scope)} AND t.visibility <> 'private' AND t.archived_at IS NULL
    AND (t.organisation_id, t.id) IN (SELECT s.organisation_id, s.incident_id FROM record_share s
      WHERE s.coalition_id = ANY(${scope.coalitionIds as string[]}::uuid[])))`;
}

/** The parts a query in this scope reads (the shared part only when there are coalitions). */
export const scopeParts = (scope: Scope): ScopePart[] => (scope.coalitionIds.length ? ['own', 'shared'] : ['own']);

/** Coalition shares of an incident visible in this scope, with the extra fields they unlock. */
export async function partnerViewer(trx: DB, scope: Scope, orgId: string, incidentId: string | null): Promise<Viewer> {
  if (!incidentId) return { kind: 'partner', extraFields: [] };
  const shares = await trx
    .selectFrom('record_share')
    .select('fields')
    .where('organisation_id', '=', orgId)
    .where('incident_id', '=', incidentId)
    .where('coalition_id', 'in', scope.coalitionIds.length ? (scope.coalitionIds as string[]) : ['00000000-0000-0000-0000-000000000000'])
    .execute();
  const extra = new Set<string>();
  for (const s of shares) for (const f of s.fields ?? []) extra.add(f);
  return { kind: 'partner', extraFields: [...extra] };
}

/**
 * A partner viewing an actor sees what every shared incident naming that actor as victim allows
 * (the intersection): a name shared for one case must not attach itself to another case's acts.
 */
export async function partnerViewerForActor(trx: DB, scope: Scope, orgId: string, actorId: string): Promise<Viewer> {
  const incidents = await trx
    .selectFrom('act')
    .select('incident_id')
    .distinct()
    .where('organisation_id', '=', orgId)
    .where('victim_id', '=', actorId)
    .where('archived_at', 'is', null)
    .execute();
  let allowed = null as Set<string> | null;
  for (const { incident_id } of incidents) {
    const v = await partnerViewer(trx, scope, orgId, incident_id);
    if (v.kind !== 'partner') continue;
    const fields = new Set(v.extraFields);
    // Incidents not shared with this scope are invisible: they neither grant nor restrict.
    const shared = await trx
      .selectFrom('record_share')
      .select('incident_id')
      .where('organisation_id', '=', orgId)
      .where('incident_id', '=', incident_id)
      .where('coalition_id', 'in', scope.coalitionIds.length ? (scope.coalitionIds as string[]) : ['00000000-0000-0000-0000-000000000000'])
      .executeTakeFirst();
    if (!shared) continue;
    allowed = allowed === null ? fields : new Set([...allowed].filter((f) => fields.has(f)));
  }
  return { kind: 'partner', extraFields: [...(allowed ?? [])] };
}

export async function incidentIdOf(trx: DB, table: RecordTable, row: Row): Promise<string | null> {
  if (table === 'incident') return row.id;
  if ('incident_id' in row) return row.incident_id as string;
  if (table === 'incident_link') return row.from_incident_id as string;
  if (table === 'involvement') {
    const a = await trx.selectFrom('act').select('incident_id').where('organisation_id', '=', row.organisation_id).where('id', '=', row.act_id as string).executeTakeFirst();
    return a?.incident_id ?? null;
  }
  return null;
}

export async function findVisibleRow(trx: DB, table: RecordTable, id: string, scope: Scope): Promise<{ row: Row; owner: boolean } | undefined> {
  if (!isId(id)) return undefined;
  const r = await sql<Row>`SELECT * FROM ${sql.table(table)} t WHERE t.id = ${id}
    AND (${ownCondition(scope)} OR ${sharedCondition(table, scope)}) LIMIT 1`.execute(trx);
  const row = r.rows[0];
  if (!row) return undefined;
  return { row, owner: scope.organisationIds.includes(row.organisation_id) };
}

/** A read of something absent or not visible is recorded in the reader's own log. */
export async function auditDenied(trx: DB, actor: Actor, table: RecordTable, id: string): Promise<void> {
  if (actor.kind !== 'user') return;
  await appendAudit(trx, {
    organisationId: actor.organisationId,
    userId: actor.userId,
    action: 'record.view',
    objectTable: table,
    objectId: isId(id) ? id : null,
    outcome: 'denied',
    requestId: actor.requestId ?? null,
  });
}
