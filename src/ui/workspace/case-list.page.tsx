/** The case list: search, facets with counts, sort, keyset paging and CSV of exactly what is filtered. */
import type { Facet, FacetCounts, Presented } from '../../records/index.js';
import { OpenReportsBanner } from '../intake/queue-pages.js';
import { countryName, isCountry, isSubdivision, subdivisionName } from '../../vocab/places.js';
import { dateRangeLabel, placeLabel, vocabLabel } from '../format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

/** Query parameters of the list that are filters (kept across facet links, sort and paging). */
export const filterParams = ['q', 'country', 'subdivision', 'actType', 'perpetratorType', 'sector', 'organisation', 'visibility', 'from', 'to', 'sort'] as const;

export function listHref(base: Record<string, string>, change: Record<string, string | null>, path = '/incidents'): string {
  const u = new URLSearchParams();
  const merged: Record<string, string | null> = { ...base, ...change };
  for (const k of filterParams) {
    const v = merged[k];
    if (v) u.set(k, v);
  }
  if (change.cursor) u.set('cursor', change.cursor);
  const s = u.toString();
  return s ? `${path}?${s}` : path;
}

const facetOrder: Facet[] = ['country', 'subdivision', 'year', 'actType', 'perpetratorType', 'sector', 'organisation', 'visibility'];

export function facetLabel(pc: PageContext, facet: Facet, value: string, label?: string): string {
  switch (facet) {
    case 'country':
      return isCountry(value) ? countryName(value, pc.lang) : value;
    case 'subdivision':
      return isSubdivision(value) ? subdivisionName(value, pc.lang) : value;
    case 'actType':
      return vocabLabel('act_type', value, pc.lang);
    case 'perpetratorType':
      return vocabLabel('perpetrator_type', value, pc.lang);
    case 'sector':
      return vocabLabel('defender_sector', value, pc.lang);
    case 'visibility':
      return pc.t(`ui:visibility.${value}`);
    case 'organisation':
      return label ?? value;
    case 'year':
      return value;
  }
}

function selectedValue(base: Record<string, string>, facet: Facet): string | null {
  if (facet === 'year') return base.from && base.from === base.to && /^\d{4}$/.test(base.from) ? base.from : null;
  return base[facet] ?? null;
}

function facetChange(facet: Facet, value: string | null): Record<string, string | null> {
  if (facet === 'year') return { from: value, to: value };
  return { [facet]: value };
}

export function CaseListPage(props: {
  pc: PageContext;
  base: Record<string, string>;
  items: Presented[];
  rankedAmong?: number | undefined;
  facets: FacetCounts;
  nextHref: string | null;
  paged: boolean;
  orgNames: Map<string, string>;
  openReports?: number | null;
  canShare?: boolean;
  sharedCount?: number | null;
}) {
  const { pc, base, facets } = props;
  const { t } = pc;
  const active = facetOrder.filter((f) => selectedValue(base, f));
  return (
    <Layout pc={pc} title={t('workspace:list.title')} wide>
      {props.sharedCount != null ? (
        <p class="notice ok-notice" role="status">
          {t('workspace:sharing.bulk_done', { count: props.sharedCount })}
        </p>
      ) : null}
      <div class="list-head">
        <h1>{t('workspace:list.title')}</h1>
        <a class="button" href="/incidents/new">
          {t('workspace:list.new')}
        </a>
      </div>
      <OpenReportsBanner pc={pc} count={props.openReports ?? null} />
      <form method="get" action="/incidents" class="list-search" role="search">
        {facetOrder.filter((f) => f !== 'year').map((f) => (base[f] ? <input type="hidden" name={f} value={base[f]} /> : null))}
        <div class="field grow">
          <label for="q">
            {t('workspace:list.search')}
            <span class="hint" id="q-hint">
              {t('workspace:list.search_hint')}
            </span>
          </label>
          <input id="q" name="q" type="search" value={base.q ?? ''} aria-describedby="q-hint" />
        </div>
        <div class="field">
          <label for="from">{t('workspace:list.from')}</label>
          <input id="from" name="from" type="text" inputmode="numeric" size={10} maxlength={10} placeholder={t('workspace:list.date_hint')} value={base.from ?? ''} />
        </div>
        <div class="field">
          <label for="to">{t('workspace:list.to')}</label>
          <input id="to" name="to" type="text" inputmode="numeric" size={10} maxlength={10} placeholder={t('workspace:list.date_hint')} value={base.to ?? ''} />
        </div>
        <div class="field sort">
          <label for="sort">{t('workspace:list.sort')}</label>
          <select id="sort" name="sort">
            {(['entered', 'date', 'title', 'relevance'] as const).map((s) => (
              <option value={s} selected={(base.sort ?? 'entered') === s}>
                {t(`workspace:list.sort_${s}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t('workspace:list.search_button')}</button>
      </form>
      <div class="list-layout">
        <aside class="facets" aria-labelledby="facets-title">
          <details open>
            <summary id="facets-title">{t('workspace:list.filters')}</summary>
            {active.length ? (
              <ul class="active-filters">
                {active.map((f) => {
                  const v = selectedValue(base, f)!;
                  const lbl = facetLabel(pc, f, v, props.orgNames.get(v));
                  return (
                    <li>
                      <a href={listHref(base, facetChange(f, null))}>{t('workspace:list.remove_filter', { label: `${t(`workspace:list.facet.${f}`)}: ${lbl}` })}</a>
                    </li>
                  );
                })}
                <li>
                  <a href="/incidents">{t('workspace:list.clear')}</a>
                </li>
              </ul>
            ) : null}
            {facetOrder.map((f) =>
              facets.facets[f].length ? (
                <nav class="facet" aria-label={t(`workspace:list.facet.${f}`)}>
                  <h2>{t(`workspace:list.facet.${f}`)}</h2>
                  <ul>
                    {facets.facets[f].slice(0, 12).map((v) => {
                      const on = selectedValue(base, f) === v.value;
                      const lbl = facetLabel(pc, f, v.value, v.label);
                      return (
                        <li>
                          <a href={listHref(base, facetChange(f, on ? null : v.value))} aria-current={on ? 'true' : undefined} class={on ? 'on' : undefined}>
                            {lbl}{' '}
                            {v.atLeast ? (
                              <span class="count" title={t('workspace:list.at_least', { count: v.count })}>
                                {v.count}+
                              </span>
                            ) : (
                              <span class="count">{v.count}</span>
                            )}
                            {on ? <span class="visually-hidden"> ({t('workspace:list.selected')})</span> : null}
                          </a>
                        </li>
                      );
                    })}
                  </ul>
                </nav>
              ) : null,
            )}
          </details>
        </aside>
        <section class="results" aria-labelledby="results-count">
          <p id="results-count" class="total" role="status">
            {facets.totalAtLeast ? t('workspace:list.total_at_least', { count: facets.total - 1 }) : t('workspace:list.total', { count: facets.total })}
          </p>
          {props.rankedAmong !== undefined ? <p class="muted">{t('workspace:list.ranked_among', { count: props.rankedAmong })}</p> : null}
          <a class="to-filters" href="#facets-title">
            {t('workspace:list.filters')}
          </a>
          {props.items.length === 0 ? (
            <p class="muted">{t('workspace:list.none')}</p>
          ) : (
            <ul class="cards">
              {props.items.map((i) => (
                <li class="card">
                  <h2>
                    <a href={`/incidents/${i.id}`}>{String(i.title)}</a>
                  </h2>
                  <p class="meta">
                    {[dateRangeLabel(i, pc.lang), placeLabel(i, pc.lang), vocabLabel('incident_status', i.status, pc.lang), t(`ui:visibility.${String(i.visibility)}`), props.orgNames.get(i.organisationId) ?? '']
                      .filter(Boolean)
                      .join(' · ')}
                  </p>
                </li>
              ))}
            </ul>
          )}
          <p class="pager">
            {props.paged ? <a href={listHref(base, {})}>{t('workspace:list.first_page')}</a> : null}
            {props.nextHref ? (
              <a href={props.nextHref} rel="next">
                {t('workspace:list.next_page')}
              </a>
            ) : null}
          </p>
          <p>
            <a href={listHref(base, {}, '/incidents.csv')} download>
              {t('workspace:list.csv')}
            </a>
            <span class="hint">{t('workspace:list.csv_hint')}</span>
          </p>
          {props.canShare ? (
            <p>
              <a href={listHref(base, {}, '/incidents/share')}>{t('workspace:sharing.bulk_link')}</a>
            </p>
          ) : null}
        </section>
      </div>
    </Layout>
  );
}
