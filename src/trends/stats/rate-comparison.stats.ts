/**
 * Comparison of two periods: the rate ratio B/A with the exact conditional (Clopper–Pearson)
 * interval and a two-sided exact test, and the rate difference B − A with the MOVER interval built
 * from exact Garwood intervals of each rate (Zou & Donner 2008). Periods of different lengths are
 * handled through exposure (number of periods, or any length measure). Over-dispersion φ divides
 * the counts (quasi-likelihood); it can be given or estimated from the periods' own series.
 */
import { AppError, type FieldIssue } from '../../shared/errors.js';
import { conditionalRateRatioInterval } from './escalation.stats.js';
import { validateSeries, type SeriesPoint } from './series.schema.js';
import { binomialLowerTail, binomialUpperTail, gammaQuantile } from './special-functions.stats.js';

export interface PeriodTotal {
  count: number;
  /** Length of the period in the rate's unit (e.g. 6 for six months). */
  exposure: number;
  /** Optional labels for sentences, e.g. first and last period. */
  from?: string;
  to?: string;
}

export interface RateComparison {
  method: 'exact-conditional-rate-ratio-v1';
  a: PeriodTotal & { rate: number; rateInterval: [number, number] };
  b: PeriodTotal & { rate: number; rateInterval: [number, number] };
  /** B/A; null when A's rate is 0. */
  rateRatio: number | null;
  rateRatioInterval: { lower: number; upper: number | null };
  difference: number;
  differenceInterval: [number, number];
  /** Two-sided exact conditional test of equal rates. */
  pValue: number;
  dispersion: number;
  confidence: number;
}

/** Exact (Garwood) interval for a Poisson rate; counts may be φ-scaled reals. */
export function poissonRateInterval(count: number, exposure: number, confidence = 0.95, dispersion = 1): [number, number] {
  const a = (1 - confidence) / 2;
  const x = count / dispersion;
  const e = exposure / dispersion;
  const lo = x === 0 ? 0 : gammaQuantile(a, x) / e;
  const hi = gammaQuantile(1 - a, x + 1) / e;
  return [lo, hi];
}

function checkTotal(p: PeriodTotal, field: string, issues: FieldIssue[]): void {
  if (!(Number.isFinite(p?.count) && p.count >= 0)) {
    issues.push({ path: [field, 'count'], key: 'trends:errors.bad_count', values: { value: String(p?.count) } });
  }
  if (!(Number.isFinite(p?.exposure) && p.exposure > 0)) {
    issues.push({ path: [field, 'exposure'], key: 'trends:errors.bad_exposure', values: { value: String(p?.exposure) } });
  }
}

export function compareRates(
  a: PeriodTotal,
  b: PeriodTotal,
  options: { confidence?: number; dispersion?: number } = {},
): RateComparison {
  const issues: FieldIssue[] = [];
  checkTotal(a, 'a', issues);
  checkTotal(b, 'b', issues);
  const confidence = options.confidence ?? 0.95;
  const dispersion = Math.max(1, options.dispersion ?? 1);
  if (!(confidence > 0 && confidence < 1)) {
    issues.push({ path: ['confidence'], key: 'trends:errors.bad_confidence', values: { value: String(confidence) } });
  }
  if (issues.length) throw new AppError('bad_input', { issues });

  const ra = a.count / a.exposure;
  const rb = b.count / b.exposure;
  const ia = poissonRateInterval(a.count, a.exposure, confidence, dispersion);
  const ib = poissonRateInterval(b.count, b.exposure, confidence, dispersion);
  const d = rb - ra;
  const lower = d - Math.sqrt((rb - ib[0]) ** 2 + (ia[1] - ra) ** 2);
  const upper = d + Math.sqrt((ib[1] - rb) ** 2 + (ra - ia[0]) ** 2);

  // Conditional test: B | A + B ~ Binomial(A + B, e_b / (e_a + e_b)) when rates are equal.
  const m = (a.count + b.count) / dispersion;
  const x = b.count / dispersion;
  const p0 = b.exposure / (a.exposure + b.exposure);
  const pValue = m === 0 ? 1 : Math.min(1, 2 * Math.min(binomialLowerTail(x, m, p0), binomialUpperTail(x, m, p0)));

  return {
    method: 'exact-conditional-rate-ratio-v1',
    a: { ...a, rate: ra, rateInterval: ia },
    b: { ...b, rate: rb, rateInterval: ib },
    rateRatio: ra > 0 ? rb / ra : null,
    rateRatioInterval: conditionalRateRatioInterval(a.count, a.exposure, b.count, b.exposure, confidence, dispersion),
    difference: d,
    differenceInterval: [lower, upper],
    pValue,
    dispersion,
    confidence,
  };
}

/** Sums a slice of a series into a PeriodTotal. */
export function totalOf(series: readonly SeriesPoint[], field = 'series'): PeriodTotal {
  const v = validateSeries(series, field);
  if (v.counts.length === 0) {
    throw new AppError('bad_input', { issues: [{ path: [field], key: 'trends:errors.empty_series' }] });
  }
  return {
    count: v.counts.reduce((s, c) => s + c, 0),
    exposure: v.exposure.reduce((s, e) => s + e, 0),
    from: v.periods[0]!,
    to: v.periods[v.periods.length - 1]!,
  };
}

/**
 * Pooled Pearson dispersion of two series around their own constant rates, floored at 1:
 * Σ (y − μ̂)²/μ̂ / (n_a + n_b − 2). Needs at least three periods in all.
 */
export function pooledDispersion(a: readonly SeriesPoint[], b: readonly SeriesPoint[]): number {
  let x2 = 0;
  let n = 0;
  for (const s of [a, b]) {
    const v = validateSeries(s);
    const Y = v.counts.reduce((p, c) => p + c, 0);
    const E = v.exposure.reduce((p, c) => p + c, 0);
    for (let i = 0; i < v.counts.length; i++) {
      const mu = (Y / E) * v.exposure[i]!;
      if (mu > 0) x2 += (v.counts[i]! - mu) ** 2 / mu;
    }
    n += v.counts.length;
  }
  return n > 2 ? Math.max(1, x2 / (n - 2)) : 1;
}

/**
 * Compares two stretches of a series given as their own series (e.g. Jan–Jun 2021 against
 * Jan–Jun 2022). Over-dispersion is estimated from the periods inside each stretch unless given.
 */
export function comparePeriods(
  a: readonly SeriesPoint[],
  b: readonly SeriesPoint[],
  options: { confidence?: number; dispersion?: number } = {},
): RateComparison {
  const ta = totalOf(a, 'a');
  const tb = totalOf(b, 'b');
  const dispersion = options.dispersion ?? pooledDispersion(a, b);
  return compareRates(ta, tb, { ...options, dispersion });
}
