/**
 * Server-side sessions. The browser holds a random 256-bit token; the database holds only its
 * SHA-256, so a database dump cannot be replayed as a login. Sessions end after an idle period and
 * after an absolute lifetime; a new session is issued at every login (no fixation).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { inTransaction, type DB } from '../store/index.js';

export interface SessionSettings {
  idleMinutes: number;
  maxHours: number;
}

export interface SessionRecord {
  userId: string;
  organisationId: string | null;
  csrfToken: string;
  mfaPassed: boolean;
  lang: string | null;
  createdAt: Date;
  lastSeenAt: Date;
}

export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export async function createSession(
  db: DB,
  s: SessionSettings,
  input: { userId: string; organisationId: string | null; mfaPassed: boolean; lang?: string | null },
): Promise<{ token: string; csrfToken: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  await db
    .insertInto('app_session')
    .values({
      id_hash: tokenHash(token),
      user_id: input.userId,
      organisation_id: input.organisationId,
      csrf_token: csrfToken,
      mfa_passed: input.mfaPassed,
      lang: input.lang ?? null,
      expires_at: new Date(Date.now() + s.maxHours * 3600_000),
    })
    .execute();
  return { token, csrfToken };
}

/** Returns the live session for a token, touching its idle clock; null when absent or expired. */
export async function readSession(db: DB, s: SessionSettings, token: string | undefined, now = new Date()): Promise<SessionRecord | null> {
  if (!token || token.length > 100) return null;
  const id = tokenHash(token);
  const row = await db
    .selectFrom('app_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select(['s.user_id', 's.organisation_id', 's.csrf_token', 's.mfa_passed', 's.lang', 's.created_at', 's.last_seen_at', 's.expires_at', 'u.disabled_at'])
    .where('s.id_hash', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const idleLimit = new Date(row.last_seen_at).getTime() + s.idleMinutes * 60_000;
  if (row.disabled_at || new Date(row.expires_at) <= now || idleLimit <= now.getTime()) {
    await db.deleteFrom('app_session').where('id_hash', '=', id).execute();
    return null;
  }
  // Touch at most once a minute: a page view should not always cost a write.
  if (now.getTime() - new Date(row.last_seen_at).getTime() > 60_000) {
    await db.updateTable('app_session').set({ last_seen_at: now }).where('id_hash', '=', id).execute();
  }
  return {
    userId: row.user_id,
    organisationId: row.organisation_id,
    csrfToken: row.csrf_token,
    mfaPassed: row.mfa_passed,
    lang: row.lang,
    createdAt: new Date(row.created_at),
    lastSeenAt: new Date(row.last_seen_at),
  };
}

export async function updateSession(db: DB, token: string, set: { organisationId?: string; mfaPassed?: boolean; lang?: string }): Promise<void> {
  const values: Record<string, unknown> = {};
  if (set.organisationId !== undefined) values.organisation_id = set.organisationId;
  if (set.mfaPassed !== undefined) values.mfa_passed = set.mfaPassed;
  if (set.lang !== undefined) values.lang = set.lang;
  if (Object.keys(values).length === 0) return;
  await db.updateTable('app_session').set(values).where('id_hash', '=', tokenHash(token)).execute();
}

export async function endSession(db: DB, token: string): Promise<void> {
  await db.deleteFrom('app_session').where('id_hash', '=', tokenHash(token)).execute();
}

export async function endUserSessions(db: DB, userId: string): Promise<number> {
  const r = await db.deleteFrom('app_session').where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Ends every session of every member of an organisation (lockdown). */
export async function endOrganisationSessions(db: DB, organisationId: string): Promise<number> {
  const r = await inTransaction(db, { organisationIds: [organisationId], coalitionIds: [], userId: null }, (trx) =>
    sql`DELETE FROM app_session WHERE user_id IN (SELECT user_id FROM membership WHERE organisation_id = ${organisationId})`.execute(trx),
  );
  return Number(r.numAffectedRows ?? 0);
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Issues a new session token for the same user (after the second factor), ending the old one. */
export async function rotateSession(db: DB, s: SessionSettings, oldToken: string, set: { mfaPassed: boolean }): Promise<{ token: string; csrfToken: string }> {
  const old = await db.selectFrom('app_session').select(['user_id', 'organisation_id', 'lang']).where('id_hash', '=', tokenHash(oldToken)).executeTakeFirstOrThrow();
  const next = await createSession(db, s, { userId: old.user_id, organisationId: old.organisation_id, mfaPassed: set.mfaPassed, lang: old.lang });
  await endSession(db, oldToken);
  return next;
}
