/**
 * A seeded, reproducible random source and the distributions the LCMCR sampler needs.
 * xoshiro128** (Blackman & Vigna 2018) seeded through splitmix32, so the same seed gives the same
 * stream on every platform; all arithmetic is 32-bit integer (Math.imul), hence exact in JavaScript.
 * Samplers are exact algorithms, not approximations: Gamma by Marsaglia–Tsang (2000), Beta from two
 * Gammas, Binomial and Poisson by inversion (from the mode outwards once the mean passes 10), with
 * Knuth's beta-splitting and Ahrens–Dieter's gamma-splitting recursions above 20,000,
 * negative binomial as a Poisson–Gamma mixture, multinomial by sequential binomials.
 */

export interface Rng {
  /** Uniform on (0, 1): never exactly 0 or 1, so logs and divisions are safe. */
  uniform(): number;
  /**
   * Standard normal by the polar Box–Muller method. Each accepted pair of uniforms gives two
   * independent normals and the second is kept for the next call (it used to be thrown away, and
   * normals were the largest share of the LCMCR sweep's time).
   */
  normal(): number;
  /** The generator's state, to resume the uniform stream exactly (a kept normal is not part of it). */
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
  // State and the kept normal in typed arrays: in closure variables, values past 2^30 and doubles
  // are boxed, an allocation per draw.
  const st = Int32Array.from(s);
  const next = (): number => {
    const s1 = st[1]!;
    const m = Math.imul(s1, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    st[2]! ^= st[0]!;
    st[3]! ^= s1;
    st[1]! ^= st[2]!;
    st[0]! ^= st[3]!;
    st[2]! ^= t;
    const s3 = st[3]!;
    st[3] = (s3 << 11) | (s3 >>> 21);
    return r;
  };
  // 53 random bits would be nicer, but two draws cost twice; 2^-32 resolution with the half-step
  // offset keeps the value strictly inside (0, 1).
  const uniform = (): number => (next() + 0.5) / 4294967296;
  const spare = new Float64Array(1).fill(NaN);
  return {
    uniform,
    normal: () => {
      const kept = spare[0]!;
      if (kept === kept) {
        spare[0] = NaN;
        return kept;
      }
      for (;;) {
        const u = 2 * uniform() - 1;
        const v = 2 * uniform() - 1;
        const q = u * u + v * v;
        if (q > 0 && q < 1) {
          const f = Math.sqrt((-2 * Math.log(q)) / q);
          spare[0] = v * f;
          return u * f;
        }
      }
    },
    state: () => Array.from(st, (x) => x >>> 0),
  };
}

/** Standard normal (Marsaglia–Tsang needs it): see Rng.normal. */
export function normal(rng: Rng): number {
  return rng.normal();
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

/** log(k!) from a table below 1024, beyond it by Stirling's series (error far below 1e-15 there). */
const LOG_FACTORIAL = (() => {
  const t = new Float64Array(1024);
  for (let k = 2; k < 1024; k++) t[k] = t[k - 1]! + Math.log(k);
  return t;
})();
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
export function logFactorial(k: number): number {
  if (k < 1024) return LOG_FACTORIAL[k]!;
  const x = k + 1;
  const x2 = x * x;
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + (1 / 12 - (1 / 360 - 1 / (1260 * x2)) / x2) / x;
}

/**
 * Above this size, binomial and Poisson draws are first split (Knuth, Ahrens–Dieter) into smaller
 * ones; below it, inversion searching outwards from the mode takes about 1.6·σ cheap steps, fewer
 * than the two Gamma draws of one split.
 */
const SEARCH_MAX = 20_000;

/** Binomial(n, p). */
export function binomial(rng: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  let acc = 0;
  // Knuth (TAOCP 3.4.1): the a-th order statistic of n uniforms is Beta(a, n+1-a); splitting on it
  // leaves a binomial of about half the size, so this loop runs O(log n) times.
  while (n > SEARCH_MAX) {
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
  const flip = p > 0.5;
  const q = flip ? 1 - p : p;
  const r = q / (1 - q);
  let k: number;
  if (n * q < 10) {
    // Inversion by the recurrence of the probability function, from the lighter tail.
    let f = Math.pow(1 - q, n);
    let u = rng.uniform();
    k = 0;
    while (u > f && k < n) {
      u -= f;
      f *= (r * (n - k)) / (k + 1);
      k++;
    }
  } else {
    // Inversion with the support visited from the mode outwards, alternately below and above: any
    // fixed order of the support gives an exact inversion sampler, and this one reaches the mass
    // soonest (about 1.6·σ steps). Written out here and in poisson rather than shared through
    // callbacks, which cost a closure per draw on the sampler's hot path.
    const mode = Math.floor((n + 1) * q);
    const f = Math.exp(logFactorial(n) - logFactorial(mode) - logFactorial(n - mode) + mode * Math.log(q) + (n - mode) * Math.log1p(-q));
    let u = rng.uniform() - f;
    let lo = mode;
    let hi = mode;
    let flo = f;
    let fhi = f;
    k = mode;
    while (u > 0) {
      if (lo > 0) {
        flo *= lo / ((n - lo + 1) * r);
        lo--;
        u -= flo;
        if (u <= 0) {
          k = lo;
          break;
        }
      }
      if (hi < n) {
        fhi *= ((n - hi) * r) / (hi + 1);
        hi++;
        u -= fhi;
        if (u <= 0) {
          k = hi;
          break;
        }
      }
      // Rounding left u a hair above the total mass (u within ~1e-12 of 1): the mode will do.
      if ((lo === 0 || flo === 0) && (hi === n || fhi === 0)) break;
    }
  }
  return acc + (flip ? n - k : k);
}

/** Poisson(mean). */
export function poisson(rng: Rng, mean: number): number {
  if (!(mean > 0)) return 0;
  let acc = 0;
  // Ahrens & Dieter (1974): the m-th arrival time of a unit-rate process is Gamma(m); either it falls
  // before `mean` (recurse on the rest) or the count is binomial among the m−1 earlier arrivals.
  while (mean > SEARCH_MAX) {
    const m = Math.floor(0.875 * mean);
    const x = gamma(rng, m);
    if (x < mean) {
      acc += m;
      mean -= x;
    } else {
      return acc + binomial(rng, m - 1, mean / x);
    }
  }
  if (mean >= 10) {
    // From the mode outwards, as in binomial.
    const mode = Math.floor(mean);
    const f = Math.exp(mode * Math.log(mean) - mean - logFactorial(mode));
    let u = rng.uniform() - f;
    let lo = mode;
    let hi = mode;
    let flo = f;
    let fhi = f;
    while (u > 0) {
      if (lo > 0) {
        flo *= lo / mean;
        lo--;
        u -= flo;
        if (u <= 0) return acc + lo;
      }
      fhi *= mean / (hi + 1);
      hi++;
      u -= fhi;
      if (u <= 0) return acc + hi;
      if ((lo === 0 || flo === 0) && fhi === 0) break;
    }
    return acc + mode;
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
