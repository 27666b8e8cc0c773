/** The public dashboard of one country: protected counts of published incidents, with honest captions. */
import type { Dashboard } from '../../portal/index.js';
import type { RenderedChart } from '../charts/index.js';
import { ChartFigure } from '../analysis/chart-figure.js';
import { dateTimeLabel } from '../format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export function DashboardPage(props: {
  pc: PageContext;
  dashboard: Dashboard;
  countryName: string;
  monthly: RenderedChart | null;
  byType: RenderedChart | null;
  map: RenderedChart | null;
}) {
  const { pc, dashboard: d } = props;
  const { t } = pc;
  const base = `/dashboards/${d.country}`;
  const total = d.monthly.total;
  return (
    <Layout pc={pc} title={t('dashboards:title', { country: props.countryName })} wide>
      <h1>{t('dashboards:title', { country: props.countryName })}</h1>
      <p>{t('dashboards:intro', { k: d.k })}</p>
      <ul class="hint">
        <li>{t('dashboards:caption.unit')}</li>
        <li>{t('dashboards:caption.published_only')}</li>
        <li>{t('dashboards:caption.suppressed', { k: d.k })}</li>
        <li>{t('dashboards:caption.months', { n: d.excludedYearOnly })}</li>
        <li>{t('dashboards:caption.no_names')}</li>
        <li>{t('dashboards:caption.released', { at: dateTimeLabel(new Date(d.releasedAt).toISOString(), pc.lang, pc.timeZone) })}</li>
      </ul>
      <p class="total" id="dashboard-total">
        {total && !total.suppressed && total.value !== null ? t('dashboards:total', { n: total.value }) : t('dashboards:total_withheld', { k: d.k })}
      </p>
      <section aria-labelledby="trend-heading">
        <h2 id="trend-heading">{t('dashboards:trend_heading')}</h2>
        {d.escalation ? (
          <p class="sentence" id="dashboard-sentence">
            {d.escalation.sentence}
          </p>
        ) : (
          <p class="hint">{t('dashboards:no_sentence', { k: d.k })}</p>
        )}
        {props.monthly ? (
          <ChartFigure pc={pc} chart={props.monthly} id="dash-monthly" svgHref={`${base}/chart.svg`} csvHref={`${base}/data.csv`} />
        ) : (
          <p class="muted">{t('dashboards:no_data')}</p>
        )}
      </section>
      {props.byType ? (
        <ChartFigure pc={pc} chart={props.byType} id="dash-type" svgHref={`${base}/chart.svg?chart=act_type`} csvHref={`${base}/data.csv?chart=act_type`} caption={t('dashboards:caption.by_type')} />
      ) : null}
      {props.map ? <ChartFigure pc={pc} chart={props.map} id="dash-map" svgHref={`${base}/chart.svg?chart=map`} csvHref={`${base}/data.csv?chart=map`} /> : null}
    </Layout>
  );
}
