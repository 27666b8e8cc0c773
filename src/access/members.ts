/** An organisation's members and settings, as its administrators manage them. */
import { randomBytes } from 'node:crypto';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { appendAudit, inTransaction, type DB, type Role } from '../store/index.js';
import { checkOneLineName } from './names.js';
import { hashPassword } from './passwords.js';
import { authorize, type Actor, type UserActor } from './policies/policy.js';
import { resetTotp } from './totp.js';
import { assertMayActAccountWide, isTimeZone } from './installation.js';

export const roles: readonly Role[] = ['admin', 'documenter', 'analyst', 'reviewer', 'viewer', 'signatory'];

export interface Member {
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  mfa: boolean;
  disabled: boolean;
  activeSessions: number;
}

function scopeOf(actor: UserActor) {
  return { organisationIds: [actor.organisationId], coalitionIds: [], userId: actor.userId };
}

function asAdmin(actor: Actor): UserActor {
  authorize(actor, 'user.manage');
  if (actor.kind !== 'user') throw new AppError('forbidden');
  return actor;
}

export async function listMembers(db: DB, actor: Actor): Promise<Member[]> {
  const a = asAdmin(actor);
  return inTransaction(db, scopeOf(a), async (trx) => {
    const rows = await trx
      .selectFrom('membership as m')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .select(['u.id', 'u.email', 'u.display_name', 'm.role', 'u.totp_enabled', 'u.disabled_at'])
      // Sessions in this organisation only: an account's sessions elsewhere are not this administrator's business.
      .select((eb) => eb.selectFrom('app_session as s').whereRef('s.user_id', '=', 'u.id').where('s.organisation_id', '=', a.organisationId).select(eb.fn.countAll<string>().as('n')).as('sessions'))
      .where('m.organisation_id', '=', a.organisationId)
      .orderBy('u.display_name')
      .execute();
    return rows.map((r) => ({
      userId: r.id,
      email: r.email,
      displayName: r.display_name,
      role: r.role,
      mfa: r.totp_enabled,
      disabled: r.disabled_at !== null,
      activeSessions: Number(r.sessions ?? 0),
    }));
  });
}

/**
 * Adds a person to the organisation: an existing account gets the membership; a new one is created
 * with a one-time password returned to the administrator to hand over (no e-mail needed).
 */
export async function addMember(db: DB, actor: Actor, input: { email: string; displayName: string; role: Role }): Promise<{ userId: string; oneTimePassword: string | null }> {
  const a = asAdmin(actor);
  if (!roles.includes(input.role)) throw new AppError('validation', { issues: [{ path: ['role'], key: 'admin:bad_role' }] });
  if (!/^[^\s@]{1,64}@[^\s@]{1,255}$/.test(input.email)) throw new AppError('validation', { issues: [{ path: ['email'], key: 'access:bad_email' }] });
  checkOneLineName(input.displayName, 'displayName');
  const password = randomBytes(12).toString('base64url');
  const hash = await hashPassword(password);
  return inTransaction(db, scopeOf(a), async (trx) => {
    const existing = await trx.selectFrom('app_user').select('id').where('email', '=', input.email).executeTakeFirst();
    let userId = existing?.id;
    if (userId) {
      const member = await trx.selectFrom('membership').select('role').where('organisation_id', '=', a.organisationId).where('user_id', '=', userId).executeTakeFirst();
      if (member) throw new AppError('validation', { issues: [{ path: ['email'], key: 'admin:already_member' }] });
    } else {
      userId = newId();
      await trx.insertInto('app_user').values({ id: userId, email: input.email, display_name: input.displayName || input.email, password_hash: hash, must_change_password: true }).execute();
    }
    await trx.insertInto('membership').values({ organisation_id: a.organisationId, user_id: userId, role: input.role }).execute();
    await appendAudit(trx, { organisationId: a.organisationId, userId: a.userId, action: 'user.add', objectTable: 'app_user', objectId: userId, detail: { role: input.role }, requestId: a.requestId ?? null });
    return { userId, oneTimePassword: existing ? null : password };
  });
}

export async function setMemberRole(db: DB, actor: Actor, userId: string, role: Role): Promise<void> {
  const a = asAdmin(actor);
  if (!roles.includes(role)) throw new AppError('validation', { issues: [{ path: ['role'], key: 'admin:bad_role' }] });
  await inTransaction(db, scopeOf(a), async (trx) => {
    const m = await trx.selectFrom('membership').select('role').where('organisation_id', '=', a.organisationId).where('user_id', '=', userId).executeTakeFirst();
    if (!m) throw new AppError('not_found');
    if (m.role === 'admin' && role !== 'admin') await assertAnotherAdmin(trx, a.organisationId, userId);
    await trx.updateTable('membership').set({ role }).where('organisation_id', '=', a.organisationId).where('user_id', '=', userId).execute();
    // A changed role must take effect now, not at the next sign-in (here: other organisations' sessions are not ours to end).
    await trx.deleteFrom('app_session').where('user_id', '=', userId).where('organisation_id', '=', a.organisationId).execute();
    await appendAudit(trx, { organisationId: a.organisationId, userId: a.userId, action: 'user.role', objectTable: 'app_user', objectId: userId, detail: { from: m.role, to: role }, requestId: a.requestId ?? null });
  });
}

async function assertAnotherAdmin(trx: DB, orgId: string, userId: string) {
  const others = await trx.selectFrom('membership').select('user_id').where('organisation_id', '=', orgId).where('role', '=', 'admin').where('user_id', '<>', userId).execute();
  if (others.length === 0) throw new AppError('invalid_state', { message: 'admin:last_admin' });
}

export async function removeMember(db: DB, actor: Actor, userId: string): Promise<void> {
  const a = asAdmin(actor);
  await inTransaction(db, scopeOf(a), async (trx) => {
    const m = await trx.selectFrom('membership').select('role').where('organisation_id', '=', a.organisationId).where('user_id', '=', userId).executeTakeFirst();
    if (!m) throw new AppError('not_found');
    if (m.role === 'admin') await assertAnotherAdmin(trx, a.organisationId, userId);
    await trx.deleteFrom('membership').where('organisation_id', '=', a.organisationId).where('user_id', '=', userId).execute();
    await trx.deleteFrom('app_session').where('user_id', '=', userId).where('organisation_id', '=', a.organisationId).execute();
    await appendAudit(trx, { organisationId: a.organisationId, userId: a.userId, action: 'user.remove', objectTable: 'app_user', objectId: userId, requestId: a.requestId ?? null });
  });
}

export async function endMemberSessions(db: DB, actor: Actor, userId: string): Promise<void> {
  const a = asAdmin(actor);
  await assertMemberOf(db, a, userId);
  await assertMayActAccountWide(db, a, userId);
  await inTransaction(db, scopeOf(a), async (trx) => {
    await trx.deleteFrom('app_session').where('user_id', '=', userId).execute();
    await appendAudit(trx, { organisationId: a.organisationId, userId: a.userId, action: 'user.sessions_revoked', objectTable: 'app_user', objectId: userId, requestId: a.requestId ?? null });
  });
}

async function assertMemberOf(db: DB, a: UserActor, userId: string): Promise<void> {
  const m = await inTransaction(db, scopeOf(a), (trx) =>
    trx.selectFrom('membership').select('role').where('organisation_id', '=', a.organisationId).where('user_id', '=', userId).executeTakeFirst(),
  );
  if (!m) throw new AppError('not_found');
}

export async function resetMemberMfa(db: DB, actor: Actor, userId: string): Promise<void> {
  const a = asAdmin(actor);
  await assertMemberOf(db, a, userId);
  await assertMayActAccountWide(db, a, userId);
  await resetTotp(db, userId);
}

export interface OrganisationSettings {
  name: string;
  slug: string;
  mfaRelaxedForViewers: boolean;
  languages: ('es' | 'en')[];
  timeZone: string;
  defaultVisibility: 'private' | 'public';
}

export async function organisationSettings(db: DB, actor: Actor): Promise<OrganisationSettings> {
  authorize(actor, 'org.manage');
  const a = actor as UserActor;
  const o = await db
    .selectFrom('organisation')
    .select(['name', 'slug', 'mfa_relaxed_for_viewers', 'languages', 'time_zone', 'default_visibility'])
    .where('id', '=', a.organisationId)
    .executeTakeFirstOrThrow();
  return {
    name: o.name,
    slug: o.slug,
    mfaRelaxedForViewers: o.mfa_relaxed_for_viewers,
    languages: o.languages.filter((l): l is 'es' | 'en' => l === 'es' || l === 'en'),
    timeZone: o.time_zone,
    defaultVisibility: o.default_visibility,
  };
}

/** The visibility a new case of the actor's organisation starts with (any member may read it). */
export async function defaultVisibilityOf(db: DB, organisationId: string): Promise<'private' | 'public'> {
  const o = await db.selectFrom('organisation').select('default_visibility').where('id', '=', organisationId).executeTakeFirst();
  return o?.default_visibility ?? 'private';
}

/**
 * An organisation's own settings, by its administrator: its languages and which is the default,
 * its time zone (times on pages, deadlines and exports are shown in it) and the visibility new cases
 * start with. Each field that is wrong is named; nothing is saved unless all are right.
 */
export async function updateOrganisationSettings(
  db: DB,
  actor: Actor,
  input: { languages: string[]; defaultLang: string; timeZone: string; defaultVisibility: string },
): Promise<void> {
  authorize(actor, 'org.manage');
  const a = actor as UserActor;
  const issues: { path: string[]; key: string; values?: Record<string, string> }[] = [];
  const languages = [...new Set(input.languages)].filter((l): l is 'es' | 'en' => l === 'es' || l === 'en');
  if (!languages.length || languages.length !== new Set(input.languages).size) issues.push({ path: ['languages'], key: 'admin:org.bad_languages' });
  else if (!languages.includes(input.defaultLang as 'es' | 'en')) issues.push({ path: ['defaultLang'], key: 'admin:org.bad_default_lang' });
  if (!isTimeZone(input.timeZone)) issues.push({ path: ['timeZone'], key: 'access:bad_time_zone', values: { zone: input.timeZone.slice(0, 100) } });
  if (input.defaultVisibility !== 'private' && input.defaultVisibility !== 'public') issues.push({ path: ['defaultVisibility'], key: 'admin:org.bad_visibility' });
  if (issues.length) throw new AppError('validation', { issues });
  const defaultVisibility = input.defaultVisibility as 'private' | 'public';
  // The organisation's default language is the first of its list.
  languages.sort((x, y) => Number(y === input.defaultLang) - Number(x === input.defaultLang));
  await inTransaction(db, scopeOf(a), async (trx) => {
    await trx
      .updateTable('organisation')
      .set({ languages, default_lang: languages[0]!, time_zone: input.timeZone, default_visibility: defaultVisibility })
      .where('id', '=', a.organisationId)
      .execute();
    await appendAudit(trx, { organisationId: a.organisationId, userId: a.userId, action: 'org.settings', detail: { languages, timeZone: input.timeZone, defaultVisibility }, requestId: a.requestId ?? null });
  });
}

/** Only viewers can be exempted from the second factor: every other role sees identifying data. */
export async function setMfaRelaxedForViewers(db: DB, actor: Actor, relaxed: boolean): Promise<void> {
  authorize(actor, 'org.manage');
  const a = actor as UserActor;
  await inTransaction(db, scopeOf(a), async (trx) => {
    await trx.updateTable('organisation').set({ mfa_relaxed_for_viewers: relaxed }).where('id', '=', a.organisationId).execute();
    await appendAudit(trx, { organisationId: a.organisationId, userId: a.userId, action: 'org.settings', detail: { mfaRelaxedForViewers: relaxed }, requestId: a.requestId ?? null });
  });
}

export interface AuditRow {
  seq: string;
  at: string;
  userId: string | null;
  actorName: string | null;
  action: string;
  objectTable: string | null;
  objectId: string | null;
  outcome: string;
}

export async function listAudit(db: DB, actor: Actor, opts: { before?: string; limit: number }): Promise<AuditRow[]> {
  authorize(actor, 'audit.read');
  const a = actor as UserActor;
  return inTransaction(db, scopeOf(a), async (trx) => {
    let q = trx
      .selectFrom('audit_log as l')
      .leftJoin('app_user as u', 'u.id', 'l.user_id')
      .select(['l.seq', 'l.at', 'l.user_id', 'u.display_name', 'l.action', 'l.object_table', 'l.object_id', 'l.outcome'])
      .where('l.organisation_id', '=', a.organisationId)
      .orderBy('l.seq', 'desc')
      .limit(opts.limit);
    if (opts.before && /^\d+$/.test(opts.before)) q = q.where('l.seq', '<', opts.before);
    const rows = await q.execute();
    await appendAudit(trx, { organisationId: a.organisationId, userId: a.userId, action: 'audit.view', requestId: a.requestId ?? null });
    return rows.map((r) => ({
      seq: String(r.seq),
      at: new Date(r.at).toISOString(),
      userId: r.user_id,
      actorName: r.display_name,
      action: r.action,
      objectTable: r.object_table,
      objectId: r.object_id,
      outcome: r.outcome,
    }));
  });
}
