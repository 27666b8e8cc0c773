/**
 * The acts of a group, side by side, as the reviewer may see them. A partner's act and its victim go
 * through the partner view with the fields the owner shared for that incident, so a victim's name the
 * owner shared (`victim_names`) shows here just as it entered the comparison, and is withheld otherwise.
 * Reading a victim is audited like any read of a sensitive record.
 */
import { authorize, actorUserId, readScope, type Actor, type Ctx } from '../../access/index.js';
import { findVisibleRow, presentRow, type Presented, type Viewer } from '../../records/index.js';
import { appendAudit, inTransaction, type DB, type Scope } from '../../store/index.js';

export interface MemberDetail {
  incidentTitle: string | null;
  act: Presented | null;
  victim: Presented | null;
}

async function viewerFor(trx: DB, scope: Scope, org: string, incidentId: string): Promise<Viewer> {
  if (scope.organisationIds.includes(org)) return { kind: 'owner' };
  if (scope.coalitionIds.length === 0) return { kind: 'partner', extraFields: [] };
  const shares = await trx
    .selectFrom('record_share')
    .select('fields')
    .where('organisation_id', '=', org)
    .where('incident_id', '=', incidentId)
    .where('coalition_id', 'in', scope.coalitionIds as string[])
    .execute();
  return { kind: 'partner', extraFields: [...new Set(shares.flatMap((s) => s.fields ?? []))] };
}

/** Details of each act id visible to the actor; an act no longer visible maps to nulls. */
export async function presentClusterActs(ctx: Ctx, actor: Actor, actIds: readonly string[]): Promise<Map<string, MemberDetail>> {
  authorize(actor, 'record.read');
  const scope = readScope(actor);
  return inTransaction(ctx.db, scope, async (trx) => {
    const out = new Map<string, MemberDetail>();
    for (const id of actIds) {
      if (out.has(id)) continue;
      const act = await findVisibleRow(trx, 'act', id, scope);
      if (!act) {
        out.set(id, { incidentTitle: null, act: null, victim: null });
        continue;
      }
      const org = act.row.organisation_id;
      const incidentId = act.row.incident_id as string;
      const viewer = await viewerFor(trx, scope, org, incidentId);
      const incident = await findVisibleRow(trx, 'incident', incidentId, scope);
      const victimRow = await trx.selectFrom('actor').selectAll().where('organisation_id', '=', org).where('id', '=', act.row.victim_id as string).executeTakeFirst();
      const victim = victimRow ? await presentRow(ctx, trx, 'actor', victimRow as never, viewer) : null;
      if (victimRow) {
        await appendAudit(trx, {
          organisationId: org,
          userId: actorUserId(actor),
          action: 'record.view',
          objectTable: 'actor',
          objectId: victimRow.id,
          requestId: actor.requestId ?? null,
          detail: { view: viewer.kind, via: 'linkage.review' },
        });
      }
      out.set(id, {
        act: await presentRow(ctx, trx, 'act', act.row, viewer),
        victim,
        incidentTitle: incident ? String(incident.row.title ?? '') : null,
      });
    }
    return out;
  });
}
