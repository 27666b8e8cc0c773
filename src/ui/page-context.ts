import type { TFunction } from 'i18next';
import { translator, type Lang } from '../shared/i18n/index.js';

/** What every page needs to render: the language, who is signed in, and the form token. */
export interface PageContext {
  lang: Lang;
  t: TFunction;
  /** Current path with query, for the language switcher. */
  path: string;
  csrf: string;
  user: null | {
    displayName: string;
    organisationId: string;
    organisationName: string;
    role: string;
    organisations: { organisationId: string; name: string; role: string }[];
  };
  /** The installation administrator, signed in outside any organisation. */
  installationAdmin?: { displayName: string };
  /** The signed-in organisation's time zone (IANA name), in which pages show times. */
  timeZone?: string;
}

export function basicContext(lang: Lang, path: string, csrf = ''): PageContext {
  return { lang, t: translator(lang), path, csrf, user: null };
}

/** The same path with ?lang= set, keeping the other parameters. */
export function withLang(path: string, lang: Lang): string {
  const u = new URL(path, 'http://x');
  u.searchParams.set('lang', lang);
  return u.pathname + u.search;
}
