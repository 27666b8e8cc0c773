/** Server-rendered pages: home, sign-in, incident list and case page. Forms post and redirect. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import QRCode from 'qrcode';
import {
  beginTotpEnrolment,
  checkPassword,
  confirmTotpEnrolment,
  createSession,
  endSession,
  membershipsOf,
  mfaRequired,
  rotateSession,
  verifySecondFactor,
  requestPasswordReset,
  resetPasswordWithToken,
  type Actor,
  isInstallationAdmin,
} from '../../access/index.js';
import { listPublicIncidents } from '../../portal/index.js';
import { parseInput } from '../../records/index.js';
import { AppError } from '../../shared/errors.js';
import { t } from '../../shared/i18n/index.js';
import { HomePage } from '../../ui/pages/home.js';
import { LoginPage } from '../../ui/pages/login.js';
import { RecoveryCodesPage, TotpEnrolPage } from '../../ui/pages/totp.js';
import { ForgotPage, ResetPage } from '../../ui/pages/password.js';
import { sendMailLater } from '../../shared/mail.js';
import { sessionSettings } from './session.api.js';
import { renderDocument } from '../../ui/render.js';
import { clearSessionCookie, setSessionCookie } from '../plugins/request-context.js';
import type { Services } from '../services.js';

export { pageContext } from '../page-context.js';
import { pageContext } from '../page-context.js';

export function html(reply: FastifyReply, body: string): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(body);
}

/** Pages that need a signed-in user send anonymous visitors to the sign-in page. */
export function requireUser(req: FastifyRequest, reply: FastifyReply): Extract<Actor, { kind: 'user' }> | null {
  if (req.actor.kind === 'user') return req.actor;
  // Signed in, but not into an organisation (the installation administrator): no records here.
  if (req.session?.mfaPassed) throw new AppError('forbidden');
  void reply.redirect(`/login?next=${encodeURIComponent(req.url.split('?')[0] ?? '/')}`, 303);
  return null;
}

/** Only same-site relative paths are followed after sign-in (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[\w\-/.?=&%]*$/.test(next) ? next : '/';
}

/**
 * Where a completed sign-in goes: the page asked for, else home — which sends each person to their
 * own start (an organisation's cases, or the installation's page for its administrator).
 */
function nextQuery(req: FastifyRequest): string {
  const next = (req.query as Record<string, unknown>).next;
  return typeof next === 'string' ? `?next=${encodeURIComponent(safeNext(next))}` : '';
}

function nextAfterSignIn(req: FastifyRequest): string {
  const next = (req.query as Record<string, unknown>).next;
  return typeof next === 'string' ? safeNext(next) : '/';
}

const loginBody = z.object({ email: z.string().trim().min(3).max(320), password: z.string().min(1).max(1024), _csrf: z.string().optional() });

export async function pageRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx, config } = services;

  app.get('/', async (req, reply) => {
    // A focal point (signatory) sees nothing of the cases: its home is the invitations to sign.
    if (req.actor.kind === 'user') return reply.redirect(req.actor.role === 'signatory' ? '/coordinate/invitations' : '/incidents', 303);
    if (req.installationAdminId) return reply.redirect('/installation', 303);
    const pc = await pageContext(req, reply, services);
    const incidents = await listPublicIncidents(ctx.db, { limit: 50 });
    return html(reply, renderDocument(<HomePage pc={pc} incidents={incidents} />));
  });

  app.get('/login', async (req, reply) => {
    const pc = await pageContext(req, reply, services);
    const pending = req.session && !req.session.mfaPassed;
    if (pending) {
      const u = await ctx.db.selectFrom('app_user').select('totp_enabled').where('id', '=', req.session!.userId).executeTakeFirst();
      if (u && !u.totp_enabled) return reply.redirect(`/account/totp${nextQuery(req)}`, 303);
    }
    const notice = (req.query as Record<string, unknown>).reset === '1' ? t(req.lang, 'access:reset_done') : undefined;
    return html(reply, renderDocument(<LoginPage pc={pc} step={pending ? 'totp' : 'password'} nextQuery={nextQuery(req)} {...(notice ? { notice } : {})} />));
  });

  app.post('/login', async (req, reply) => {
    const body = parseInput(loginBody, req.body, req.lang);
    let next = safeNext((req.query as Record<string, unknown>).next);
    try {
      const result = await checkPassword(ctx.db, services.secret, { email: body.email, password: body.password, client: req.ip, requestId: req.id });
      if (req.session) await endSession(ctx.db, req.session.token);
      const orgs = await membershipsOf(ctx.db, result.userId);
      // The installation administrator (no organisation) lands on the installation's page.
      if (!orgs.length && (req.query as Record<string, unknown>).next === undefined && (await isInstallationAdmin(ctx.db, result.userId))) next = '/installation';
      if (orgs.length && orgs.every((o) => o.locked)) throw new AppError('locked', { message: 'access:org_locked' });
      const needsEnrolment = !result.totpEnabled && (await mfaRequired(ctx.db, result.userId));
      const session = await createSession(ctx.db, sessionSettings(services), {
        userId: result.userId,
        organisationId: orgs.find((o) => !o.locked)?.organisationId ?? null,
        mfaPassed: !result.totpEnabled && !needsEnrolment,
        lang: req.lang,
      });
      setSessionCookie(reply, services, session.token);
      const q = `?next=${encodeURIComponent(next)}`;
      return reply.redirect(needsEnrolment ? `/account/totp${q}` : result.totpEnabled ? `/login${q}` : next, 303);
    } catch (e) {
      if (e instanceof AppError && (e.code === 'unauthenticated' || e.code === 'rate_limited' || e.code === 'locked')) {
        const pc = await pageContext(req, reply, services);
        const message = e.code === 'rate_limited' ? t(req.lang, 'errors:rate_limited') : e.code === 'locked' ? t(req.lang, 'access:org_locked') : t(req.lang, 'access:login_failed');
        reply.status(e.status);
        if (e.code === 'rate_limited' && e.details.retryAfterSeconds) reply.header('retry-after', String(e.details.retryAfterSeconds));
        return html(reply, renderDocument(<LoginPage pc={pc} error={message} email={body.email} nextQuery={nextQuery(req)} />));
      }
      throw e;
    }
  });

  const codeBody = z.object({ code: z.string().trim().min(6).max(20), _csrf: z.string().optional() });

  app.post('/login/totp', async (req, reply) => {
    const session = req.session;
    if (!session || session.mfaPassed) return reply.redirect('/login', 303);
    const { code } = parseInput(codeBody, req.body, req.lang);
    try {
      await verifySecondFactor(ctx.db, services.master, session.userId, code);
    } catch (e) {
      if (e instanceof AppError && (e.code === 'unauthenticated' || e.code === 'rate_limited')) {
        const pc = await pageContext(req, reply, services);
        reply.status(e.status);
        return html(reply, renderDocument(<LoginPage pc={pc} step="totp" nextQuery={nextQuery(req)} error={t(req.lang, e.code === 'rate_limited' ? 'errors:rate_limited' : 'access:totp_wrong')} />));
      }
      throw e;
    }
    const rotated = await rotateSession(ctx.db, sessionSettings(services), session.token, { mfaPassed: true });
    setSessionCookie(reply, services, rotated.token);
    return reply.redirect(nextAfterSignIn(req), 303);
  });

  const enrolPage = async (req: FastifyRequest, reply: FastifyReply, error?: string) => {
    const session = req.session!;
    const e = await beginTotpEnrolment(ctx.db, services.master, session.userId, { reusePending: true });
    const qrSvg = await QRCode.toString(e.uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<TotpEnrolPage pc={pc} qrSvg={qrSvg} secret={e.secret} uri={e.uri} nextQuery={nextQuery(req)} {...(error ? { error } : {})} />));
  };

  app.get('/account/totp', async (req, reply) => {
    if (!req.session || req.session.mfaPassed) return reply.redirect('/login', 303);
    return enrolPage(req, reply);
  });

  app.post('/account/totp', async (req, reply) => {
    const session = req.session;
    if (!session || session.mfaPassed) return reply.redirect('/login', 303);
    const { code } = parseInput(codeBody, req.body, req.lang);
    let codes: string[];
    try {
      codes = await confirmTotpEnrolment(ctx.db, services.master, session.userId, code);
    } catch (e) {
      if (e instanceof AppError && (e.code === 'unauthenticated' || e.code === 'rate_limited')) {
        reply.status(e.status);
        return enrolPage(req, reply, t(req.lang, e.code === 'rate_limited' ? 'errors:rate_limited' : 'access:totp_wrong'));
      }
      throw e;
    }
    const rotated = await rotateSession(ctx.db, sessionSettings(services), session.token, { mfaPassed: true });
    setSessionCookie(reply, services, rotated.token);
    req.session = { ...session, token: rotated.token, csrfToken: rotated.csrfToken, mfaPassed: true };
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<RecoveryCodesPage pc={pc} codes={codes} next={nextAfterSignIn(req)} />));
  });

  app.get('/password/forgot', async (req, reply) => {
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<ForgotPage pc={pc} />));
  });

  app.post('/password/forgot', async (req, reply) => {
    const { email } = parseInput(z.object({ email: z.string().trim().min(3).max(320), _csrf: z.string().optional() }), req.body, req.lang);
    const r = await requestPasswordReset(ctx.db, email);
    if (r) {
      const lang = r.lang === 'en' ? 'en' : 'es';
      const link = `${config.publicUrl}/password/reset?token=${encodeURIComponent(r.token)}`;
      sendMailLater(
        { smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, dataDir: config.dataDir },
        { to: email, subject: t(lang, 'access:reset_mail_subject'), text: t(lang, 'access:reset_mail_body', { link }) },
        (e) => app.log.warn({ err: { type: (e as Error)?.name, code: (e as { code?: string })?.code } }, 'password reset mail failed'),
      );
    }
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<ForgotPage pc={pc} sent />));
  });

  app.get('/password/reset', async (req, reply) => {
    const token = (req.query as Record<string, unknown>).token;
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<ResetPage pc={pc} token={typeof token === 'string' ? token.slice(0, 100) : ''} />));
  });

  app.post('/password/reset', async (req, reply) => {
    const body = parseInput(z.object({ token: z.string().min(10).max(100), password: z.string().max(1024), _csrf: z.string().optional() }), req.body, req.lang);
    try {
      await resetPasswordWithToken(ctx.db, body.token, body.password);
    } catch (e) {
      if (e instanceof AppError && (e.code === 'invalid_state' || e.code === 'validation')) {
        const pc = await pageContext(req, reply, services);
        const issue = e.issues[0];
        const message = issue ? t(req.lang, issue.key) : t(req.lang, e.message);
        reply.status(e.status);
        return html(reply, renderDocument(<ResetPage pc={pc} token={body.token} error={message} />));
      }
      throw e;
    }
    return reply.redirect('/login?reset=1', 303);
  });

  app.post('/logout', async (req, reply) => {
    if (req.session) await endSession(ctx.db, req.session.token);
    clearSessionCookie(reply, services);
    return reply.redirect('/', 303);
  });

  // The case list and case page live in workspace.routes.tsx (issue 4).
}
