import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  betaQuantile,
  binomialLowerTail,
  binomialUpperTail,
  gammaQuantile,
  logGamma,
  regularizedBeta,
  regularizedGammaP,
} from './special-functions.stats.js';

// Reference values from SciPy 1.17 (special.gammaln, gammainc, betainc; stats.beta.ppf, gamma.ppf, binom.sf).
describe('special functions (known answers from SciPy)', () => {
  it('logGamma', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5723649429247, 12);
    expect(logGamma(10.3)).toBeCloseTo(13.482036786138359, 11);
    expect(logGamma(123.4)).toBeCloseTo(469.3360974421906, 9);
    expect(logGamma(1)).toBeCloseTo(0, 13);
  });
  it('regularised incomplete gamma and beta', () => {
    expect(regularizedGammaP(2.5, 1.7)).toBeCloseTo(0.36143007689620493, 12);
    expect(regularizedGammaP(30, 41.2)).toBeCloseTo(0.9708708915281221, 12);
    expect(regularizedBeta(0.3, 2.5, 7.1)).toBeCloseTo(0.6490225790210132, 12);
    expect(regularizedBeta(0.45, 40, 60)).toBeCloseTo(0.8462247976813987, 12);
  });
  it('quantiles', () => {
    expect(betaQuantile(0.025, 20, 11)).toBeCloseTo(0.47187995521011944, 10);
    expect(betaQuantile(0.975, 21, 10)).toBeCloseTo(0.8271257784739607, 10);
    expect(gammaQuantile(0.975, 11)).toBeCloseTo(18.39035604201778, 9);
    expect(gammaQuantile(0.025, 3.5)).toBeCloseTo(0.8449345903386775, 10);
  });
  it('binomial tails', () => {
    expect(2 * binomialUpperTail(20, 30, 0.5)).toBeCloseTo(0.09873714670538905, 12);
    expect(binomialLowerTail(30, 30, 0.2)).toBe(1);
    expect(binomialUpperTail(0, 30, 0.2)).toBe(1);
  });
  it('quantiles invert their distribution functions, to the last representable x', () => {
    // In floating point a quantile is exact when p lies between the distribution function at the
    // neighbouring doubles of the returned x. Asking for I(x) ≈ p to 6 decimals instead is asking too
    // much where the CDF is steep: for a = 182, b = 0.2 the 99% quantile is 1 − 3e-13, and one step of
    // x there moves I(x) by ~6e-7 (a seeded run of the old form of this property once failed there).
    const next = (x: number, dir: 1 | -1): number => {
      if (x === 0) return dir > 0 ? Number.MIN_VALUE : 0;
      const f = new Float64Array([x]);
      const i = new BigInt64Array(f.buffer);
      i[0] = i[0]! + BigInt(dir);
      return f[0]!;
    };
    const brackets = (cdf: (x: number) => number, x: number, p: number): void => {
      expect(cdf(next(x, -1))).toBeLessThanOrEqual(p + 1e-9);
      expect(cdf(next(x, 1))).toBeGreaterThanOrEqual(p - 1e-9);
    };
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0.2, max: 200, noNaN: true }),
        fc.double({ min: 0.2, max: 200, noNaN: true }),
        (p, a, b) => {
          brackets((x) => regularizedBeta(x, a, b), betaQuantile(p, a, b), p);
          brackets((x) => regularizedGammaP(a, x), gammaQuantile(p, a), p);
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
    // The case that failed the old form, and a well-conditioned one held to 10 decimals.
    brackets((x) => regularizedBeta(x, 182, 0.2), betaQuantile(0.99, 182, 0.2), 0.99);
    expect(regularizedBeta(betaQuantile(0.3, 4, 7), 4, 7)).toBeCloseTo(0.3, 10);
  });
});
