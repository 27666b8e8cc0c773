/**
 * Password login with throttling per account and per client: after 10 failures within 15 minutes
 * further attempts are refused for a delay that doubles with each new failure (capped), whatever
 * the password. Unknown accounts and wrong passwords answer identically, after the same work.
 */
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { AppError } from '../shared/errors.js';
import { appendAudit, setScope, userScope, type DB } from '../store/index.js';
import { dummyHash, verifyPassword } from './passwords.js';

const WINDOW_MS = 15 * 60_000;
/** An office behind one address shares it: the client threshold is higher than the account one. */
const FREE_FAILURES = { account: 10, client: 50 } as const;
const MAX_DELAY_MS = 15 * 60_000;

/** Keys are hashed so the attempts table holds neither e-mail addresses nor IP addresses. */
function attemptKey(secret: Buffer, kind: 'account' | 'client', value: string): string {
  return createHmac('sha256', secret).update(`${kind}:${value.toLowerCase()}`).digest('hex').slice(0, 32);
}

async function retryAfterMs(db: DB, key: string, free: number, now: Date): Promise<number> {
  const rows = await db
    .selectFrom('login_attempt')
    .select(['at'])
    .where('key_hash', '=', key)
    .where('success', '=', false)
    .where('at', '>', new Date(now.getTime() - WINDOW_MS))
    .orderBy('at', 'desc')
    .execute();
  if (rows.length < free) return 0;
  const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.min(30, rows.length - free));
  const wait = new Date(rows[0]!.at).getTime() + delay - now.getTime();
  return Math.max(0, wait);
}

export interface LoginResult {
  userId: string;
  totpEnabled: boolean;
  /** The organisation signed into (the one asked for, else the first unlocked by name); its audit chain holds the event. */
  organisationId: string | null;
}

/** Which membership a sign-in enters: the organisation asked for (id or slug), else the first unlocked one. */
function signedInto<T extends { organisation_id: string; slug: string; locked_at: Date | null }>(orgs: T[], asked?: string): T | undefined {
  return (asked ? orgs.find((o) => o.organisation_id === asked || o.slug === asked) : undefined) ?? orgs.find((o) => !o.locked_at) ?? orgs[0];
}

export async function checkPassword(
  db: DB,
  secret: Buffer,
  input: { email: string; password: string; client: string; requestId?: string; organisation?: string },
  now = new Date(),
): Promise<LoginResult> {
  const keys = [attemptKey(secret, 'account', input.email), attemptKey(secret, 'client', input.client)];
  const limits = [FREE_FAILURES.account, FREE_FAILURES.client];
  // Counted and reserved under a lock per key before the password is checked, so simultaneous
  // guesses queue here and no burst gets more evaluations than the threshold.
  const reserved = await db.transaction().execute(async (trx) => {
    for (const k of [...keys].sort()) await sql`SELECT pg_advisory_xact_lock(hashtextextended(${k}, 19))`.execute(trx);
    for (const [i, k] of keys.entries()) {
      const wait = await retryAfterMs(trx, k, limits[i]!, now);
      if (wait > 0) throw new AppError('rate_limited', { details: { retryAfterSeconds: Math.ceil(wait / 1000) } });
    }
    const ids: string[] = [];
    for (const k of keys) ids.push((await trx.insertInto('login_attempt').values({ key_hash: k, success: false, at: now }).returning('id').executeTakeFirstOrThrow()).id);
    return ids;
  });
  const user = await db
    .selectFrom('app_user')
    .select(['id', 'password_hash', 'disabled_at', 'totp_enabled'])
    .where('email', '=', input.email)
    .executeTakeFirst();
  const ok = user ? await verifyPassword(user.password_hash, input.password) : await verifyPassword(await dummyHash(), input.password).then(() => false);
  const success = ok && !!user && !user.disabled_at;
  const into = await db.transaction().execute(async (trx) => {
    if (success) await trx.updateTable('login_attempt').set({ success: true }).where('id', 'in', reserved).execute();
    if (user) await setScope(trx, userScope(user.id));
    const orgs = user
      ? await trx
          .selectFrom('membership as m')
          .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
          .select(['m.organisation_id', 'o.slug', 'o.locked_at'])
          .where('m.user_id', '=', user.id)
          .orderBy('o.name')
          .execute()
      : [];
    // Only the organisation signed into learns of the sign-in: the others' chains would tell their
    // administrators where else this person works.
    const o = signedInto(orgs, input.organisation);
    if (o) {
      await appendAudit(trx, {
        organisationId: o.organisation_id,
        userId: user!.id,
        action: 'auth.login_password',
        outcome: success ? 'ok' : 'failed',
        requestId: input.requestId ?? null,
      });
    }
    await sql`DELETE FROM login_attempt WHERE at < ${new Date(now.getTime() - 2 * WINDOW_MS)}`.execute(trx);
    return o?.organisation_id ?? null;
  });
  if (!success) throw new AppError('unauthenticated', { message: 'access:login_failed' });
  return { userId: user!.id, totpEnabled: user!.totp_enabled, organisationId: into };
}
