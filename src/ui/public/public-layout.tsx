/**
 * The frame of the public statement site: no sign-in, no script, one small stylesheet, and the
 * metadata search engines and link previews read (canonical, hreflang, OpenGraph, JSON-LD).
 */
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { t, type Lang } from '../../shared/i18n/index.js';

export interface PublicHead {
  /** BCP 47 tag of the page's content. */
  lang: string;
  /** Language of the interface strings. */
  ui: Lang;
  title: string;
  description: string;
  canonical: string;
  alternates?: { lang: string; href: string }[];
  og?: Record<string, string>;
  jsonLd?: unknown;
  feed?: string;
  noindex?: boolean;
  /** Link to the same page with the interface in the other language. */
  switchHref?: string;
}

/** JSON for a `<script type="application/ld+json">` block: nothing in it can close the element. */
export function jsonLdText(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function PublicLayout(props: { head: PublicHead; children?: Child }) {
  const h = props.head;
  const ui = h.ui;
  const other: Lang = ui === 'es' ? 'en' : 'es';
  return (
    <html lang={h.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{h.title}</title>
        <meta name="description" content={h.description} />
        {h.noindex ? <meta name="robots" content="noindex" /> : null}
        <link rel="canonical" href={h.canonical} />
        {(h.alternates ?? []).map((a) => (
          <link rel="alternate" hreflang={a.lang} href={a.href} />
        ))}
        {h.feed ? <link rel="alternate" type="application/atom+xml" title={t(ui, 'public:feed_title')} href={h.feed} /> : null}
        {Object.entries(h.og ?? {}).map(([k, v]) => (
          <meta property={k} content={v} />
        ))}
        <link rel="stylesheet" href="/assets/public.css" />
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        {h.jsonLd ? <script type="application/ld+json">{raw(jsonLdText(h.jsonLd))}</script> : null}
      </head>
      <body>
        <a class="skip" href="#main">
          {t(ui, 'ui:skip_to_content')}
        </a>
        <header class="site">
          <a class="brand" href="/statements">
            {t(ui, 'public:site_name')}
          </a>
          {h.switchHref ? (
            <a href={h.switchHref} hreflang={other} lang={other}>
              {t(ui, `common:lang.${other}`)}
            </a>
          ) : null}
        </header>
        <main id="main">{props.children}</main>
        <footer class="site">
          <p>
            <a href="/statements">{t(ui, 'public:all_statements')}</a> · <a href="/statements.atom">{t(ui, 'public:feed_link')}</a> ·{' '}
            <a href="/api/statements">{t(ui, 'public:api_link')}</a>
          </p>
          <p>{t(ui, 'public:footer')}</p>
        </footer>
      </body>
    </html>
  );
}
