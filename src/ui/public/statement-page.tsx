/** A published statement in one language: what a reader, a journalist or a printer needs. */
import { raw } from 'hono/html';
import { t } from '../../shared/i18n/index.js';
import { excerpt, formatDate, markdownToText, uiLang, type PublicStatement } from '../../statements/index.js';
import { countryName, isCountry } from '../../vocab/places.js';
import { renderDocument } from '../render.js';
import { PublicLayout } from './public-layout.js';

/** A language's name as it reads inside a sentence ("Versión en español", "Version in English"). */
export function languageInSentence(tag: string, inLang: string): string {
  try {
    return new Intl.DisplayNames([inLang], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

export function languageName(tag: string, inLang: string): string {
  try {
    const n = new Intl.DisplayNames([inLang], { type: 'language' }).of(tag);
    return n ? n.charAt(0).toLocaleUpperCase(inLang) + n.slice(1) : tag;
  } catch {
    return tag;
  }
}

export function countryLabel(code: string, ui: 'es' | 'en'): string {
  return isCountry(code) ? countryName(code, ui) : code;
}

export function renderStatementPage(st: PublicStatement, baseUrl: string): string {
  const ui = uiLang(st.lang);
  const base = baseUrl.replace(/\/$/, '');
  const url = `${base}/statements/${st.versionSlug}`;
  const date = st.statementDate ?? st.publishedAt.toISOString().slice(0, 10);
  const description = excerpt(st.lead || markdownToText(st.body), 160);
  const heroUrl = (w: number) => `/statements/media/${st.hero!.key}-${w}.jpg`;
  const others = st.versions.filter((v) => v.lang !== st.lang);
  const countryLine = st.countries.map((c) => countryLabel(c, ui)).join(' · ');
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: st.title.slice(0, 110),
    description,
    inLanguage: st.lang,
    datePublished: st.publishedAt.toISOString(),
    dateModified: st.updatedAt.toISOString(),
    mainEntityOfPage: url,
    url,
    author: st.signatories.length ? st.signatories.map((name) => ({ '@type': 'Organization', name })) : [{ '@type': 'Organization', name: st.coordinator }],
    publisher: { '@type': 'Organization', name: st.coordinator },
    ...(st.hero ? { image: [`${base}${heroUrl(1600)}`] } : {}),
    ...(st.countries.length ? { contentLocation: st.countries.map((c) => ({ '@type': 'Country', name: countryLabel(c, 'en'), identifier: c })) } : {}),
  };
  const og: Record<string, string> = {
    'og:type': 'article',
    'og:title': st.title,
    'og:description': description,
    'og:url': url,
    'og:locale': st.lang.replace('-', '_'),
    'og:site_name': t(ui, 'public:site_name'),
    'article:published_time': st.publishedAt.toISOString(),
    'article:modified_time': st.updatedAt.toISOString(),
  };
  if (st.hero) {
    og['og:image'] = `${base}${heroUrl(1600)}`;
    if (st.heroAlt) og['og:image:alt'] = st.heroAlt;
  }
  const alternates = [...st.versions.map((v) => ({ lang: v.lang, href: `${base}/statements/${v.slug}` })), { lang: 'x-default', href: `${base}/statements/${st.versions.find((v) => v.lang === st.sourceLang)?.slug ?? st.versionSlug}` }];
  return renderDocument(
    <PublicLayout head={{ lang: st.lang, ui, title: `${st.title} · ${t(ui, 'public:site_name')}`, description, canonical: url, alternates, og, jsonLd, feed: '/statements.atom' }}>
      <article class="statement">
        {st.status === 'withdrawn' ? (
          <div class="notice withdrawn" role="note">
            <p>
              <strong>{t(ui, 'public:withdrawn_notice', { date: formatDate(st.withdrawnAt ?? st.updatedAt, st.lang) })}</strong>
            </p>
            {st.withdrawalNote ? <p>{st.withdrawalNote}</p> : null}
          </div>
        ) : null}
        {countryLine ? <p class="kicker">{countryLine}</p> : null}
        <h1>{st.title}</h1>
        <p class="meta">
          <time datetime={date}>{formatDate(date, st.lang)}</time>
          {st.imported ? <span> · {t(ui, 'public:archive_entry')}</span> : null}
          <span class="publisher"> · {t(ui, 'public:published_by', { name: st.coordinator })}</span>
        </p>
        {others.length ? (
          <nav class="versions" aria-label={t(ui, 'public:other_languages')}>
            <ul>
              {others.map((v) => (
                <li>
                  <a href={`/statements/${v.slug}`} hreflang={v.lang} lang={v.lang}>
                    {t(uiLang(v.lang), 'public:version_in', { language: languageInSentence(v.lang, v.lang) })}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        {st.hero ? (
          <figure class="hero">
            <img
              src={heroUrl(800)}
              srcset={`${heroUrl(800)} 800w, ${heroUrl(1600)} 1600w`}
              sizes="(max-width: 48rem) 100vw, 48rem"
              width={String(st.hero.width)}
              height={String(st.hero.height)}
              alt={st.heroAlt ?? ''}
            />
            {st.hero.credit ? <figcaption>{t(ui, 'public:photo_credit', { credit: st.hero.credit })}</figcaption> : null}
          </figure>
        ) : null}
        <p class="lead">{st.lead}</p>
        <div class="body">{raw(st.bodyHtml)}</div>
        {st.corrections.length ? (
          <section class="corrections" aria-labelledby="corrections-h">
            <h2 id="corrections-h">{t(ui, 'public:corrections')}</h2>
            <ul>
              {st.corrections.map((c) => (
                <li>
                  <time datetime={c.at.toISOString().slice(0, 10)}>{formatDate(c.at, st.lang)}</time>: {c.note}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <section class="signatories" aria-labelledby="signatories-h">
          <h2 id="signatories-h">{t(ui, 'public:signatories')}</h2>
          {st.signatories.length ? (
            <ul>
              {st.signatories.map((n) => (
                <li>{n}</li>
              ))}
            </ul>
          ) : (
            <p>{t(ui, 'public:no_signatories')}</p>
          )}
          {st.individuals > 0 ? <p class="individuals">{t(ui, 'public:and_individuals', { count: st.individuals })}</p> : null}
          {st.openSignon && st.status !== 'withdrawn' ? (
            <p>
              <a href={`/statements/${st.versionSlug}/sign`}>{t(ui, 'public:add_your_name')}</a>
            </p>
          ) : null}
        </section>
        {st.cases.length ? (
          <section class="cases" aria-labelledby="cases-h">
            <h2 id="cases-h">{t(ui, 'public:cases')}</h2>
            <ul>
              {st.cases.map((c) => (
                <li>
                  {c.title}
                  {c.month || c.country ? <span class="muted"> ({[c.month, c.country ? countryLabel(c.country, ui) : ''].filter(Boolean).join(', ')})</span> : null}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {st.press.name || st.press.email || st.press.phone ? (
          <section class="press" aria-labelledby="press-h">
            <h2 id="press-h">{t(ui, 'public:press_contact')}</h2>
            <p>
              {st.press.name ? <span>{st.press.name}</span> : null}
              {st.press.email ? (
                <span>
                  {' '}
                  · <a href={`mailto:${st.press.email}`}>{st.press.email}</a>
                </span>
              ) : null}
              {st.press.phone ? <span> · {st.press.phone}</span> : null}
            </p>
          </section>
        ) : null}
        <p class="actions">
          <a href={`/statements/${st.versionSlug}.pdf`} type="application/pdf">
            {t(ui, 'public:download_pdf')}
          </a>
          {st.translator ? <span class="muted"> · {t(ui, 'public:translated_by', { name: st.translator })}</span> : null}
        </p>
      </article>
    </PublicLayout>,
  );
}
