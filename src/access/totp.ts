/**
 * Second factor: TOTP (RFC 6238) with recovery codes. The TOTP secret is stored encrypted with a
 * key derived from the master key; a code is accepted once (the last used time step is kept) and
 * attempts are throttled like passwords. Recovery codes are stored as keyed hashes and used once.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import { sql } from 'kysely';
import { AppError } from '../shared/errors.js';
import { appendAudit, inTransaction, setScope, userScope, type DB } from '../store/index.js';
import { open, seal } from './crypto/aead.js';
import type { MasterKey } from './crypto/master-key.js';

const FAILURES_ALLOWED = 5;
const WINDOW_MS = 15 * 60_000;

function userKey(master: MasterKey): Buffer {
  return createHmac('sha256', master.key).update('atalaya:user-secrets').digest();
}
function codeHash(master: MasterKey, userId: string, code: string): string {
  return createHmac('sha256', userKey(master)).update(`${userId}:${code.replace(/[\s-]/g, '').toLowerCase()}`).digest('hex');
}

/** Roles that see identifying data must use a second factor; viewers may be exempted by their organisation. */
export async function mfaRequired(db: DB, userId: string): Promise<boolean> {
  const rows = await inTransaction(db, userScope(userId), (trx) =>
    trx
      .selectFrom('membership as m')
      .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
      .select(['m.role', 'o.mfa_relaxed_for_viewers'])
      .where('m.user_id', '=', userId)
      .execute(),
  );
  if (rows.length === 0) return true;
  return rows.some((r) => !(r.role === 'viewer' && r.mfa_relaxed_for_viewers));
}

export interface Enrolment {
  secret: string;
  uri: string;
}

/** Starts (or restarts) enrolment: a new secret, not active until a code from it is confirmed. */
export async function beginTotpEnrolment(db: DB, master: MasterKey, userId: string, opts: { reusePending?: boolean } = {}): Promise<Enrolment> {
  const user = await db.selectFrom('app_user').select(['email', 'totp_enabled', 'totp_secret_enc']).where('id', '=', userId).executeTakeFirstOrThrow();
  if (user.totp_enabled) throw new AppError('invalid_state');
  // Re-showing the pending secret keeps a code already scanned valid when the page is reloaded.
  if (opts.reusePending && user.totp_secret_enc) {
    const secret = open(userKey(master), user.totp_secret_enc, `totp:${userId}`).toString();
    return { secret, uri: generateURI({ secret, issuer: 'Atalaya', label: user.email }) };
  }
  const secret = generateSecret();
  await db
    .updateTable('app_user')
    .set({ totp_secret_enc: seal(userKey(master), Buffer.from(secret), `totp:${userId}`), totp_last_step: null })
    .where('id', '=', userId)
    .execute();
  return { secret, uri: generateURI({ secret, issuer: 'Atalaya', label: user.email }) };
}

async function secretOf(db: DB, master: MasterKey, userId: string): Promise<{ secret: string | null; enabled: boolean; lastStep: number | null; recovery: string[] }> {
  const u = await db.selectFrom('app_user').select(['totp_secret_enc', 'totp_enabled', 'totp_last_step', 'recovery_codes']).where('id', '=', userId).executeTakeFirstOrThrow();
  return {
    secret: u.totp_secret_enc ? open(userKey(master), u.totp_secret_enc, `totp:${userId}`).toString() : null,
    enabled: u.totp_enabled,
    lastStep: u.totp_last_step == null ? null : Number(u.totp_last_step),
    recovery: u.recovery_codes ?? [],
  };
}

function attemptKey(master: MasterKey, userId: string): string {
  return createHmac('sha256', userKey(master)).update(`totp:${userId}`).digest('hex').slice(0, 32);
}

/**
 * Counts and reserves one attempt under a lock on the account's key before any code is checked,
 * like passwords (login.ts): simultaneous guesses queue here, so no burst of TOTP or recovery-code
 * guesses gets more evaluations than FAILURES_ALLOWED. The reservation is a failure until
 * `settle` turns it into a success.
 */
async function reserveAttempt(db: DB, master: MasterKey, userId: string): Promise<string> {
  const key = attemptKey(master, userId);
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 19))`.execute(trx);
    const r = await trx
      .selectFrom('login_attempt')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('key_hash', '=', key)
      .where('success', '=', false)
      .where('at', '>', new Date(Date.now() - WINDOW_MS))
      .executeTakeFirst();
    if (Number(r?.n ?? 0) >= FAILURES_ALLOWED) throw new AppError('rate_limited', { details: { retryAfterSeconds: WINDOW_MS / 1000 } });
    return (await trx.insertInto('login_attempt').values({ key_hash: key, success: false }).returning('id').executeTakeFirstOrThrow()).id;
  });
}

async function settle(db: DB, reservation: string): Promise<void> {
  await db.updateTable('login_attempt').set({ success: true }).where('id', '=', reservation).execute();
}

async function checkCode(secret: string, code: string, lastStep: number | null): Promise<number | null> {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const r = await verify({ secret, token, epochTolerance: 30, ...(lastStep != null ? { afterTimeStep: lastStep } : {}) });
  return r.valid ? ((r as unknown as { timeStep: number }).timeStep ?? Math.floor(Date.now() / 30_000)) : null;
}

/** Confirms enrolment with a first code; returns the recovery codes (shown once). */
export async function confirmTotpEnrolment(db: DB, master: MasterKey, userId: string, code: string): Promise<string[]> {
  const reservation = await reserveAttempt(db, master, userId);
  const s = await secretOf(db, master, userId);
  if (!s.secret || s.enabled) throw new AppError('invalid_state');
  const step = await checkCode(s.secret, code, null);
  if (step !== null) await settle(db, reservation);
  if (step === null) throw new AppError('unauthenticated', { message: 'access:totp_wrong' });
  const codes = Array.from({ length: 10 }, () => randomBytes(5).toString('hex').replace(/(.{5})/, '$1-'));
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ totp_enabled: true, totp_last_step: String(step), recovery_codes: JSON.stringify(codes.map((c) => codeHash(master, userId, c))) })
      .where('id', '=', userId)
      .execute();
    await auditForUser(trx, userId, 'auth.totp_enrolled');
  });
  return codes;
}

/** Verifies a TOTP code (once per time step) or consumes a recovery code. */
export async function verifySecondFactor(db: DB, master: MasterKey, userId: string, code: string): Promise<'totp' | 'recovery'> {
  const reservation = await reserveAttempt(db, master, userId);
  const s = await secretOf(db, master, userId);
  if (!s.enabled || !s.secret) throw new AppError('invalid_state');
  const step = await checkCode(s.secret, code, s.lastStep);
  if (step !== null) {
    // The conditional update makes a replay within the same step lose the race too.
    const r = await sql`UPDATE app_user SET totp_last_step = ${step}
      WHERE id = ${userId} AND (totp_last_step IS NULL OR totp_last_step < ${step})`.execute(db);
    if (Number(r.numAffectedRows ?? 0) === 1) {
      await settle(db, reservation);
      return 'totp';
    }
  }
  const h = codeHash(master, userId, code);
  if (s.recovery.includes(h)) {
    // Removed only if still there: two simultaneous uses of one recovery code cannot both pass.
    const used = await db.transaction().execute(async (trx) => {
      const r = await sql`UPDATE app_user SET recovery_codes = recovery_codes - ${h}::text
        WHERE id = ${userId} AND recovery_codes @> to_jsonb(${h}::text)`.execute(trx);
      if (Number(r.numAffectedRows ?? 0) !== 1) return false;
      await auditForUser(trx, userId, 'auth.recovery_code_used');
      return true;
    });
    if (used) {
      await settle(db, reservation);
      return 'recovery';
    }
  }
  throw new AppError('unauthenticated', { message: 'access:totp_wrong' });
}

/** Removes a user's second factor (admin reset); they must enrol again at next sign-in. */
export async function resetTotp(db: DB, userId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('app_user').set({ totp_enabled: false, totp_secret_enc: null, totp_last_step: null, recovery_codes: '[]' }).where('id', '=', userId).execute();
    await trx.deleteFrom('app_session').where('user_id', '=', userId).execute();
    await auditForUser(trx, userId, 'auth.totp_reset');
  });
}

async function auditForUser(trx: DB, userId: string, action: string): Promise<void> {
  await setScope(trx, userScope(userId));
  const orgs = await trx.selectFrom('membership').select('organisation_id').where('user_id', '=', userId).execute();
  for (const o of orgs) await appendAudit(trx, { organisationId: o.organisation_id, userId, action, objectTable: 'app_user', objectId: userId });
}
