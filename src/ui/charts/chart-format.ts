/**
 * Locale-aware labels for charts: numbers with Intl, periods (ISO year, month or week keys) as
 * short dates in the user's language. Venezuelan Spanish is the Spanish variant because it is the
 * users' own (thousands with ".", decimals with ",").
 */
import { AppError, type FieldIssue } from '../../shared/errors.js';
import { t, type Lang } from '../../shared/i18n/index.js';

export type Granularity = 'week' | 'month' | 'year';

export function locale(lang: Lang): string {
  return lang === 'es' ? 'es-VE' : 'en';
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** Counts print as integers; rates with at most one decimal. */
export function formatNumber(lang: Lang, n: number): string {
  const key = `${lang}:${Number.isInteger(n) ? 0 : 1}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale(lang), { maximumFractionDigits: Number.isInteger(n) ? 0 : 1 });
    numberFormats.set(key, f);
  }
  return f.format(n);
}

export interface Period {
  key: string;
  year: number;
  /** Month 1-12 or ISO week 1-53; 0 for a year. */
  index: number;
}

/** True when the ISO year has 53 weeks (it starts on a Thursday, or is a leap year starting on a Wednesday). */
function hasWeek53(year: number): boolean {
  const jan1 = new Date(Date.UTC(year, 0, 1)).getUTCDay();
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return jan1 === 4 || (leap && jan1 === 3);
}

const patterns: Record<Granularity, RegExp> = {
  year: /^(\d{4})$/,
  month: /^(\d{4})-(0[1-9]|1[0-2])$/,
  week: /^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$/,
};

const examples: Record<Granularity, string> = { year: '2020', month: '2020-11', week: '2020-W45' };

/** Parses a period key; null when it does not fit the granularity. */
export function parsePeriod(key: string, granularity: Granularity): Period | null {
  const m = patterns[granularity].exec(key);
  if (!m) return null;
  const year = Number(m[1]);
  const index = m[2] === undefined ? 0 : Number(m[2]);
  if (granularity === 'week' && index === 53 && !hasWeek53(year)) return null;
  return { key, year, index };
}

/**
 * Validates a list of period keys: each fits the granularity, none repeats, in ascending order.
 * Throws one bad_input error listing every problem with its position.
 */
export function parsePeriods(keys: readonly string[], granularity: Granularity, field = 'periods'): Period[] {
  const issues: FieldIssue[] = [];
  const out: Period[] = [];
  keys.forEach((key, i) => {
    const p = typeof key === 'string' ? parsePeriod(key, granularity) : null;
    if (!p) {
      issues.push({
        path: [field, i],
        key: 'charts:errors.bad_period',
        values: { value: String(key), granularity, example: examples[granularity] },
      });
      return;
    }
    const prev = out[out.length - 1];
    if (prev && prev.key >= p.key) {
      issues.push({
        path: [field, i],
        key: 'charts:errors.period_order',
        values: { value: key, previous: prev.key },
      });
    }
    out.push(p);
  });
  if (issues.length) throw new AppError('bad_input', { issues });
  return out;
}

const monthFormats = new Map<Lang, Intl.DateTimeFormat>();

/** "nov. 2020" / "Nov 2020", "sem. 45, 2020" / "Wk 45, 2020", "2020". */
export function formatPeriod(lang: Lang, p: Period, granularity: Granularity): string {
  if (granularity === 'year') return String(p.year);
  if (granularity === 'week') return t(lang, 'charts:week_label', { week: p.index, year: p.year });
  let f = monthFormats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(locale(lang), { month: 'short', year: 'numeric', timeZone: 'UTC' });
    monthFormats.set(lang, f);
  }
  return f.format(new Date(Date.UTC(p.year, p.index - 1, 1)));
}
