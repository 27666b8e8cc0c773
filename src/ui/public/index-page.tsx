/** The public index of statements: filters by country, language, theme, date and words, without JavaScript. */
import { t, type Lang } from '../../shared/i18n/index.js';
import { formatDate, type PublicIndexEntry, type PublicIndexFilters } from '../../statements/index.js';
import { renderDocument } from '../render.js';
import { PublicLayout } from './public-layout.js';
import { countryLabel, languageName } from './statement-page.js';

export function indexQuery(f: PublicIndexFilters): string {
  const u = new URLSearchParams();
  for (const k of ['country', 'lang', 'theme', 'from', 'to', 'q'] as const) {
    const v = f[k];
    if (v) u.set(k, v);
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

export function renderIndexPage(props: {
  ui: Lang;
  baseUrl: string;
  filters: PublicIndexFilters;
  entries: PublicIndexEntry[];
  facets: { countries: string[]; themes: string[]; languages: string[] };
}): string {
  const { ui, filters: f, entries, facets } = props;
  const base = props.baseUrl.replace(/\/$/, '');
  const query = indexQuery(f);
  const title = t(ui, 'public:index_title');
  const other: Lang = ui === 'es' ? 'en' : 'es';
  const switchParams = new URLSearchParams(query.slice(1));
  // `lang` filters the statements; the interface language travels in `ui` so the two never mix.
  switchParams.set('ui', other);
  return renderDocument(
    <PublicLayout
      head={{
        lang: ui,
        ui,
        title: `${title} · ${t(ui, 'public:site_name')}`,
        description: t(ui, 'public:index_description'),
        canonical: `${base}/statements${query}`,
        feed: `/statements.atom${query}`,
        og: { 'og:type': 'website', 'og:title': title, 'og:description': t(ui, 'public:index_description'), 'og:url': `${base}/statements${query}` },
        switchHref: `/statements?${switchParams.toString()}`,
      }}
    >
      <h1>{title}</h1>
      <form method="get" action="/statements" class="filters" role="search">
        <input type="hidden" name="ui" value={ui} />
        <p>
          <label for="f-q">{t(ui, 'public:filter_q')}</label>
          <input id="f-q" name="q" type="search" value={f.q ?? ''} />
        </p>
        <p>
          <label for="f-country">{t(ui, 'public:filter_country')}</label>
          <select id="f-country" name="country">
            <option value="">{t(ui, 'public:any')}</option>
            {facets.countries.map((c) => (
              <option value={c} selected={f.country?.toUpperCase() === c}>
                {countryLabel(c, ui)}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label for="f-lang">{t(ui, 'public:filter_lang')}</label>
          <select id="f-lang" name="lang">
            <option value="">{t(ui, 'public:any')}</option>
            {facets.languages.map((l) => (
              <option value={l} selected={f.lang?.toLowerCase() === l.toLowerCase()}>
                {languageName(l, ui)}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label for="f-theme">{t(ui, 'public:filter_theme')}</label>
          <select id="f-theme" name="theme">
            <option value="">{t(ui, 'public:any')}</option>
            {facets.themes.map((th) => (
              <option value={th} selected={f.theme === th}>
                {th}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label for="f-from">{t(ui, 'public:filter_from')}</label>
          <input id="f-from" name="from" type="date" value={f.from ?? ''} />
        </p>
        <p>
          <label for="f-to">{t(ui, 'public:filter_to')}</label>
          <input id="f-to" name="to" type="date" value={f.to ?? ''} />
        </p>
        <p>
          <button type="submit">{t(ui, 'public:filter_submit')}</button>
        </p>
      </form>
      <p class="muted" role="status">
        {t(ui, 'public:results', { count: entries.length })} · <a href={`/statements.atom${query}`}>{t(ui, 'public:feed_for_these')}</a>
      </p>
      {entries.length ? (
        <ul class="entries">
          {entries.map((e) => (
            <li lang={e.lang}>
              {e.countries.length ? <p class="kicker">{e.countries.map((c) => countryLabel(c, ui)).join(' · ')}</p> : null}
              <h2>
                <a href={`/statements/${e.versionSlug}`}>{e.title}</a>
              </h2>
              <p class="meta">
                <time datetime={e.statementDate ?? e.publishedAt.toISOString().slice(0, 10)}>{formatDate(e.statementDate ?? e.publishedAt, ui)}</time>
                {e.status === 'withdrawn' ? <span> · {t(ui, 'public:withdrawn')}</span> : null}
                {e.status === 'corrected' ? <span> · {t(ui, 'public:corrected')}</span> : null}
              </p>
              <p>{e.lead}</p>
              {e.versions.length > 1 ? (
                <p class="meta">
                  {e.versions
                    .filter((v) => v.lang !== e.lang)
                    .map((v) => (
                      <a href={`/statements/${v.slug}`} hreflang={v.lang} lang={v.lang} class="lang-link">
                        {languageName(v.lang, v.lang)}
                      </a>
                    ))}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t(ui, 'public:no_results')}</p>
      )}
    </PublicLayout>,
  );
}
