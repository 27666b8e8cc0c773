/**
 * Linkage pages (signed in, role with linkage.run): /linkage lists runs and starts one; a run's page
 * shows its figures, the count of distinct attacks and the groups to review (linkage.review) side by
 * side, each act through getRecord, so partners' records appear in the partner view.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can, type UserActor } from '../../access/index.js';
// The platform side of linkage has its own face (src/linkage/platform/index.ts).
import {
  countDistinctAttacksByMonth,
  defaultPlatformConfig,
  getLinkageRun,
  listLinkageRuns,
  presentClusterActs,
  reviewCluster,
  startLinkageRun,
  type DistinctCounts,
} from '../../linkage/platform/index.js';
import { AppError, isAppError } from '../../shared/errors.js';
import { t, type Lang } from '../../shared/i18n/index.js';
import { renderTimeSeriesChart, type RenderedChart } from '../../ui/charts/index.js';
import { LinkageIndexPage, LinkageRunPage } from '../../ui/linkage/linkage-pages.js';
import { renderDocument } from '../../ui/render.js';
import type { Services } from '../services.js';
import { html, pageContext, requireUser } from './pages.routes.js';

/** Every issue of an error, in the user's language, with the field it concerns. */
export function issuesText(lang: Lang, e: unknown): string {
  if (!isAppError(e)) throw e;
  if (e.issues.length === 0) return t(lang, `errors:${e.code}`);
  return e.issues
    .map((i) => {
      const text = i.message ?? t(lang, i.key, i.values);
      return i.path.length ? `${i.path.join('.')}: ${text}` : text;
    })
    .join(' · ');
}

function distinctChart(lang: Lang, counts: DistinctCounts): RenderedChart | null {
  if (counts.months.length === 0) return null;
  return renderTimeSeriesChart({
    lang,
    title: t(lang, 'linkplatform:chart_title'),
    granularity: 'month',
    periods: counts.months.map((m) => m.period),
    series: [
      { name: t(lang, 'linkplatform:series_records'), values: counts.months.map((m) => m.records) },
      { name: t(lang, 'linkplatform:series_attacks'), values: counts.months.map((m) => m.attacks) },
    ],
    kind: 'line',
    // Internal page for the organisation's own analysts: no small-cell suppression.
    k: 1,
  });
}

function linkageActor(req: FastifyRequest): UserActor {
  const a = req.actor as UserActor;
  if (!can(a, 'linkage.run')) throw new AppError('forbidden');
  return a;
}

export async function linkageRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx } = services;

  app.get('/linkage', async (req, reply) => {
    if (!requireUser(req, reply)) return reply;
    const actor = linkageActor(req);
    const pc = await pageContext(req, reply, services);
    const runs = await listLinkageRuns(ctx, actor);
    return html(reply, renderDocument(<LinkageIndexPage pc={pc} runs={runs} canRun defaultConfig={JSON.stringify(defaultPlatformConfig(), null, 2)} />));
  });

  app.post('/linkage/runs', async (req, reply) => {
    if (!requireUser(req, reply)) return reply;
    const actor = linkageActor(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const config = typeof body.config === 'string' ? body.config : undefined;
    try {
      const id = await startLinkageRun(ctx, actor, { config });
      return reply.redirect(`/linkage/runs/${id}?done=created`, 303);
    } catch (e) {
      const error = issuesText(req.lang, e);
      const pc = await pageContext(req, reply, services);
      const runs = await listLinkageRuns(ctx, actor);
      reply.code(isAppError(e) ? e.status : 500);
      return html(reply, renderDocument(<LinkageIndexPage pc={pc} runs={runs} canRun error={error} defaultConfig={config ?? JSON.stringify(defaultPlatformConfig(), null, 2)} />));
    }
  });

  app.get('/linkage/runs/:id', async (req, reply) => {
    if (!requireUser(req, reply)) return reply;
    const actor = linkageActor(req);
    const { id } = req.params as { id: string };
    const run = await getLinkageRun(ctx, actor, id);
    const counts = await countDistinctAttacksByMonth(ctx, actor, id);
    const details = await presentClusterActs(ctx, actor, run.clusters.flatMap((c) => c.members.map((m) => m.actId)));
    const pc = await pageContext(req, reply, services);
    const q = req.query as Record<string, unknown>;
    const flash = q.done === 'created' || q.done === 'confirmed' || q.done === 'split' ? t(req.lang, `linkplatform:${q.done}_flash`) : undefined;
    return html(
      reply,
      renderDocument(<LinkageRunPage pc={pc} run={run} counts={counts} chart={distinctChart(req.lang, counts)} details={details} canReview={can(actor, 'linkage.review')} flash={flash} />),
    );
  });

  app.post('/linkage/runs/:id/clusters/:cluster', async (req, reply) => {
    if (!requireUser(req, reply)) return reply;
    const actor = linkageActor(req);
    const { id, cluster } = req.params as { id: string; cluster: string };
    const body = (req.body ?? {}) as Record<string, unknown>;
    const decision = body.decision === 'confirm' || body.decision === 'split' ? body.decision : ('' as 'confirm');
    const keepRaw = body.keep === undefined ? undefined : [body.keep].flat();
    const keep = keepRaw?.map((k) => Number(k)).filter((k) => Number.isInteger(k) && k >= 0);
    const version = Number(body.version);
    await reviewCluster(ctx, actor, id, cluster, { decision, version: Number.isInteger(version) ? version : -1, keep: decision === 'confirm' ? (keep ?? []) : undefined });
    return reply.redirect(`/linkage/runs/${id}?done=${decision === 'confirm' ? 'confirmed' : 'split'}#cluster-${cluster}`, 303);
  });
}
