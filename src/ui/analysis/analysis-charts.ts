/** Charts of the analysis and dashboard pages, from counts already computed (and protected, for the public). */
import type { Lang } from '../../shared/i18n/index.js';
import { t } from '../../shared/i18n/index.js';
import { facetValueLabel, type CountRow, type EscalationResult, type Facet, type Unit } from '../../trends/index.js';
import { renderBarChart, renderTimeSeriesChart, type CellInput, type RenderedChart } from '../charts/index.js';
import { renderChoroplethMap } from '../maps/index.js';

export function monthlyChart(opts: {
  lang: Lang;
  title: string;
  unit: Unit;
  points: { period: string; value: CellInput }[];
  escalation?: Pick<EscalationResult, 'status' | 'changePeriod' | 'rateBefore' | 'rateAfter'> | null;
  k?: number;
  /** Public charts do not draw the rates on each side (they may rest on small counts). */
  showRates?: boolean;
}): RenderedChart {
  const e = opts.escalation;
  const change =
    e && e.status === 'change' && e.changePeriod && opts.points.some((p) => p.period === e.changePeriod)
      ? opts.showRates !== false && e.rateBefore !== null && e.rateAfter !== null
        ? { period: e.changePeriod, before: e.rateBefore, after: e.rateAfter }
        : { period: e.changePeriod }
      : undefined;
  return renderTimeSeriesChart({
    lang: opts.lang,
    title: opts.title,
    granularity: 'month',
    periods: opts.points.map((p) => p.period),
    series: [{ name: t(opts.lang, `analysis:units.${opts.unit}`), values: opts.points.map((p) => p.value) }],
    kind: 'bar',
    ...(change ? { changePoint: change } : {}),
    ...(opts.k ? { k: opts.k } : {}),
    valueLabel: t(opts.lang, `analysis:units.${opts.unit}`),
  });
}

export function facetBarChart(opts: { lang: Lang; title: string; unit: Unit; facet: Facet; rows: { key: string | null; value: CellInput }[]; k?: number }): RenderedChart {
  return renderBarChart({
    lang: opts.lang,
    title: opts.title,
    categories: opts.rows.map((r) => ({ label: facetValueLabel(opts.facet, r.key, opts.lang), value: r.value })),
    order: 'desc',
    ...(opts.k ? { k: opts.k } : {}),
    categoryLabel: t(opts.lang, `analysis:facets.${opts.facet}`),
    valueLabel: t(opts.lang, `analysis:units.${opts.unit}`),
  });
}

export function stateMap(opts: { lang: Lang; title: string; unit: Unit; rows: { key: string | null; value: CellInput }[]; k?: number }): RenderedChart {
  return renderChoroplethMap({
    lang: opts.lang,
    title: opts.title,
    map: 've',
    values: opts.rows.filter((r): r is { key: string; value: CellInput } => typeof r.key === 'string' && r.key.startsWith('VE-')).map((r) => ({ code: r.key, value: r.value })),
    ...(opts.k ? { k: opts.k } : {}),
    valueLabel: t(opts.lang, `analysis:units.${opts.unit}`),
  });
}

/** Rows of a one-facet count as chart rows (zeros left out: a bar chart of categories with none is noise). */
export function facetRows(rows: CountRow[], facet: Facet): { key: string | null; value: number }[] {
  return rows.filter((r) => r.count > 0).map((r) => ({ key: r.keys[facet] ?? null, value: r.count }));
}
