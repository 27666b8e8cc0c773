/**
 * The input contract for every trend statistic: a count series in time order with explicit zeros,
 * one point per period, all periods of one granularity ('2020-11', '2020-W46' or '2020') and no gaps.
 * Bad input throws AppError('bad_input') naming the index and field, with keys in the `trends` namespace.
 */
import { AppError, type FieldIssue } from '../../shared/errors.js';

export interface SeriesPoint {
  period: string;
  count: number;
  /**
   * Relative length or population at risk of this period (default 1). Lets a caller weight, say,
   * a partial current month; rates are then "per unit of exposure".
   */
  exposure?: number;
}

export type Granularity = 'month' | 'week' | 'year';

export interface ParsedPeriod {
  granularity: Granularity;
  year: number;
  /** Month 1–12 or ISO week 1–53; absent for years. */
  part?: number;
  /** Consecutive periods of one granularity have consecutive ordinals. */
  ordinal: number;
}

const monthRe = /^(\d{4})-(\d{2})$/;
const weekRe = /^(\d{4})-W(\d{2})$/;
const yearRe = /^(\d{4})$/;

/** Monday of ISO week 1 of `year`, in days since 1970-01-01 (UTC). */
function isoWeekOneMonday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4) / 86_400_000;
  const weekday = (new Date(jan4 * 86_400_000).getUTCDay() + 6) % 7; // Monday = 0
  return jan4 - weekday;
}

export function isoWeeksInYear(year: number): number {
  return (isoWeekOneMonday(year + 1) - isoWeekOneMonday(year)) / 7;
}

/** Parses a period label; returns undefined when it is not one of the three accepted forms. */
export function parsePeriod(label: string): ParsedPeriod | undefined {
  let m = monthRe.exec(label);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    if (month < 1 || month > 12) return undefined;
    return { granularity: 'month', year, part: month, ordinal: year * 12 + (month - 1) };
  }
  m = weekRe.exec(label);
  if (m) {
    const year = Number(m[1]);
    const week = Number(m[2]);
    if (week < 1 || week > isoWeeksInYear(year)) return undefined;
    return { granularity: 'week', year, part: week, ordinal: (isoWeekOneMonday(year) + (week - 1) * 7 + 3) / 7 };
  }
  m = yearRe.exec(label);
  if (m) {
    const year = Number(m[1]);
    return { granularity: 'year', year, ordinal: year };
  }
  return undefined;
}

export interface ValidSeries {
  granularity: Granularity;
  periods: string[];
  counts: number[];
  exposure: number[];
}

/** Checks a series against the contract above and returns it as parallel arrays. Lists every problem. */
export function validateSeries(series: readonly SeriesPoint[], field = 'series'): ValidSeries {
  const issues: FieldIssue[] = [];
  if (!Array.isArray(series)) {
    throw new AppError('bad_input', { issues: [{ path: [field], key: 'trends:errors.not_a_series' }] });
  }
  const parsed: (ParsedPeriod | undefined)[] = [];
  series.forEach((p, i) => {
    const pp = typeof p?.period === 'string' ? parsePeriod(p.period) : undefined;
    parsed.push(pp);
    if (!pp) issues.push({ path: [field, i, 'period'], key: 'trends:errors.bad_period', values: { value: String(p?.period) } });
    if (typeof p?.count !== 'number' || !Number.isInteger(p.count) || p.count < 0) {
      issues.push({ path: [field, i, 'count'], key: 'trends:errors.bad_count', values: { value: String(p?.count) } });
    }
    if (p?.exposure !== undefined && !(typeof p.exposure === 'number' && Number.isFinite(p.exposure) && p.exposure > 0)) {
      issues.push({ path: [field, i, 'exposure'], key: 'trends:errors.bad_exposure', values: { value: String(p.exposure) } });
    }
  });
  const first = parsed.find((p) => p !== undefined);
  for (let i = 0; i < parsed.length; i++) {
    const cur = parsed[i];
    if (!cur || !first) continue;
    if (cur.granularity !== first.granularity) {
      issues.push({
        path: [field, i, 'period'],
        key: 'trends:errors.mixed_granularity',
        values: { value: series[i]!.period, first: series[parsed.indexOf(first)]!.period },
      });
      continue;
    }
    const prev = parsed[i - 1];
    if (i > 0 && prev && prev.granularity === cur.granularity && cur.ordinal !== prev.ordinal + 1) {
      issues.push({
        path: [field, i, 'period'],
        key: cur.ordinal <= prev.ordinal ? 'trends:errors.out_of_order' : 'trends:errors.gap',
        values: { value: series[i]!.period, previous: series[i - 1]!.period },
      });
    }
  }
  if (issues.length) throw new AppError('bad_input', { issues });
  return {
    granularity: first?.granularity ?? 'month',
    periods: series.map((p) => p.period),
    counts: series.map((p) => p.count),
    exposure: series.map((p) => p.exposure ?? 1),
  };
}
