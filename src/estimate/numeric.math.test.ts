import { describe, expect, it } from 'vitest';
import { cholesky, choleskySolve, logGamma, normalQuantile, quantile } from './numeric.math.js';

describe('numeric helpers', () => {
  it('logGamma matches log factorials and Γ(1/2) = √π', () => {
    let logFact = 0;
    for (let n = 1; n <= 170; n++) {
      logFact += Math.log(n);
      expect(logGamma(n + 1)).toBeCloseTo(logFact, 8);
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });
  it('normalQuantile gives the textbook values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 7);
  });
  it('Cholesky solves a symmetric positive-definite system and refuses a singular one', () => {
    const a = Float64Array.from([4, 2, 0.4, 2, 5, 1, 0.4, 1, 3]);
    const b = Float64Array.from([1, 2, 3]);
    const l = Float64Array.from(a);
    expect(cholesky(l, 3)).toBe(true);
    const x = Float64Array.from(b);
    choleskySolve(l, 3, x);
    for (let i = 0; i < 3; i++) expect(a[i * 3]! * x[0]! + a[i * 3 + 1]! * x[1]! + a[i * 3 + 2]! * x[2]!).toBeCloseTo(b[i]!, 12);
    expect(cholesky(Float64Array.from([1, 1, 1, 1]), 2)).toBe(false);
  });
  it('quantile interpolates like R type 7', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.025)).toBeCloseTo(1.1, 12);
  });
});
