/**
 * The signed-in person's own account: changing their password (issue 16 §2). A password someone
 * else chose (`atalaya user create`) is marked one-time, and the request context sends its holder
 * here before anything else.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { changeOwnPassword } from '../../access/index.js';
import { parseInput } from '../../records/index.js';
import { isAppError } from '../../shared/errors.js';
import { t } from '../../shared/i18n/index.js';
import { ChangePasswordPage } from '../../ui/installation/invitation-pages.js';
import { renderDocument } from '../../ui/render.js';
import type { Services } from '../services.js';
import { html, pageContext } from './pages.routes.js';

const body = z.object({
  current: z.string().max(1024).default(''),
  code: z.string().trim().max(20).default(''),
  password: z.string().max(1024).default(''),
  _csrf: z.string().optional(),
});

export async function accountRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx } = services;

  const page = async (req: FastifyRequest, reply: FastifyReply, extra: { error?: string; done?: boolean } = {}) => {
    const u = await ctx.db.selectFrom('app_user').select(['totp_enabled', 'must_change_password']).where('id', '=', req.session!.userId).executeTakeFirstOrThrow();
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<ChangePasswordPage pc={pc} forced={u.must_change_password} needsCode={u.totp_enabled} {...extra} />));
  };

  /** Fully signed in (both factors); anyone else goes to the sign-in page. */
  const signedIn = (req: FastifyRequest, reply: FastifyReply): boolean => {
    if (req.session?.mfaPassed) return true;
    void reply.redirect('/login?next=%2Faccount%2Fpassword', 303);
    return false;
  };

  app.get('/account/password', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const done = (req.query as Record<string, unknown>).done === '1';
    return page(req, reply, done ? { done } : {});
  });

  app.post('/account/password', async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const session = req.session!;
    const b = parseInput(body, req.body, req.lang);
    try {
      await changeOwnPassword(ctx.db, services.secret, services.master, session.userId, {
        current: b.current,
        code: b.code,
        password: b.password,
        keepSessionToken: session.token,
        organisationId: session.organisationId,
        client: req.ip,
        requestId: req.id,
      });
    } catch (e) {
      if (!isAppError(e) || !['validation', 'rate_limited', 'invalid_state'].includes(e.code)) throw e;
      reply.status(e.status);
      const issue = e.issues[0];
      return page(req, reply, { error: issue ? t(req.lang, issue.key, issue.values) : t(req.lang, e.code === 'rate_limited' ? 'errors:rate_limited' : e.message) });
    }
    return reply.redirect('/account/password?done=1', 303);
  });
}
