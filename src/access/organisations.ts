/** Organisations (the tenants) and coalitions of them. */
import { checkOneLineName } from './names.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { appendAudit, inTransaction, setScope, type DB } from '../store/index.js';
import type { Ctx } from './context.js';

export interface NewOrganisation {
  slug: string;
  name: string;
  country?: string | null;
  defaultLang?: 'es' | 'en';
}

const slugRe = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Creates an organisation with its data keys, inside the caller's transaction when one is given. */
export async function createOrganisation(ctx: Ctx, input: NewOrganisation, trx?: DB, byUserId: string | null = null): Promise<{ id: string }> {
  if (!slugRe.test(input.slug)) {
    throw new AppError('validation', { issues: [{ path: ['slug'], key: 'access:bad_slug' }] });
  }
  // Every way in (installation page, command line, demo) meets the same rule for names.
  checkOneLineName(input.name, 'name');
  const run = async (t: DB) => {
    const taken = await t.selectFrom('organisation').select('id').where('slug', '=', input.slug).executeTakeFirst();
    if (taken) throw new AppError('validation', { issues: [{ path: ['slug'], key: 'access:slug_taken' }] });
    const id = newId();
    await setScope(t, { organisationIds: [id], coalitionIds: [], userId: byUserId });
    await t
      .insertInto('organisation')
      .values({ id, slug: input.slug, name: input.name, country: input.country ?? null, default_lang: input.defaultLang ?? 'es' })
      .execute();
    await ctx.keys.createOrganisationKeys(t, id);
    await appendAudit(t, { organisationId: id, userId: byUserId, action: 'org.create', objectTable: 'organisation', objectId: id });
    return { id };
  };
  return trx ? run(trx) : ctx.db.transaction().execute(run);
}

export async function createCoalition(db: DB, input: { slug: string; name: string; members: string[] }, byUserId: string | null = null): Promise<{ id: string }> {
  if (!slugRe.test(input.slug)) throw new AppError('validation', { issues: [{ path: ['slug'], key: 'access:bad_slug' }] });
  checkOneLineName(input.name, 'name');
  return db.transaction().execute(async (t) => {
    await setScope(t, { organisationIds: input.members, coalitionIds: [], userId: byUserId });
    const id = newId();
    await t.insertInto('coalition').values({ id, slug: input.slug, name: input.name }).execute();
    for (const org of input.members) {
      await t.insertInto('coalition_member').values({ organisation_id: org, coalition_id: id }).execute();
      await appendAudit(t, { organisationId: org, userId: byUserId, action: 'coalition.join', objectTable: 'coalition', objectId: id });
    }
    return { id };
  });
}

export async function coalitionsOf(db: DB, organisationId: string): Promise<string[]> {
  const rows = await inTransaction(db, { organisationIds: [organisationId], coalitionIds: [], userId: null }, (trx) =>
    trx.selectFrom('coalition_member').select('coalition_id').where('organisation_id', '=', organisationId).execute(),
  );
  return rows.map((r) => r.coalition_id);
}
