/** The directory of defenders and organisations (/actors): search, filters, paging by keyset. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listActors, parseInput } from '../../records/index.js';
import { renderDocument } from '../../ui/render.js';
import { ActorsPage } from '../../ui/workspace/actors.page.js';
import type { Services } from '../services.js';
import { html, pageContext, requireUser } from './pages.routes.js';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const actorsQuery = z.object({
  q: z.preprocess(blank, z.string().trim().max(300).optional()),
  kind: z.preprocess(blank, z.enum(['person', 'organisation', 'group']).optional()),
  sector: z.preprocess(blank, z.string().regex(/^[a-z_]{1,64}$/).optional()),
  cursor: z.preprocess(blank, z.string().max(200).optional()),
});

export async function actorsRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  app.get('/actors', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const query = parseInput(actorsQuery, req.query, req.lang);
    const page = await listActors(services.ctx, actor, query);
    const keep = new URLSearchParams();
    for (const k of ['q', 'kind', 'sector'] as const) if (query[k]) keep.set(k, query[k]);
    if (page.nextCursor) keep.set('cursor', page.nextCursor);
    const pc = await pageContext(req, reply, services);
    const { cursor: _c, ...shown } = query;
    return html(reply, renderDocument(<ActorsPage pc={pc} items={page.items} query={shown} nextHref={page.nextCursor ? `/actors?${keep.toString()}` : null} />));
  });
}
