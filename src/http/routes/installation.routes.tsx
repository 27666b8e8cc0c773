/**
 * The installation administrator's web pages (issue 16 §1): organisations listed, created, renamed
 * and archived with the same rules and audit entries as `atalaya org`, and each organisation's
 * first administrator invited by e-mail. Nobody else reaches these routes (403), and the
 * installation administrator reaches no organisation's records (their actor stays anonymous).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  archiveOrganisation,
  createInvitation,
  listOpenInvitations,
  listOrganisations,
  renameOrganisation,
  setUpOrganisation,
  type OrganisationSummary,
} from '../../access/index.js';
import { parseInput } from '../../records/index.js';
import { AppError, isAppError } from '../../shared/errors.js';
import { errorText as appErrorText } from '../../shared/error-text.js';
import { t, type Lang } from '../../shared/i18n/index.js';
import { ArchiveConfirmPage, InstallationPage, OrganisationPage, type CreateValues } from '../../ui/installation/installation-pages.js';
import { renderDocument } from '../../ui/render.js';
import type { Services } from '../services.js';
import { html, pageContext } from './pages.routes.js';
import { mailInvitation } from './invitations.routes.js';

const idParams = z.object({ id: z.uuid() });
const doneKeys = new Set(['created', 'renamed', 'archived', 'invited']);

/** Every IANA zone this Node knows, UTC first (the default, as in `atalaya org create`). */
export function timeZones(): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...all.filter((z) => z !== 'UTC')];
}

/** The installation administrator's user id; sends others to sign in (anonymous) or refuses them (403). */
function installationAdmin(req: FastifyRequest, reply: FastifyReply): string | null {
  if (req.installationAdminId) return req.installationAdminId;
  if (!req.session || !req.session.mfaPassed) {
    void reply.redirect(`/login?next=${encodeURIComponent(req.url.split('?')[0] ?? '/installation')}`, 303);
    return null;
  }
  throw new AppError('forbidden');
}

function errorText(lang: Lang, e: unknown): string {
  if (!isAppError(e)) throw e;
  const issue = e.issues[0];
  if (issue) return `${issue.path.length ? `${String(issue.path[issue.path.length - 1])}: ` : ''}${issue.message ?? t(lang, issue.key, issue.values)}`;
  return appErrorText(lang, e);
}

function flash(req: FastifyRequest): { message?: string } {
  const done = (req.query as Record<string, unknown>).done;
  return typeof done === 'string' && doneKeys.has(done) ? { message: t(req.lang, `install:done.${done}`) } : {};
}

export async function installationRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx } = services;

  const listPage = async (req: FastifyRequest, reply: FastifyReply, extra: { error?: string; values?: CreateValues } = {}) => {
    const pc = await pageContext(req, reply, services);
    const organisations = await listOrganisations(ctx.db);
    return html(reply, renderDocument(<InstallationPage pc={pc} organisations={organisations} zones={timeZones()} {...flash(req)} {...extra} />));
  };

  const organisation = async (req: FastifyRequest): Promise<OrganisationSummary> => {
    const { id } = parseInput(idParams, req.params, req.lang);
    const org = (await listOrganisations(ctx.db)).find((o) => o.id === id);
    if (!org) throw new AppError('not_found');
    return org;
  };

  const orgPage = async (req: FastifyRequest, reply: FastifyReply, org: OrganisationSummary, byUserId: string, error?: string) => {
    const pc = await pageContext(req, reply, services);
    const invitations = await listOpenInvitations(ctx.db, org.id, byUserId);
    return html(reply, renderDocument(<OrganisationPage pc={pc} org={org} invitations={invitations} {...flash(req)} {...(error ? { error } : {})} />));
  };

  app.get('/installation', async (req, reply) => {
    if (!installationAdmin(req, reply)) return reply;
    return listPage(req, reply);
  });

  const createBody = z.object({
    slug: z.string().trim().max(100),
    name: z.string().max(400),
    lang: z.enum(['es', 'en']).default('es'),
    timeZone: z.string().trim().max(100).default('UTC'),
    _csrf: z.string().optional(),
  });
  app.post('/installation/organisations', async (req, reply) => {
    const userId = installationAdmin(req, reply);
    if (!userId) return reply;
    const body = parseInput(createBody, req.body, req.lang);
    try {
      const { id } = await setUpOrganisation(ctx, { slug: body.slug, name: body.name, lang: body.lang, timeZone: body.timeZone }, userId);
      return reply.redirect(`/installation/organisations/${id}?done=created`, 303);
    } catch (e) {
      reply.status(isAppError(e) ? e.status : 500);
      return listPage(req, reply, { error: errorText(req.lang, e), values: { slug: body.slug, name: body.name, lang: body.lang, timeZone: body.timeZone } });
    }
  });

  app.get('/installation/organisations/:id', async (req, reply) => {
    const userId = installationAdmin(req, reply);
    if (!userId) return reply;
    return orgPage(req, reply, await organisation(req), userId);
  });

  app.post('/installation/organisations/:id/rename', async (req, reply) => {
    const userId = installationAdmin(req, reply);
    if (!userId) return reply;
    const org = await organisation(req);
    const { name } = parseInput(z.object({ name: z.string().max(400), _csrf: z.string().optional() }), req.body, req.lang);
    try {
      await renameOrganisation(ctx.db, org.slug, name, userId);
    } catch (e) {
      reply.status(isAppError(e) ? e.status : 500);
      return orgPage(req, reply, org, userId, errorText(req.lang, e));
    }
    return reply.redirect(`/installation/organisations/${org.id}?done=renamed`, 303);
  });

  app.get('/installation/organisations/:id/archive', async (req, reply) => {
    if (!installationAdmin(req, reply)) return reply;
    const org = await organisation(req);
    if (org.archivedAt) return reply.redirect(`/installation/organisations/${org.id}`, 303);
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<ArchiveConfirmPage pc={pc} org={org} />));
  });

  app.post('/installation/organisations/:id/archive', async (req, reply) => {
    const userId = installationAdmin(req, reply);
    if (!userId) return reply;
    const org = await organisation(req);
    // Only from the confirmation page, which says what archiving does.
    if ((req.body as Record<string, unknown> | undefined)?.confirm !== 'yes') return reply.redirect(`/installation/organisations/${org.id}/archive`, 303);
    await archiveOrganisation(ctx.db, org.slug, userId);
    return reply.redirect(`/installation/organisations/${org.id}?done=archived`, 303);
  });

  // The organisation's first administrator, invited like everyone else (the same e-mail, the same link).
  app.post('/installation/organisations/:id/invitations', async (req, reply) => {
    const userId = installationAdmin(req, reply);
    if (!userId) return reply;
    const org = await organisation(req);
    const { email } = parseInput(z.object({ email: z.string().trim().max(320), _csrf: z.string().optional() }), req.body, req.lang);
    try {
      const sent = await createInvitation(ctx.db, { organisationId: org.id, userId, requestId: req.id }, { email, role: 'admin' });
      mailInvitation(app, services, sent);
    } catch (e) {
      reply.status(isAppError(e) ? e.status : 500);
      return orgPage(req, reply, org, userId, errorText(req.lang, e));
    }
    return reply.redirect(`/installation/organisations/${org.id}?done=invited`, 303);
  });
}
