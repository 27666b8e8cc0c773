/** JSON sign-in for API clients: the session cookie plus a CSRF token to send as X-CSRF-Token. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { checkPassword, createSession, endSession, membershipsOf } from '../../access/index.js';
import { parseInput } from '../../records/index.js';
import { AppError } from '../../shared/errors.js';
import { setSessionCookie, clearSessionCookie } from '../plugins/request-context.js';
import { csrfTokenFor } from '../plugins/csrf.js';
import type { Services } from '../services.js';

const loginBody = z.object({ email: z.string().trim().min(3).max(320), password: z.string().min(1).max(1024), organisation: z.string().optional() }).strict();

export async function sessionApi(app: FastifyInstance, opts: { services: Services }) {
  const { ctx, config } = opts.services;

  app.get('/api/session', { schema: { tags: ['session'] } }, async (req, reply) => {
    const a = req.actor;
    return {
      authenticated: a.kind === 'user',
      mfaPending: !!req.session && !req.session.mfaPassed,
      csrfToken: csrfTokenFor(req, reply, opts.services),
      ...(a.kind === 'user' ? { userId: a.userId, organisationId: a.organisationId, role: a.role } : {}),
    };
  });

  app.post('/api/session', { schema: { tags: ['session'], body: loginBody } }, async (req, reply) => {
    const body = parseInput(loginBody, req.body, req.lang);
    const result = await checkPassword(ctx.db, opts.services.secret, { email: body.email, password: body.password, client: req.ip, requestId: req.id });
    const orgs = await membershipsOf(ctx.db, result.userId);
    const org = body.organisation ? orgs.find((o) => o.organisationId === body.organisation || o.slug === body.organisation) : orgs[0];
    if (!org) throw new AppError('forbidden');
    if (req.session) await endSession(ctx.db, req.session.token);
    const s = await createSession(
      ctx.db,
      { idleMinutes: config.sessionIdleMinutes, maxHours: config.sessionMaxHours },
      { userId: result.userId, organisationId: org.organisationId, mfaPassed: !result.totpEnabled, lang: req.lang },
    );
    setSessionCookie(reply, opts.services, s.token);
    return reply.status(201).send({ csrfToken: s.csrfToken, mfaRequired: result.totpEnabled, organisationId: org.organisationId, role: org.role });
  });

  app.delete('/api/session', { schema: { tags: ['session'] } }, async (req, reply) => {
    if (req.session) await endSession(ctx.db, req.session.token);
    clearSessionCookie(reply, opts.services);
    return reply.status(204).send();
  });
}
