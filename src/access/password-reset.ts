/**
 * Password reset by a one-time link: a random token whose SHA-256 alone is stored, valid 30 minutes
 * and once; using it ends every session of the account. Requesting a link answers the same whether
 * or not the account exists, and at most 3 links an hour are made for one account.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { AppError } from '../shared/errors.js';
import { appendAudit, setScope, userScope, type DB } from '../store/index.js';
import { hashPassword } from './passwords.js';
import { passwordProblem } from './password-policy.js';
import { tokenHash } from './sessions.js';

const VALID_MS = 30 * 60_000;
const PER_HOUR = 3;

/**
 * Returns the token to e-mail, or null when no link should be sent (unknown, disabled or throttled
 * account). Known and unknown addresses cost the same: one token drawn and one statement that
 * looks the account up, counts its recent links and inserts the new one only when all is well, so
 * neither the time taken nor the queries made tell whether an address has an account.
 */
export async function requestPasswordReset(db: DB, email: string): Promise<{ token: string; userId: string; lang: string } | null> {
  const token = randomBytes(32).toString('base64url');
  const r = await sql<{ user_id: string; lang: string }>`
    WITH u AS (SELECT id, lang FROM app_user WHERE email = ${email} AND disabled_at IS NULL),
    recent AS (SELECT count(*) AS n FROM password_reset r WHERE r.user_id IN (SELECT id FROM u) AND r.created_at > ${new Date(Date.now() - 3600_000)})
    INSERT INTO password_reset (token_hash, user_id, expires_at)
    SELECT ${tokenHash(token)}, u.id, ${new Date(Date.now() + VALID_MS)} FROM u, recent WHERE recent.n < ${PER_HOUR}
    RETURNING user_id, (SELECT lang FROM u) AS lang`.execute(db);
  const row = r.rows[0];
  return row ? { token, userId: row.user_id, lang: row.lang } : null;
}

export async function resetPasswordWithToken(db: DB, token: string, newPassword: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('password_reset as r')
      .innerJoin('app_user as u', 'u.id', 'r.user_id')
      .select(['r.user_id', 'r.expires_at', 'r.used_at', 'u.email', 'u.display_name'])
      .where('r.token_hash', '=', tokenHash(token))
      .forUpdate()
      .executeTakeFirst();
    if (!row || row.used_at || new Date(row.expires_at) < new Date()) throw new AppError('invalid_state', { message: 'access:reset_link_invalid' });
    const problem = passwordProblem(newPassword, [row.email, row.display_name]);
    if (problem) throw new AppError('validation', { issues: [{ path: ['password'], key: `access:${problem}` }] });
    await trx.updateTable('password_reset').set({ used_at: new Date() }).where('token_hash', '=', tokenHash(token)).execute();
    await trx.updateTable('app_user').set({ password_hash: await hashPassword(newPassword), password_changed_at: new Date(), must_change_password: false }).where('id', '=', row.user_id).execute();
    await trx.deleteFrom('app_session').where('user_id', '=', row.user_id).execute();
    await setScope(trx, userScope(row.user_id));
    const orgs = await trx.selectFrom('membership').select('organisation_id').where('user_id', '=', row.user_id).execute();
    for (const o of orgs) await appendAudit(trx, { organisationId: o.organisation_id, userId: row.user_id, action: 'auth.password_reset', objectTable: 'app_user', objectId: row.user_id });
  });
}
