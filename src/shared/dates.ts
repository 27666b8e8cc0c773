/**
 * Dates with precision. Documenters often know only the month or the year of an attack, or only
 * roughly when; a date is written 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' and stored as its first day
 * plus its precision, so "November 2020" is never silently turned into "1 November 2020".
 */
export type Precision = 'day' | 'month' | 'year';

export interface StoredDate {
  date: string; // YYYY-MM-DD, the first day of the period
  precision: Precision;
}

const re = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export function isValidPartialDate(s: string): boolean {
  const m = re.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  if (y < 1900 || y > 2200) return false;
  if (m[2] === undefined) return true;
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return false;
  if (m[3] === undefined) return true;
  const d = Number(m[3]);
  return d >= 1 && d <= daysInMonth(y, mo);
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function toStored(s: string): StoredDate {
  const m = re.exec(s);
  if (!m || !isValidPartialDate(s)) throw new RangeError(`not a date: ${s}`);
  if (m[2] === undefined) return { date: `${m[1]}-01-01`, precision: 'year' };
  if (m[3] === undefined) return { date: `${m[1]}-${m[2]}-01`, precision: 'month' };
  return { date: s, precision: 'day' };
}

export function fromStored(date: string | null, precision: Precision | null): string | null {
  if (!date) return null;
  if (precision === 'year') return date.slice(0, 4);
  if (precision === 'month') return date.slice(0, 7);
  return date.slice(0, 10);
}

/** The last day a partial date can stand for ('2020-11' -> '2020-11-30'). */
export function lastDay(s: string): string {
  const { date, precision } = toStored(s);
  const y = Number(date.slice(0, 4));
  if (precision === 'year') return `${y}-12-31`;
  const m = Number(date.slice(5, 7));
  if (precision === 'month') return `${date.slice(0, 7)}-${String(daysInMonth(y, m)).padStart(2, '0')}`;
  return date;
}

/** Human form in the reader's language: "noviembre de 2020", "c. 2020", "5 Nov 2020". */
// Building an Intl.DateTimeFormat costs far more than using one (a case list formats hundreds of
// dates per page): one per language and precision, made on first use.
const partialDateFormats = new Map<string, Intl.DateTimeFormat>();
function partialDateFormat(lang: 'es' | 'en', precision: string): Intl.DateTimeFormat {
  const key = `${lang}:${precision}`;
  let f = partialDateFormats.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      precision === 'year'
        ? { year: 'numeric', timeZone: 'UTC' }
        : precision === 'month'
          ? { year: 'numeric', month: 'long', timeZone: 'UTC' }
          : { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' };
    f = new Intl.DateTimeFormat(lang === 'es' ? 'es-VE' : 'en-GB', opts);
    partialDateFormats.set(key, f);
  }
  return f;
}

export function formatPartialDate(s: string | null, lang: 'es' | 'en', approximate = false): string {
  if (!s) return '';
  const { date, precision } = toStored(s);
  const text = partialDateFormat(lang, precision).format(new Date(`${date}T00:00:00Z`));
  return approximate ? `c. ${text}` : text;
}
