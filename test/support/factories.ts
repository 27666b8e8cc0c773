import { randomBytes } from 'node:crypto';
import type { Ctx } from '../../src/access/context.js';
import { createOrganisation } from '../../src/access/organisations.js';
import type { UserActor } from '../../src/access/policies/policy.js';
import { createUser } from '../../src/access/users.js';
import { beginTotpEnrolment, confirmTotpEnrolment } from '../../src/access/totp.js';
import type { MasterKey } from '../../src/access/crypto/master-key.js';
import { totpCode } from './totp.js';
import type { Role } from '../../src/store/schema.js';

export async function makeOrg(ctx: Ctx, slug = `org-${randomBytes(4).toString('hex')}`): Promise<string> {
  return (await createOrganisation(ctx, { slug, name: `Organisation ${slug}` })).id;
}

export const testPassword = 'correct horse battery staple 42';

export interface TestUser extends UserActor {
  email: string;
  password: string;
  /** Present when the user enrolled a second factor (the default, as Atalaya requires it). */
  totpSecret?: string;
  recoveryCodes?: string[];
}

/** A user with one role in one organisation; enrolled in TOTP unless `totp: false`. */
export async function makeUser(
  ctx: Ctx & { master?: MasterKey },
  orgId: string,
  role: Role = 'documenter',
  coalitionIds: string[] = [],
  opts: { totp?: boolean } = {},
): Promise<TestUser> {
  const email = `u-${randomBytes(5).toString('hex')}@example.org`;
  const { id } = await createUser(ctx.db, { email, displayName: 'Test user', password: testPassword, memberships: [{ organisationId: orgId, role }] });
  const user: TestUser = { kind: 'user', userId: id, organisationId: orgId, role, coalitionIds, email, password: testPassword };
  if (opts.totp !== false && ctx.master) {
    const e = await beginTotpEnrolment(ctx.db, ctx.master, id);
    user.recoveryCodes = await confirmTotpEnrolment(ctx.db, ctx.master, id, await totpCode(e.secret));
    user.totpSecret = e.secret;
  }
  return user;
}

/** Enrols an existing user (e.g. the demo admin) in TOTP and returns the secret. */
export async function enrolTotp(ctx: Ctx & { master: MasterKey }, userId: string): Promise<string> {
  const e = await beginTotpEnrolment(ctx.db, ctx.master, userId);
  await confirmTotpEnrolment(ctx.db, ctx.master, userId, await totpCode(e.secret));
  return e.secret;
}
