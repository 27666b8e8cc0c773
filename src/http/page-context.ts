/** The page context of a request: language, form token and who is signed in (for the header and menus). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { membershipsOf } from '../access/index.js';
import { translator } from '../shared/i18n/index.js';
import type { PageContext } from '../ui/page-context.js';
import { csrfTokenFor } from './plugins/csrf.js';
import type { Services } from './services.js';

export async function pageContext(req: FastifyRequest, reply: FastifyReply, services: Services): Promise<PageContext> {
  const base: PageContext = { lang: req.lang, t: translator(req.lang), path: req.url, csrf: csrfTokenFor(req, reply, services), user: null };
  const actor = req.actor;
  if (req.installationAdminId) {
    const u = await services.ctx.db.selectFrom('app_user').select(['display_name']).where('id', '=', req.installationAdminId).executeTakeFirst();
    return { ...base, installationAdmin: { displayName: u?.display_name ?? '' } };
  }
  if (actor.kind !== 'user') return base;
  const user = await services.ctx.db.selectFrom('app_user').select(['display_name']).where('id', '=', actor.userId).executeTakeFirst();
  const orgs = await membershipsOf(services.ctx.db, actor.userId);
  const current = orgs.find((o) => o.organisationId === actor.organisationId);
  const org = await services.ctx.db.selectFrom('organisation').select('time_zone').where('id', '=', actor.organisationId).executeTakeFirst();
  return {
    ...base,
    timeZone: org?.time_zone ?? 'UTC',
    user: {
      displayName: user?.display_name ?? '',
      organisationId: actor.organisationId,
      organisationName: current?.name ?? '',
      role: actor.role,
      organisations: orgs.map((o) => ({ organisationId: o.organisationId, name: o.name, role: o.role })),
    },
  };
}
