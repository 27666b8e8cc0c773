/**
 * Sharing from where the documenter works: one case from its page (which coalitions, which extra
 * fields), or every case of the organisation that matches the case list's filters, after a
 * confirmation that states how many. Forms only: everything works without JavaScript.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize, type UserActor } from '../../access/index.js';
import { coalitionsOfActor, countShareable, parseInput, recordInput, setCaseSharing, shareMatching } from '../../records/index.js';
import { errorText } from '../../shared/error-text.js';
import { isAppError } from '../../shared/errors.js';
import { t } from '../../shared/i18n/index.js';
import { renderDocument } from '../../ui/render.js';
import { filterParams, listHref } from '../../ui/workspace/case-list.page.js';
import { ShareMatchesPage } from '../../ui/workspace/case-sharing.js';
import type { Services } from '../services.js';
import { html, pageContext, requireUser } from './pages.routes.js';

type IdParams = { Params: { id: string } };

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : []);

/** The case list's filters from a query string or a posted form (the same names either way). */
function filtersOf(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of filterParams) {
    const v = raw[k];
    if (typeof v === 'string' && v.trim() !== '') out[k] = v.trim();
  }
  return out;
}

export async function sharingRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx } = services;

  app.post<IdParams>('/incidents/:id/sharing', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const shares = list(body.coalition).map((coalitionId) => ({ coalitionId, fields: list(body[`fields_${coalitionId}`]) }));
    await setCaseSharing(ctx, actor, req.params.id, { shares }, req.lang);
    return reply.redirect(`/incidents/${req.params.id}?shared=1#sharing`, 303);
  });

  const listQuery = (req: FastifyRequest, filters: Record<string, string>) => parseInput(recordInput.listQuery, { ...filters, limit: '1' }, req.lang);

  const confirmPage = async (req: FastifyRequest, actor: UserActor, filters: Record<string, string>, extra: { changed?: { expected: number }; error?: string } = {}) => {
    const q = listQuery(req, filters);
    const [count, coalitions] = await Promise.all([countShareable(ctx, actor, q), coalitionsOfActor(ctx, actor)]);
    return { count, coalitions, filters, backHref: listHref(filters, {}), ...extra };
  };

  app.get('/incidents/share', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    authorize(actor, 'record.share');
    const props = await confirmPage(req, actor, filtersOf(req.query as Record<string, unknown>));
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<ShareMatchesPage pc={pc} {...props} />));
  });

  app.post('/incidents/share', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const filters = filtersOf(body);
    try {
      const r = await shareMatching(ctx, actor, listQuery(req, filters), { coalitionId: body.coalitionId, fields: list(body.fields), expected: body.expected }, req.lang);
      const back = listHref(filters, {});
      return reply.redirect(`${back}${back.includes('?') ? '&' : '?'}shared=${r.shared}`, 303);
    } catch (e) {
      if (!isAppError(e) || (e.code !== 'conflict' && e.code !== 'validation')) throw e;
      const changed = e.code === 'conflict' ? { expected: Number(e.details.expected) } : undefined;
      const props = await confirmPage(req, actor, filters, changed ? { changed } : { error: e.issues[0] ? (e.issues[0].message ?? t(req.lang, e.issues[0].key, e.issues[0].values)) : errorText(req.lang, e) });
      const pc = await pageContext(req, reply, services);
      reply.status(409);
      if (e.code === 'validation') reply.status(422);
      return html(reply, renderDocument(<ShareMatchesPage pc={pc} {...props} />));
    }
  });
}
