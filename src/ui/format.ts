import { formatPartialDate } from '../shared/dates.js';
import type { Lang } from '../shared/i18n/index.js';
import { label, type VocabName } from '../vocab/index.js';
import { countryName, isCountry, isSubdivision, subdivisionName } from '../vocab/places.js';

export function vocabLabel(name: VocabName, code: unknown, lang: Lang): string {
  if (typeof code !== 'string' || !code) return '';
  try {
    return label(name, code, lang);
  } catch {
    return code;
  }
}

export function placeLabel(p: Record<string, unknown>, lang: Lang): string {
  const parts: string[] = [];
  if (typeof p.placeName === 'string' && p.placeName) parts.push(p.placeName);
  if (typeof p.subdivision === 'string' && isSubdivision(p.subdivision))
    parts.push(subdivisionName(p.subdivision, lang));
  if (typeof p.country === 'string' && isCountry(p.country)) parts.push(countryName(p.country, lang));
  return parts.join(', ');
}

export function dateRangeLabel(p: Record<string, unknown>, lang: Lang): string {
  const s =
    typeof p.startDate === 'string' ? formatPartialDate(p.startDate, lang, p.startApproximate === true) : '';
  const e =
    typeof p.endDate === 'string' ? formatPartialDate(p.endDate, lang, p.endApproximate === true) : '';
  if (s && e && s !== e) return `${s} – ${e}`;
  return s || e;
}

/**
 * A date and time in the organisation's time zone, with the zone named (`… 14:05 America/Caracas`),
 * since readers in several countries see the same pages; UTC when none is known.
 */
export function dateTimeLabel(iso: string, lang: Lang, timeZone = 'UTC'): string {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat(lang === 'es' ? 'es-VE' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone });
  } catch {
    timeZone = 'UTC';
    fmt = new Intl.DateTimeFormat(lang === 'es' ? 'es-VE' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone });
  }
  return `${fmt.format(new Date(iso))} ${timeZone}`;
}
