/** Administration of the signed-in user's organisation (admins only; everything audited). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import {
  authorize,
  inviteMember,
  listInvitations,
  revokeInvitation,
  endAllOrganisationSessions,
  endMemberSessions,
  listAudit,
  listMembers,
  organisationSettings,
  updateOrganisationSettings,
  removeMember,
  resetMemberMfa,
  sealOrganisation,
  setMemberRole,
  setMfaRelaxedForViewers,
  type UserActor,
} from '../../access/index.js';
import { coalitionsOfActor, listIncidents, listShares, parseInput, recordInput, shareIncident, unshareIncident } from '../../records/index.js';
import { AppError, isAppError } from '../../shared/errors.js';
import { t } from '../../shared/i18n/index.js';
import { inTransaction, verifyAudit } from '../../store/index.js';
import { AuditPage, OrganisationPage, SecurityPage, SharingPage, UsersPage } from '../../ui/admin/admin-pages.js';
import { timeZones } from './installation.routes.js';
import { renderDocument } from '../../ui/render.js';
import { clearSessionCookie } from '../plugins/request-context.js';
import type { Services } from '../services.js';
import { html, pageContext, requireUser } from './pages.routes.js';
import { errorText as appErrorText } from '../../shared/error-text.js';
import { mailInvitation } from './invitations.routes.js';

const roleSchema = z.enum(['admin', 'documenter', 'analyst', 'reviewer', 'viewer', 'signatory']);
const idParams = z.object({ id: z.uuid() });

/** Signed-in admins only; others get the usual answers (sign-in redirect, 403). */
function admin(req: FastifyRequest, reply: FastifyReply): UserActor | null {
  const a = requireUser(req, reply);
  if (!a) return null;
  authorize(a, 'user.manage');
  return a;
}

function flashMessage(req: FastifyRequest): { message?: string; error?: string } {
  const q = req.query as Record<string, unknown>;
  const out: { message?: string; error?: string } = {};
  if (typeof q.done === 'string' && /^[a-z_]+$/.test(q.done)) out.message = t(req.lang, `admin:done.${q.done}`);
  return out;
}

function errorText(req: FastifyRequest, e: unknown): string {
  if (!isAppError(e)) throw e;
  const issue = e.issues[0];
  if (issue) return issue.message ?? t(req.lang, issue.key, issue.values);
  return appErrorText(req.lang, e);
}

export async function adminRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx } = services;

  app.get('/admin', async (req, reply) => {
    if (!admin(req, reply)) return reply;
    return reply.redirect('/admin/users', 303);
  });

  const usersPage = async (req: FastifyRequest, reply: FastifyReply, a: UserActor, extra: { error?: string } = {}) => {
    const pc = await pageContext(req, reply, services);
    const [members, invitations] = [await listMembers(ctx.db, a), await listInvitations(ctx.db, a)];
    return html(reply, renderDocument(<UsersPage pc={pc} members={members} invitations={invitations} {...flashMessage(req)} {...extra} />));
  };

  app.get('/admin/users', async (req, reply) => {
    const a = admin(req, reply);
    if (!a) return reply;
    return usersPage(req, reply, a);
  });

  // A new colleague is invited by e-mail (issue 16 §2): nobody but them ever knows their password.
  // Whether the address already has an account (elsewhere) is not this administrator's to learn:
  // the answer is the same "invitation sent" either way.
  const inviteBody = z.object({ email: z.string().trim().min(3).max(320), role: roleSchema, _csrf: z.string().optional() });
  app.post('/admin/users', async (req, reply) => {
    const a = admin(req, reply);
    if (!a) return reply;
    try {
      const body = parseInput(inviteBody, req.body, req.lang);
      const sent = await inviteMember(ctx.db, a, { email: body.email, role: body.role });
      mailInvitation(app, services, sent);
      return reply.redirect('/admin/users?done=invitation_sent', 303);
    } catch (e) {
      reply.status(isAppError(e) ? e.status : 500);
      return usersPage(req, reply, a, { error: errorText(req, e) });
    }
  });

  app.post('/admin/invitations/:id/revoke', async (req, reply) => {
    const a = admin(req, reply);
    if (!a) return reply;
    const { id } = parseInput(idParams, req.params, req.lang);
    await revokeInvitation(ctx.db, a, id);
    return reply.redirect('/admin/users?done=invitation_revoked', 303);
  });

  const userAction = (path: string, done: string, fn: (a: UserActor, id: string, body: unknown) => Promise<void>) =>
    app.post(`/admin/users/:id/${path}`, async (req, reply) => {
      const a = admin(req, reply);
      if (!a) return reply;
      const { id } = parseInput(idParams, req.params, req.lang);
      try {
        await fn(a, id, req.body);
      } catch (e) {
        reply.status(isAppError(e) ? e.status : 500);
        return usersPage(req, reply, a, { error: errorText(req, e) });
      }
      if (id === a.userId && (path === 'role' || path === 'end-sessions' || path === 'remove')) {
        clearSessionCookie(reply, services);
        return reply.redirect('/login', 303);
      }
      return reply.redirect(`/admin/users?done=${done}`, 303);
    });
  userAction('role', 'role_changed', async (a, id, body) => {
    const { role } = parseInput(z.object({ role: roleSchema, _csrf: z.string().optional() }), body, 'es');
    await setMemberRole(ctx.db, a, id, role);
  });
  userAction('end-sessions', 'sessions_ended', (a, id) => endMemberSessions(ctx.db, a, id));
  userAction('reset-mfa', 'mfa_reset', (a, id) => resetMemberMfa(ctx.db, a, id));
  userAction('remove', 'member_removed', (a, id) => removeMember(ctx.db, a, id));

  const sharingPage = async (req: FastifyRequest, reply: FastifyReply, a: UserActor, error?: string) => {
    const pc = await pageContext(req, reply, services);
    const [shares, coalitions, incidents] = await Promise.all([
      listShares(ctx, a),
      coalitionsOfActor(ctx, a),
      listIncidents(ctx, a, recordInput.listQuery.parse({ limit: 200 })),
    ]);
    const own = incidents.items.filter((i) => i.organisationId === a.organisationId).map((i) => ({ id: i.id, title: String(i.title) }));
    return html(reply, renderDocument(<SharingPage pc={pc} shares={shares} coalitions={coalitions} incidents={own} {...flashMessage(req)} {...(error ? { error } : {})} />));
  };

  app.get('/admin/sharing', async (req, reply) => {
    const a = admin(req, reply);
    if (!a) return reply;
    return sharingPage(req, reply, a);
  });

  app.post('/admin/sharing', async (req, reply) => {
    const a = admin(req, reply);
    if (!a) return reply;
    const body = { ...(req.body as Record<string, unknown>) };
    delete body._csrf;
    if (typeof body.fields === 'string') body.fields = [body.fields];
    try {
      await shareIncident(ctx, a, body, req.lang);
    } catch (e) {
      reply.status(isAppError(e) ? e.status : 500);
      return sharingPage(req, reply, a, errorText(req, e));
    }
    return reply.redirect('/admin/sharing?done=shared', 303);
  });

  app.post('/admin/sharing/remove', async (req, reply) => {
    const a = admin(req, reply);
    if (!a) return reply;
    const body = { ...(req.body as Record<string, unknown>) };
    delete body._csrf;
    try {
      await unshareIncident(ctx, a, body, req.lang);
    } catch (e) {
      reply.status(isAppError(e) ? e.status : 500);
      return sharingPage(req, reply, a, errorText(req, e));
    }
    return reply.redirect('/admin/sharing?done=unshared', 303);
  });

  app.get('/admin/audit', async (req, reply) => {
    const a = admin(req, reply);
    if (!a) return reply;
    const before = (req.query as Record<string, unknown>).before;
    const rows = await listAudit(ctx.db, a, { limit: 100, ...(typeof before === 'string' ? { before } : {}) });
    const check = await inTransaction(ctx.db, { organisationIds: [a.organisationId], coalitionIds: [], userId: a.userId }, (trx) => verifyAudit(trx, a.organisationId));
    const pc = await pageContext(req, reply, services);
    const last = rows[rows.length - 1];
    const nextHref = rows.length === 100 && last ? `/admin/audit?before=${last.seq}` : null;
    return html(reply, renderDocument(<AuditPage pc={pc} rows={rows} intact={check.problems.length === 0} problems={check.problems.length} nextHref={nextHref} />));
  });

  app.get('/admin/audit.csv', async (req, reply) => {
    const a = admin(req, reply);
    if (!a) return reply;
    const rows = await listAudit(ctx.db, a, { limit: 1_000_000 });
    const csv = stringify([['seq', 'at', 'user', 'action', 'object_table', 'object_id', 'outcome'], ...rows.map((r) => [r.seq, r.at, r.userId ?? '', r.action, r.objectTable ?? '', r.objectId ?? '', r.outcome])]);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="audit-log.csv"').send(csv);
  });

  const organisationPage = async (req: FastifyRequest, reply: FastifyReply, a: UserActor, extra: { error?: string; errorFields?: string[] } = {}) => {
    const pc = await pageContext(req, reply, services);
    const settings = await organisationSettings(ctx.db, a);
    return html(reply, renderDocument(<OrganisationPage pc={pc} settings={settings} zones={timeZones()} {...flashMessage(req)} {...extra} />));
  };

  app.get('/admin/organisation', async (req, reply) => {
    const a = admin(req, reply);
    if (!a) return reply;
    return organisationPage(req, reply, a);
  });

  app.post('/admin/organisation', async (req, reply) => {
    const a = admin(req, reply);
    if (!a) return reply;
    const body = req.body as Record<string, unknown>;
    const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
    try {
      await updateOrganisationSettings(ctx.db, a, {
        languages: list(body.languages),
        defaultLang: typeof body.defaultLang === 'string' ? body.defaultLang : '',
        timeZone: typeof body.timeZone === 'string' ? body.timeZone : '',
        defaultVisibility: typeof body.defaultVisibility === 'string' ? body.defaultVisibility : '',
      });
      return reply.redirect('/admin/organisation?done=saved', 303);
    } catch (e) {
      if (!isAppError(e)) throw e;
      reply.status(e.status);
      const errorText = e.issues.map((i) => t(req.lang, i.key, i.values)).join(' ');
      return organisationPage(req, reply, a, { error: errorText, errorFields: e.issues.map((i) => String(i.path[0])) });
    }
  });

  const securityPage = async (req: FastifyRequest, reply: FastifyReply, a: UserActor, error?: string) => {
    const pc = await pageContext(req, reply, services);
    const settings = await organisationSettings(ctx.db, a);
    return html(reply, renderDocument(<SecurityPage pc={pc} settings={settings} {...flashMessage(req)} {...(error ? { error } : {})} />));
  };

  app.get('/admin/security', async (req, reply) => {
    const a = admin(req, reply);
    if (!a) return reply;
    return securityPage(req, reply, a);
  });

  app.post('/admin/security/mfa', async (req, reply) => {
    const a = admin(req, reply);
    if (!a) return reply;
    await setMfaRelaxedForViewers(ctx.db, a, (req.body as Record<string, unknown>).relaxed === 'on');
    return reply.redirect('/admin/security?done=saved', 303);
  });

  app.post('/admin/security/end-sessions', async (req, reply) => {
    const a = admin(req, reply);
    if (!a) return reply;
    await endAllOrganisationSessions(ctx.db, a.organisationId, a.userId);
    clearSessionCookie(reply, services);
    reply.header('clear-site-data', '"cache", "cookies", "storage"');
    return reply.redirect('/login', 303);
  });

  app.post('/admin/security/seal', async (req, reply) => {
    const a = admin(req, reply);
    if (!a) return reply;
    const body = req.body as Record<string, unknown>;
    const settings = await organisationSettings(ctx.db, a);
    if (body.confirm !== settings.slug) {
      reply.status(422);
      return securityPage(req, reply, a, t(req.lang, 'admin:security.seal_mismatch'));
    }
    try {
      await sealOrganisation(ctx.db, a.organisationId, a.userId, { backupConfirmed: body.backup === 'yes' });
    } catch (e) {
      if (e instanceof AppError) {
        reply.status(e.status);
        return securityPage(req, reply, a, errorText(req, e));
      }
      throw e;
    }
    ctx.keys.forget(a.organisationId);
    clearSessionCookie(reply, services);
    reply.header('clear-site-data', '"cache", "cookies", "storage"');
    return reply.redirect('/login', 303);
  });
}
