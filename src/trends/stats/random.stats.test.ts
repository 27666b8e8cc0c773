import { describe, expect, it } from 'vitest';
import { createRng } from './random.stats.js';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    s += x;
    s2 += x * x;
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean };
}

describe('seeded random generator', () => {
  it('repeats exactly for a seed and differs between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xa = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(xa);
    for (const x of xa) expect(x >= 0 && x < 1).toBe(true);
  });

  it.each([0.7, 4, 9.9, 10, 35, 400])('Poisson(%s) has mean and variance equal to the mean', (mu) => {
    const rng = createRng(1);
    const m = moments(() => rng.poisson(mu), 40_000);
    // Five standard errors: the mean's SE is sqrt(mu/n); the variance's is about mu*sqrt(2/n).
    expect(Math.abs(m.mean - mu)).toBeLessThan(5 * Math.sqrt(mu / 40_000));
    expect(Math.abs(m.variance - mu)).toBeLessThan(5 * Math.sqrt((2 * mu * mu + mu) / 40_000) + 0.01);
  });

  it('over-dispersed Poisson has variance dispersion × mean', () => {
    const rng = createRng(2);
    const m = moments(() => rng.overdispersedPoisson(6, 3), 60_000);
    expect(m.mean).toBeCloseTo(6, 1);
    expect(m.variance / m.mean).toBeGreaterThan(2.8);
    expect(m.variance / m.mean).toBeLessThan(3.2);
  });

  it('gamma with shape below and above one has mean = variance = shape', () => {
    const rng = createRng(3);
    for (const k of [0.3, 2.5]) {
      const m = moments(() => rng.gamma(k), 60_000);
      expect(Math.abs(m.mean - k)).toBeLessThan(0.03 * Math.max(1, k));
      expect(Math.abs(m.variance - k)).toBeLessThan(0.08 * Math.max(1, k));
    }
  });
});
