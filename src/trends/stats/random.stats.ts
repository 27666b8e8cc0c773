/**
 * A seeded pseudo-random generator (xoshiro128**, seeded through splitmix32) and the samplers the
 * Monte Carlo calibration needs. Seeded so every published p-value can be reproduced exactly.
 */
import { logFactorial } from './special-functions.stats.js';

export interface Rng {
  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number;
  normal(): number;
  /** Gamma with the given shape and scale 1 (Marsaglia & Tsang 2000). */
  gamma(shape: number): number;
  poisson(mean: number): number;
  /**
   * Negative binomial with the given mean and variance `dispersion × mean` (a gamma–Poisson mixture);
   * dispersion ≤ 1 gives a Poisson draw.
   */
  overdispersedPoisson(mean: number, dispersion: number): number;
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

export function createRng(seed: number): Rng {
  const init = splitmix32(Math.floor(seed) >>> 0);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  if ((a | b | c | d) === 0) a = 1;
  const next32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    return result;
  };
  const uniform = (): number => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;

  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    spare = v * f;
    return u * f;
  };

  const gamma = (shape: number): number => {
    if (shape < 1) {
      const u = uniform();
      return gamma(shape + 1) * Math.pow(u === 0 ? Number.MIN_VALUE : u, 1 / shape);
    }
    const dd = shape - 1 / 3;
    const cc = 1 / Math.sqrt(9 * dd);
    for (;;) {
      let x = 0;
      let v = 0;
      do {
        x = normal();
        v = 1 + cc * x;
      } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return dd * v;
      if (Math.log(u) < 0.5 * x * x + dd * (1 - v + Math.log(v))) return dd * v;
    }
  };

  const poisson = (mean: number): number => {
    if (!(mean > 0)) return 0;
    if (mean < 10) {
      // Inversion by sequential search: exact and fast for small means.
      let k = 0;
      let p = Math.exp(-mean);
      let cdf = p;
      const u = uniform();
      while (u > cdf && k < 1000) {
        k++;
        p *= mean / k;
        cdf += p;
      }
      return k;
    }
    // PTRS, transformed rejection with squeeze (Hörmann 1993), as in NumPy.
    const slam = Math.sqrt(mean);
    const loglam = Math.log(mean);
    const bb = 0.931 + 2.53 * slam;
    const aa = -0.059 + 0.02483 * bb;
    const invalpha = 1.1239 + 1.1328 / (bb - 3.4);
    const vr = 0.9277 - 3.6224 / (bb - 2);
    for (;;) {
      const U = uniform() - 0.5;
      const V = uniform();
      const us = 0.5 - Math.abs(U);
      const k = Math.floor(((2 * aa) / us + bb) * U + mean + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (Math.log(V) + Math.log(invalpha) - Math.log(aa / (us * us) + bb) <= -mean + k * loglam - logFactorial(k)) {
        return k;
      }
    }
  };

  const overdispersedPoisson = (mean: number, dispersion: number): number => {
    if (!(mean > 0)) return 0;
    if (!(dispersion > 1 + 1e-9)) return poisson(mean);
    const scale = dispersion - 1;
    return poisson(gamma(mean / scale) * scale);
  };

  return { uniform, normal, gamma, poisson, overdispersedPoisson };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
