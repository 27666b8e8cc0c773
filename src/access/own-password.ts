/**
 * Changing one's own password (issue 16 §2): the current password and, when the account has a
 * second factor, a current code — a session left open on a shared computer must not be enough to
 * take the account over. The change ends every other session of the account and clears the
 * "one-time password" mark that a password chosen by someone else carries.
 */
import { AppError } from '../shared/errors.js';
import { appendAudit, setScope, userScope, type DB } from '../store/index.js';
import type { MasterKey } from './crypto/master-key.js';
import { checkPassword } from './login.js';
import { hashPassword } from './passwords.js';
import { passwordProblem } from './password-policy.js';
import { tokenHash } from './sessions.js';
import { verifySecondFactor } from './totp.js';

export interface OwnPasswordChange {
  current: string;
  code: string;
  password: string;
  /** The session making the change, which stays open. */
  keepSessionToken: string;
  /** The organisation signed into, whose audit chain records the change (none for the installation administrator). */
  organisationId: string | null;
  client: string;
  requestId?: string;
}

export async function changeOwnPassword(db: DB, secret: Buffer, master: MasterKey, userId: string, input: OwnPasswordChange): Promise<void> {
  const user = await db.selectFrom('app_user').select(['email', 'display_name', 'totp_enabled']).where('id', '=', userId).executeTakeFirstOrThrow();
  // Through the sign-in check: wrong guesses are throttled exactly like sign-in attempts.
  try {
    await checkPassword(db, secret, { email: user.email, password: input.current, client: input.client, ...(input.requestId ? { requestId: input.requestId } : {}), ...(input.organisationId ? { organisation: input.organisationId } : {}) });
  } catch (e) {
    if (e instanceof AppError && e.code === 'unauthenticated') throw new AppError('validation', { issues: [{ path: ['current'], key: 'install:password.current_wrong' }] });
    throw e;
  }
  if (user.totp_enabled) {
    try {
      await verifySecondFactor(db, master, userId, input.code);
    } catch (e) {
      if (e instanceof AppError && e.code === 'unauthenticated') throw new AppError('validation', { issues: [{ path: ['code'], key: 'access:totp_wrong' }] });
      throw e;
    }
  }
  const problem = passwordProblem(input.password, [user.email, user.display_name]);
  if (problem) throw new AppError('validation', { issues: [{ path: ['password'], key: `access:${problem}` }] });
  if (input.password === input.current) throw new AppError('validation', { issues: [{ path: ['password'], key: 'install:password.same' }] });
  const hash = await hashPassword(input.password);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('app_user').set({ password_hash: hash, password_changed_at: new Date(), must_change_password: false }).where('id', '=', userId).execute();
    await trx.deleteFrom('app_session').where('user_id', '=', userId).where('id_hash', '<>', tokenHash(input.keepSessionToken)).execute();
    if (input.organisationId) {
      await setScope(trx, { ...userScope(userId), organisationIds: [input.organisationId] });
      await appendAudit(trx, { organisationId: input.organisationId, userId, action: 'auth.password_change', objectTable: 'app_user', objectId: userId, requestId: input.requestId ?? null });
    }
  });
}
