/**
 * The installation: its administrator and the organisations they manage. The installation
 * administrator holds no membership in any organisation, so no policy ever scopes them to an
 * organisation's records; they are given a one-time set-up link instead of a password, because
 * whatever a command prints ends up in service logs.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { AppError } from '../shared/errors.js';
import { publicContentChanged } from '../shared/public-changes.js';
import { appendAudit, setScope, type DB } from '../store/index.js';
import type { Ctx } from './context.js';
import type { UserActor } from './policies/policy.js';
import { checkOneLineName, isOneLineName } from './names.js';
import { createOrganisation } from './organisations.js';
import { hashPassword } from './passwords.js';
import { tokenHash } from './sessions.js';

/** A set-up link is good for 72 hours and once (it is a password-reset token of the new account). */
const SETUP_VALID_MS = 72 * 3600_000;
const emailRe = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function installationAdminExists(db: DB): Promise<boolean> {
  return !!(await db.selectFrom('app_user').select('id').where('installation_admin', '=', true).where('disabled_at', 'is', null).executeTakeFirst());
}

/**
 * Creates the installation administrator with no usable password and returns the token of their
 * one-time set-up link (`/password/reset?token=…`), where they choose a password; the second
 * factor is enrolled at their first sign-in.
 */
export async function createInstallationAdmin(db: DB, input: { email: string; lang?: 'es' | 'en' }): Promise<{ userId: string; token: string; expiresAt: Date }> {
  if (!emailRe.test(input.email)) throw new AppError('validation', { issues: [{ path: ['email'], key: 'access:bad_email' }] });
  // Nobody knows this password: the account is usable only once its owner follows the link.
  const unusable = await hashPassword(randomBytes(32).toString('base64url'));
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SETUP_VALID_MS);
  return db.transaction().execute(async (trx) => {
    if (await installationAdminExists(trx)) throw new AppError('invalid_state', { message: 'access:installation_admin_exists' });
    const taken = await trx.selectFrom('app_user').select('id').where('email', '=', input.email).executeTakeFirst();
    if (taken) throw new AppError('validation', { issues: [{ path: ['email'], key: 'access:email_taken' }] });
    const { id } = await trx
      .insertInto('app_user')
      .values({ id: crypto.randomUUID(), email: input.email, display_name: input.email, password_hash: unusable, lang: input.lang ?? 'es', installation_admin: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.insertInto('password_reset').values({ token_hash: tokenHash(token), user_id: id, expires_at: expiresAt }).execute();
    return { userId: id, token, expiresAt };
  });
}

export interface OrganisationSummary {
  id: string;
  slug: string;
  name: string;
  defaultLang: string;
  languages: string[];
  timeZone: string;
  archivedAt: Date | null;
  createdAt: Date;
}

/** True for an IANA time zone name this Node knows (America/Caracas, UTC, …). */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface OrganisationSetup {
  slug: string;
  name: string;
  lang?: 'es' | 'en';
  timeZone?: string;
}

/** Creates an organisation with its own data keys, its language and time zone. */
export async function setUpOrganisation(ctx: Ctx, input: OrganisationSetup, byUserId: string | null = null): Promise<{ id: string }> {
  const name = input.name.trim();
  const issues = [];
  if (!name || name.length > 200) issues.push({ path: ['name'], key: 'access:org_name_required' });
  else if (!isOneLineName(name)) issues.push({ path: ['name'], key: 'access:name_characters' });
  if (input.timeZone !== undefined && !isTimeZone(input.timeZone)) issues.push({ path: ['timeZone'], key: 'access:bad_time_zone', values: { zone: input.timeZone } });
  if (issues.length) throw new AppError('validation', { issues });
  return ctx.db.transaction().execute(async (trx) => {
    const { id } = await createOrganisation(ctx, { slug: input.slug, name, defaultLang: input.lang ?? 'es' }, trx, byUserId);
    await trx
      .updateTable('organisation')
      .set({ time_zone: input.timeZone ?? 'UTC', languages: input.lang === 'en' ? ['en', 'es'] : ['es', 'en'] })
      .where('id', '=', id)
      .execute();
    return { id };
  });
}

export async function listOrganisations(db: DB): Promise<OrganisationSummary[]> {
  const rows = await db.selectFrom('organisation').select(['id', 'slug', 'name', 'default_lang', 'languages', 'time_zone', 'archived_at', 'created_at']).orderBy('slug').execute();
  return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, defaultLang: r.default_lang, languages: r.languages, timeZone: r.time_zone, archivedAt: r.archived_at, createdAt: r.created_at }));
}

async function organisationBySlug(db: DB, slug: string) {
  const org = await db.selectFrom('organisation').select(['id', 'name', 'archived_at', 'locked_at']).where('slug', '=', slug).executeTakeFirst();
  if (!org) throw new AppError('not_found', { message: 'access:no_such_org', values: { org: slug } });
  return org;
}

/** Renames an organisation (its slug, the address of its records, stays). */
export async function renameOrganisation(db: DB, slug: string, name: string, byUserId: string | null = null): Promise<void> {
  const clean = name.trim();
  if (!clean || clean.length > 200) throw new AppError('validation', { issues: [{ path: ['name'], key: 'access:org_name_required' }] });
  checkOneLineName(clean, 'name');
  await db.transaction().execute(async (trx) => {
    const org = await organisationBySlug(trx, slug);
    await setScope(trx, { organisationIds: [org.id], coalitionIds: [], userId: byUserId });
    await trx.updateTable('organisation').set({ name: clean }).where('id', '=', org.id).execute();
    await appendAudit(trx, { organisationId: org.id, userId: byUserId, action: 'org.rename', objectTable: 'organisation', objectId: org.id, detail: { from: org.name, to: clean } });
  });
  // Its published statements name it as publisher.
  publicContentChanged();
}

/** Archives an organisation: no one signs in to it any more; its records and keys stay. */
export async function archiveOrganisation(db: DB, slug: string, byUserId: string | null = null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const org = await organisationBySlug(trx, slug);
    if (org.archived_at) return;
    const now = new Date();
    await setScope(trx, { organisationIds: [org.id], coalitionIds: [], userId: byUserId });
    await trx.updateTable('organisation').set({ archived_at: now, locked_at: org.locked_at ?? now }).where('id', '=', org.id).execute();
    await trx.deleteFrom('app_session').where('organisation_id', '=', org.id).execute();
    await appendAudit(trx, { organisationId: org.id, userId: byUserId, action: 'org.archive', objectTable: 'organisation', objectId: org.id });
  });
}

/**
 * Account-wide actions: the installation administrator is the one account that may act on another
 * account across organisations (reset its second factor, end all its sessions). An organisation's
 * administrator acts only within that organisation.
 */
export async function isInstallationAdmin(db: DB, userId: string): Promise<boolean> {
  const r = await db.selectFrom('app_user').select('installation_admin').where('id', '=', userId).executeTakeFirst();
  return r?.installation_admin === true;
}

/** True when the account is also a member of an organisation other than `organisationId`. */
export async function accountInOtherOrganisations(db: DB, userId: string, organisationId: string): Promise<boolean> {
  const r = await sql<{ shared: boolean }>`SELECT atalaya_user_in_other_orgs(${userId}::uuid, ${organisationId}::uuid) AS shared`.execute(db);
  return r.rows[0]?.shared === true;
}

/**
 * Refuses an account-wide action (second factor, every session, password) on an account that
 * belongs to other organisations too, unless it is the person themself or the installation
 * administrator: one organisation's administrator must not lock a person out of another's work.
 */
export async function assertMayActAccountWide(db: DB, actor: UserActor, userId: string): Promise<void> {
  if (userId === actor.userId) return;
  if (!(await accountInOtherOrganisations(db, userId, actor.organisationId))) return;
  if (await isInstallationAdmin(db, actor.userId)) return;
  throw new AppError('forbidden', { message: 'admin:account_shared' });
}
