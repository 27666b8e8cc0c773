import { randomBytes } from 'node:crypto';
import type { Ctx } from '../../src/access/context.js';
import { createOrganisation } from '../../src/access/organisations.js';
import type { UserActor } from '../../src/access/policies/policy.js';
import { createUser } from '../../src/access/users.js';
import type { Role } from '../../src/store/schema.js';

export async function makeOrg(ctx: Ctx, slug = `org-${randomBytes(4).toString('hex')}`): Promise<string> {
  return (await createOrganisation(ctx, { slug, name: `Organisation ${slug}` })).id;
}

export const testPassword = 'correct horse battery staple 42';

export async function makeUser(ctx: Ctx, orgId: string, role: Role = 'documenter', coalitionIds: string[] = []): Promise<UserActor> {
  const email = `u-${randomBytes(5).toString('hex')}@example.org`;
  const { id } = await createUser(ctx.db, { email, displayName: 'Test user', password: testPassword, memberships: [{ organisationId: orgId, role }] });
  return { kind: 'user', userId: id, organisationId: orgId, role, coalitionIds };
}
