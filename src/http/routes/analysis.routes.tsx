/**
 * Analyst pages (signed in): /analysis with its chart and data downloads, follow/unfollow, and
 * /notifications. Every count runs in the user's read scope with the configured statement timeout.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import type { Lang } from '../../shared/i18n/index.js';
import { t } from '../../shared/i18n/index.js';
import {
  analyseEscalation,
  countRecords,
  escalationSentence,
  escalationSubject,
  followTopic,
  isFollowing,
  listFollows,
  listNotifications,
  markNotificationsRead,
  parseCountQuery,
  unfollowTopic,
  type EscalationRequest,
  type Facet,
} from '../../trends/index.js';
import { facetBarChart, facetRows, monthlyChart, stateMap } from '../../ui/analysis/analysis-charts.js';
import { AnalysisPage, analysisQueryString, type AnalysisParams } from '../../ui/analysis/analysis-page.js';
import { NotificationsPage } from '../../ui/analysis/notifications-page.js';
import { toCsv, type RenderedChart } from '../../ui/charts/index.js';
import type { Ctx, UserActor } from '../../access/index.js';
import { renderDocument } from '../../ui/render.js';
import type { Services } from '../services.js';
import { dashboardRoutes } from './dashboard.routes.js';
import { unitDominanceSentence } from '../../ui/analysis/unit-dominance.js';
import { html, pageContext, requireUser } from './pages.routes.js';

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

/** Reads and validates the page's parameters (errors name the field, in the user's language). */
export function readParams(query: unknown): AnalysisParams {
  const q = (query ?? {}) as Record<string, unknown>;
  const unit = str(q.unit) || 'incidents';
  const p = { country: (str(q.country) || 'VE').toUpperCase(), actType: str(q.act_type), victimKind: str(q.victim_kind), unit, from: str(q.from), to: str(q.to) };
  const where = [`country=${p.country}`, ...(p.actType ? [`act_type=${p.actType}`] : []), ...(p.victimKind ? [`victim_kind=${p.victimKind}`] : [])].join(',');
  parseCountQuery({ unit, where, from: p.from || undefined, to: p.to || undefined });
  return p as AnalysisParams;
}

function requestOf(p: AnalysisParams): EscalationRequest {
  const where: Partial<Record<Facet, string[]>> = p.victimKind ? { victim_kind: [p.victimKind] } : {};
  return { unit: p.unit, country: p.country, actType: p.actType || undefined, where, from: p.from || undefined, to: p.to || undefined };
}

function filterOf(p: AnalysisParams, without?: 'act_type'): Partial<Record<Facet, string[]>> {
  return {
    country: [p.country],
    ...(p.actType && without !== 'act_type' ? { act_type: [p.actType] } : {}),
    ...(p.victimKind ? { victim_kind: [p.victimKind] } : {}),
  };
}

interface Charts {
  monthly: RenderedChart | null;
  byType: RenderedChart | null;
  map: RenderedChart | null;
  sentence: string;
  /** Set when a few incidents with many victims (or acts) make the change counted in that unit. */
  dominance: string;
  method: { method: string; replicates: number; seed: number };
  excluded: { undated: number; imprecise: number };
}

/** `rc`: the context reads go through (a read replica may serve the counts). */
async function buildCharts(services: Services, rc: Ctx, actor: UserActor, p: AnalysisParams, lang: Lang, only?: string): Promise<Charts> {
  const { ctx, config } = services;
  const opts = { timeoutMs: config.statementTimeoutMs };
  const req = requestOf(p);
  const subject = escalationSubject(req, lang);
  let monthly: RenderedChart | null = null;
  let sentence = '';
  let dominance = '';
  let method = { method: '', replicates: 0, seed: 0 };
  let excluded = { undated: 0, imprecise: 0 };
  if (!only || only === 'monthly') {
    const a = await analyseEscalation(ctx, actor, req, opts, rc.db);
    sentence = escalationSentence(a, req, lang);
    method = { method: a.result.method, replicates: a.replicates, seed: a.seed };
    excluded = a.excluded;
    if (p.unit === 'victims' || p.unit === 'acts') {
      const byIncident = await analyseEscalation(ctx, actor, { ...req, unit: 'incidents' }, opts);
      dominance = unitDominanceSentence(lang, p.unit, a.series, byIncident.series);
    }
    if (a.series.length > 0) {
      monthly = monthlyChart({ lang, title: t(lang, 'analysis:page.monthly_title', { subject }), unit: p.unit, points: a.series.map((s) => ({ period: s.period, value: s.count })), escalation: a.result });
    }
  }
  let byType: RenderedChart | null = null;
  if (!only || only === 'act_type') {
    const r = await countRecords(rc, actor, { unit: p.unit, by: ['act_type'], where: filterOf(p), from: p.from || undefined, to: p.to || undefined }, opts);
    const rows = facetRows(r.rows, 'act_type');
    if (rows.length) byType = facetBarChart({ lang, title: t(lang, 'analysis:page.by_type_title', { subject }), unit: p.unit, facet: 'act_type', rows });
  }
  let map: RenderedChart | null = null;
  if ((!only || only === 'map') && p.country === 'VE') {
    const r = await countRecords(rc, actor, { unit: p.unit, by: ['subdivision'], where: filterOf(p), from: p.from || undefined, to: p.to || undefined }, opts);
    const rows = facetRows(r.rows, 'subdivision');
    if (rows.length) map = stateMap({ lang, title: t(lang, 'analysis:page.map_title', { subject }), unit: p.unit, rows });
  }
  return { monthly, byType, map, sentence, dominance, method, excluded };
}

function pickChart(c: Charts, which: string): RenderedChart {
  const chart = which === 'act_type' ? c.byType : which === 'map' ? c.map : c.monthly;
  if (!chart) throw new AppError('not_found');
  return chart;
}

function fileName(p: AnalysisParams, which: string, ext: string): string {
  return `atalaya-${p.country}-${p.actType || 'all'}-${p.unit}-${which}.${ext}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

export async function analysisRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx } = services;
  // The public dashboards come with the analysis pages, so the app registers one plugin.
  await app.register(dashboardRoutes, { services });

  app.get('/analysis', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const p = readParams(req.query);
    const charts = await buildCharts(services, req.readCtx(), actor, p, req.lang);
    const pc = await pageContext(req, reply, services);
    const following = await isFollowing(ctx, actor, p.country, p.actType || null);
    return html(reply, renderDocument(<AnalysisPage pc={pc} params={p} {...charts} following={following} />));
  });

  const download = (ext: 'svg' | 'csv') => async (req: FastifyRequest, reply: FastifyReply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const p = readParams(req.query);
    const which = str((req.query as Record<string, unknown>).chart) || 'monthly';
    if (!['monthly', 'act_type', 'map'].includes(which)) throw new AppError('not_found');
    const chart = pickChart(await buildCharts(services, req.readCtx(), actor, p, req.lang, which), which);
    reply.header('content-disposition', `attachment; filename="${fileName(p, which, ext)}"`);
    if (ext === 'svg') return reply.type('image/svg+xml; charset=utf-8').send(chart.svg);
    return reply.type('text/csv; charset=utf-8').send(toCsv(chart.table, req.lang === 'es' ? { delimiter: ';', bom: true } : {}));
  };
  app.get('/analysis/chart.svg', download('svg'));
  app.get('/analysis/data.csv', download('csv'));

  const followBody = (body: unknown) => {
    const b = (body ?? {}) as Record<string, unknown>;
    const country = str(b.country).toUpperCase() || null;
    const actType = str(b.act_type) || null;
    return { country, actType };
  };
  app.post('/analysis/follow', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const { country, actType } = followBody(req.body);
    await followTopic(ctx, actor, country, actType);
    const back = analysisQueryString({ country: country ?? 'VE', actType: actType ?? '', victimKind: '', unit: 'incidents', from: '', to: '' });
    return reply.redirect(`/analysis?${back}`, 303);
  });
  app.post('/analysis/unfollow', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const { country, actType } = followBody(req.body);
    await unfollowTopic(ctx, actor, country, actType);
    const back = analysisQueryString({ country: country ?? 'VE', actType: actType ?? '', victimKind: '', unit: 'incidents', from: '', to: '' });
    return reply.redirect(`/analysis?${back}`, 303);
  });

  app.get('/notifications', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    const pc = await pageContext(req, reply, services);
    const items = await listNotifications(ctx, actor, 100, pc.lang);
    const follows = await listFollows(ctx, actor);
    return html(reply, renderDocument(<NotificationsPage pc={pc} items={items} follows={follows} />));
  });
  app.post('/notifications/read', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    await markNotificationsRead(ctx, actor);
    return reply.redirect('/notifications', 303);
  });
}
