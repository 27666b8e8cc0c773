/**
 * /estimate (signed in, linkage.run): GET shows the form for a run; POST estimates (LCMCR in a worker
 * thread), stores the estimation run and redirects to its page, which shows the stored result.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, type UserActor } from '../../access/index.js';
import { estimateFromRun, getEstimate, listLinkageRuns, pageLcmcrSettings, runStrata, type EstimateOutcome } from '../../linkage/platform/index.js';
import { AppError, isAppError } from '../../shared/errors.js';
import { EstimatePage, type EstimateForm } from '../../ui/estimate/estimate-page.js';
import { renderDocument } from '../../ui/render.js';
import type { Services } from '../services.js';
import { issuesText } from './linkage.routes.js';
import { html, pageContext, requireUser } from './pages.routes.js';

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

function readForm(src: Record<string, unknown>): EstimateForm {
  const groups: Record<string, string> = {};
  for (const [k, v] of Object.entries(src)) if (k.startsWith('list_') && typeof v === 'string') groups[k.slice(5)] = v.trim().slice(0, 80);
  return {
    run: str(src.run),
    year: /^\d{4}$/.test(str(src.year)) ? str(src.year) : '',
    actType: /^[a-z_]{1,60}$/.test(str(src.act_type)) ? str(src.act_type) : '',
    state: /^[A-Z]{2}-[A-Z0-9]{1,3}$/.test(str(src.state)) ? str(src.state) : '',
    method: str(src.method) === 'loglinear' ? 'loglinear' : 'all',
    groups,
  };
}

export async function estimateRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx } = services;
  const lcmcr = {
    burnIn: pageLcmcrSettings.burnIn!,
    samples: pageLcmcrSettings.samples!,
    thinning: pageLcmcrSettings.thinning!,
    seed: pageLcmcrSettings.seed!,
  };

  const actorOf = (req: FastifyRequest): UserActor => {
    const a = req.actor as UserActor;
    if (!can(a, 'linkage.run')) throw new AppError('forbidden');
    return a;
  };

  const render = async (req: FastifyRequest, reply: FastifyReply, actor: UserActor, form: EstimateForm, outcome?: EstimateOutcome, error?: string) => {
    const runs = await listLinkageRuns(ctx, actor);
    if (!form.run && runs[0]) form.run = runs[0].id;
    const choices = form.run ? await runStrata(ctx, actor, form.run) : null;
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<EstimatePage pc={pc} runs={runs} form={form} choices={choices} lcmcr={lcmcr} outcome={outcome} error={error} />));
  };

  app.get('/estimate', async (req, reply) => {
    if (!requireUser(req, reply)) return reply;
    const actor = actorOf(req);
    return render(req, reply, actor, readForm(req.query as Record<string, unknown>));
  });

  app.post('/estimate', async (req, reply) => {
    if (!requireUser(req, reply)) return reply;
    const actor = actorOf(req);
    const form = readForm((req.body ?? {}) as Record<string, unknown>);
    try {
      const out = await estimateFromRun(ctx, actor, {
        runId: form.run,
        stratum: { ...(form.year ? { year: form.year } : {}), ...(form.actType ? { actType: form.actType } : {}), ...(form.state ? { subdivision: form.state } : {}) },
        groups: form.groups,
        method: form.method,
      });
      return reply.redirect(`/estimate/results/${out.id}`, 303);
    } catch (e) {
      if (!isAppError(e) || e.code === 'not_found' || e.code === 'forbidden') throw e;
      reply.code(e.status);
      return render(req, reply, actor, form, undefined, issuesText(req.lang, e));
    }
  });

  app.get('/estimate/results/:id', async (req, reply) => {
    if (!requireUser(req, reply)) return reply;
    const actor = actorOf(req);
    const out = await getEstimate(ctx, actor, (req.params as { id: string }).id);
    const s = out.settings as { runId: string; stratum: { year?: string; actType?: string; subdivision?: string }; method?: string; lists?: { name: string; members: string[] }[] };
    const groups: Record<string, string> = {};
    for (const l of s.lists ?? []) for (const m of l.members) groups[m] = l.name;
    const form: EstimateForm = {
      run: s.runId,
      year: s.stratum.year ?? '',
      actType: s.stratum.actType ?? '',
      state: s.stratum.subdivision ?? '',
      method: s.method === 'loglinear' ? 'loglinear' : 'all',
      groups,
    };
    return render(req, reply, actor, form, out);
  });
}
