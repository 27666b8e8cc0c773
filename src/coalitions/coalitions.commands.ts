/**
 * Coalitions run from the web: an organisation's administrator creates one (the organisation
 * coordinates it and is its first member), invites other organisations, whose administrators accept
 * or decline from their own workspace — nothing is shared with an organisation before it accepts,
 * since sharing and row-level security look only at membership. A member may leave: its shares with
 * the coalition end (each audited as an unshare) and its focal points there go. Each member names its
 * own focal points. Every change is audited in the chain of each organisation it concerns.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { authorize, checkOneLineName, coalitionsOf, isOneLineName, type Actor, type Ctx, type UserActor } from '../access/index.js';
import { endSharesWithCoalition, parseInput } from '../records/index.js';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/i18n/index.js';
import { newId } from '../shared/ids.js';
import type { MailConfig } from '../shared/mail.js';
import { appendAudit, inTransaction, type DB, type Scope } from '../store/index.js';
import { notifyFocalPoints } from './focal-points.js';
import './coalitions.tables.js';

export type MailSettings = MailConfig & { publicUrl: string };

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id from a URL that is no id names nothing (answered like a missing coalition). */
export function assertId(id: string): void {
  if (!uuidRe.test(id)) throw new AppError('not_found');
}

function adminOf(actor: Actor): UserActor {
  if (actor.kind !== 'user') throw new AppError('unauthenticated');
  authorize(actor, 'org.manage');
  return actor;
}

/** The scope of an organisation acting on its coalitions: itself, and the coalitions it is in now. */
export async function orgScope(ctx: Ctx, a: UserActor): Promise<Scope> {
  return { organisationIds: [a.organisationId], coalitionIds: await coalitionsOf(ctx.db, a.organisationId), userId: a.userId };
}

async function audit(trx: DB, a: UserActor, orgId: string, action: string, coalitionId: string, detail: Record<string, unknown> = {}): Promise<void> {
  await appendAudit(trx, { organisationId: orgId, userId: a.userId, action, objectTable: 'coalition', objectId: coalitionId, requestId: a.requestId ?? null, clientHash: a.clientHash ?? null, detail });
}

export async function isMemberOf(trx: DB, orgId: string, coalitionId: string): Promise<boolean> {
  const m = await trx.selectFrom('coalition_member').select('coalition_id').where('organisation_id', '=', orgId).where('coalition_id', '=', coalitionId).executeTakeFirst();
  return !!m;
}

function slugOf(name: string): string {
  const s = name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50).replace(/-+$/, '');
  return s.length >= 2 ? s : 'coalicion';
}

const createInput = z.object({
  name: z.string().trim().min(3).max(200).refine(isOneLineName, { params: { key: 'access:name_characters' } }),
  description: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(2000).optional()),
});

/** Whether a coalition slug is taken anywhere in the installation (migration 083 answers it past row-level security). */
async function coalitionSlugTaken(trx: DB, slug: string): Promise<boolean> {
  const r = await sql<{ taken: boolean }>`SELECT atalaya_coalition_slug_taken(${slug}) AS taken`.execute(trx);
  return r.rows[0]?.taken === true;
}

/** Creates a coalition coordinated by the actor's organisation, which becomes its first member. */
export async function createCoalitionFor(ctx: Ctx, actor: Actor, body: unknown, lang: Lang = 'es'): Promise<{ id: string }> {
  const a = adminOf(actor);
  const input = parseInput(createInput, body, lang);
  checkOneLineName(input.name, 'name');
  return inTransaction(ctx.db, await orgScope(ctx, a), async (trx) => {
    const base = slugOf(input.name);
    let slug = base;
    // Other organisations' coalitions are hidden by row-level security: ask the database's narrow question.
    for (let i = 2; await coalitionSlugTaken(trx, slug); i++) slug = `${base}-${i}`;
    const id = newId();
    await trx.insertInto('coalition').values({ id, slug, name: input.name, coordinator_org_id: a.organisationId, created_by: a.userId, description: input.description ?? null }).execute();
    await trx.insertInto('coalition_member').values({ organisation_id: a.organisationId, coalition_id: id }).execute();
    await audit(trx, a, a.organisationId, 'coalition.create', id, { slug });
    return { id };
  });
}

const inviteInput = z.object({ organisationId: z.uuid() });

/** A member's administrator invites another organisation; its administrators are told. */
export async function inviteOrganisation(ctx: Ctx, actor: Actor, coalitionId: string, body: unknown, mail: MailSettings | null, lang: Lang = 'es'): Promise<{ id: string }> {
  const a = adminOf(actor);
  assertId(coalitionId);
  const input = parseInput(inviteInput, body, lang);
  const out = await inTransaction(ctx.db, await orgScope(ctx, a), async (trx) => {
    if (!(await isMemberOf(trx, a.organisationId, coalitionId))) throw new AppError('not_found');
    const org = await trx.selectFrom('organisation').select(['id', 'name']).where('id', '=', input.organisationId).where('archived_at', 'is', null).where('sealed_at', 'is', null).executeTakeFirst();
    if (!org) throw new AppError('validation', { issues: [{ path: ['organisationId'], key: 'coalitions:errors.org_unknown' }] });
    if (await isMemberOf(trx, org.id, coalitionId)) throw new AppError('validation', { issues: [{ path: ['organisationId'], key: 'coalitions:errors.already_member', values: { name: org.name } }] });
    const pending = await trx.selectFrom('coalition_invitation').select('id').where('organisation_id', '=', org.id).where('coalition_id', '=', coalitionId)
      .where('accepted_at', 'is', null).where('declined_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
    if (pending) throw new AppError('validation', { issues: [{ path: ['organisationId'], key: 'coalitions:errors.already_invited', values: { name: org.name } }] });
    const id = newId();
    await trx.insertInto('coalition_invitation').values({ organisation_id: org.id, id, coalition_id: coalitionId, invited_by_org: a.organisationId, invited_by: a.userId }).execute();
    await audit(trx, a, a.organisationId, 'coalition.invite', coalitionId, { invitationId: id, organisationId: org.id });
    await appendAudit(trx, { organisationId: org.id, userId: a.userId, action: 'coalition.invited', objectTable: 'coalition', objectId: coalitionId, requestId: a.requestId ?? null, detail: { invitationId: id, by: a.organisationId } });
    const c = await trx.selectFrom('coalition').select('name').where('id', '=', coalitionId).executeTakeFirstOrThrow();
    return { id, orgId: org.id, coalitionName: c.name };
  });
  if (mail) {
    await notifyFocalPoints(ctx, mail, out.orgId, {
      kind: 'coalition_invitation',
      payload: { coalitionId, invitationId: out.id },
      path: '/coalitions',
      subjectKey: 'coalitions:mail.invite_subject',
      textKey: 'coalitions:mail.invite_text',
      values: { coalition: out.coalitionName },
    });
  }
  return { id: out.id };
}

/** The invited organisation's administrator accepts (it becomes a member) or declines. */
export async function answerCoalitionInvitation(ctx: Ctx, actor: Actor, invitationId: string, answer: 'accept' | 'decline'): Promise<{ coalitionId: string }> {
  const a = adminOf(actor);
  assertId(invitationId);
  return inTransaction(ctx.db, await orgScope(ctx, a), async (trx) => {
    const inv = await trx.selectFrom('coalition_invitation').selectAll().where('organisation_id', '=', a.organisationId).where('id', '=', invitationId).executeTakeFirst();
    if (!inv) throw new AppError('not_found');
    if (inv.accepted_at || inv.declined_at || inv.revoked_at) throw new AppError('invalid_state');
    const now = new Date();
    await trx.updateTable('coalition_invitation').set(answer === 'accept' ? { accepted_at: now, answered_by: a.userId } : { declined_at: now, answered_by: a.userId })
      .where('organisation_id', '=', a.organisationId).where('id', '=', invitationId).execute();
    if (answer === 'accept' && !(await isMemberOf(trx, a.organisationId, inv.coalition_id))) {
      await trx.insertInto('coalition_member').values({ organisation_id: a.organisationId, coalition_id: inv.coalition_id }).execute();
    }
    await audit(trx, a, a.organisationId, answer === 'accept' ? 'coalition.join' : 'coalition.decline', inv.coalition_id, { invitationId });
    await appendAudit(trx, { organisationId: inv.invited_by_org, userId: a.userId, action: answer === 'accept' ? 'coalition.invitation_accepted' : 'coalition.invitation_declined', objectTable: 'coalition', objectId: inv.coalition_id, requestId: a.requestId ?? null, detail: { invitationId, organisationId: a.organisationId } });
    return { coalitionId: inv.coalition_id };
  });
}

/**
 * The actor's organisation leaves a coalition: its shares with it end (each audited as an unshare,
 * the cases get new versions when their visibility changes), its focal points there go, and its
 * membership ends. What other members shared stops being visible to it at once.
 */
export async function leaveCoalition(ctx: Ctx, actor: Actor, coalitionId: string): Promise<{ sharesEnded: number }> {
  const a = adminOf(actor);
  assertId(coalitionId);
  return inTransaction(ctx.db, { ...(await orgScope(ctx, a)), coalitionIds: [] }, async (trx) => {
    if (!(await isMemberOf(trx, a.organisationId, coalitionId))) throw new AppError('not_found');
    const sharesEnded = await endSharesWithCoalition(trx, { organisationId: a.organisationId, userId: a.userId, requestId: a.requestId }, coalitionId);
    await trx.deleteFrom('coalition_focal_point').where('organisation_id', '=', a.organisationId).where('coalition_id', '=', coalitionId).execute();
    await trx.deleteFrom('coalition_member').where('organisation_id', '=', a.organisationId).where('coalition_id', '=', coalitionId).execute();
    await audit(trx, a, a.organisationId, 'coalition.leave', coalitionId, { sharesEnded });
    return { sharesEnded };
  });
}

const focalInput = z.object({ userIds: z.array(z.uuid()).max(50) });

/** Sets the people of the actor's organisation who are its focal points for the coalition. */
export async function setFocalPoints(ctx: Ctx, actor: Actor, coalitionId: string, body: unknown, lang: Lang = 'es'): Promise<void> {
  const a = adminOf(actor);
  assertId(coalitionId);
  const input = parseInput(focalInput, body, lang);
  await inTransaction(ctx.db, await orgScope(ctx, a), async (trx) => {
    if (!(await isMemberOf(trx, a.organisationId, coalitionId))) throw new AppError('not_found');
    const ids = [...new Set(input.userIds)];
    if (ids.length) {
      const members = await trx.selectFrom('membership').select('user_id').where('organisation_id', '=', a.organisationId).where('user_id', 'in', ids).execute();
      const have = new Set(members.map((m) => m.user_id));
      const bad = ids.findIndex((i) => !have.has(i));
      if (bad >= 0) throw new AppError('validation', { issues: [{ path: ['userIds', bad], key: 'coalitions:errors.not_a_member' }] });
    }
    await trx.deleteFrom('coalition_focal_point').where('organisation_id', '=', a.organisationId).where('coalition_id', '=', coalitionId).execute();
    if (ids.length) {
      await trx.insertInto('coalition_focal_point').values(ids.map((user_id) => ({ organisation_id: a.organisationId, coalition_id: coalitionId, user_id, named_by: a.userId }))).execute();
    }
    await audit(trx, a, a.organisationId, 'coalition.focal_points', coalitionId, { count: ids.length });
  });
}
