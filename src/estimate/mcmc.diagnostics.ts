/** Convergence diagnostics for a scalar Markov chain trace. */

function autocovariances(x: ArrayLike<number>, maxLag: number): Float64Array {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  const g = new Float64Array(maxLag + 1);
  for (let t = 0; t <= maxLag; t++) {
    let s = 0;
    for (let i = 0; i + t < n; i++) s += (x[i]! - mean) * (x[i + t]! - mean);
    g[t] = s / n;
  }
  return g;
}

/**
 * Integrated autocorrelation time τ by Geyer's (1992) initial positive sequence: sums of adjacent
 * autocovariance pairs Γ_m = γ_2m + γ_2m+1 are added while positive, each capped by the previous
 * one (initial monotone sequence). τ = (−γ0 + 2 Σ Γ_m) / γ0; the effective sample size is n / τ.
 */
export function autocorrelationTime(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 4) return 1;
  const g = autocovariances(x, n - 1 < 2000 ? n - 1 : 2000);
  if (!(g[0]! > 0)) return 1;
  let sum = 0;
  let prev = Infinity;
  for (let m = 0; 2 * m + 1 < g.length; m++) {
    let pair = g[2 * m]! + g[2 * m + 1]!;
    if (!(pair > 0)) break;
    if (pair > prev) pair = prev;
    sum += pair;
    prev = pair;
  }
  return Math.max((-g[0]! + 2 * sum) / g[0]!, 1 / n);
}

export function effectiveSampleSize(x: ArrayLike<number>): number {
  return x.length / autocorrelationTime(x);
}

/**
 * Geweke's (1992) z: the mean of the first 10% of the trace against the mean of the last 50%, each
 * mean's variance corrected for autocorrelation (s²·τ/n). |z| > 2 suggests the chain had not settled.
 */
export function gewekeZ(x: ArrayLike<number>, first = 0.1, last = 0.5): number {
  const n = x.length;
  const a = Array.from({ length: Math.floor(n * first) }, (_, i) => x[i]!);
  const b = Array.from({ length: Math.floor(n * last) }, (_, i) => x[n - Math.floor(n * last) + i]!);
  if (a.length < 4 || b.length < 4) return NaN;
  const stats = (v: number[]): { mean: number; varMean: number } => {
    const mean = v.reduce((s, y) => s + y, 0) / v.length;
    const s2 = v.reduce((s, y) => s + (y - mean) ** 2, 0) / (v.length - 1);
    return { mean, varMean: (s2 * autocorrelationTime(v)) / v.length };
  };
  const sa = stats(a);
  const sb = stats(b);
  const den = Math.sqrt(sa.varMean + sb.varMean);
  if (den === 0) return sa.mean === sb.mean ? 0 : Infinity;
  return (sa.mean - sb.mean) / den;
}

/**
 * Split R̂ (Gelman et al. 2013, Bayesian Data Analysis, 3rd ed., §11.4): each chain is cut in two
 * halves, and the between-half variance of the means is compared with the within-half variance.
 * Values near 1 say the chains explore the same distribution; above 1.01 they have not mixed.
 */
export function splitRhat(chains: readonly (readonly number[])[]): number {
  const halves: number[][] = [];
  for (const c of chains) {
    const h = Math.floor(c.length / 2);
    if (h < 2) continue;
    halves.push(c.slice(0, h), c.slice(c.length - h));
  }
  if (halves.length < 2) return NaN;
  const n = Math.min(...halves.map((h) => h.length));
  const means = halves.map((h) => h.slice(0, n).reduce((s, v) => s + v, 0) / n);
  const grand = means.reduce((s, v) => s + v, 0) / means.length;
  const B = (n / (means.length - 1)) * means.reduce((s, m) => s + (m - grand) ** 2, 0);
  const W = halves.reduce((s, h, i) => s + h.slice(0, n).reduce((a, v) => a + (v - means[i]!) ** 2, 0) / (n - 1), 0) / halves.length;
  if (!(W > 0)) return B > 0 ? Infinity : 1;
  return Math.sqrt(((n - 1) / n) * W + B / n) / Math.sqrt(W);
}

/** Effective sample size of several chains: the sum of each chain's own. */
export function multiChainEss(chains: readonly (readonly number[])[]): number {
  return chains.reduce((s, c) => s + effectiveSampleSize(c), 0);
}
