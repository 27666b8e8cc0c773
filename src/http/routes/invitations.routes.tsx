/**
 * Following an invitation link (issue 16 §2): a new person chooses their name and password and
 * goes on to enrol the second factor; the owner of an existing account signs in and accepts or
 * declines. A link is good once and for 72 hours; an unknown, used or expired one says only that.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { acceptAsNewPerson, answerInvitation, createSession, endSession, openInvitation, updateSession, type SentInvitation } from '../../access/index.js';
import { parseInput } from '../../records/index.js';
import { isAppError } from '../../shared/errors.js';
import { t } from '../../shared/i18n/index.js';
import { sendMailLater } from '../../shared/mail.js';
import { InvitationPage, type InvitationStep } from '../../ui/installation/invitation-pages.js';
import { renderDocument } from '../../ui/render.js';
import { setSessionCookie } from '../plugins/request-context.js';
import type { Services } from '../services.js';
import { html, pageContext } from './pages.routes.js';
import { sessionSettings } from './session.api.js';

const tokenParams = z.object({ token: z.string().max(200) });

/** E-mails the link after the answer is sent, so the answer's timing says nothing about the address. */
export function mailInvitation(app: FastifyInstance, services: Services, sent: SentInvitation): void {
  const { config } = services;
  const link = `${config.publicUrl}/invitations/${encodeURIComponent(sent.token)}`;
  sendMailLater(
    { smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, dataDir: config.dataDir },
    {
      to: sent.email,
      subject: t(sent.lang, 'install:invite.mail_subject', { organisation: sent.organisationName }),
      text: t(sent.lang, 'install:invite.mail_body', { organisation: sent.organisationName, link }),
    },
    (e) => app.log.warn({ err: { type: (e as Error)?.name, code: (e as { code?: string })?.code } }, 'invitation mail failed'),
  );
}

export async function invitationRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx } = services;

  /** Which step this visitor is at, for this link. */
  const stepFor = async (req: FastifyRequest, token: string): Promise<InvitationStep> => {
    const inv = await openInvitation(ctx.db, token);
    if (!inv) return { kind: 'invalid' };
    if (!inv.invitedUserId) return { kind: 'new', organisationName: inv.organisationName, role: inv.role, email: inv.email };
    const s = req.session;
    if (!s || !s.mfaPassed) return { kind: 'sign_in', organisationName: inv.organisationName, role: inv.role };
    return s.userId === inv.invitedUserId ? { kind: 'answer', organisationName: inv.organisationName, role: inv.role } : { kind: 'other_account', organisationName: inv.organisationName };
  };

  const page = async (req: FastifyRequest, reply: FastifyReply, token: string, step: InvitationStep, error?: string) => {
    if (step.kind === 'invalid') reply.status(410);
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<InvitationPage pc={pc} token={token} step={step} {...(error ? { error } : {})} />));
  };

  app.get('/invitations/:token', async (req, reply) => {
    const { token } = parseInput(tokenParams, req.params, req.lang);
    return page(req, reply, token, await stepFor(req, token));
  });

  const newBody = z.object({ displayName: z.string().max(400).default(''), password: z.string().max(1024).default(''), username: z.string().optional(), _csrf: z.string().optional() });
  app.post('/invitations/:token', async (req, reply) => {
    const { token } = parseInput(tokenParams, req.params, req.lang);
    const body = parseInput(newBody, req.body, req.lang);
    let made: { userId: string; organisationId: string };
    try {
      made = await acceptAsNewPerson(ctx.db, token, { displayName: body.displayName, password: body.password, lang: req.lang });
    } catch (e) {
      if (!isAppError(e) || (e.code !== 'validation' && e.code !== 'invalid_state')) throw e;
      const step = await stepFor(req, token);
      if (step.kind === 'invalid') return page(req, reply, token, step);
      reply.status(e.status);
      const issue = e.issues[0];
      const message = issue ? t(req.lang, issue.key, issue.values) : t(req.lang, e.message);
      return page(req, reply, token, step.kind === 'new' ? { ...step, displayName: body.displayName } : step, message);
    }
    // Signed in at once, with the second factor still to enrol (as at anyone's first sign-in).
    if (req.session) await endSession(ctx.db, req.session.token);
    const s = await createSession(ctx.db, sessionSettings(services), { userId: made.userId, organisationId: made.organisationId, mfaPassed: false, lang: req.lang });
    setSessionCookie(reply, services, s.token);
    // Home sends each role to its own start (a focal point to its invitations, others to the cases).
    return reply.redirect('/account/totp?next=%2F', 303);
  });

  const answer = (accept: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    const { token } = parseInput(tokenParams, req.params, req.lang);
    const s = req.session;
    if (!s || !s.mfaPassed) return reply.redirect(`/login?next=${encodeURIComponent(`/invitations/${token}`)}`, 303);
    let orgId: string;
    try {
      ({ organisationId: orgId } = await answerInvitation(ctx.db, token, s.userId, accept));
    } catch (e) {
      if (isAppError(e) && (e.code === 'invalid_state' || e.code === 'not_found')) return page(req, reply, token, await stepFor(req, token));
      throw e;
    }
    if (!accept) return reply.redirect('/', 303);
    // Accepted: work in the organisation just joined.
    await updateSession(ctx.db, s.token, { organisationId: orgId });
    return reply.redirect('/', 303);
  };
  app.post('/invitations/:token/accept', answer(true));
  app.post('/invitations/:token/decline', answer(false));

}
