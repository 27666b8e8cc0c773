/**
 * Public dashboards per country (no sign-in): counts, monthly trend and map of published incidents,
 * every figure protected and registered by portal/ before it reaches this file.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { countryDashboard, type Dashboard, type PublicCell, type PublicTable } from '../../portal/index.js';
import { AppError } from '../../shared/errors.js';
import type { Lang } from '../../shared/i18n/index.js';
import { t } from '../../shared/i18n/index.js';
import { countName } from '../../trends/index.js';
import { isCountry } from '../../vocab/places.js';
import { facetBarChart, monthlyChart, stateMap } from '../../ui/analysis/analysis-charts.js';
import { toCsv, type CellInput, type RenderedChart } from '../../ui/charts/index.js';
import { DashboardPage } from '../../ui/dashboards/dashboard-page.js';
import { renderDocument } from '../../ui/render.js';
import type { Services } from '../services.js';
import { html, pageContext } from './pages.routes.js';

function countryParam(raw: string): string {
  const c = raw.toUpperCase();
  if (!/^[A-Z]{2}$/.test(c) || !isCountry(c)) {
    throw new AppError('bad_input', { issues: [{ path: ['country'], key: 'dashboards:errors.bad_country', values: { value: raw.slice(0, 10) } }] });
  }
  return c;
}

const cell = (c: PublicCell): CellInput => (c.suppressed ? { value: null, suppressed: true } : c.value);

function rowsOf(tbl: PublicTable): { key: string | null; value: CellInput }[] {
  // Zero categories carry no information worth a bar; suppressed ones are kept (shown as "< k").
  return tbl.categories.map((c, i) => ({ key: c === 'unknown' ? null : c, value: cell(tbl.cells[i]!) })).filter((r) => r.value !== 0);
}

function charts(d: Dashboard, lang: Lang) {
  const country = countName(d.country, lang);
  const monthly: RenderedChart | null = d.monthly.categories.length
    ? monthlyChart({
        lang,
        title: t(lang, 'dashboards:monthly_title', { country }),
        unit: 'incidents',
        points: d.monthly.categories.map((p, i) => ({ period: p, value: cell(d.monthly.cells[i]!) })),
        escalation: d.escalation && d.escalation.changePeriod ? { status: 'change', changePeriod: d.escalation.changePeriod, rateBefore: null, rateAfter: null } : null,
        k: d.k,
        showRates: false,
      })
    : null;
  const typeRows = rowsOf(d.byActType);
  const byType = typeRows.length ? facetBarChart({ lang, title: t(lang, 'dashboards:by_type_title', { country }), unit: 'incidents', facet: 'act_type', rows: typeRows, k: d.k }) : null;
  const stateRows = rowsOf(d.byState);
  const map = d.country === 'VE' && stateRows.length ? stateMap({ lang, title: t(lang, 'dashboards:map_title', { country }), unit: 'incidents', rows: stateRows, k: d.k }) : null;
  return { monthly, byType, map };
}

export async function dashboardRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx, config } = services;

  app.get<{ Params: { country: string } }>('/dashboards/:country', async (req, reply) => {
    const country = countryParam(req.params.country);
    const d = await countryDashboard(ctx.db, country, config.disclosureK, req.lang, req.readCtx().db);
    const pc = await pageContext(req, reply, services);
    // Visitors' browsers may keep the public page and revalidate it (ETag); a signed-in user's never.
    if (!pc.user) reply.header('cache-control', 'private, no-cache');
    return html(reply, renderDocument(<DashboardPage pc={pc} dashboard={d} countryName={countName(country, req.lang)} {...charts(d, req.lang)} />));
  });

  const download = (ext: 'svg' | 'csv') => async (req: FastifyRequest<{ Params: { country: string } }>, reply: FastifyReply) => {
    const country = countryParam(req.params.country);
    const which = String((req.query as Record<string, unknown>).chart ?? 'monthly');
    const d = await countryDashboard(ctx.db, country, config.disclosureK, req.lang, req.readCtx().db);
    const c = charts(d, req.lang);
    const chart = which === 'act_type' ? c.byType : which === 'map' ? c.map : which === 'monthly' ? c.monthly : null;
    if (!chart) throw new AppError('not_found');
    reply.header('content-disposition', `attachment; filename="atalaya-${country}-${which.replace(/[^a-z_]/g, '')}.${ext}"`);
    if (ext === 'svg') return reply.type('image/svg+xml; charset=utf-8').send(chart.svg);
    return reply.type('text/csv; charset=utf-8').send(toCsv(chart.table, req.lang === 'es' ? { delimiter: ';', bom: true } : {}));
  };
  app.get('/dashboards/:country/chart.svg', download('svg'));
  app.get('/dashboards/:country/data.csv', download('csv'));
}
