/** Atom feeds of published statements (the `feed` package escapes every text it writes). */
import { Feed } from 'feed';
import { t, type Lang } from '../shared/i18n/index.js';
import type { PublicIndexEntry } from './statements.queries.js';

const uiOf = (tag: string): Lang => (tag.toLowerCase().startsWith('en') ? 'en' : 'es');

/** The feed writes titles and summaries as type="html": escaping makes readers show them as plain text. */
function asHtmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function statementsAtom(entries: PublicIndexEntry[], opts: { baseUrl: string; selfPath: string; lang: Lang; title?: string }): string {
  const base = opts.baseUrl.replace(/\/$/, '');
  const updated = entries.reduce((m, e) => (e.updatedAt > m ? e.updatedAt : m), new Date(0));
  const feed = new Feed({
    title: opts.title ?? t(opts.lang, 'public:feed_title'),
    description: t(opts.lang, 'public:feed_description'),
    id: `${base}/statements`,
    link: `${base}/statements`,
    language: opts.lang,
    updated: entries.length ? updated : new Date(0),
    generator: 'Atalaya',
    copyright: t(opts.lang, 'public:feed_rights'),
    feedLinks: { atom: `${base}${opts.selfPath}` },
  });
  for (const e of entries) {
    feed.addItem({
      title: asHtmlText(e.title),
      id: `${base}/statements/${e.versionSlug}`,
      link: `${base}/statements/${e.versionSlug}`,
      description: asHtmlText(e.lead),
      // Atom requires an author on every entry (or on the feed): the coordinating organisation publishes it.
      author: [{ name: e.coordinator }],
      ...(e.signatories
        ? {
            content:
              `<p>${asHtmlText(e.lead)}</p>` +
              `<p><strong>${asHtmlText(t(uiOf(e.lang), 'public:signatories'))}:</strong> ${e.signatories.names.map(asHtmlText).join('; ')}` +
              (e.signatories.individuals ? ` ${asHtmlText(t(uiOf(e.lang), 'public:and_individuals', { count: e.signatories.individuals }))}` : '') +
              '</p>',
          }
        : {}),
      date: e.updatedAt,
      published: e.publishedAt,
      category: e.countries.map((c) => ({ name: c, term: c })),
    });
  }
  return feed.atom1();
}
