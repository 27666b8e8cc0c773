/**
 * JSON sign-in for API clients: password, then the second factor (or its enrolment), each step
 * answered with the CSRF token to send as X-CSRF-Token. The session is re-issued once the second
 * factor passes, so a token seen before it is useless after.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
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
  isInstallationAdmin,
} from '../../access/index.js';
import { parseInput } from '../../records/index.js';
import { AppError } from '../../shared/errors.js';
import { setSessionCookie, clearSessionCookie } from '../plugins/request-context.js';
import { csrfTokenFor } from '../plugins/csrf.js';
import type { Services } from '../services.js';

const loginBody = z.object({ email: z.string().trim().min(3).max(320), password: z.string().min(1).max(1024), organisation: z.string().optional() }).strict();
const codeBody = z.object({ code: z.string().trim().min(6).max(20) }).strict();

export function sessionSettings(services: Services) {
  return { idleMinutes: services.config.sessionIdleMinutes, maxHours: services.config.sessionMaxHours };
}

/** The half-signed-in session (password passed, second factor pending); anything else is refused. */
export function pendingSession(req: FastifyRequest) {
  if (!req.session || req.session.mfaPassed) throw new AppError('unauthenticated');
  return req.session;
}

export async function sessionApi(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx } = services;

  app.get('/api/session', { schema: { tags: ['session'] } }, async (req, reply) => {
    const a = req.actor;
    return {
      authenticated: a.kind === 'user',
      mfaPending: !!req.session && !req.session.mfaPassed,
      csrfToken: csrfTokenFor(req, reply, services),
      ...(a.kind === 'user' ? { userId: a.userId, organisationId: a.organisationId, role: a.role } : {}),
    };
  });

  app.post('/api/session', { schema: { tags: ['session'], body: loginBody } }, async (req, reply) => {
    const body = parseInput(loginBody, req.body, req.lang);
    const result = await checkPassword(ctx.db, services.secret, { email: body.email, password: body.password, client: req.ip, requestId: req.id, ...(body.organisation ? { organisation: body.organisation } : {}) });
    const orgs = await membershipsOf(ctx.db, result.userId);
    const org = body.organisation ? orgs.find((o) => o.organisationId === body.organisation || o.slug === body.organisation) : orgs.find((o) => !o.locked);
    // The installation administrator signs in outside any organisation (and reads none of their records).
    if (!org && !body.organisation && !orgs.length && (await isInstallationAdmin(ctx.db, result.userId))) {
      if (req.session) await endSession(ctx.db, req.session.token);
      const s = await createSession(ctx.db, sessionSettings(services), { userId: result.userId, organisationId: null, mfaPassed: false, lang: req.lang });
      setSessionCookie(reply, services, s.token);
      return reply.status(201).send({ csrfToken: s.csrfToken, mfaRequired: true, enrolmentRequired: !result.totpEnabled, organisationId: null, role: null, installationAdmin: true });
    }
    if (!org) throw orgs.some((o) => o.locked) ? new AppError('locked', { message: 'access:org_locked' }) : new AppError('forbidden');
    if (org.locked) throw new AppError('locked', { message: 'access:org_locked' });
    if (req.session) await endSession(ctx.db, req.session.token);
    const needsEnrolment = !result.totpEnabled && (await mfaRequired(ctx.db, result.userId));
    const mfaPending = result.totpEnabled || needsEnrolment;
    const s = await createSession(ctx.db, sessionSettings(services), { userId: result.userId, organisationId: org.organisationId, mfaPassed: !mfaPending, lang: req.lang });
    setSessionCookie(reply, services, s.token);
    return reply.status(201).send({ csrfToken: s.csrfToken, mfaRequired: mfaPending, enrolmentRequired: needsEnrolment, organisationId: org.organisationId, role: org.role });
  });

  app.post('/api/session/totp', { schema: { tags: ['session'], body: codeBody } }, async (req, reply) => {
    const session = pendingSession(req);
    const { code } = parseInput(codeBody, req.body, req.lang);
    await verifySecondFactor(ctx.db, services.master, session.userId, code);
    const next = await rotateSession(ctx.db, sessionSettings(services), session.token, { mfaPassed: true });
    setSessionCookie(reply, services, next.token);
    return reply.send({ csrfToken: next.csrfToken });
  });

  app.post('/api/session/totp/enrol', { schema: { tags: ['session'] } }, async (req) => {
    const session = pendingSession(req);
    return beginTotpEnrolment(ctx.db, services.master, session.userId);
  });

  app.post('/api/session/totp/confirm', { schema: { tags: ['session'], body: codeBody } }, async (req, reply) => {
    const session = pendingSession(req);
    const { code } = parseInput(codeBody, req.body, req.lang);
    const recoveryCodes = await confirmTotpEnrolment(ctx.db, services.master, session.userId, code);
    const next = await rotateSession(ctx.db, sessionSettings(services), session.token, { mfaPassed: true });
    setSessionCookie(reply, services, next.token);
    return reply.send({ csrfToken: next.csrfToken, recoveryCodes });
  });

  app.delete('/api/session', { schema: { tags: ['session'] } }, async (req, reply) => {
    if (req.session) await endSession(ctx.db, req.session.token);
    clearSessionCookie(reply, services);
    return reply.status(204).send();
  });
}
