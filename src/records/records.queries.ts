/**
 * Reads of single records and whole cases, always inside the scope the policy returned: the
 * actor's own organisation, plus records its coalitions were given (shown through the partner
 * view). A record outside the scope is reported exactly like a record that does not exist.
 * The case list and search are in case-list.queries.ts, histories in record-history.queries.ts.
 */
import { sql } from 'kysely';
import { authorize, readScope, actorUserId, type Actor, type Ctx } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { appendAudit, inTransaction, type DB, type RecordTable, type Scope } from '../store/index.js';
import type { Row } from './record-store.js';
import { auditDenied, findVisibleRow, incidentIdOf, ownCondition, partnerViewer, partnerViewerForActor, sharedIncident } from './record-scope.js';
import { presentRow, type Presented, type Viewer } from './records.present.js';

export { findVisibleRow } from './record-scope.js';

export const sensitiveTables: readonly RecordTable[] = ['incident', 'actor', 'source', 'evidence'];

export interface ReadOptions {
  /** Write a 'record.view' audit entry (reads of sensitive records are audited). */
  audit?: boolean;
}

export async function getRecord(ctx: Ctx, actor: Actor, table: RecordTable, id: string, opts: ReadOptions = {}): Promise<Presented> {
  authorize(actor, 'record.read');
  const scope = readScope(actor);
  return inTransaction(ctx.db, scope, async (trx) => {
    const found = await findVisibleRow(trx, table, id, scope);
    if (!found) {
      await auditDenied(trx, actor, table, id);
      throw new AppError('not_found');
    }
    const viewer: Viewer = found.owner
      ? { kind: 'owner' }
      : table === 'actor'
        ? await partnerViewerForActor(trx, scope, found.row.organisation_id, found.row.id)
        : await partnerViewer(trx, scope, found.row.organisation_id, await incidentIdOf(trx, table, found.row));
    if (opts.audit !== false && sensitiveTables.includes(table)) {
      await appendAudit(trx, {
        organisationId: found.row.organisation_id,
        userId: actorUserId(actor),
        action: 'record.view',
        objectTable: table,
        objectId: id,
        requestId: actor.requestId ?? null,
        detail: { view: viewer.kind },
      });
    }
    return presentRow(ctx, trx, table, found.row, viewer);
  });
}

const childColumn: Partial<Record<RecordTable, string>> = {
  act: 'incident_id',
  source: 'incident_id',
  evidence: 'incident_id',
  intervention: 'incident_id',
};

/** The records of one kind that belong to an incident (acts, sources, evidence, interventions). */
export async function listChildren(ctx: Ctx, actor: Actor, table: RecordTable, incidentId: string, opts: { includeArchived?: boolean } = {}): Promise<Presented[]> {
  authorize(actor, 'record.read');
  const scope = readScope(actor);
  const col = childColumn[table];
  if (!col) throw new AppError('bad_input', { message: `no child listing for ${table}` });
  return inTransaction(ctx.db, scope, async (trx) => {
    const parent = await findVisibleRow(trx, 'incident', incidentId, scope);
    if (!parent) throw new AppError('not_found');
    return childrenOf(ctx, trx, scope, table, parent.row, opts);
  });
}

async function childrenOf(ctx: Ctx, trx: DB, scope: Scope, table: RecordTable, incident: Row, opts: { includeArchived?: boolean }): Promise<Presented[]> {
  const col = childColumn[table]!;
  // Only acts carry their own dates; the others are listed in the order they were entered.
  const order = table === 'act' ? sql`t.start_date NULLS LAST, t.created_at` : sql`t.created_at`;
  const r = await sql<Row>`SELECT * FROM ${sql.table(table)} t WHERE t.organisation_id = ${incident.organisation_id}
    AND ${sql.ref(`t.${col}`)} = ${incident.id} ${opts.includeArchived ? sql`` : sql`AND t.archived_at IS NULL`}
    ORDER BY ${order}`.execute(trx);
  const viewer: Viewer = scope.organisationIds.includes(incident.organisation_id) ? { kind: 'owner' } : await partnerViewer(trx, scope, incident.organisation_id, incident.id);
  return Promise.all(r.rows.map((row) => presentRow(ctx, trx, table, row, viewer)));
}

export interface CaseFile {
  incident: Presented;
  acts: (Presented & { victim: Presented | null; involvements: (Presented & { perpetrator: Presented | null })[] })[];
  sources: Presented[];
  evidence: Presented[];
  interventions: Presented[];
  links: (Presented & { direction: 'from' | 'to'; otherTitle: string | null })[];
  owner: boolean;
}

/** The whole case: the incident with its acts, victims, perpetrators, sources, evidence, interventions and links. */
export async function getCaseFile(ctx: Ctx, actor: Actor, incidentId: string): Promise<CaseFile> {
  authorize(actor, 'record.read');
  const scope = readScope(actor);
  return inTransaction(ctx.db, scope, async (trx) => {
    const found = await findVisibleRow(trx, 'incident', incidentId, scope);
    if (!found) {
      await auditDenied(trx, actor, 'incident', incidentId);
      throw new AppError('not_found');
    }
    const inc = found.row;
    const viewer: Viewer = found.owner ? { kind: 'owner' } : await partnerViewer(trx, scope, inc.organisation_id, inc.id);
    await appendAudit(trx, {
      organisationId: inc.organisation_id,
      userId: actorUserId(actor),
      action: 'record.view',
      objectTable: 'incident',
      objectId: inc.id,
      requestId: actor.requestId ?? null,
      detail: { view: viewer.kind, case: true },
    });
    const org = inc.organisation_id;
    // Some tables have no start_date: order those by creation.
    const ordered = async (table: RecordTable, byDate: boolean) =>
      (
        await sql<Row>`SELECT * FROM ${sql.table(table)} t WHERE t.organisation_id = ${org} AND t.incident_id = ${inc.id}
          AND t.archived_at IS NULL ORDER BY ${byDate ? sql`t.start_date NULLS LAST,` : sql``} t.created_at`.execute(trx)
      ).rows;
    const actRows = await ordered('act', true);
    const actorIds = new Set<string>(actRows.map((a) => a.victim_id as string));
    const invRows = actRows.length
      ? (
          await sql<Row>`SELECT * FROM involvement t WHERE t.organisation_id = ${org} AND t.act_id = ANY(${actRows.map((a) => a.id)}::uuid[])
            AND t.archived_at IS NULL ORDER BY t.created_at`.execute(trx)
        ).rows
      : [];
    for (const i of invRows) if (i.perpetrator_id) actorIds.add(i.perpetrator_id as string);
    const actorRows = actorIds.size
      ? (await sql<Row>`SELECT * FROM actor t WHERE t.organisation_id = ${org} AND t.id = ANY(${[...actorIds]}::uuid[])`.execute(trx)).rows
      : [];
    const actors = new Map<string, Presented>();
    for (const a of actorRows) actors.set(a.id, await presentRow(ctx, trx, 'actor', a, viewer));
    const acts = [];
    for (const a of actRows) {
      const p = await presentRow(ctx, trx, 'act', a, viewer);
      const involvements = [];
      for (const i of invRows.filter((x) => x.act_id === a.id)) {
        const ip = await presentRow(ctx, trx, 'involvement', i, viewer);
        involvements.push({ ...ip, perpetrator: i.perpetrator_id ? (actors.get(i.perpetrator_id as string) ?? null) : null });
      }
      acts.push({ ...p, victim: actors.get(a.victim_id as string) ?? null, involvements });
    }
    const present = (table: RecordTable) => async (rows: Row[]) => Promise.all(rows.map((r) => presentRow(ctx, trx, table, r, viewer)));
    const linkRows = (
      await sql<Row & { other_title: string | null; direction: 'from' | 'to' }>`SELECT t.*, CASE WHEN t.from_incident_id = ${inc.id} THEN 'from' ELSE 'to' END AS direction,
          o.title AS other_title
        FROM incident_link t JOIN incident o ON o.organisation_id = t.organisation_id
          AND o.id = CASE WHEN t.from_incident_id = ${inc.id} THEN t.to_incident_id ELSE t.from_incident_id END
        WHERE t.organisation_id = ${org} AND (t.from_incident_id = ${inc.id} OR t.to_incident_id = ${inc.id})
          AND t.archived_at IS NULL AND (${ownCondition(scope)} OR ${sharedIncident(sql.ref('o.organisation_id'), sql.ref('o.id'), scope)})
        ORDER BY t.created_at`.execute(trx)
    ).rows;
    const links = [];
    for (const l of linkRows) {
      links.push({ ...(await presentRow(ctx, trx, 'incident_link', l, viewer)), direction: l.direction, otherTitle: l.other_title });
    }
    return {
      incident: await presentRow(ctx, trx, 'incident', inc, viewer),
      acts,
      sources: await present('source')(await ordered('source', false)),
      evidence: await present('evidence')(await ordered('evidence', false)),
      interventions: await present('intervention')(await ordered('intervention', false)),
      links,
      owner: found.owner,
    };
  });
}
/** Actors of the actor's own organisation whose name equals `name` (through the blind index). */
export async function findActorsByName(ctx: Ctx, actor: Actor, name: string): Promise<Presented[]> {
  authorize(actor, 'record.read');
  const scope = readScope(actor);
  return inTransaction(ctx.db, scope, async (trx) => {
    const out: Presented[] = [];
    for (const org of scope.organisationIds) {
      const bidx = await ctx.keys.blindIndex(trx, org, name);
      const rows = (await sql<Row>`SELECT * FROM actor t WHERE t.organisation_id = ${org} AND t.name_bidx = ${bidx} AND t.archived_at IS NULL`.execute(trx)).rows;
      for (const r of rows) out.push(await presentRow(ctx, trx, 'actor', r));
    }
    return out;
  });
}

/** Everything that happened to one actor, in time order, across the incidents the user may see. */
export async function actorTimeline(ctx: Ctx, actor: Actor, actorId: string): Promise<{ actor: Presented; acts: (Presented & { incidentTitle: string })[] }> {
  const who = await getRecord(ctx, actor, 'actor', actorId);
  const scope = readScope(actor);
  return inTransaction(ctx.db, scope, async (trx) => {
    const rows = (
      await sql<Row & { incident_title: string }>`SELECT t.*, i.title AS incident_title FROM act t
        JOIN incident i ON i.organisation_id = t.organisation_id AND i.id = t.incident_id
        WHERE t.organisation_id = ${who.organisationId} AND t.victim_id = ${actorId} AND t.archived_at IS NULL
          AND i.archived_at IS NULL AND (${ownCondition(scope)} OR ${sharedIncident(sql.ref('t.organisation_id'), sql.ref('t.incident_id'), scope)})
        ORDER BY t.start_date NULLS LAST, t.created_at`.execute(trx)
    ).rows;
    const owner = scope.organisationIds.includes(who.organisationId);
    const acts = [];
    for (const r of rows) {
      const viewer: Viewer = owner ? { kind: 'owner' } : await partnerViewer(trx, scope, r.organisation_id, r.incident_id as string);
      acts.push({ ...(await presentRow(ctx, trx, 'act', r, viewer)), incidentTitle: r.incident_title });
    }
    return { actor: who, acts };
  });
}

/** Coalitions an incident of the actor's own organisation is shared with (owners only). */
export async function caseShares(ctx: Ctx, actor: Actor, incidentId: string): Promise<{ coalitionId: string; name: string; fields: string[]; sharedAt: string }[]> {
  authorize(actor, 'record.read');
  const scope = readScope(actor);
  return inTransaction(ctx.db, scope, async (trx) => {
    const found = await findVisibleRow(trx, 'incident', incidentId, scope);
    if (!found || !found.owner) return [];
    const r = await sql<{ coalition_id: string; name: string; fields: string[] | null; shared_at: Date }>`SELECT s.coalition_id, c.name, s.fields, s.shared_at
      FROM record_share s JOIN coalition c ON c.id = s.coalition_id
      WHERE s.organisation_id = ${found.row.organisation_id} AND s.incident_id = ${incidentId} ORDER BY c.name`.execute(trx);
    return r.rows.map((x) => ({ coalitionId: x.coalition_id, name: x.name, fields: x.fields ?? [], sharedAt: new Date(x.shared_at).toISOString() }));
  });
}
