/**
 * Escalation detection: a single change point in the rate of a count series (quasi-Poisson
 * likelihood ratio, calibrated by a seeded parametric bootstrap). See docs/methods/trends.md.
 *
 * Model: y_t ~ rate_t · e_t with variance φ · mean. H0: one rate for the whole series.
 * H1: rate λ1 for periods [0, τ) and λ2 for [τ, n). The statistic is max over τ of the Poisson
 * likelihood ratio divided by φ̂ (Pearson estimate under H1; unfloored in the statistic, which keeps it
 * close to pivotal, and floored at 1 for simulation and intervals). Because the maximum over τ is
 * not χ², its null distribution is simulated from the fitted H0 with the same over-dispersion; the
 * date interval comes from simulating the fitted H1 and re-estimating τ; the rate-ratio interval is
 * the exact conditional (Clopper–Pearson) interval on φ-scaled counts at τ̂.
 *
 * Dating (v2): the reported date is not the maximiser of LR(τ) but the Bayes estimate under a
 * "within one period" loss — the τ whose window [τ−1, τ+1] holds the most posterior mass, with a
 * uniform prior on the allowed τ and Jeffreys Gamma(½, 0) priors on both rates, the likelihood
 * tempered by φ̂ (quasi-Bayes). That window mass is returned as `dateProbability` ("how sure of
 * the date"). On simulated doublings it dates within one period 3–5 points more often than the
 * maximiser (docs/methods/trends.md §5), at no cost to the test, which is unchanged.
 */
import { createRng, type Rng } from './random.stats.js';
import { betaQuantile, logFactorial, logGamma } from './special-functions.stats.js';
import { validateSeries, type Granularity, type SeriesPoint } from './series.schema.js';

export const escalationMethod = 'quasi-poisson-single-change-point-v2';

export type Direction = 'both' | 'increase' | 'decrease';

export interface EscalationOptions {
  /** Significance level of the test (default 0.05). */
  alpha?: number;
  /** Level of the date and rate-ratio intervals (default 0.95). */
  confidence?: number;
  /** Bootstrap replicates for the p-value (default 999; p cannot go below 1/(B+1)). */
  replicates?: number;
  /** Bootstrap replicates for the date interval (default 499). */
  dateReplicates?: number;
  seed?: number;
  /** Shortest series analysed (default 8 periods). */
  minPeriods?: number;
  /** Fewest periods on each side of the change (default 3). */
  minSegment?: number;
  /** Fewest events in the whole series (default 10). */
  minTotal?: number;
  direction?: Direction;
  /** Estimate φ (default true); false forces a pure Poisson model. */
  overdispersion?: boolean;
}

export type InsufficientReason = 'too_short' | 'all_zero' | 'too_few_events';

export interface EscalationResult {
  method: typeof escalationMethod;
  status: 'insufficient_data' | 'no_change' | 'change';
  reason?: InsufficientReason;
  granularity: Granularity;
  periods: number;
  total: number;
  /** Rate under one-rate model (events per unit of exposure, i.e. per period by default). */
  rateOverall: number;
  /** φ̂ ≥ 1; 1 means no over-dispersion beyond Poisson was detected (or it was switched off). */
  dispersion: number;
  /** Best split even when not significant; null only for insufficient data. */
  changeIndex: number | null;
  changePeriod: string | null;
  direction: 'increase' | 'decrease' | null;
  /** Interval for the first period of the new regime (bootstrap percentile), only when status = 'change'. */
  changeInterval: { fromIndex: number; toIndex: number; from: string; to: string } | null;
  /**
   * Posterior probability that the new regime began within one period of `changePeriod` (given
   * that there is one change); null for insufficient data.
   */
  dateProbability: number | null;
  rateBefore: number | null;
  rateAfter: number | null;
  /**
   * Events before and after the split. Before a sentence goes public, both must be 0 or ≥ k
   * (SECURITY.md D1: no rate computed from a count in 1..k−1).
   */
  countBefore: number | null;
  countAfter: number | null;
  /** λ2/λ1; null when λ1 = 0 (unbounded). */
  rateRatio: number | null;
  rateRatioInterval: { lower: number; upper: number | null } | null;
  /** Quasi-likelihood ratio statistic max_τ LR(τ)/φ̂. */
  statistic: number;
  pValue: number | null;
  alpha: number;
  confidence: number;
  replicates: number;
  seed: number;
}

/** Full Poisson log-likelihood Σ [y log(λe) − λe − log y!] (known-answer tested). */
export function poissonLogLikelihood(counts: readonly number[], rate: number, exposure?: readonly number[]): number {
  let ll = 0;
  for (let i = 0; i < counts.length; i++) {
    const y = counts[i]!;
    const mu = rate * (exposure?.[i] ?? 1);
    if (mu === 0) {
      if (y !== 0) return -Infinity;
      continue;
    }
    ll += y * Math.log(mu) - mu - logFactorial(y);
  }
  return ll;
}

/** The part of the maximised segment log-likelihood that depends on the rate: Y log(Y/E) − Y. */
function segmentKernel(y: number, e: number): number {
  return y > 0 ? y * Math.log(y / e) - y : 0;
}

export interface ChangePointScan {
  /** First index of the second segment. */
  tau: number;
  /** 2 × (log L(λ̂1, λ̂2; τ) − log L(λ̂0)), maximised over allowed τ; 0 when no split is allowed. */
  lr: number;
  rateBefore: number;
  rateAfter: number;
  rateOverall: number;
  /** LR(τ) for every τ (0 outside the allowed range), for profile plots. */
  profile: Float64Array;
}

/**
 * Scans every split with prefix sums: O(n). τ ranges over [minSegment, n − minSegment]; with a
 * direction, splits whose rates move the other way score 0.
 */
export function scanChangePoint(
  counts: ArrayLike<number>,
  exposure: ArrayLike<number>,
  minSegment = 3,
  direction: Direction = 'both',
): ChangePointScan {
  const n = counts.length;
  let Y = 0;
  let E = 0;
  for (let i = 0; i < n; i++) {
    Y += counts[i]!;
    E += exposure[i]!;
  }
  const whole = segmentKernel(Y, E);
  const profile = new Float64Array(n);
  let best = { tau: -1, lr: -Infinity, r1: Y / E, r2: Y / E };
  let y1 = 0;
  let e1 = 0;
  for (let tau = 1; tau < n; tau++) {
    y1 += counts[tau - 1]!;
    e1 += exposure[tau - 1]!;
    if (tau < minSegment || n - tau < minSegment) continue;
    const y2 = Y - y1;
    const e2 = E - e1;
    const r1 = y1 / e1;
    const r2 = y2 / e2;
    let lr = 2 * (segmentKernel(y1, e1) + segmentKernel(y2, e2) - whole);
    if (lr < 0) lr = 0; // rounding only: the two-rate fit nests the one-rate fit
    if ((direction === 'increase' && r2 < r1) || (direction === 'decrease' && r2 > r1)) lr = 0;
    profile[tau] = lr;
    if (lr > best.lr) best = { tau, lr, r1, r2 };
  }
  if (best.tau < 0) return { tau: -1, lr: 0, rateBefore: Y / E, rateAfter: Y / E, rateOverall: Y / E, profile };
  return { tau: best.tau, lr: best.lr, rateBefore: best.r1, rateAfter: best.r2, rateOverall: Y / E, profile };
}

/**
 * Pearson dispersion Σ (y − μ̂)²/μ̂ / (n − 2) under the two-rate fit at τ, floored at 1 (unless
 * `floor` is false) so that under-dispersion never narrows an interval.
 */
export function pearsonDispersion(
  counts: ArrayLike<number>,
  exposure: ArrayLike<number>,
  tau: number,
  rateBefore: number,
  rateAfter: number,
  floor = true,
): number {
  const n = counts.length;
  if (n <= 2) return 1;
  let x2 = 0;
  for (let i = 0; i < n; i++) {
    const mu = (i < tau ? rateBefore : rateAfter) * exposure[i]!;
    if (mu > 0) x2 += (counts[i]! - mu) ** 2 / mu;
  }
  return floor ? Math.max(1, x2 / (n - 2)) : x2 / (n - 2);
}

export interface ChangeDate {
  /** First index of the new regime: the centre of the one-period window with the most mass. */
  tau: number;
  /** Posterior mass of [tau − 1, tau + 1]. */
  probability: number;
  /** Posterior of τ (0 outside the allowed range). */
  posterior: Float64Array;
}

/**
 * Posterior of the change date given one change: uniform prior on the allowed τ, Jeffreys
 * Gamma(½, 0) priors on the two rates (improper, but both models have two rates so the constant
 * cancels), counts and exposures divided by φ (quasi-likelihood tempering). The marginal
 * likelihood of a segment is Γ(Y + ½) / E^(Y + ½) up to factors common to every τ. Unlike the
 * profile maximiser, this integrates over the rates, so short edge segments are not favoured; the
 * window estimate minimises the chance of being more than one period off. O(n).
 */
export function estimateChangeDate(
  counts: ArrayLike<number>,
  exposure: ArrayLike<number>,
  minSegment = 3,
  direction: Direction = 'both',
  dispersion = 1,
): ChangeDate {
  const n = counts.length;
  const phi = Math.max(1, dispersion);
  let Y = 0;
  let E = 0;
  for (let i = 0; i < n; i++) {
    Y += counts[i]! / phi;
    E += exposure[i]! / phi;
  }
  const logPost = new Float64Array(n).fill(-Infinity);
  let max = -Infinity;
  let y1 = 0;
  let e1 = 0;
  for (let tau = 1; tau < n; tau++) {
    y1 += counts[tau - 1]! / phi;
    e1 += exposure[tau - 1]! / phi;
    if (tau < minSegment || n - tau < minSegment) continue;
    const y2 = Y - y1;
    const e2 = E - e1;
    if (e1 <= 0 || e2 <= 0) continue;
    if ((direction === 'increase' && y2 / e2 < y1 / e1) || (direction === 'decrease' && y2 / e2 > y1 / e1)) continue;
    const lp = logGamma(y1 + 0.5) - (y1 + 0.5) * Math.log(e1) + logGamma(y2 + 0.5) - (y2 + 0.5) * Math.log(e2);
    logPost[tau] = lp;
    if (lp > max) max = lp;
  }
  const posterior = new Float64Array(n);
  if (max === -Infinity) return { tau: -1, probability: 0, posterior };
  let z = 0;
  for (let t = 0; t < n; t++) {
    posterior[t] = logPost[t] === -Infinity ? 0 : Math.exp(logPost[t]! - max);
    z += posterior[t]!;
  }
  let best = -1;
  let bestMass = -1;
  for (let t = 0; t < n; t++) {
    posterior[t]! /= z;
  }
  const windowMass = (t: number): number => (t > 0 ? posterior[t - 1]! : 0) + posterior[t]! + (t + 1 < n ? posterior[t + 1]! : 0);
  for (let t = 0; t < n; t++) {
    if (posterior[t] === 0) continue; // the centre itself must be an allowed date
    const mass = windowMass(t);
    if (mass > bestMass + 1e-15) {
      bestMass = mass;
      best = t;
    }
  }
  // Near-ties (windows within 0.2 points of mass) go to the likelier centre: when nearly all the mass
  // sits on one month, both neighbouring windows hold it and the month itself is the answer.
  for (let t = Math.max(0, best - 2); t <= Math.min(n - 1, best + 2); t++) {
    if (posterior[t]! > posterior[best]! && windowMass(t) >= bestMass - 0.002) best = t;
  }
  bestMass = windowMass(best);
  return { tau: best, probability: bestMass, posterior };
}

interface Fitted {
  scan: ChangePointScan;
  dispersion: number;
  statistic: number;
}

function fit(counts: ArrayLike<number>, exposure: ArrayLike<number>, minSegment: number, direction: Direction, od: boolean): Fitted {
  const scan = scanChangePoint(counts, exposure, minSegment, direction);
  const raw = od && scan.tau > 0 ? pearsonDispersion(counts, exposure, scan.tau, scan.rateBefore, scan.rateAfter, false) : 1;
  return { scan, dispersion: Math.max(1, raw), statistic: raw > 0 ? scan.lr / raw : scan.lr };
}

function simulate(rng: Rng, means: Float64Array, dispersion: number, out: Float64Array): void {
  for (let i = 0; i < means.length; i++) out[i] = rng.overdispersedPoisson(means[i]!, dispersion);
}

/** Exact conditional interval for λ2/λ1 given the split, on counts divided by φ (quasi-likelihood). */
export function conditionalRateRatioInterval(
  y1: number,
  e1: number,
  y2: number,
  e2: number,
  confidence = 0.95,
  dispersion = 1,
): { lower: number; upper: number | null } {
  const a = (1 - confidence) / 2;
  const x = y2 / dispersion;
  const m = (y1 + y2) / dispersion;
  if (m === 0) return { lower: 0, upper: null };
  const pLo = x === 0 ? 0 : betaQuantile(a, x, m - x + 1);
  const pHi = x === m ? 1 : betaQuantile(1 - a, x + 1, m - x);
  const toRatio = (p: number): number => (p / (1 - p)) * (e1 / e2);
  return { lower: toRatio(pLo), upper: pHi >= 1 ? null : toRatio(pHi) };
}

function quantileSorted(sorted: number[], p: number): number {
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.floor(p * sorted.length)));
  return sorted[idx]!;
}

/** Answers: has the rate changed, since when, by how much, and how sure are we. */
export function detectEscalation(series: readonly SeriesPoint[], options: EscalationOptions = {}): EscalationResult {
  const v = validateSeries(series);
  const alpha = options.alpha ?? 0.05;
  const confidence = options.confidence ?? 0.95;
  const replicates = options.replicates ?? 999;
  const dateReplicates = options.dateReplicates ?? 499;
  const seed = options.seed ?? 20201101;
  const minSegment = Math.max(1, options.minSegment ?? 3);
  const minPeriods = Math.max(2 * minSegment, options.minPeriods ?? 8);
  const minTotal = options.minTotal ?? 10;
  const direction = options.direction ?? 'both';
  const od = options.overdispersion ?? true;
  const n = v.counts.length;
  const total = v.counts.reduce((s, c) => s + c, 0);
  const exposureTotal = v.exposure.reduce((s, e) => s + e, 0);

  const base: EscalationResult = {
    method: escalationMethod,
    status: 'insufficient_data',
    granularity: v.granularity,
    periods: n,
    total,
    rateOverall: exposureTotal > 0 ? total / exposureTotal : 0,
    dispersion: 1,
    dateProbability: null,
    changeIndex: null,
    changePeriod: null,
    direction: null,
    changeInterval: null,
    rateBefore: null,
    rateAfter: null,
    countBefore: null,
    countAfter: null,
    rateRatio: null,
    rateRatioInterval: null,
    statistic: 0,
    pValue: null,
    alpha,
    confidence,
    replicates,
    seed,
  };
  if (n < minPeriods) return { ...base, reason: 'too_short' };
  if (total === 0) return { ...base, reason: 'all_zero' };
  if (total < minTotal) return { ...base, reason: 'too_few_events' };

  const counts = Float64Array.from(v.counts);
  const exposure = Float64Array.from(v.exposure);
  const observed = fit(counts, exposure, minSegment, direction, od);
  const { scan, dispersion } = observed;
  const rng = createRng(seed);

  // p-value: simulate the fitted one-rate model with the observed over-dispersion, refit everything.
  const nullMeans = exposure.map((e) => e * scan.rateOverall);
  const sim = new Float64Array(n);
  let exceed = 0;
  for (let b = 0; b < replicates; b++) {
    simulate(rng, nullMeans, dispersion, sim);
    if (fit(sim, exposure, minSegment, direction, od).statistic >= observed.statistic - 1e-9) exceed++;
  }
  const pValue = (exceed + 1) / (replicates + 1);
  // The date: the Bayes window estimate (see estimateChangeDate); the test above is unaffected.
  const date = scan.tau > 0 ? estimateChangeDate(counts, exposure, minSegment, direction, dispersion) : null;
  const tau = date && date.tau > 0 ? date.tau : scan.tau;
  let y1 = 0;
  let e1 = 0;
  for (let i = 0; i < tau; i++) {
    y1 += counts[i]!;
    e1 += exposure[i]!;
  }
  const y2 = total - y1;
  const e2 = exposureTotal - e1;
  const rateBefore = tau > 0 ? y1 / e1 : scan.rateBefore;
  const rateAfter = tau > 0 ? y2 / e2 : scan.rateAfter;
  const significant = tau > 0 && pValue <= alpha && rateAfter !== rateBefore;

  let changeInterval: EscalationResult['changeInterval'] = null;
  if (significant) {
    const altMeans = exposure.map((e, i) => e * (i < tau ? rateBefore : rateAfter));
    const taus: number[] = [];
    for (let b = 0; b < dateReplicates; b++) {
      simulate(rng, altMeans, dispersion, sim);
      const d = estimateChangeDate(sim, exposure, minSegment, direction, dispersion);
      if (d.tau > 0) taus.push(d.tau);
    }
    taus.sort((a, b) => a - b);
    const a = (1 - confidence) / 2;
    const lo = taus.length ? Math.min(tau, quantileSorted(taus, a)) : tau;
    const hi = taus.length ? Math.max(tau, quantileSorted(taus, 1 - a)) : tau;
    changeInterval = { fromIndex: lo, toIndex: hi, from: v.periods[lo]!, to: v.periods[hi]! };
  }

  return {
    ...base,
    status: significant ? 'change' : 'no_change',
    dispersion,
    changeIndex: tau > 0 ? tau : null,
    changePeriod: tau > 0 ? v.periods[tau]! : null,
    direction: tau > 0 && rateAfter !== rateBefore ? (rateAfter > rateBefore ? 'increase' : 'decrease') : null,
    changeInterval,
    dateProbability: date && date.tau > 0 ? date.probability : null,
    rateBefore: tau > 0 ? rateBefore : null,
    rateAfter: tau > 0 ? rateAfter : null,
    countBefore: tau > 0 ? y1 : null,
    countAfter: tau > 0 ? y2 : null,
    rateRatio: tau > 0 && rateBefore > 0 ? rateAfter / rateBefore : null,
    rateRatioInterval: tau > 0 ? conditionalRateRatioInterval(y1, e1, y2, e2, confidence, dispersion) : null,
    statistic: observed.statistic,
    pValue,
  };
}
