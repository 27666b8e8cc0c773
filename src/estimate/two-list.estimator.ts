/**
 * Two-list (dual system) estimators. With two lists nothing in the data can test whether the lists
 * are independent, so these are reported with that warning and nothing more elaborate is attempted.
 */
import { normalQuantile } from './numeric.math.js';

export interface TwoListEstimate {
  estimate: number;
  stderr: number;
  lower: number;
  upper: number;
}

/** Lincoln–Petersen N̂ = n1·n2/m, variance n1·n2·(n1−m)(n2−m)/m³ (Seber 1982, eq. 3.3). Needs m > 0. */
export function lincolnPetersen(n1: number, n2: number, m: number, level = 0.95): TwoListEstimate {
  if (!(m > 0)) throw new RangeError('lincolnPetersen: no unit on both lists');
  const estimate = (n1 * n2) / m;
  const variance = (n1 * n2 * (n1 - m) * (n2 - m)) / m ** 3;
  return withInterval(estimate, variance, n1 + n2 - m, level);
}

/**
 * Chapman's nearly unbiased form N̂ = (n1+1)(n2+1)/(m+1) − 1, variance
 * (n1+1)(n2+1)(n1−m)(n2−m) / ((m+1)²(m+2)) (Seber 1982, eq. 3.7).
 */
export function chapman(n1: number, n2: number, m: number, level = 0.95): TwoListEstimate {
  const estimate = ((n1 + 1) * (n2 + 1)) / (m + 1) - 1;
  const variance = ((n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m)) / ((m + 1) ** 2 * (m + 2));
  return withInterval(estimate, variance, n1 + n2 - m, level);
}

/**
 * Chao's (1987) log-normal interval: the unseen f0 = N̂ − n is taken as log-normal, which keeps the
 * lower end at or above the documented count n and gives the skewed interval the data call for.
 */
export function logNormalInterval(estimate: number, variance: number, observed: number, level = 0.95): { lower: number; upper: number } {
  const f0 = estimate - observed;
  if (!(f0 > 0) || !(variance > 0)) return { lower: Math.max(observed, estimate), upper: Math.max(observed, estimate) };
  const z = normalQuantile(1 - (1 - level) / 2);
  const c = Math.exp(z * Math.sqrt(Math.log(1 + variance / (f0 * f0))));
  return { lower: observed + f0 / c, upper: observed + f0 * c };
}

function withInterval(estimate: number, variance: number, observed: number, level: number): TwoListEstimate {
  return { estimate, stderr: Math.sqrt(variance), ...logNormalInterval(estimate, variance, observed, level) };
}
