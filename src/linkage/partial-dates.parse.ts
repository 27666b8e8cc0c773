/**
 * Dates as they are written in case files: a day (2020-11-05), a month (2020-11) or a year (2020).
 * Each becomes the interval of days it covers, so a month-only date can be compared with a day.
 */

export type DatePrecision = 'day' | 'month' | 'year';

export interface PartialDate {
  precision: DatePrecision;
  /** First and last day covered, as days since 1970-01-01 (UTC). */
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;
const re = /^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$/;

/** Parses YYYY, YYYY-MM or YYYY-MM-DD; undefined when the text is not such a date (or not a real day). */
export function parsePartialDate(text: string): PartialDate | undefined {
  const m = re.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  if (m[2] === undefined) {
    return { precision: 'year', start: Date.UTC(y, 0, 1) / DAY_MS, end: Date.UTC(y, 11, 31) / DAY_MS };
  }
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return undefined;
  if (m[3] === undefined) {
    return { precision: 'month', start: Date.UTC(y, mo - 1, 1) / DAY_MS, end: Date.UTC(y, mo, 0) / DAY_MS };
  }
  const d = Number(m[3]);
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (d < 1 || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return { precision: 'day', start: t / DAY_MS, end: t / DAY_MS };
}

/** YYYY-MM of a date precise to the month or day; undefined for a year-only date. */
export function monthKey(text: string): string | undefined {
  const d = parsePartialDate(text);
  if (!d || d.precision === 'year') return undefined;
  const t = new Date(d.start * DAY_MS);
  return `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function yearKey(text: string): string | undefined {
  const d = parsePartialDate(text);
  return d ? String(new Date(d.start * DAY_MS).getUTCFullYear()) : undefined;
}

export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
