/**
 * Coalition pages (issue 16 §3): list and create, one coalition, invite an organisation, answer an
 * invitation, name focal points, leave (after a confirmation page). Any signed-in member of an
 * organisation may read its coalitions; only its administrators change them (the commands check).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can, type UserActor } from '../../access/index.js';
import { answerCoalitionInvitation, coalitionPage, coalitionsOverview, createCoalitionFor, inviteOrganisation, leaveCoalition, setFocalPoints } from '../../coalitions/index.js';
import { errorText } from '../../shared/error-text.js';
import { isAppError } from '../../shared/errors.js';
import { t } from '../../shared/i18n/index.js';
import { CoalitionDetailPage, CoalitionsPage, LeaveCoalitionPage } from '../../ui/coalitions/coalition-pages.js';
import { renderDocument } from '../../ui/render.js';
import type { Services } from '../services.js';
import { html, pageContext, requireUser } from './pages.routes.js';

type IdParams = { Params: { id: string } };
type Body = Record<string, unknown>;

const bodyOf = (req: FastifyRequest): Body => (req.body && typeof req.body === 'object' ? { ...(req.body as Body) } : {});
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : []);

function problem(req: FastifyRequest, e: unknown): string {
  if (!isAppError(e) || (e.code !== 'validation' && e.code !== 'bad_input' && e.code !== 'invalid_state')) throw e;
  const issue = e.issues[0];
  return issue ? (issue.message ?? t(req.lang, issue.key, issue.values)) : errorText(req.lang, e);
}

function flash(req: FastifyRequest): string | undefined {
  const q = req.query as Record<string, unknown>;
  if (typeof q.done !== 'string' || !/^[a-z_]+$/.test(q.done)) return undefined;
  return t(req.lang, `coalitions:done.${q.done}`, { count: Number(q.n ?? 0) });
}

export async function coalitionRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx, config } = services;
  const mail = { smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, dataDir: config.dataDir, publicUrl: config.publicUrl };

  const listPage = async (req: FastifyRequest, reply: FastifyReply, a: UserActor, error?: string) => {
    const data = await coalitionsOverview(ctx, a);
    const pc = await pageContext(req, reply, services);
    const message = flash(req);
    return html(reply, renderDocument(<CoalitionsPage pc={pc} {...data} isAdmin={can(a, 'org.manage')} {...(message ? { message } : {})} {...(error ? { error } : {})} />));
  };

  const detailPage = async (req: FastifyRequest, reply: FastifyReply, a: UserActor, id: string, error?: string) => {
    const c = await coalitionPage(ctx, a, id);
    const pc = await pageContext(req, reply, services);
    const message = flash(req);
    return html(reply, renderDocument(<CoalitionDetailPage pc={pc} c={c} isAdmin={can(a, 'org.manage')} {...(message ? { message } : {})} {...(error ? { error } : {})} />));
  };

  app.get('/coalitions', async (req, reply) => {
    const a = requireUser(req, reply);
    if (!a) return reply;
    return listPage(req, reply, a);
  });

  app.post('/coalitions', async (req, reply) => {
    const a = requireUser(req, reply);
    if (!a) return reply;
    try {
      const { id } = await createCoalitionFor(ctx, a, { name: bodyOf(req).name, description: bodyOf(req).description }, req.lang);
      return reply.redirect(`/coalitions/${id}?done=created`, 303);
    } catch (e) {
      const msg = problem(req, e);
      reply.status(422);
      return listPage(req, reply, a, msg);
    }
  });

  app.get<IdParams>('/coalitions/:id', async (req, reply) => {
    const a = requireUser(req, reply);
    if (!a) return reply;
    return detailPage(req, reply, a, req.params.id);
  });

  app.post<IdParams>('/coalitions/:id/invite', async (req, reply) => {
    const a = requireUser(req, reply);
    if (!a) return reply;
    try {
      await inviteOrganisation(ctx, a, req.params.id, { organisationId: bodyOf(req).organisationId }, mail, req.lang);
      return reply.redirect(`/coalitions/${req.params.id}?done=invited`, 303);
    } catch (e) {
      const msg = problem(req, e);
      reply.status(422);
      return detailPage(req, reply, a, req.params.id, msg);
    }
  });

  app.post<IdParams>('/coalitions/:id/focal-points', async (req, reply) => {
    const a = requireUser(req, reply);
    if (!a) return reply;
    try {
      await setFocalPoints(ctx, a, req.params.id, { userIds: list(bodyOf(req).userIds) }, req.lang);
      return reply.redirect(`/coalitions/${req.params.id}?done=focal_points`, 303);
    } catch (e) {
      const msg = problem(req, e);
      reply.status(422);
      return detailPage(req, reply, a, req.params.id, msg);
    }
  });

  app.get<IdParams>('/coalitions/:id/leave', async (req, reply) => {
    const a = requireUser(req, reply);
    if (!a) return reply;
    authorize(a, 'org.manage');
    const c = await coalitionPage(ctx, a, req.params.id);
    if (!c.member) return reply.redirect(`/coalitions/${c.id}`, 303);
    const ownShares = c.members.find((m) => m.organisationId === a.organisationId)?.sharedCases ?? 0;
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<LeaveCoalitionPage pc={pc} c={c} ownShares={ownShares} />));
  });

  app.post<IdParams>('/coalitions/:id/leave', async (req, reply) => {
    const a = requireUser(req, reply);
    if (!a) return reply;
    // Leaving ends shares: only after the confirmation page's explicit answer.
    if (bodyOf(req).confirm !== 'yes') return reply.redirect(`/coalitions/${encodeURIComponent(req.params.id)}/leave`, 303);
    const r = await leaveCoalition(ctx, a, req.params.id);
    return reply.redirect(`/coalitions?done=left&n=${r.sharesEnded}`, 303);
  });

  app.post<IdParams>('/coalitions/invitations/:id', async (req, reply) => {
    const a = requireUser(req, reply);
    if (!a) return reply;
    const answer = bodyOf(req).answer === 'accept' ? 'accept' : 'decline';
    try {
      const r = await answerCoalitionInvitation(ctx, a, req.params.id, answer);
      return reply.redirect(answer === 'accept' ? `/coalitions/${r.coalitionId}?done=joined` : '/coalitions?done=declined', 303);
    } catch (e) {
      const msg = problem(req, e);
      reply.status(409);
      return listPage(req, reply, a, msg);
    }
  });
}
