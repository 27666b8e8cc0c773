/**
 * Sharing a case with coalitions. Only the owner shares; partners then see the shared set of fields
 * (records.present.ts) plus any the owner lists here. The shares are the one truth about who sees a
 * case: the database derives visibility from them (migration 065), and when that changes the case
 * gets a new version with its history row. Every share and unshare is audited, one entry per case.
 */
import { z } from 'zod';
import { actorUserId, authorize, readScope, writeScope, type Actor, type Ctx } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { appendAudit, inTransaction, type DB } from '../store/index.js';
import { ownMatchingIncidentIds } from './case-list.queries.js';
import { parseInput } from './parse-input.js';
import { getRow, updateRecord, type Row, type Who } from './record-store.js';
import { shareableFields } from './records.present.js';
import type { ListQuery } from './records.schema.js';

export interface ShareView {
  incidentId: string;
  title: string;
  visibility: string;
  coalitionId: string;
  coalitionName: string;
  fields: string[];
  sharedAt: string;
}

const fieldList = z.array(z.enum(shareableFields)).max(shareableFields.length).default([]);

const shareInput = z
  .object({
    incidentId: z.uuid(),
    coalitionId: z.uuid(),
    fields: fieldList,
  })
  .strict();

/** The whole sharing of one case, as the case page's form sets it: every coalition not listed is unshared. */
const caseSharingInput = z
  .object({
    shares: z.array(z.object({ coalitionId: z.uuid(), fields: fieldList }).strict()).max(100),
  })
  .strict();

const bulkShareInput = z
  .object({
    coalitionId: z.uuid(),
    fields: fieldList,
    /** The number of cases the confirmation stated: sharing happens only if it is still the number. */
    expected: z.coerce.number().int().min(0),
  })
  .strict();

function whoOf(actor: Actor): Who {
  if (actor.kind !== 'user' && actor.kind !== 'system') throw new AppError('unauthenticated');
  const organisationId = actor.organisationId;
  if (!organisationId) throw new AppError('unauthenticated');
  return { organisationId, userId: actorUserId(actor), requestId: actor.requestId };
}

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

async function isMember(trx: DB, orgId: string, coalitionId: string): Promise<boolean> {
  const m = await trx.selectFrom('coalition_member').select('coalition_id').where('organisation_id', '=', orgId).where('coalition_id', '=', coalitionId).executeTakeFirst();
  return !!m;
}

/**
 * After shares of `before` changed: when the database changed its visibility, the case gets a new
 * version whose history row says why (the trigger itself writes no history).
 */
async function recordVisibilityChange(trx: DB, who: Who, before: Row, reason: string): Promise<void> {
  const now = await getRow(trx, 'incident', who.organisationId, before.id);
  if (now && now.visibility !== before.visibility) await updateRecord(trx, 'incident', who, before.id, before.version, {}, { reason });
}

async function auditShare(trx: DB, who: Who, action: 'record.share' | 'record.unshare', incidentId: string, detail: Record<string, unknown>): Promise<void> {
  await appendAudit(trx, {
    organisationId: who.organisationId,
    userId: who.userId,
    action,
    objectTable: 'incident',
    objectId: incidentId,
    detail,
    requestId: who.requestId ?? null,
  });
}

/** Shares one case with one coalition (or changes the fields of an existing share). */
async function putShare(trx: DB, who: Who, inc: Row, coalitionId: string, fields: string[], detail: Record<string, unknown> = {}): Promise<void> {
  await trx
    .insertInto('record_share')
    .values({ organisation_id: who.organisationId, incident_id: inc.id, coalition_id: coalitionId, fields, shared_by: who.userId })
    .onConflict((oc) => oc.columns(['organisation_id', 'incident_id', 'coalition_id']).doUpdateSet({ fields }))
    .execute();
  await auditShare(trx, who, 'record.share', inc.id, { coalitionId, fields, ...detail });
  await recordVisibilityChange(trx, who, inc, 'shared with a coalition');
}

async function dropShare(trx: DB, who: Who, inc: Row, coalitionId: string): Promise<boolean> {
  const r = await trx.deleteFrom('record_share').where('organisation_id', '=', who.organisationId).where('incident_id', '=', inc.id).where('coalition_id', '=', coalitionId).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) return false;
  await auditShare(trx, who, 'record.unshare', inc.id, { coalitionId });
  await recordVisibilityChange(trx, who, inc, 'no longer shared with that coalition');
  return true;
}

async function ownIncident(trx: DB, who: Who, id: string): Promise<Row> {
  const inc = await getRow(trx, 'incident', who.organisationId, id);
  if (!inc) throw new AppError('not_found');
  return inc;
}

export async function shareIncident(ctx: Ctx, actor: Actor, body: unknown, lang: 'es' | 'en' = 'es'): Promise<void> {
  authorize(actor, 'record.share');
  const who = whoOf(actor);
  const input = parseInput(shareInput, body, lang);
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const inc = await ownIncident(trx, who, input.incidentId);
    if (!(await isMember(trx, who.organisationId, input.coalitionId))) {
      throw new AppError('validation', { issues: [{ path: ['coalitionId'], key: 'admin:not_in_coalition' }] });
    }
    await putShare(trx, who, inc, input.coalitionId, input.fields);
  });
}

export async function unshareIncident(ctx: Ctx, actor: Actor, body: unknown, lang: 'es' | 'en' = 'es'): Promise<void> {
  authorize(actor, 'record.share');
  const who = whoOf(actor);
  const input = parseInput(shareInput.pick({ incidentId: true, coalitionId: true }), body, lang);
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const inc = await ownIncident(trx, who, input.incidentId);
    if (!(await dropShare(trx, who, inc, input.coalitionId))) throw new AppError('not_found');
  });
}

/**
 * Sets the whole sharing of one case: the listed coalitions get exactly the listed fields, every
 * other coalition loses its share. Unchanged shares are neither rewritten nor audited.
 */
export async function setCaseSharing(ctx: Ctx, actor: Actor, incidentId: string, body: unknown, lang: 'es' | 'en' = 'es'): Promise<{ shared: number; unshared: number; changed: number }> {
  authorize(actor, 'record.share');
  const who = whoOf(actor);
  const input = parseInput(caseSharingInput, body, lang);
  return inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const inc = await ownIncident(trx, who, incidentId);
    const current = await trx.selectFrom('record_share').select(['coalition_id', 'fields']).where('organisation_id', '=', who.organisationId).where('incident_id', '=', incidentId).execute();
    const wanted = new Map(input.shares.map((s) => [s.coalitionId, [...new Set(s.fields)].sort()]));
    const out = { shared: 0, unshared: 0, changed: 0 };
    for (const [coalitionId, fields] of wanted) {
      const had = current.find((c) => c.coalition_id === coalitionId);
      if (had && JSON.stringify([...(had.fields ?? [])].sort()) === JSON.stringify(fields)) continue;
      if (!(await isMember(trx, who.organisationId, coalitionId))) {
        throw new AppError('validation', { issues: [{ path: ['coalitionId'], key: 'admin:not_in_coalition' }] });
      }
      await putShare(trx, who, await ownIncident(trx, who, incidentId), coalitionId, fields);
      if (had) out.changed++;
      else out.shared++;
    }
    for (const c of current) {
      if (wanted.has(c.coalition_id)) continue;
      await dropShare(trx, who, await ownIncident(trx, who, inc.id), c.coalition_id);
      out.unshared++;
    }
    return out;
  });
}

/** How many of the actor's own organisation's cases match the list's filters (all of them, no cap). */
export async function countShareable(ctx: Ctx, actor: Actor, q: ListQuery): Promise<number> {
  authorize(actor, 'record.share');
  return inTransaction(ctx.db, writeScope(actor), async (trx) => (await ownMatchingIncidentIds(ctx, trx, readScope(actor), q)).length);
}

/**
 * Shares every case of the actor's organisation that matches the list's filters with one
 * coalition, in one transaction. The confirmation stated a number: if the matches are no longer
 * that many (someone added or edited a case since), nothing is shared and the caller asks again.
 */
export async function shareMatching(ctx: Ctx, actor: Actor, q: ListQuery, body: unknown, lang: 'es' | 'en' = 'es'): Promise<{ shared: number }> {
  authorize(actor, 'record.share');
  const who = whoOf(actor);
  const input = parseInput(bulkShareInput, body, lang);
  return inTransaction(ctx.db, writeScope(actor), async (trx) => {
    if (!(await isMember(trx, who.organisationId, input.coalitionId))) {
      throw new AppError('validation', { issues: [{ path: ['coalitionId'], key: 'admin:not_in_coalition' }] });
    }
    const ids = await ownMatchingIncidentIds(ctx, trx, readScope(actor), q);
    if (ids.length !== input.expected) {
      throw new AppError('conflict', { details: { expected: input.expected, matching: ids.length } });
    }
    for (const id of ids) await putShare(trx, who, await ownIncident(trx, who, id), input.coalitionId, input.fields, { bulk: true });
    return { shared: ids.length };
  });
}

export interface CaseAudience {
  /** The case is published on the public site. */
  public: boolean;
  shares: { coalitionId: string; name: string; fields: string[]; sharedAt: string; members: string[] }[];
  /** Coalitions the organisation belongs to (those it may share with). */
  coalitions: { id: string; name: string }[];
}

/** Exactly who sees one case of the actor's organisation: the public or not, and each coalition with its member organisations and fields. */
export async function caseAudience(ctx: Ctx, actor: Actor, incidentId: string): Promise<CaseAudience | null> {
  authorize(actor, 'record.read');
  if (actor.kind !== 'user') return null;
  return inTransaction(ctx.db, readScope(actor), async (trx) => {
    const inc = await getRow(trx, 'incident', actor.organisationId, incidentId);
    if (!inc) return null;
    const shares = await trx
      .selectFrom('record_share as s')
      .innerJoin('coalition as c', 'c.id', 's.coalition_id')
      .select(['s.coalition_id', 'c.name', 's.fields', 's.shared_at'])
      .where('s.organisation_id', '=', actor.organisationId)
      .where('s.incident_id', '=', incidentId)
      .orderBy('c.name')
      .execute();
    const ids = shares.map((s) => s.coalition_id);
    const members = ids.length
      ? await trx
          .selectFrom('coalition_member as m')
          .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
          .select(['m.coalition_id', 'o.name'])
          .where('m.coalition_id', 'in', ids)
          .where('m.organisation_id', '<>', actor.organisationId)
          .orderBy('o.name')
          .execute()
      : [];
    const coalitions = await trx
      .selectFrom('coalition_member as m')
      .innerJoin('coalition as c', 'c.id', 'm.coalition_id')
      .select(['c.id', 'c.name'])
      .where('m.organisation_id', '=', actor.organisationId)
      .orderBy('c.name')
      .execute();
    return {
      public: inc.visibility === 'public',
      shares: shares.map((s) => ({
        coalitionId: s.coalition_id,
        name: s.name,
        fields: s.fields ?? [],
        sharedAt: new Date(s.shared_at).toISOString(),
        members: members.filter((m) => m.coalition_id === s.coalition_id).map((m) => m.name),
      })),
      coalitions,
    };
  });
}

/**
 * Ends every share of the organisation with one coalition (it is leaving it), inside the caller's
 * transaction and scope: each case is unshared and audited like any unshare, and gets a new version
 * when its visibility changes. Returns how many shares ended.
 */
export async function endSharesWithCoalition(trx: DB, who: Who, coalitionId: string): Promise<number> {
  const rows = await trx.selectFrom('record_share').select('incident_id').where('organisation_id', '=', who.organisationId).where('coalition_id', '=', coalitionId).execute();
  let ended = 0;
  for (const r of rows) {
    const inc = await getRow(trx, 'incident', who.organisationId, r.incident_id);
    if (!inc) continue;
    if (await dropShare(trx, who, inc, coalitionId)) ended++;
  }
  return ended;
}
