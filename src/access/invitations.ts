/**
 * Invitations by e-mail (issue 16 §2). An administrator names an address and a role; the address
 * gets a single-use link valid 72 hours. A new person follows it to choose their own name and
 * password (nobody else ever knows it) and then enrols the second factor. An address that already
 * has an account gets an invitation its owner accepts or declines after signing in: nothing changes
 * until they accept, and the inviting administrator is told the same "sent" either way.
 *
 * The link's token is stored only as its SHA-256. Someone holding a link has no scope yet, so the
 * token is looked up through a definer function (migration 060) and the row then read in the scope
 * of the organisation it belongs to.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { appendAudit, inTransaction, setScope, type DB, type Role } from '../store/index.js';
import { hashPassword } from './passwords.js';
import { checkOneLineName } from './names.js';
import { passwordProblem } from './password-policy.js';
import { authorize, type Actor, type UserActor } from './policies/policy.js';
import { tokenHash } from './sessions.js';

export const INVITATION_VALID_MS = 72 * 3600_000;
// The same roles as members.ts (signatory: a focal point, issue 16 §5); an invitation may carry any of them.
const roles: readonly Role[] = ['admin', 'documenter', 'analyst', 'reviewer', 'viewer', 'signatory'];
const emailRe = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export interface Inviter {
  organisationId: string;
  /** Null when the server's shell invites (`atalaya user invite`) before anyone has signed in. */
  userId: string | null;
  requestId?: string | null;
}

export interface SentInvitation {
  /** The link's secret: e-mailed, never stored. */
  token: string;
  email: string;
  /** The language of the e-mail: the existing account's, else the organisation's. */
  lang: 'es' | 'en';
  organisationName: string;
  expiresAt: Date;
}

/**
 * Records an invitation to `by.organisationId`. Callers authorise first (an organisation's
 * administrator through `inviteMember`, the installation administrator in its own routes).
 */
export async function createInvitation(db: DB, by: Inviter, input: { email: string; role: string }): Promise<SentInvitation> {
  const email = input.email.trim();
  const issues = [];
  if (!emailRe.test(email)) issues.push({ path: ['email'], key: 'access:bad_email' });
  if (!roles.includes(input.role as Role)) issues.push({ path: ['role'], key: 'admin:bad_role' });
  if (issues.length) throw new AppError('validation', { issues });
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + INVITATION_VALID_MS);
  return inTransaction(db, { organisationIds: [by.organisationId], coalitionIds: [], userId: by.userId }, async (trx) => {
    const org = await trx.selectFrom('organisation').select(['name', 'default_lang', 'archived_at']).where('id', '=', by.organisationId).executeTakeFirst();
    if (!org) throw new AppError('not_found');
    if (org.archived_at) throw new AppError('invalid_state', { message: 'install:org.archived_no_invite' });
    const account = await trx.selectFrom('app_user').select(['id', 'lang']).where('email', '=', email).executeTakeFirst();
    if (account) {
      // Already here: the members list shows it to this administrator anyway, so saying so reveals nothing.
      const member = await trx.selectFrom('membership').select('role').where('organisation_id', '=', by.organisationId).where('user_id', '=', account.id).executeTakeFirst();
      if (member) throw new AppError('validation', { issues: [{ path: ['email'], key: 'admin:already_member' }] });
    }
    // A new invitation to the same address replaces any earlier one still open.
    await trx
      .updateTable('member_invitation')
      .set({ revoked_at: new Date() })
      .where('organisation_id', '=', by.organisationId)
      .where('email', '=', email)
      .where('accepted_at', 'is', null)
      .where('declined_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
    const id = newId();
    await trx
      .insertInto('member_invitation')
      .values({ organisation_id: by.organisationId, id, email, role: input.role, invited_user_id: account?.id ?? null, token_hash: tokenHash(token), expires_at: expiresAt, created_by: by.userId })
      .execute();
    await appendAudit(trx, { organisationId: by.organisationId, userId: by.userId, action: 'user.invite', objectTable: 'member_invitation', objectId: id, detail: { role: input.role }, requestId: by.requestId ?? null });
    const lang = (account?.lang ?? org.default_lang) === 'en' ? 'en' : 'es';
    return { token, email, lang, organisationName: org.name, expiresAt };
  });
}

/** An organisation's administrator invites someone to their own organisation. */
export async function inviteMember(db: DB, actor: Actor, input: { email: string; role: string }): Promise<SentInvitation> {
  authorize(actor, 'user.manage');
  const a = actor as UserActor;
  return createInvitation(db, { organisationId: a.organisationId, userId: a.userId, requestId: a.requestId ?? null }, input);
}

export interface PendingInvitation {
  id: string;
  email: string;
  role: string;
  createdAt: Date;
  expiresAt: Date;
  expired: boolean;
}

/** Invitations of one organisation still open (neither accepted, declined nor withdrawn). */
export async function listOpenInvitations(db: DB, organisationId: string, userId: string | null): Promise<PendingInvitation[]> {
  const rows = await inTransaction(db, { organisationIds: [organisationId], coalitionIds: [], userId }, (trx) =>
    trx
      .selectFrom('member_invitation')
      .select(['id', 'email', 'role', 'created_at', 'expires_at'])
      .where('organisation_id', '=', organisationId)
      .where('accepted_at', 'is', null)
      .where('declined_at', 'is', null)
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .limit(200)
      .execute(),
  );
  const now = Date.now();
  return rows.map((r) => ({ id: r.id, email: r.email, role: r.role, createdAt: new Date(r.created_at), expiresAt: new Date(r.expires_at), expired: new Date(r.expires_at).getTime() < now }));
}

export async function listInvitations(db: DB, actor: Actor): Promise<PendingInvitation[]> {
  authorize(actor, 'user.manage');
  const a = actor as UserActor;
  return listOpenInvitations(db, a.organisationId, a.userId);
}

/** Withdraws an open invitation of the administrator's own organisation (another's is "not found"). */
export async function revokeInvitation(db: DB, actor: Actor, id: string): Promise<void> {
  authorize(actor, 'user.manage');
  const a = actor as UserActor;
  await inTransaction(db, { organisationIds: [a.organisationId], coalitionIds: [], userId: a.userId }, async (trx) => {
    const r = await trx
      .updateTable('member_invitation')
      .set({ revoked_at: new Date() })
      .where('organisation_id', '=', a.organisationId)
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('declined_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new AppError('not_found');
    await appendAudit(trx, { organisationId: a.organisationId, userId: a.userId, action: 'user.invite_revoke', objectTable: 'member_invitation', objectId: id, requestId: a.requestId ?? null });
  });
}

export interface InvitationView {
  organisationId: string;
  id: string;
  organisationName: string;
  email: string;
  role: Role;
  /** The account the invitation is addressed to, when the address already had one. */
  invitedUserId: string | null;
}

type Row = InvitationView & { expiresAt: Date; acceptedAt: Date | null; declinedAt: Date | null; revokedAt: Date | null };

async function findByToken(trx: DB, token: string): Promise<Row | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const hit = (await sql<{ organisation_id: string; id: string }>`SELECT organisation_id, id FROM atalaya_invitation_by_token(${tokenHash(token)})`.execute(trx)).rows[0];
  if (!hit) return null;
  await setScope(trx, { organisationIds: [hit.organisation_id], coalitionIds: [], userId: null });
  const r = await trx
    .selectFrom('member_invitation as i')
    .innerJoin('organisation as o', 'o.id', 'i.organisation_id')
    .select(['i.organisation_id', 'i.id', 'o.name', 'o.archived_at', 'i.email', 'i.role', 'i.invited_user_id', 'i.expires_at', 'i.accepted_at', 'i.declined_at', 'i.revoked_at'])
    .where('i.organisation_id', '=', hit.organisation_id)
    .where('i.id', '=', hit.id)
    .forUpdate('i')
    .executeTakeFirst();
  if (!r || r.archived_at) return null;
  return {
    organisationId: r.organisation_id,
    id: r.id,
    organisationName: r.name,
    email: r.email,
    role: r.role as Role,
    invitedUserId: r.invited_user_id,
    expiresAt: new Date(r.expires_at),
    acceptedAt: r.accepted_at,
    declinedAt: r.declined_at,
    revokedAt: r.revoked_at,
  };
}

function usable(r: Row | null): r is Row {
  return !!r && !r.acceptedAt && !r.declinedAt && !r.revokedAt && r.expiresAt.getTime() > Date.now();
}

/** The invitation a link names, or null when it is unknown, used, declined, withdrawn or expired. */
export async function openInvitation(db: DB, token: string): Promise<InvitationView | null> {
  return db.transaction().execute(async (trx) => {
    const r = await findByToken(trx, token);
    if (!usable(r)) return null;
    return { organisationId: r.organisationId, id: r.id, organisationName: r.organisationName, email: r.email, role: r.role, invitedUserId: r.invitedUserId };
  });
}

const gone = () => new AppError('invalid_state', { message: 'install:invite.invalid' });

/** A new person accepts: their account (name and password of their choosing) and membership, at once. */
export async function acceptAsNewPerson(db: DB, token: string, input: { displayName: string; password: string; lang: 'es' | 'en' }): Promise<{ userId: string; organisationId: string }> {
  const displayName = input.displayName.trim();
  if (!displayName || displayName.length > 200) throw new AppError('validation', { issues: [{ path: ['displayName'], key: 'install:invite.name_required' }] });
  checkOneLineName(displayName, 'displayName');
  return db.transaction().execute(async (trx) => {
    const r = await findByToken(trx, token);
    if (!usable(r) || r.invitedUserId) throw gone();
    const problem = passwordProblem(input.password, [r.email, displayName]);
    if (problem) throw new AppError('validation', { issues: [{ path: ['password'], key: `access:${problem}` }] });
    // The address may have got an account since the invitation was sent: then it must sign in to accept.
    const taken = await trx.selectFrom('app_user').select('id').where('email', '=', r.email).executeTakeFirst();
    if (taken) throw new AppError('invalid_state', { message: 'install:invite.sign_in_to_accept' });
    const userId = newId();
    await trx.insertInto('app_user').values({ id: userId, email: r.email, display_name: displayName, password_hash: await hashPassword(input.password), lang: input.lang }).execute();
    await trx.insertInto('membership').values({ organisation_id: r.organisationId, user_id: userId, role: r.role }).execute();
    await trx.updateTable('member_invitation').set({ accepted_at: new Date(), invited_user_id: userId }).where('organisation_id', '=', r.organisationId).where('id', '=', r.id).execute();
    await appendAudit(trx, { organisationId: r.organisationId, userId, action: 'user.invite_accept', objectTable: 'member_invitation', objectId: r.id, detail: { role: r.role } });
    return { userId, organisationId: r.organisationId };
  });
}

/** The owner of an existing account accepts or declines an invitation addressed to them. */
export async function answerInvitation(db: DB, token: string, userId: string, accept: boolean): Promise<{ organisationId: string }> {
  return db.transaction().execute(async (trx) => {
    const r = await findByToken(trx, token);
    // Only the account it was sent to (by address) may answer; anyone else learns nothing more.
    if (!usable(r)) throw gone();
    const me = await trx.selectFrom('app_user').select('email').where('id', '=', userId).executeTakeFirst();
    if (!me || (r.invitedUserId ? r.invitedUserId !== userId : me.email.toLowerCase() !== r.email.toLowerCase())) throw new AppError('not_found');
    await setScope(trx, { organisationIds: [r.organisationId], coalitionIds: [], userId });
    if (accept) {
      const member = await trx.selectFrom('membership').select('role').where('organisation_id', '=', r.organisationId).where('user_id', '=', userId).executeTakeFirst();
      if (!member) await trx.insertInto('membership').values({ organisation_id: r.organisationId, user_id: userId, role: r.role }).execute();
    }
    await trx
      .updateTable('member_invitation')
      .set(accept ? { accepted_at: new Date(), invited_user_id: userId } : { declined_at: new Date(), invited_user_id: userId })
      .where('organisation_id', '=', r.organisationId)
      .where('id', '=', r.id)
      .execute();
    await appendAudit(trx, { organisationId: r.organisationId, userId, action: accept ? 'user.invite_accept' : 'user.invite_decline', objectTable: 'member_invitation', objectId: r.id, detail: { role: r.role } });
    return { organisationId: r.organisationId };
  });
}
