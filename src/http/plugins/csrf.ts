/**
 * CSRF protection for every state-changing request. Three independent checks: the browser's own
 * Fetch Metadata (a cross-site request is refused), the Origin header (must be this server), and a
 * synchroniser token — the session's secret token for signed-in users, or a server-bound
 * double-submit cookie (below) for the forms used before signing in — sent as the `_csrf` form
 * field or the `X-CSRF-Token` header.
 * Server-side sessions make a per-session token simpler and stronger than a cookie-signed one.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { safeEqual } from '../../access/index.js';
import { AppError } from '../../shared/errors.js';
import type { Services } from '../services.js';

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Before sign-in the token is a double submit, bound to the server: the cookie holds a random
 * value and the form carries its HMAC under the server's secret, so a cookie an attacker manages
 * to plant (from a sibling subdomain, or a man in the middle on plain HTTP) comes with no token
 * they can compute. On HTTPS the cookie is `__Host-` prefixed: browsers refuse it from anywhere
 * but this exact origin over a secure connection.
 */
export function anonCsrfCookieName(services: Services): string {
  return services.config.secureCookies ? '__Host-atalaya_csrf' : 'atalaya_csrf';
}

function anonToken(services: Services, cookie: string): string {
  return createHmac('sha256', services.secret).update(`atalaya:anon-csrf:${cookie}`).digest('base64url');
}

/** The token a page must embed in its forms for this request. */
export function csrfTokenFor(req: FastifyRequest, reply: FastifyReply, services: Services): string {
  if (req.session) return req.session.csrfToken;
  const name = anonCsrfCookieName(services);
  let c = req.cookies[name];
  if (!c || c.length < 20 || c.length > 100) {
    c = randomBytes(24).toString('base64url');
    reply.setCookie(name, c, { path: '/', httpOnly: true, sameSite: 'strict', secure: services.config.secureCookies });
  }
  return anonToken(services, c);
}

function sentToken(req: FastifyRequest): string | undefined {
  const h = req.headers['x-csrf-token'];
  if (typeof h === 'string') return h;
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && typeof body._csrf === 'string') return body._csrf;
  return undefined;
}

export function checkCsrf(req: FastifyRequest, services: Services): void {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site') throw new AppError('csrf');
  const origin = req.headers.origin;
  if (origin && origin !== 'null') {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw new AppError('csrf');
    }
    const own = new URL(services.config.publicUrl).host;
    if (host !== req.headers.host && host !== own) throw new AppError('csrf');
  } else if (origin === 'null' && site !== undefined && site !== 'same-origin') {
    // With Referrer-Policy no-referrer browsers send `Origin: null` even on same-origin form posts;
    // Fetch Metadata then says where the request came from, and the token still has to match.
    throw new AppError('csrf');
  }
  const sent = sentToken(req);
  const cookie = req.cookies[anonCsrfCookieName(services)];
  const expected = req.session ? req.session.csrfToken : cookie ? anonToken(services, cookie) : undefined;
  if (!sent || !expected || !safeEqual(sent, expected)) throw new AppError('csrf');
}

export const csrf = fp(async (app: FastifyInstance, opts: { services: Services }) => {
  app.addHook('preHandler', async (req) => {
    if (!unsafe.has(req.method)) return;
    if ((req.routeOptions.config as { csrf?: boolean } | undefined)?.csrf === false) return;
    checkCsrf(req, opts.services);
  });
});
