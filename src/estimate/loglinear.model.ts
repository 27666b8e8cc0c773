/**
 * Log-linear models for multiple systems estimation, after Fienberg (1972) and R's Rcapture
 * (`closedp.t`, `closedpMS.t`, `closedpCI.t`). Each hierarchical model is a Poisson GLM on the
 * 2^k − 1 observed cells, fitted by IRLS; the unobserved cell's expected count is exp(β0).
 * See docs/methods/estimation.md for the equations and constants.
 */
import { observedTotal, type CaptureTable } from './capture-history.table.js';
import { cholesky, choleskySolve, logGamma, normalQuantile } from './numeric.math.js';

export type Criterion = 'bic' | 'aic';
export type FitFlag = 'ok' | 'not_converged' | 'singular' | 'boundary' | 'infinite';

export interface PoissonFit {
  beta: Float64Array;
  /** (XᵀWX)⁻¹ at the solution, row-major p×p; null when singular. */
  cov: Float64Array | null;
  mu: Float64Array;
  deviance: number;
  iterations: number;
  converged: boolean;
}

export interface ModelFit {
  /** Readable name: "independence" or the generating interactions, e.g. "A:B + C:D". */
  name: string;
  /** Interaction terms (bitmasks of 2+ lists) in the model, main effects implied. */
  terms: number[];
  parameters: number;
  df: number;
  estimate: number;
  stderr: number;
  /** Profile-likelihood interval for N; null when not computed (only the best models get one). */
  lower: number | null;
  upper: number | null;
  deviance: number;
  aic: number;
  bic: number;
  flag: FitFlag;
  /** Information-criterion weight among the usable models (0 for flagged ones). */
  weight: number;
}

export interface LoglinearOptions {
  criterion?: Criterion;
  /** How many of the best models to report, each with a profile interval. */
  top?: number;
  level?: number;
  /** 'auto': all hierarchical models when k ≤ 5, stepwise search above. */
  search?: 'auto' | 'exhaustive' | 'stepwise';
}

export interface LoglinearResult {
  observed: number;
  criterion: Criterion;
  search: 'exhaustive' | 'stepwise';
  modelsFitted: number;
  modelsUsable: number;
  chosen: ModelFit | null;
  best: ModelFit[];
  averaged: { estimate: number; stderr: number; lower: number; upper: number } | null;
  /** Independence model, always reported as a reference point. */
  independence: ModelFit;
  /** Criterion difference between the chosen model and the runner-up (how clear the choice was). */
  margin: number | null;
}

const MAX_ITER = 100;
const TOLERANCE = 1e-10;

function popcount(x: number): number {
  let c = 0;
  while (x) {
    x &= x - 1;
    c++;
  }
  return c;
}

/** Design matrix for the given cells: columns intercept, k main effects, then the interaction terms. */
export function designMatrix(k: number, terms: number[], cells: number[]): { x: Float64Array; p: number } {
  const cols = [0, ...Array.from({ length: k }, (_, j) => 1 << j), ...terms];
  const p = cols.length;
  const x = new Float64Array(cells.length * p);
  cells.forEach((cell, r) => cols.forEach((t, c) => (x[r * p + c] = (cell & t) === t ? 1 : 0)));
  return { x, p };
}

/**
 * Poisson GLM with log link by iteratively reweighted least squares. Starts from μ = y + 0.1 (as R's
 * glm) or from `start`; halves the step when the deviance does not improve.
 */
export function fitPoissonGlm(x: Float64Array, rows: number, p: number, y: ArrayLike<number>, start?: Float64Array): PoissonFit {
  const beta = new Float64Array(p);
  const eta = new Float64Array(rows);
  const mu = new Float64Array(rows);
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  if (start) {
    beta.set(start);
    linearPredictor(x, rows, p, beta, eta);
    for (let i = 0; i < rows; i++) mu[i] = Math.exp(eta[i]!);
  } else {
    for (let i = 0; i < rows; i++) {
      mu[i] = y[i]! + 0.1;
      eta[i] = Math.log(mu[i]!);
    }
  }
  let dev = poissonDeviance(y, mu);
  let converged = false;
  let singular = false;
  let it = 0;
  const prev = new Float64Array(p);
  for (; it < MAX_ITER; it++) {
    a.fill(0);
    b.fill(0);
    for (let i = 0; i < rows; i++) {
      const w = mu[i]!;
      const z = eta[i]! + (y[i]! - w) / w;
      const off = i * p;
      for (let c = 0; c < p; c++) {
        const xc = x[off + c]!;
        if (xc === 0) continue;
        const wx = w * xc;
        b[c]! += wx * z;
        for (let d = 0; d <= c; d++) a[c * p + d]! += wx * x[off + d]!;
      }
    }
    for (let c = 0; c < p; c++) for (let d = c + 1; d < p; d++) a[c * p + d] = a[d * p + c]!;
    if (!cholesky(a, p)) {
      singular = true;
      break;
    }
    prev.set(beta);
    choleskySolve(a, p, b);
    beta.set(b);
    let newDev = NaN;
    for (let half = 0; half < 30; half++) {
      linearPredictor(x, rows, p, beta, eta);
      for (let i = 0; i < rows; i++) mu[i] = Math.exp(eta[i]!);
      newDev = poissonDeviance(y, mu);
      // From R's start (μ = y + 0.1, no β behind it) the first step must be taken whatever it gives; from
      // a given β the deviance there is real, and a first step that worsens it is an overshoot.
      if (Number.isFinite(newDev) && ((it === 0 && !start) || newDev <= dev * (1 + 1e-12) + 1e-12)) break;
      for (let c = 0; c < p; c++) beta[c] = (beta[c]! + prev[c]!) / 2;
    }
    const change = Math.abs(newDev - dev) / (Math.abs(newDev) + 0.1);
    let step = 0;
    for (let c = 0; c < p; c++) step = Math.max(step, Math.abs(beta[c]! - prev[c]!) / (1 + Math.abs(beta[c]!)));
    dev = newDev;
    // Both the deviance and the coefficients must have settled: the deviance alone stops a few
    // digits short on β0, which is what N̂ depends on.
    if (change < TOLERANCE && step < 1e-9) {
      converged = true;
      it++;
      break;
    }
  }
  const cov = singular ? null : information(x, rows, p, mu);
  return { beta, cov, mu, deviance: dev, iterations: it, converged: converged && !singular && cov !== null };
}

function linearPredictor(x: Float64Array, rows: number, p: number, beta: Float64Array, eta: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let c = 0; c < p; c++) s += x[i * p + c]! * beta[c]!;
    eta[i] = s;
  }
}

/** (XᵀWX)⁻¹ with W = diag(μ), or null when singular. */
function information(x: Float64Array, rows: number, p: number, mu: Float64Array): Float64Array | null {
  const a = new Float64Array(p * p);
  for (let i = 0; i < rows; i++)
    for (let c = 0; c < p; c++) {
      const xc = x[i * p + c]!;
      if (xc === 0) continue;
      for (let d = 0; d < p; d++) a[c * p + d]! += mu[i]! * xc * x[i * p + d]!;
    }
  if (!cholesky(a, p)) return null;
  const inv = new Float64Array(p * p);
  const e = new Float64Array(p);
  for (let c = 0; c < p; c++) {
    e.fill(0);
    e[c] = 1;
    choleskySolve(a, p, e);
    for (let d = 0; d < p; d++) inv[d * p + c] = e[d]!;
  }
  return inv;
}

export function poissonDeviance(y: ArrayLike<number>, mu: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < mu.length; i++) {
    const yi = y[i]!;
    const m = mu[i]!;
    d += yi > 0 ? yi * Math.log(yi / m) - (yi - m) : m;
  }
  return 2 * d;
}

export function poissonLogLik(y: ArrayLike<number>, mu: ArrayLike<number>): number {
  let l = 0;
  for (let i = 0; i < mu.length; i++) l += (y[i]! > 0 ? y[i]! * Math.log(mu[i]!) : 0) - mu[i]! - logGamma(y[i]! + 1);
  return l;
}

/** Maximal terms of a hierarchical model, as list names. */
export function modelName(lists: string[], terms: number[]): string {
  const maximal = terms.filter((t) => !terms.some((u) => u !== t && (u & t) === t));
  if (maximal.length === 0) return 'independence';
  const label = (t: number): string => lists.filter((_, j) => t & (1 << j)).join(':');
  return maximal
    .sort((a, b) => popcount(b) - popcount(a) || a - b)
    .map(label)
    .join(' + ');
}

/** Interaction terms allowed in a k-list model: every subset of 2..k−1 lists (the k-way term is not identifiable). */
function candidateTerms(k: number): number[] {
  const out: number[] = [];
  for (let t = 1; t < (1 << k) - 1; t++) if (popcount(t) >= 2) out.push(t);
  return out.sort((a, b) => popcount(a) - popcount(b) || a - b);
}

/** True when every immediate sub-interaction of t (of 2+ lists) is in the model: the hierarchy rule. */
function hierarchyAllows(t: number, present: Set<number>): boolean {
  for (let r = t; r; r &= r - 1) {
    const sub = t & ~(r & -r);
    if (popcount(sub) >= 2 && !present.has(sub)) return false;
  }
  return true;
}

/** Every hierarchical model with all main effects and without the k-way term, by depth-first enumeration. */
export function enumerateHierarchicalModels(k: number, visit: (terms: number[]) => void): number {
  const cands = candidateTerms(k);
  const present = new Set<number>();
  const chosen: number[] = [];
  let count = 0;
  const walk = (i: number): void => {
    if (i === cands.length) {
      count++;
      visit([...chosen]);
      return;
    }
    walk(i + 1);
    const t = cands[i]!;
    if (hierarchyAllows(t, present)) {
      present.add(t);
      chosen.push(t);
      walk(i + 1);
      chosen.pop();
      present.delete(t);
    }
  };
  walk(0);
  return count;
}

interface RawFit {
  terms: number[];
  fit: PoissonFit;
  p: number;
  estimate: number;
  stderr: number;
  deviance: number;
  aic: number;
  bic: number;
  flag: FitFlag;
}

/** Fits one hierarchical model to the observed cells of a table. */
export function fitModel(table: CaptureTable, terms: number[]): ModelFit {
  return toModelFit(table, fitRaw(table, terms), null);
}

function fitRaw(table: CaptureTable, terms: number[]): RawFit {
  const k = table.lists.length;
  const cells = Array.from({ length: (1 << k) - 1 }, (_, i) => i + 1);
  const y = cells.map((c) => table.counts[c]!);
  const n = observedTotal(table);
  const { x, p } = designMatrix(k, terms, cells);
  const fit = fitPoissonGlm(x, cells.length, p, y);
  const ll = poissonLogLik(y, fit.mu);
  const b0 = fit.beta[0]!;
  const n0 = Math.exp(b0);
  const var0 = fit.cov ? fit.cov[0]! : NaN;
  const estimate = n + n0;
  const stderr = Math.sqrt(n0 + n0 * n0 * var0);
  let flag: FitFlag = 'ok';
  // A term with no unit behind it sends its parameter to −∞; say so rather than "singular".
  if (terms.some((t) => marginal(table, t) === 0)) flag = 'boundary';
  // Checked before "singular": when every cell of some margin is empty (nobody on list C without list
  // A, say), parameters run to ±∞ and the information matrix degenerates; the fit then sits on the
  // boundary, which is the more useful thing to say (Cormack, Chang and Smith 2000 print such a fit).
  else if (minFitted(fit.mu, y) < 1e-8 * Math.max(1, n)) flag = 'boundary';
  else if (!fit.cov) flag = 'singular';
  else if (!fit.converged) flag = 'not_converged';
  // β0 running away: an unobserved cell a million times the documented count, or an interval on the
  // log scale wider than e^±20, is a model that says "anything", not an estimate.
  else if (!Number.isFinite(estimate) || n0 > 1e6 * Math.max(n, 1) || !(Math.sqrt(var0) < 10)) flag = 'infinite';
  return {
    terms,
    fit,
    p,
    estimate,
    stderr,
    deviance: fit.deviance,
    aic: -2 * ll + 2 * p,
    bic: -2 * ll + p * Math.log(n),
    flag,
  };
}

/** Units captured by every list of the term: the sufficient statistic of its parameter. */
function marginal(table: CaptureTable, t: number): number {
  let s = 0;
  for (let x = 1; x < table.counts.length; x++) if ((x & t) === t) s += table.counts[x]!;
  return s;
}

function minFitted(mu: Float64Array, y: number[]): number {
  let m = Infinity;
  for (let i = 0; i < mu.length; i++) if (y[i]! > 0 || mu[i]! < m) m = Math.min(m, mu[i]!);
  return m;
}

function toModelFit(table: CaptureTable, r: RawFit, interval: { lower: number; upper: number } | null): ModelFit {
  const cells = (1 << table.lists.length) - 1;
  return {
    name: modelName(table.lists, r.terms),
    terms: [...r.terms],
    parameters: r.p,
    df: cells - r.p,
    estimate: r.estimate,
    stderr: r.stderr,
    lower: interval?.lower ?? null,
    upper: interval?.upper ?? null,
    deviance: r.deviance,
    aic: r.aic,
    bic: r.bic,
    flag: r.flag,
    weight: 0,
  };
}

/**
 * Multinomial profile-likelihood interval for N (Cormack 1992, as Rcapture's closedpCI.t): for each
 * candidate number z of unseen units, refit the model to the complete table with cell 0 = z; the
 * profile log-likelihood is log N!/z! + Σ_x n_x log(μ̂_x/N) + z log(μ̂_0/N) with N = n + z. The interval
 * is every N within χ²₁(level)/2 of the maximum. An upper end of Infinity means the profile never
 * drops that far (the data cannot bound N from above under this model).
 */
export function profileInterval(table: CaptureTable, terms: number[], level = 0.95, startUnseen?: number): { lower: number; upper: number; mle: number } {
  const k = table.lists.length;
  const n = observedTotal(table);
  const cells = Array.from({ length: 1 << k }, (_, i) => i);
  const { x, p } = designMatrix(k, terms, cells);
  const y = new Float64Array(cells.length);
  for (let c = 1; c < cells.length; c++) y[c] = table.counts[c]!;
  const crit = normalQuantile(1 - (1 - level) / 2) ** 2 / 2;
  let warm: Float64Array | undefined;
  const profile = (z: number): number => {
    y[0] = z;
    // A warm start from the last solution saves iterations, but the last z may be far away (the root
    // search jumps between the ends): rescale the intercept so the start already totals n + z, and
    // fall back to R's start when the warm fit does not converge. An unconverged fit used as it was
    // (μ not summing to N) inflated the profile and pushed interval ends out by up to 15×.
    let fit: PoissonFit | null = null;
    if (warm) {
      const start = Float64Array.from(warm);
      linearPredictor(x, cells.length, p, start, eta);
      let sum = 0;
      for (let c = 0; c < cells.length; c++) sum += Math.exp(eta[c]!);
      start[0] = start[0]! + Math.log((n + z) / sum);
      fit = fitPoissonGlm(x, cells.length, p, y, start);
    }
    if (!fit?.converged) fit = fitPoissonGlm(x, cells.length, p, y);
    if (fit.converged) warm = fit.beta;
    // Multinomial cell probabilities μ/Σμ: equal to μ/N at a converged fit, and never more likely than
    // the true profile when a fit stops short.
    let sum = 0;
    for (let c = 0; c < cells.length; c++) sum += fit.mu[c]!;
    let l = logGamma(n + z + 1) - logGamma(z + 1);
    for (let c = 0; c < cells.length; c++) if (y[c]! > 0) l += y[c]! * Math.log(fit.mu[c]! / sum);
    return l;
  };
  const eta = new Float64Array(cells.length);
  const z0 = Math.max(startUnseen ?? 1, 1e-3);
  const cap = 1e7 * Math.max(n, 1);
  // Bracket the maximum: walk up from the conditional estimate until the profile has fallen well past
  // the cut-off, or the cap is reached.
  const l0 = profile(z0);
  let hi = Math.max(2 * z0, 1);
  let lHi = profile(hi);
  while (hi < cap && lHi > l0 - crit - 2) {
    hi *= 2;
    lHi = profile(hi);
  }
  // Golden-section search for the maximum on [0, hi] (the profile is unimodal in z).
  const g = (Math.sqrt(5) - 1) / 2;
  let a = 0;
  let b = hi;
  let c1 = b - g * (b - a);
  let c2 = a + g * (b - a);
  let f1 = profile(c1);
  let f2 = profile(c2);
  for (let i = 0; i < 80 && b - a > 1e-7 * Math.max(1, b); i++) {
    if (f1 > f2) {
      b = c2;
      c2 = c1;
      f2 = f1;
      c1 = b - g * (b - a);
      f1 = profile(c1);
    } else {
      a = c1;
      c1 = c2;
      f1 = f2;
      c2 = a + g * (b - a);
      f2 = profile(c2);
    }
  }
  const zHat = (a + b) / 2;
  const lMax = Math.max(profile(zHat), f1, f2);
  const cut = lMax - crit;
  const root = (lo: number, up: number, rising: boolean): number => {
    for (let i = 0; i < 100 && up - lo > 1e-6 * Math.max(1, up); i++) {
      const mid = (lo + up) / 2;
      const above = profile(mid) >= cut;
      if (above === rising) up = mid;
      else lo = mid;
    }
    return (lo + up) / 2;
  };
  const lower = profile(0) >= cut ? 0 : root(0, zHat, true);
  const upper = lHi >= cut ? Infinity : root(zHat, hi, false);
  return { lower: n + lower, upper: n + upper, mle: n + zHat };
}

/**
 * Fits every hierarchical model (k ≤ 5) or searches stepwise, picks the best by the criterion,
 * averages by information-criterion weights, and gives the best few models profile intervals.
 */
export function fitLoglinearModels(table: CaptureTable, options: LoglinearOptions = {}): LoglinearResult {
  const criterion = options.criterion ?? 'bic';
  const top = options.top ?? 5;
  const level = options.level ?? 0.95;
  const k = table.lists.length;
  const search = options.search === 'exhaustive' || (options.search !== 'stepwise' && k <= 5) ? 'exhaustive' : 'stepwise';
  const score = (r: RawFit): number => (criterion === 'bic' ? r.bic : r.aic);
  const fits: RawFit[] = [];
  if (search === 'exhaustive') enumerateHierarchicalModels(k, (terms) => fits.push(fitRaw(table, terms)));
  else stepwiseSearch(table, score, fits);

  const usable = fits.filter((f) => f.flag === 'ok').sort((a, b) => score(a) - score(b));
  const bestScore = usable.length ? score(usable[0]!) : 0;
  const rawW = usable.map((f) => Math.exp(-(score(f) - bestScore) / 2));
  const sumW = rawW.reduce((s, w) => s + w, 0);
  const weightOf = new Map<RawFit, number>(usable.map((f, i) => [f, rawW[i]! / sumW]));
  const withInterval = (r: RawFit): ModelFit => {
    let interval: { lower: number; upper: number } | null = null;
    if (r.flag === 'ok') {
      const pi = profileInterval(table, r.terms, level, r.estimate - observedTotal(table));
      interval = { lower: pi.lower, upper: pi.upper };
    }
    const m = toModelFit(table, r, interval);
    m.weight = weightOf.get(r) ?? 0;
    return m;
  };
  const best = usable.slice(0, top).map(withInterval);
  const indRaw = fits.find((f) => f.terms.length === 0) ?? fitRaw(table, []);
  const independence = best.find((m) => m.terms.length === 0) ?? withInterval(indRaw);

  let averaged: LoglinearResult['averaged'] = null;
  if (usable.length) {
    const z = normalQuantile(1 - (1 - level) / 2);
    let est = 0;
    usable.forEach((f) => (est += weightOf.get(f)! * f.estimate));
    // Buckland, Burnham & Augustin (1997): the spread between models is added to each model's own error.
    let se = 0;
    usable.forEach((f) => (se += weightOf.get(f)! * Math.sqrt(f.stderr ** 2 + (f.estimate - est) ** 2)));
    const n = observedTotal(table);
    averaged = { estimate: est, stderr: se, lower: Math.max(n, est - z * se), upper: est + z * se };
  }
  return {
    observed: observedTotal(table),
    criterion,
    search,
    modelsFitted: fits.length,
    modelsUsable: usable.length,
    chosen: best[0] ?? null,
    best,
    averaged,
    independence,
    margin: usable.length > 1 ? score(usable[1]!) - score(usable[0]!) : null,
  };
}

/**
 * Greedy stepwise search for many lists: from independence, repeatedly move to the best neighbouring
 * hierarchical model (add one interaction whose sub-interactions are all present, or drop one that no
 * other term contains) while the criterion improves. Every model visited is kept in `fits`.
 */
function stepwiseSearch(table: CaptureTable, score: (r: RawFit) => number, fits: RawFit[]): void {
  const k = table.lists.length;
  const cands = candidateTerms(k).filter((t) => popcount(t) <= 3);
  const seen = new Map<string, RawFit>();
  const fitOnce = (terms: number[]): RawFit => {
    const sorted = [...terms].sort((a, b) => a - b);
    const key = sorted.join(',');
    let r = seen.get(key);
    if (!r) {
      r = fitRaw(table, sorted);
      seen.set(key, r);
      fits.push(r);
    }
    return r;
  };
  let current = fitOnce([]);
  for (let step = 0; step < 60; step++) {
    const present = new Set(current.terms);
    const neighbours: number[][] = [];
    for (const t of cands) if (!present.has(t) && hierarchyAllows(t, present)) neighbours.push([...current.terms, t]);
    for (const t of current.terms) if (!current.terms.some((u) => u !== t && (u & t) === t)) neighbours.push(current.terms.filter((u) => u !== t));
    let next: RawFit | null = null;
    for (const terms of neighbours) {
      const r = fitOnce(terms);
      if (r.flag !== 'ok') continue;
      if (!next || score(r) < score(next)) next = r;
    }
    if (!next || (current.flag === 'ok' && score(next) >= score(current) - 1e-9)) break;
    current = next;
  }
}
