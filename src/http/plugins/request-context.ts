/**
 * Per-request context: the language (query ?lang=, then the remembered cookie, then the session,
 * then Accept-Language), the session and the actor it maps to. Sessions whose second factor is
 * pending give an anonymous actor: nothing tenant-owned is reachable before MFA.
 */
import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { coalitionsOf, readSession, type Actor, type SessionRecord } from '../../access/index.js';
import { AppError } from '../../shared/errors.js';
import { isLang, pickLanguage, type Lang } from '../../shared/i18n/index.js';
import { inTransaction, type Role } from '../../store/index.js';
import type { Services } from '../services.js';

declare module 'fastify' {
  interface FastifyRequest {
    lang: Lang;
    actor: Actor;
    session: (SessionRecord & { token: string }) | null;
    clientHash: string;
    /** The installation administrator signed in outside any organisation (their user id), else null. */
    installationAdminId: string | null;
    /** A password someone else chose: nothing but /account/password until it is changed. */
    mustChangePassword: boolean;
  }
}

export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-atalaya' : 'atalaya_session';
}

export const langCookie = 'atalaya_lang';

export function setSessionCookie(reply: FastifyReply, services: Services, token: string): void {
  reply.setCookie(sessionCookieName(services.config.secureCookies), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: services.config.secureCookies,
  });
}

export function clearSessionCookie(reply: FastifyReply, services: Services): void {
  reply.clearCookie(sessionCookieName(services.config.secureCookies), { path: '/', httpOnly: true, sameSite: 'strict', secure: services.config.secureCookies });
}

async function resolve(req: FastifyRequest, reply: FastifyReply, services: Services): Promise<void> {
  const { ctx, config } = services;
  req.clientHash = createHmac('sha256', services.secret).update(req.ip).digest('hex').slice(0, 16);
  const queryLang = (req.query as Record<string, unknown> | undefined)?.lang;
  const cookieLang = req.cookies[langCookie];
  const token = req.cookies[sessionCookieName(config.secureCookies)];
  const session = token ? await readSession(ctx.db, { idleMinutes: config.sessionIdleMinutes, maxHours: config.sessionMaxHours }, token) : null;
  req.session = session && token ? { ...session, token } : null;
  if (isLang(queryLang)) {
    req.lang = queryLang;
    reply.setCookie(langCookie, queryLang, { path: '/', sameSite: 'lax', httpOnly: true, secure: config.secureCookies, maxAge: 365 * 86400 });
  } else if (isLang(cookieLang)) req.lang = cookieLang;
  else if (session && isLang(session.lang)) req.lang = session.lang;
  else req.lang = pickLanguage(req.headers['accept-language']);
  req.actor = { kind: 'anonymous', requestId: req.id, clientHash: req.clientHash };
  req.installationAdminId = null;
  req.mustChangePassword = false;
  if (session && session.mfaPassed) {
    const u = await ctx.db.selectFrom('app_user').select(['installation_admin', 'must_change_password']).where('id', '=', session.userId).executeTakeFirst();
    req.mustChangePassword = u?.must_change_password === true;
    // Outside any organisation the installation administrator is nobody to every record policy:
    // the actor stays anonymous, and only the /installation routes look at this id.
    if (u?.installation_admin && !session.organisationId) req.installationAdminId = session.userId;
  }
  if (session && session.mfaPassed && session.organisationId) {
    const orgId = session.organisationId;
    const m = await inTransaction(ctx.db, { organisationIds: [orgId], coalitionIds: [], userId: session.userId }, (trx) =>
      trx
        .selectFrom('membership as m')
        .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
        .select(['m.role', 'o.locked_at'])
        .where('m.organisation_id', '=', orgId)
        .where('m.user_id', '=', session.userId)
        .executeTakeFirst(),
    );
    // A locked organisation's members act as nobody until its keys are restored.
    if (m && !m.locked_at) {
      req.actor = {
        kind: 'user',
        userId: session.userId,
        organisationId: session.organisationId,
        role: m.role as Role,
        coalitionIds: await coalitionsOf(ctx.db, session.organisationId),
        requestId: req.id,
        clientHash: req.clientHash,
      };
    }
  }
}

/** What someone who must still change a one-time password may reach: that page, signing out, the session. */
function passwordChangeAllowed(req: FastifyRequest): boolean {
  const path = req.url.split('?')[0] ?? '';
  return path === '/account/password' || path === '/logout' || path === '/api/session' || path === '/favicon.ico';
}

export const requestContext = fp(async (app: FastifyInstance, opts: { services: Services }) => {
  app.decorateRequest('lang', 'es');
  app.decorateRequest('actor', null as never);
  app.decorateRequest('session', null);
  app.decorateRequest('clientHash', '');
  app.decorateRequest('installationAdminId', null);
  app.decorateRequest('mustChangePassword', false);
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/assets/')) {
      req.lang = 'es';
      req.actor = { kind: 'anonymous' };
      return;
    }
    await resolve(req, reply, opts.services);
    if (req.mustChangePassword && !passwordChangeAllowed(req)) {
      // A one-time password: the first thing after signing in is choosing one's own.
      if (req.method === 'GET' && !req.url.startsWith('/api/')) return reply.redirect('/account/password', 303);
      throw new AppError('forbidden', { message: 'install:password.must_change' });
    }
  });
});
