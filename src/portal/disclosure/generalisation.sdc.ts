/**
 * Generalisation of quasi-identifiers before publication (SECURITY.md D5): dates to ISO week, month
 * or year; places to admin-1 or country; ages to ten-year bands. Coarser is always allowed; finer
 * never is, so a value already coarser than asked is returned as it is (a year stays a year).
 */
import { AppError } from '../../shared/errors.js';

export type DateLevel = 'week' | 'month' | 'year';

const dayRe = /^(\d{4})-(\d{2})-(\d{2})/;
const monthRe = /^(\d{4})-(\d{2})$/;
const yearRe = /^(\d{4})$/;

function isoWeek(y: number, m: number, d: number): string {
  const t = Date.UTC(y, m - 1, d);
  const dow = (new Date(t).getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(t + (3 - dow) * 86_400_000); // the ISO year is the year of that week's Thursday
  const wy = thursday.getUTCFullYear();
  const jan1 = Date.UTC(wy, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / (7 * 86_400_000)) + 1;
  return `${wy}-W${String(week).padStart(2, '0')}`;
}

/**
 * '2020-11-17' (or a full ISO timestamp) → '2020-W47' | '2020-11' | '2020'. A month-precision date
 * ('2020-11') can go to month or year, never to a week (that would invent precision).
 */
export function generaliseDate(date: string, level: DateLevel): string {
  let m = dayRe.exec(date);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    const check = new Date(Date.UTC(y, mo - 1, d));
    if (check.getUTCMonth() === mo - 1 && check.getUTCDate() === d) {
      if (level === 'year') return m[1]!;
      if (level === 'month') return `${m[1]}-${m[2]}`;
      return isoWeek(y, mo, d);
    }
  }
  m = monthRe.exec(date);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return level === 'year' ? m[1]! : `${m[1]}-${m[2]}`;
  if (yearRe.test(date)) return date;
  throw new AppError('bad_input', { issues: [{ path: ['date'], key: 'disclosure:errors.bad_date', values: { value: date } }] });
}

export type PlaceLevel = 'admin1' | 'country';

/**
 * Place codes are hierarchical with '-' separators: 'VE' (country, ISO 3166-1), 'VE-X' (admin-1,
 * ISO 3166-2), anything longer ('VE-X-0301…') is finer. Coarsens to the requested level.
 */
export function generalisePlace(code: string, level: PlaceLevel): string {
  const parts = code.trim().toUpperCase().split('-');
  if (!/^[A-Z]{2}$/.test(parts[0] ?? '') || parts.some((p) => p.length === 0)) {
    throw new AppError('bad_input', { issues: [{ path: ['place'], key: 'disclosure:errors.bad_place', values: { value: code } }] });
  }
  return parts.slice(0, level === 'country' ? 1 : 2).join('-');
}

/** 37 → '30–39'; ages 90 and over share one band ('90+'). */
export function ageBand(age: number, width = 10): string {
  if (!Number.isInteger(age) || age < 0 || age > 130) {
    throw new AppError('bad_input', { issues: [{ path: ['age'], key: 'disclosure:errors.bad_age', values: { value: String(age) } }] });
  }
  if (age >= 90) return '90+';
  const lo = Math.floor(age / width) * width;
  return `${lo}–${lo + width - 1}`;
}
