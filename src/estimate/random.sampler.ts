/**
 * A seeded, reproducible random source and the distributions the LCMCR sampler needs.
 * xoshiro128** (Blackman & Vigna 2018) seeded through splitmix32, so the same seed gives the same
 * stream on every platform; all arithmetic is 32-bit integer (Math.imul), hence exact in JavaScript.
 * Samplers are exact algorithms, not approximations: Gamma by Marsaglia–Tsang (2000), Beta from two
 * Gammas, Binomial by inversion for small n and by Knuth's beta-splitting recursion for large n,
 * Poisson by inversion for small means and Ahrens–Dieter's gamma-splitting recursion for large ones,
 * negative binomial as a Poisson–Gamma mixture, multinomial by sequential binomials.
 */

export interface Rng {
  /** Uniform on (0, 1): never exactly 0 or 1, so logs and divisions are safe. */
  uniform(): number;
  /** The generator's state, to resume a stream exactly. */
  state(): number[];
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** xoshiro128** seeded from any 32-bit integer (or a saved state). */
export function createRng(seed: number | number[]): Rng {
  let s: Uint32Array;
  if (Array.isArray(seed)) {
    s = Uint32Array.from(seed);
  } else {
    const sm = splitmix32(Math.trunc(seed));
    s = Uint32Array.from([sm(), sm(), sm(), sm()]);
  }
  if (s.length !== 4 || (s[0]! | s[1]! | s[2]! | s[3]!) === 0) s = Uint32Array.from([1, 2, 3, 4]);
  const next = (): number => {
    const r = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return r;
  };
  return {
    // 53 random bits would be nicer, but two draws cost twice; 2^-32 resolution with the half-step
    // offset keeps the value strictly inside (0, 1).
    uniform: () => (next() + 0.5) / 4294967296,
    state: () => Array.from(s),
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Standard normal by the polar Box–Muller method (Marsaglia–Tsang needs it). */
export function normal(rng: Rng): number {
  for (;;) {
    const u = 2 * rng.uniform() - 1;
    const v = 2 * rng.uniform() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/** Gamma(shape, rate): mean shape/rate. Marsaglia & Tsang (2000); shape < 1 via the U^(1/shape) boost. */
export function gamma(rng: Rng, shape: number, rate = 1): number {
  if (!(shape > 0) || !(rate > 0)) throw new RangeError(`gamma(${shape}, ${rate})`);
  if (shape < 1) {
    const g = gamma(rng, shape + 1, 1);
    return (g * Math.pow(rng.uniform(), 1 / shape)) / rate;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return (d * v) / rate;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

/** Beta(a, b) as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function beta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a);
  const y = gamma(rng, b);
  const s = x + y;
  // Both can underflow to 0 when a and b are tiny; the limit is a coin with odds a:b.
  if (s === 0) return rng.uniform() < a / (a + b) ? 1 : 0;
  return x / s;
}

/** Binomial(n, p). */
export function binomial(rng: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  let acc = 0;
  // Knuth (TAOCP 3.4.1): the a-th order statistic of n uniforms is Beta(a, n+1-a); splitting on it
  // leaves a binomial of about half the size, so this loop runs O(log n) times.
  while (n > 40) {
    const a = 1 + (n >> 1);
    const x = beta(rng, a, n + 1 - a);
    if (x >= p) {
      n = a - 1;
      p = p / x;
    } else {
      acc += a;
      n = n - a;
      p = (p - x) / (1 - x);
    }
    if (p <= 0 || n <= 0) return acc;
    if (p >= 1) return acc + n;
  }
  // Inversion by the recurrence of the probability function, from the lighter tail.
  const flip = p > 0.5;
  const q = flip ? 1 - p : p;
  const r = q / (1 - q);
  let f = Math.pow(1 - q, n);
  let u = rng.uniform();
  let k = 0;
  while (u > f && k < n) {
    u -= f;
    f *= (r * (n - k)) / (k + 1);
    k++;
  }
  return acc + (flip ? n - k : k);
}

/** Poisson(mean). */
export function poisson(rng: Rng, mean: number): number {
  if (!(mean > 0)) return 0;
  let acc = 0;
  // Ahrens & Dieter (1974): the m-th arrival time of a unit-rate process is Gamma(m); either it falls
  // before `mean` (recurse on the rest) or the count is binomial among the m−1 earlier arrivals.
  while (mean > 30) {
    const m = Math.floor(0.875 * mean);
    const x = gamma(rng, m);
    if (x < mean) {
      acc += m;
      mean -= x;
    } else {
      return acc + binomial(rng, m - 1, mean / x);
    }
  }
  const l = Math.exp(-mean);
  let k = 0;
  let prod = rng.uniform();
  while (prod > l) {
    prod *= rng.uniform();
    k++;
  }
  return acc + k;
}

/**
 * The number of failures before `size` successes with success probability `p`:
 * mean size·(1−p)/p. Drawn as Poisson(Gamma(size, rate p/(1−p))).
 */
export function negativeBinomial(rng: Rng, size: number, p: number): number {
  if (p >= 1) return 0;
  if (!(p > 0)) throw new RangeError('negativeBinomial: p must be > 0');
  const lambda = gamma(rng, size, p / (1 - p));
  return poisson(rng, lambda);
}

/**
 * Multinomial(n, weights) into `out` (weights need not sum to 1), by sequential conditional binomials:
 * cell k gets Binomial(remaining, w_k / Σ_{l≥k} w_l).
 */
export function multinomial(rng: Rng, n: number, weights: ArrayLike<number>, out: Float64Array | number[]): void {
  const k = weights.length;
  let rest = 0;
  let last = -1;
  for (let i = 0; i < k; i++) {
    out[i] = 0;
    const w = weights[i]!;
    if (w > 0) {
      rest += w;
      last = i;
    }
  }
  if (last < 0) throw new RangeError('multinomial: no positive weight');
  let left = n;
  // The last positive cell takes what is left, so rounding in `rest` can never lose units.
  for (let i = 0; i < last && left > 0; i++) {
    const w = weights[i]!;
    if (!(w > 0)) continue;
    const draw = binomial(rng, left, Math.min(1, w / rest));
    out[i] = draw;
    left -= draw;
    rest -= w;
  }
  out[last] = left;
}
