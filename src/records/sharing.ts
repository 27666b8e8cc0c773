/**
 * Sharing a record with coalitions. Only the owner shares; partners then see the shared set of fields
 * (records.present.ts) plus any the owner lists here. Sharing a private incident makes it visible to
 * coalitions (a new version with history); every change of a share is audited.
 */
import { z } from 'zod';
import { authorize, writeScope, type Actor, type Ctx } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { appendAudit, inTransaction } from '../store/index.js';
import { parseInput } from './parse-input.js';
import { getRow, updateRecord } from './record-store.js';
import { shareableFields } from './records.present.js';

export interface ShareView {
  incidentId: string;
  title: string;
  visibility: string;
  coalitionId: string;
  coalitionName: string;
  fields: string[];
  sharedAt: string;
}

const shareInput = z
  .object({
    incidentId: z.uuid(),
    coalitionId: z.uuid(),
    fields: z.array(z.enum(shareableFields)).max(shareableFields.length).default([]),
  })
  .strict();

export async function coalitionsOfActor(ctx: Ctx, actor: Actor): Promise<{ id: string; name: string }[]> {
  authorize(actor, 'record.read');
  if (actor.kind !== 'user') return [];
  return inTransaction(ctx.db, writeScope(actor), (trx) =>
    trx
      .selectFrom('coalition_member as m')
      .innerJoin('coalition as c', 'c.id', 'm.coalition_id')
      .select(['c.id', 'c.name'])
      .where('m.organisation_id', '=', actor.organisationId)
      .orderBy('c.name')
      .execute(),
  );
}

export async function listShares(ctx: Ctx, actor: Actor, incidentId?: string): Promise<ShareView[]> {
  authorize(actor, 'record.read');
  if (actor.kind !== 'user') return [];
  return inTransaction(ctx.db, writeScope(actor), async (trx) => {
    let q = trx
      .selectFrom('record_share as s')
      .innerJoin('incident as i', (j) => j.onRef('i.organisation_id', '=', 's.organisation_id').onRef('i.id', '=', 's.incident_id'))
      .innerJoin('coalition as c', 'c.id', 's.coalition_id')
      .select(['s.incident_id', 'i.title', 'i.visibility', 's.coalition_id', 'c.name', 's.fields', 's.shared_at'])
      .where('s.organisation_id', '=', actor.organisationId)
      .orderBy('s.shared_at', 'desc');
    if (incidentId) q = q.where('s.incident_id', '=', incidentId);
    const rows = await q.execute();
    return rows.map((r) => ({
      incidentId: r.incident_id,
      title: r.title,
      visibility: r.visibility,
      coalitionId: r.coalition_id,
      coalitionName: r.name,
      fields: r.fields ?? [],
      sharedAt: new Date(r.shared_at).toISOString(),
    }));
  });
}

export async function shareIncident(ctx: Ctx, actor: Actor, body: unknown, lang: 'es' | 'en' = 'es'): Promise<void> {
  authorize(actor, 'record.share');
  if (actor.kind !== 'user' && actor.kind !== 'system') throw new AppError('unauthenticated');
  const input = parseInput(shareInput, body, lang);
  const orgId = actor.organisationId!;
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const inc = await getRow(trx, 'incident', orgId, input.incidentId);
    if (!inc) throw new AppError('not_found');
    const member = await trx.selectFrom('coalition_member').select('coalition_id').where('organisation_id', '=', orgId).where('coalition_id', '=', input.coalitionId).executeTakeFirst();
    if (!member) throw new AppError('validation', { issues: [{ path: ['coalitionId'], key: 'admin:not_in_coalition' }] });
    if (inc.visibility === 'private') {
      await updateRecord(trx, 'incident', { organisationId: orgId, userId: actor.kind === 'user' ? actor.userId : null, requestId: actor.requestId }, inc.id, inc.version, { visibility: 'coalition' }, { reason: 'shared with a coalition' });
    }
    await trx
      .insertInto('record_share')
      .values({ organisation_id: orgId, incident_id: inc.id, coalition_id: input.coalitionId, fields: input.fields, shared_by: actor.kind === 'user' ? actor.userId : null })
      .onConflict((oc) => oc.columns(['organisation_id', 'incident_id', 'coalition_id']).doUpdateSet({ fields: input.fields }))
      .execute();
    await appendAudit(trx, {
      organisationId: orgId,
      userId: actor.kind === 'user' ? actor.userId : null,
      action: 'record.share',
      objectTable: 'incident',
      objectId: inc.id,
      detail: { coalitionId: input.coalitionId, fields: input.fields },
      requestId: actor.requestId ?? null,
    });
  });
}

export async function unshareIncident(ctx: Ctx, actor: Actor, body: unknown, lang: 'es' | 'en' = 'es'): Promise<void> {
  authorize(actor, 'record.share');
  const input = parseInput(shareInput.pick({ incidentId: true, coalitionId: true }), body, lang);
  const orgId = actor.kind === 'user' ? actor.organisationId : (actor as { organisationId: string }).organisationId;
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const r = await trx.deleteFrom('record_share').where('organisation_id', '=', orgId).where('incident_id', '=', input.incidentId).where('coalition_id', '=', input.coalitionId).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw new AppError('not_found');
    await appendAudit(trx, {
      organisationId: orgId,
      userId: actor.kind === 'user' ? actor.userId : null,
      action: 'record.unshare',
      objectTable: 'incident',
      objectId: input.incidentId,
      detail: { coalitionId: input.coalitionId },
      requestId: actor.requestId ?? null,
    });
  });
}
