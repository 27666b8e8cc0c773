/** The analyst's page: pick a country, act type, kind of victim, unit and period; see the trend. */
import type { RenderedChart } from '../charts/index.js';
import { terms } from '../../vocab/index.js';
import { countries } from '../../vocab/places.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { ChartFigure } from './chart-figure.js';

export interface AnalysisParams {
  country: string;
  actType: string;
  victimKind: string;
  unit: 'incidents' | 'acts' | 'victims';
  from: string;
  to: string;
}

export function analysisQueryString(p: AnalysisParams): string {
  const u = new URLSearchParams();
  u.set('country', p.country);
  if (p.actType) u.set('act_type', p.actType);
  if (p.victimKind) u.set('victim_kind', p.victimKind);
  u.set('unit', p.unit);
  if (p.from) u.set('from', p.from);
  if (p.to) u.set('to', p.to);
  return u.toString();
}

export function AnalysisPage(props: {
  pc: PageContext;
  params: AnalysisParams;
  monthly: RenderedChart | null;
  byType: RenderedChart | null;
  map: RenderedChart | null;
  sentence: string;
  dominance?: string;
  method: { method: string; replicates: number; seed: number };
  excluded: { undated: number; imprecise: number };
  following: boolean;
}) {
  const { pc, params } = props;
  const { t } = pc;
  const qs = analysisQueryString(params);
  const actTypes = terms('act_type', pc.lang, { groups: true });
  return (
    <Layout pc={pc} title={t('analysis:title')} wide>
      <h1>{t('analysis:title')}</h1>
      <p>{t('analysis:intro')}</p>
      <form method="get" action="/analysis" class="analysis-form">
        <fieldset>
          <legend>{t('analysis:form.legend')}</legend>
          <div>
            <label for="country">{t('analysis:form.country')}</label>
            <select id="country" name="country">
              {countries(pc.lang).map((c) => (
                <option value={c.code} selected={c.code === params.country}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="act_type">{t('analysis:form.act_type')}</label>
            <select id="act_type" name="act_type">
              <option value="">{t('analysis:form.any_act_type')}</option>
              {actTypes.map((a) => (
                <option value={a.code} selected={a.code === params.actType}>
                  {a.parent ? `— ${a.label}` : a.label}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="victim_kind">{t('analysis:form.victim_kind')}</label>
            <select id="victim_kind" name="victim_kind">
              <option value="">{t('analysis:form.any_victim_kind')}</option>
              {(['person', 'organisation', 'group'] as const).map((k) => (
                <option value={k} selected={k === params.victimKind}>
                  {t(`analysis:values.victim_kind.${k}`)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="unit">{t('analysis:form.unit')}</label>
            <select id="unit" name="unit">
              {(['incidents', 'acts', 'victims'] as const).map((u) => (
                <option value={u} selected={u === params.unit}>
                  {t(`analysis:units.${u}`)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="from">{t('analysis:form.from')}</label>
            <input id="from" name="from" value={params.from} inputmode="numeric" pattern="\d{4}(-\d{2})?" size={8} />
          </div>
          <div>
            <label for="to">{t('analysis:form.to')}</label>
            <input id="to" name="to" value={params.to} inputmode="numeric" pattern="\d{4}(-\d{2})?" size={8} />
          </div>
          <button type="submit">{t('analysis:form.submit')}</button>
        </fieldset>
      </form>
      <p class="hint">{t(`analysis:unit_notes.${params.unit}`)}</p>

      <section aria-labelledby="escalation-heading">
        <h2 id="escalation-heading">{t('analysis:page.escalation_heading')}</h2>
        <p class="sentence" id="escalation-sentence">
          {props.sentence}
        </p>
        {props.dominance ? (
          <p class="sentence" id="unit-dominance">
            {props.dominance}
          </p>
        ) : null}
        <p class="hint">{t('analysis:page.method_note', props.method)}</p>
        {props.excluded.undated || props.excluded.imprecise ? <p class="hint">{t('analysis:page.excluded', props.excluded)}</p> : null}
      </section>

      {props.monthly ? (
        <ChartFigure pc={pc} chart={props.monthly} id="monthly" svgHref={`/analysis/chart.svg?${qs}`} csvHref={`/analysis/data.csv?${qs}`} />
      ) : (
        <p class="muted">{t('analysis:page.no_data')}</p>
      )}
      {props.byType ? (
        <>
          <ChartFigure pc={pc} chart={props.byType} id="by-type" svgHref={`/analysis/chart.svg?${qs}&chart=act_type`} csvHref={`/analysis/data.csv?${qs}&chart=act_type`} />
          <p class="hint" id="by-type-note">
            {t('analysis:dominance.by_type_note')}
          </p>
        </>
      ) : null}
      {props.map ? (
        <ChartFigure pc={pc} chart={props.map} id="map" svgHref={`/analysis/chart.svg?${qs}&chart=map`} csvHref={`/analysis/data.csv?${qs}&chart=map`} />
      ) : params.country !== 'VE' ? (
        <p class="hint">{t('analysis:page.map_other_country')}</p>
      ) : null}

      <section aria-labelledby="follow-heading">
        <h2 id="follow-heading">{t('analysis:page.follow_heading')}</h2>
        <p>{props.following ? t('analysis:page.following') : t('analysis:page.follow_text')}</p>
        <form method="post" action={props.following ? '/analysis/unfollow' : '/analysis/follow'} class="inline">
          <input type="hidden" name="_csrf" value={pc.csrf} />
          <input type="hidden" name="country" value={params.country} />
          <input type="hidden" name="act_type" value={params.actType} />
          <button type="submit" class={props.following ? 'button secondary' : 'button'}>
            {props.following ? t('analysis:page.unfollow_button') : t('analysis:page.follow_button')}
          </button>
        </form>
        <p>
          <a href="/notifications">{t('analysis:page.notifications_link')}</a>
        </p>
      </section>
    </Layout>
  );
}
