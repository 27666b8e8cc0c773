/**
 * Which database a read goes to. Without read replicas every read goes to the primary. With them:
 *
 * - `req.readCtx()`: reads that may be slightly behind (dashboards, analysis, search) go to a healthy
 *   standby — but only one that has replayed this browser's own last write, so a person never sees
 *   their own change disappear. After every successful change a signed-in person makes (any method
 *   but GET/HEAD) the primary's WAL position is remembered in a cookie (a position in a log, nothing
 *   else; never for anonymous requests such as public reports).
 * - `freshReadCtx(services)`: reads whose answer is cached until the next change (the public
 *   statement pages) must not cache an old answer, so they use a standby only when it has replayed
 *   everything the primary had at the moment of the read.
 *
 * Writes, sign-in, sessions, audit and every read not listed here stay on `services.ctx` (primary).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Ctx } from '../../access/index.js';
import { formatLsn, parseLsn } from '../../store/index.js';
import type { Services } from '../services.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The context for reads that may come from a standby that has caught up with this browser's writes. */
    readCtx(): Ctx;
  }
}

export function walCookieName(secure: boolean): string {
  return secure ? '__Host-atalaya-wal' : 'atalaya_wal';
}

function lsnOf(req: FastifyRequest, secure: boolean): bigint | null {
  const v = req.cookies?.[walCookieName(secure)];
  if (!v) return null;
  try {
    return parseLsn(v);
  } catch {
    return null;
  }
}

export async function freshReadCtx(services: Services): Promise<Ctx> {
  const reads = services.reads;
  if (!reads) return services.ctx;
  try {
    const db = reads.pick(await reads.currentLsn());
    return db ? { ...services.ctx, db } : services.ctx;
  } catch {
    return services.ctx;
  }
}

async function readRoutingPlugin(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const secure = services.config.secureCookies;
  app.decorateRequest('readCtx', function (this: FastifyRequest): Ctx {
    const reads = services.reads;
    if (!reads) return services.ctx;
    const db = reads.pick(lsnOf(this, secure));
    return db ? { ...services.ctx, db } : services.ctx;
  });
  if (!services.reads) return;
  const reads = services.reads;
  app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload) => {
    // Only signed-in people read pages that show their own writes (anonymous reads are public pages,
    // which read a fully caught-up standby anyway). Above all, a reporter's browser must not carry a
    // WAL position: with the server's log it would date a report finer than the day.
    if (!req.session || req.method === 'GET' || req.method === 'HEAD' || reply.statusCode >= 400) return payload;
    try {
      const lsn = await reads.currentLsn();
      // Long enough to outlive any lag a standby may have while still in rotation.
      const maxAge = Math.max(60, Math.ceil((services.config.readMaxLagMs * 4) / 1000));
      reply.setCookie(walCookieName(secure), formatLsn(lsn), { path: '/', httpOnly: true, sameSite: 'strict', secure, maxAge });
    } catch {
      // The primary did not answer: the next reads of this browser fall back to whatever is healthy.
    }
    return payload;
  });
}

export const readRouting = fp(readRoutingPlugin, { name: 'read-routing' });
