/**
 * What an organisation sees of coalitions: the ones it belongs to, the invitations addressed to it,
 * and one coalition's page — its members, their focal points, how many cases each shares there and
 * which extra fields it added. A coalition is visible only to its members and to an organisation it
 * has invited (while the invitation is open); to anyone else it does not exist.
 */
import { sql } from 'kysely';
import { can, type Actor, type Ctx, type UserActor } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { inTransaction, type DB } from '../store/index.js';
import { assertId, isMemberOf, orgScope } from './coalitions.commands.js';
import './coalitions.tables.js';

function userOf(actor: Actor): UserActor {
  if (actor.kind !== 'user') throw new AppError('unauthenticated');
  return actor;
}

export interface CoalitionSummary {
  id: string;
  name: string;
  coordinator: string | null;
  members: number;
}

export interface CoalitionInvitationView {
  id: string;
  coalitionId: string;
  coalitionName: string;
  invitedBy: string;
  createdAt: Date;
}

export async function coalitionsOverview(ctx: Ctx, actor: Actor): Promise<{ coalitions: CoalitionSummary[]; invitations: CoalitionInvitationView[] }> {
  const a = userOf(actor);
  return inTransaction(ctx.db, await orgScope(ctx, a), async (trx) => {
    const rows = await sql<{ id: string; name: string; coordinator: string | null; members: string }>`
      SELECT c.id, c.name, o.name AS coordinator,
        (SELECT count(*) FROM coalition_member x WHERE x.coalition_id = c.id) AS members
      FROM coalition_member m JOIN coalition c ON c.id = m.coalition_id
      LEFT JOIN organisation o ON o.id = c.coordinator_org_id
      WHERE m.organisation_id = ${a.organisationId} ORDER BY c.name`.execute(trx);
    const invitations = await pendingInvitations(trx, a.organisationId);
    return { coalitions: rows.rows.map((r) => ({ id: r.id, name: r.name, coordinator: r.coordinator, members: Number(r.members) })), invitations };
  });
}

async function pendingInvitations(trx: DB, orgId: string, coalitionId?: string): Promise<CoalitionInvitationView[]> {
  let q = trx
    .selectFrom('coalition_invitation as i')
    .innerJoin('coalition as c', 'c.id', 'i.coalition_id')
    .innerJoin('organisation as o', 'o.id', 'i.invited_by_org')
    .select(['i.id', 'i.coalition_id', 'c.name as coalitionName', 'o.name as invitedBy', 'i.created_at'])
    .where('i.organisation_id', '=', orgId)
    .where('i.accepted_at', 'is', null)
    .where('i.declined_at', 'is', null)
    .where('i.revoked_at', 'is', null)
    .orderBy('i.created_at', 'desc');
  if (coalitionId) q = q.where('i.coalition_id', '=', coalitionId);
  const rows = await q.execute();
  return rows.map((r) => ({ id: r.id, coalitionId: r.coalition_id, coalitionName: r.coalitionName, invitedBy: r.invitedBy, createdAt: r.created_at }));
}

export interface CoalitionMemberView {
  organisationId: string;
  name: string;
  joinedAt: Date;
  coordinator: boolean;
  focalPoints: string[];
  /** Cases this organisation shares with the coalition, and how many of them add each extra field. */
  sharedCases: number;
  extraFields: Record<string, number>;
}

export interface CoalitionPage {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
  /** The viewer's organisation is a member (otherwise it is looking at an invitation). */
  member: boolean;
  invitation: CoalitionInvitationView | null;
  members: CoalitionMemberView[];
  pending: { name: string; createdAt: Date }[];
  /** For the viewer's administrators: its own people (focal point form) and organisations to invite. */
  ownPeople: { userId: string; displayName: string; role: string; focal: boolean }[];
  invitable: { id: string; name: string }[];
}

export async function coalitionPage(ctx: Ctx, actor: Actor, coalitionId: string): Promise<CoalitionPage> {
  const a = userOf(actor);
  assertId(coalitionId);
  return inTransaction(ctx.db, await orgScope(ctx, a), async (trx) => {
    const member = await isMemberOf(trx, a.organisationId, coalitionId);
    const invitation = member ? null : ((await pendingInvitations(trx, a.organisationId, coalitionId))[0] ?? null);
    if (!member && !invitation) throw new AppError('not_found');
    const c = await trx.selectFrom('coalition').select(['id', 'name', 'description', 'created_at', 'coordinator_org_id']).where('id', '=', coalitionId).executeTakeFirstOrThrow();
    // An invitee (not yet a member) learns who is in it, to decide, but nothing of what they share.
    const memberRows = member
      ? (await sql<{ organisation_id: string; name: string; joined_at: Date }>`
          SELECT m.organisation_id, o.name, m.joined_at FROM coalition_member m JOIN organisation o ON o.id = m.organisation_id
          WHERE m.coalition_id = ${coalitionId} ORDER BY o.name`.execute(trx)).rows
      : await membersForInvitee(trx, coalitionId);
    const focal = member
      ? await trx.selectFrom('coalition_focal_point as f').innerJoin('app_user as u', 'u.id', 'f.user_id').select(['f.organisation_id', 'u.display_name']).where('f.coalition_id', '=', coalitionId).orderBy('u.display_name').execute()
      : [];
    const shares = member
      ? await trx.selectFrom('record_share').select(['organisation_id', 'fields']).where('coalition_id', '=', coalitionId).execute()
      : [];
    const pending = member
      ? await trx.selectFrom('coalition_invitation as i').innerJoin('organisation as o', 'o.id', 'i.organisation_id').select(['o.name', 'i.created_at'])
          .where('i.coalition_id', '=', coalitionId).where('i.accepted_at', 'is', null).where('i.declined_at', 'is', null).where('i.revoked_at', 'is', null).orderBy('o.name').execute()
      : [];
    const isAdmin = can(a, 'org.manage');
    const ownPeople = member && isAdmin
      ? await trx.selectFrom('membership as m').innerJoin('app_user as u', 'u.id', 'm.user_id').select(['m.user_id', 'u.display_name', 'm.role'])
          .where('m.organisation_id', '=', a.organisationId).where('u.disabled_at', 'is', null).orderBy('u.display_name').execute()
      : [];
    const focalIds = member
      ? new Set((await trx.selectFrom('coalition_focal_point').select('user_id').where('organisation_id', '=', a.organisationId).where('coalition_id', '=', coalitionId).execute()).map((r) => r.user_id))
      : new Set<string>();
    const inside = new Set(memberRows.map((m) => m.organisation_id));
    const pendingIds = member
      ? new Set((await trx.selectFrom('coalition_invitation').select('organisation_id').where('coalition_id', '=', coalitionId).where('accepted_at', 'is', null).where('declined_at', 'is', null).where('revoked_at', 'is', null).execute()).map((r) => r.organisation_id))
      : new Set<string>();
    const invitable = member && isAdmin
      ? (await trx.selectFrom('organisation').select(['id', 'name']).where('archived_at', 'is', null).where('sealed_at', 'is', null).orderBy('name').limit(500).execute())
          .filter((o) => !inside.has(o.id) && !pendingIds.has(o.id))
      : [];
    return {
      id: c.id,
      name: c.name,
      description: c.description,
      createdAt: c.created_at,
      member,
      invitation,
      members: memberRows.map((m) => {
        const mine = shares.filter((s) => s.organisation_id === m.organisation_id);
        const extraFields: Record<string, number> = {};
        for (const s of mine) for (const f of s.fields ?? []) extraFields[f] = (extraFields[f] ?? 0) + 1;
        return {
          organisationId: m.organisation_id,
          name: m.name,
          joinedAt: m.joined_at,
          coordinator: m.organisation_id === c.coordinator_org_id,
          focalPoints: focal.filter((f) => f.organisation_id === m.organisation_id).map((f) => f.display_name),
          sharedCases: mine.length,
          extraFields,
        };
      }),
      pending: pending.map((p) => ({ name: p.name, createdAt: p.created_at })),
      ownPeople: ownPeople.map((p) => ({ userId: p.user_id, displayName: p.display_name, role: p.role, focal: focalIds.has(p.user_id) })),
      invitable,
    };
  });
}

/** The member organisations of a coalition that invited the viewer's organisation (names only). */
async function membersForInvitee(trx: DB, coalitionId: string): Promise<{ organisation_id: string; name: string; joined_at: Date }[]> {
  const r = await sql<{ organisation_id: string; name: string; joined_at: Date }>`SELECT * FROM atalaya_coalition_members_for_invitee(${coalitionId}::uuid)`.execute(trx);
  return r.rows;
}
