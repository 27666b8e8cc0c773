/**
 * The i18n catalogue. One catalogue per language, split into namespaces (one JSON file per folder
 * of the app: `es/records.json`, `en/records.json` …) so each part of the app owns its strings.
 * A test (i18n.test.ts) fails when a key exists in one language and not the other.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n, type TFunction } from 'i18next';

export const languages = ['es', 'en'] as const;
export type Lang = (typeof languages)[number];
export const defaultLang: Lang = 'es';

const here = dirname(fileURLToPath(import.meta.url));

export type Catalogue = Record<string, Record<string, unknown>>;

/** Reads every namespace file of one language. */
export function loadCatalogue(lang: Lang): Catalogue {
  const dir = join(here, lang);
  const out: Catalogue = {};
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    out[f.slice(0, -5)] = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
  }
  return out;
}

let instance: i18n | undefined;

function getInstance(): i18n {
  if (instance) return instance;
  const resources: Record<string, Catalogue> = {};
  for (const l of languages) resources[l] = loadCatalogue(l);
  const namespaces = Object.keys(resources.en ?? {});
  const inst = i18next.createInstance();
  void inst.init({
    resources,
    ns: namespaces,
    defaultNS: 'common',
    lng: defaultLang,
    fallbackLng: false,
    initAsync: false,
    // JSX escapes on output; escaping here too would double-escape.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  instance = inst;
  return inst;
}

/** A translate function bound to one language: `t('records:incident.title')`. */
export function translator(lang: Lang): TFunction {
  return getInstance().getFixedT(lang);
}

export function t(lang: Lang, key: string, values?: Record<string, unknown>): string {
  return translator(lang)(key, values ?? {}) as string;
}

export function isLang(s: unknown): s is Lang {
  return typeof s === 'string' && (languages as readonly string[]).includes(s);
}

/** Picks es or en from an Accept-Language header (q-values honoured); Spanish when nothing matches. */
export function pickLanguage(header: string | undefined | null): Lang {
  if (!header) return defaultLang;
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const qv = q ? Number(q.slice(2)) : 1;
      return { base: tag.trim().toLowerCase().split('-')[0] ?? '', q: Number.isFinite(qv) ? qv : 0, i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) if (isLang(r.base)) return r.base;
  return defaultLang;
}
