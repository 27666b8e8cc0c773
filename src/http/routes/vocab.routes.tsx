/** Vocabulary pages: every signed-in user may read them; members who may propose terms can do so. */
import type { FastifyInstance } from 'fastify';
import { can, listProposals, proposalInput, proposeTerm } from '../../access/index.js';
import { parseInput } from '../../records/index.js';
import { AppError, isAppError } from '../../shared/errors.js';
import { t } from '../../shared/i18n/index.js';
import { VocabListPage, VocabPage } from '../../ui/admin/vocab-pages.js';
import { renderDocument } from '../../ui/render.js';
import { getVocabulary, isVocabularyName, vocabularies } from '../../vocab/index.js';
import type { Services } from '../services.js';
import { html, pageContext, requireUser } from './pages.routes.js';

export async function vocabRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  app.get('/vocabularies', async (req, reply) => {
    if (!requireUser(req, reply)) return reply;
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<VocabListPage pc={pc} items={vocabularies()} />));
  });

  const page = async (req: Parameters<typeof requireUser>[0], reply: Parameters<typeof requireUser>[1], name: string, extra: { message?: string; error?: string } = {}) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    if (!isVocabularyName(name)) throw new AppError('not_found');
    const pc = await pageContext(req, reply, services);
    const proposals = await listProposals(services.ctx.db, actor, name);
    return html(reply, renderDocument(<VocabPage pc={pc} vocab={getVocabulary(name)} proposals={proposals} canPropose={can(actor, 'vocab.propose')} {...extra} />));
  };

  app.get<{ Params: { name: string } }>('/vocabularies/:name', async (req, reply) => {
    const done = (req.query as Record<string, unknown>).done === '1';
    return page(req, reply, req.params.name, done ? { message: t(req.lang, 'admin:vocab.proposed') } : {});
  });

  app.post<{ Params: { name: string } }>('/vocabularies/:name/proposals', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    try {
      const input = parseInput(proposalInput, { ...(req.body as Record<string, unknown>), _csrf: undefined, vocabulary: req.params.name }, req.lang);
      await proposeTerm(services.ctx.db, actor, input);
    } catch (e) {
      if (isAppError(e) && e.code === 'validation') {
        reply.status(422);
        const issue = e.issues[0];
        return page(req, reply, req.params.name, { error: issue ? `${issue.path.join('.')}: ${issue.message ?? t(req.lang, issue.key)}` : t(req.lang, 'errors:validation') });
      }
      throw e;
    }
    return reply.redirect(`/vocabularies/${encodeURIComponent(req.params.name)}?done=1`, 303);
  });
}
