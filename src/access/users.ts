/** People who use Atalaya, and their roles in organisations. */
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { appendAudit, inTransaction, userScope, setScope, type DB } from '../store/index.js';
import type { Role } from '../store/schema.js';
import { hashPassword } from './passwords.js';
import { checkOneLineName } from './names.js';
import { passwordProblem } from './password-policy.js';

export interface NewUser {
  email: string;
  displayName: string;
  password: string;
  lang?: 'es' | 'en';
  /** The password was chosen by someone else (a command, an administrator): its first sign-in must replace it. */
  mustChangePassword?: boolean;
  memberships: { organisationId: string; role: Role }[];
}

const emailRe = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export async function createUser(db: DB, input: NewUser, byUserId: string | null = null): Promise<{ id: string }> {
  if (!emailRe.test(input.email)) throw new AppError('validation', { issues: [{ path: ['email'], key: 'access:bad_email' }] });
  checkOneLineName(input.displayName, 'displayName');
  const problem = passwordProblem(input.password, [input.email, input.displayName]);
  if (problem) throw new AppError('validation', { issues: [{ path: ['password'], key: `access:${problem}` }] });
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (t) => {
    await setScope(t, { organisationIds: input.memberships.map((m) => m.organisationId), coalitionIds: [], userId: null });
    const exists = await t.selectFrom('app_user').select('id').where('email', '=', input.email).executeTakeFirst();
    if (exists) throw new AppError('validation', { issues: [{ path: ['email'], key: 'access:email_taken' }] });
    const id = newId();
    await t
      .insertInto('app_user')
      .values({ id, email: input.email, display_name: input.displayName, password_hash: passwordHash, lang: input.lang ?? 'es', must_change_password: input.mustChangePassword ?? false })
      .execute();
    for (const m of input.memberships) {
      await t.insertInto('membership').values({ organisation_id: m.organisationId, user_id: id, role: m.role }).execute();
      await appendAudit(t, { organisationId: m.organisationId, userId: byUserId, action: 'user.role', objectTable: 'app_user', objectId: id, detail: { role: m.role } });
    }
    return { id };
  });
}

export async function membershipsOf(db: DB, userId: string): Promise<{ organisationId: string; role: Role; name: string; slug: string; locked: boolean }[]> {
  const rows = await inTransaction(db, userScope(userId), (trx) =>
    trx
      .selectFrom('membership as m')
      .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
      .select(['m.organisation_id', 'm.role', 'o.name', 'o.slug', 'o.locked_at'])
      .where('m.user_id', '=', userId)
      .orderBy('o.name')
      .execute(),
  );
  return rows.map((r) => ({ organisationId: r.organisation_id, role: r.role, name: r.name, slug: r.slug, locked: r.locked_at !== null }));
}
