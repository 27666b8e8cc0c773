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

export function dateTimeLabel(iso: string, lang: Lang): string {
  return (
    new Intl.DateTimeFormat(lang === 'es' ? 'es-VE' : 'en-GB', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'UTC',
    }).format(new Date(iso)) + ' UTC'
  );
}
