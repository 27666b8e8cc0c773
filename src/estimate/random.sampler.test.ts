import { describe, expect, it } from 'vitest';
import { beta, binomial, createRng, gamma, logFactorial, multinomial, negativeBinomial, normal, poisson, type Rng } from './random.sampler.js';

/** Sample mean and variance of `reps` draws. */
function moments(reps: number, draw: () => number): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < reps; i++) {
    const x = draw();
    s += x;
    s2 += x * x;
  }
  const mean = s / reps;
  return { mean, variance: (s2 - reps * mean * mean) / (reps - 1) };
}

/** The sample mean should fall within 5 standard errors of the true mean, the variance within 10%. */
function expectMoments(rng: Rng, reps: number, draw: (r: Rng) => number, mean: number, variance: number): void {
  const m = moments(reps, () => draw(rng));
  expect(Math.abs(m.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / reps) + 1e-12);
  expect(m.variance / variance).toBeGreaterThan(0.9);
  expect(m.variance / variance).toBeLessThan(1.1);
}

describe('xoshiro128** random source', () => {
  it('is reproducible from a seed and differs between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xa = Array.from({ length: 10 }, () => a.uniform());
    expect(Array.from({ length: 10 }, () => b.uniform())).toEqual(xa);
    expect(Array.from({ length: 10 }, () => c.uniform())).not.toEqual(xa);
  });

  it('resumes exactly from a saved state', () => {
    const a = createRng(7);
    a.uniform();
    const saved = a.state();
    const next = a.uniform();
    expect(createRng(saved).uniform()).toBe(next);
  });

  it('gives uniforms strictly inside (0, 1) with mean 1/2 and variance 1/12', () => {
    const rng = createRng(1);
    let min = 1;
    let max = 0;
    const m = moments(200_000, () => {
      const u = rng.uniform();
      min = Math.min(min, u);
      max = Math.max(max, u);
      return u;
    });
    expect(min).toBeGreaterThan(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(m.mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(m.variance - 1 / 12)).toBeLessThan(0.002);
  });
});

describe('samplers match their moments', () => {
  const rng = createRng(2024);
  it('normal', () => expectMoments(rng, 100_000, normal, 0, 1));
  for (const [shape, rate] of [
    [0.25, 0.25],
    [0.7, 1],
    [1, 2],
    [2.5, 1],
    [40, 3],
  ] as const)
    it(`gamma(${shape}, rate ${rate})`, () => expectMoments(rng, 100_000, (r) => gamma(r, shape, rate), shape / rate, shape / rate ** 2));
  for (const [a, b] of [
    [1, 1],
    [0.5, 3],
    [12, 30],
  ] as const)
    it(`beta(${a}, ${b})`, () => expectMoments(rng, 100_000, (r) => beta(r, a, b), a / (a + b), (a * b) / ((a + b) ** 2 * (a + b + 1))));
  for (const [n, p] of [
    [10, 0.3],
    [35, 0.9],
    [1000, 0.02],
    [100_000, 0.37],
  ] as const)
    it(`binomial(${n}, ${p})`, () => expectMoments(rng, 50_000, (r) => binomial(r, n, p), n * p, n * p * (1 - p)));
  for (const mean of [0.5, 12, 31, 5000])
    it(`poisson(${mean})`, () => expectMoments(rng, 50_000, (r) => poisson(r, mean), mean, mean));
  it('negative binomial (failures before 50 successes, p = 0.2)', () =>
    expectMoments(rng, 50_000, (r) => negativeBinomial(r, 50, 0.2), (50 * 0.8) / 0.2, (50 * 0.8) / 0.04));
  it('binomial edge cases', () => {
    expect(binomial(rng, 0, 0.5)).toBe(0);
    expect(binomial(rng, 10, 0)).toBe(0);
    expect(binomial(rng, 10, 1)).toBe(10);
  });
  it('multinomial keeps every unit and matches the cell means', () => {
    const w = [0.5, 0, 1.5, 2];
    const out = [0, 0, 0, 0];
    const sums = [0, 0, 0, 0];
    const reps = 20_000;
    for (let i = 0; i < reps; i++) {
      multinomial(rng, 100, w, out);
      expect(out.reduce((s, x) => s + x, 0)).toBe(100);
      out.forEach((x, j) => (sums[j]! += x));
    }
    expect(sums[1]).toBe(0);
    sums.forEach((s, j) => expect(Math.abs(s / reps - (100 * w[j]!) / 4)).toBeLessThan(0.2));
  });
});

/**
 * Pearson's χ² of `reps` draws against a probability function, over the cells expecting at least 20
 * (the rest pooled): returns (χ² − df)/√(2·df), about standard normal when the draws follow it.
 */
function chiSquareZ(reps: number, draw: () => number, pmf: (k: number) => number, max: number): number {
  const observed = new Float64Array(max + 1);
  for (let i = 0; i < reps; i++) observed[Math.min(max, draw())]!++;
  let stat = 0;
  let df = 0;
  let pooledE = 0;
  let pooledO = 0;
  for (let k = 0; k <= max; k++) {
    const e = reps * pmf(k);
    if (e < 20) {
      pooledE += e;
      pooledO += observed[k]!;
      continue;
    }
    stat += (observed[k]! - e) ** 2 / e;
    df++;
  }
  if (pooledE >= 20) {
    stat += (pooledO - pooledE) ** 2 / pooledE;
    df++;
  }
  df--;
  return (stat - df) / Math.sqrt(2 * df);
}

describe('binomial and Poisson follow their probability functions (χ², inversion from the mode)', () => {
  const rng = createRng(99);
  it('log-factorial: table and Stirling series agree with summed logs', () => {
    let sum = 0;
    for (let k = 1; k <= 5000; k++) {
      sum += Math.log(k);
      expect(Math.abs(logFactorial(k) - sum) / Math.max(1, sum)).toBeLessThan(1e-13);
    }
  });
  for (const [n, p] of [
    [30, 0.4],
    [50, 0.5],
    [3000, 0.3],
    [19_999, 0.7],
    [60_000, 0.2],
  ] as const) {
    it(`binomial(${n}, ${p})`, () => {
      const pmf = (k: number): number =>
        Math.exp(logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
      expect(Math.abs(chiSquareZ(200_000, () => binomial(rng, n, p), pmf, n))).toBeLessThan(4);
    });
  }
  for (const mean of [10, 37.5, 2500, 30_000]) {
    it(`poisson(${mean})`, () => {
      const pmf = (k: number): number => Math.exp(k * Math.log(mean) - mean - logFactorial(k));
      expect(Math.abs(chiSquareZ(200_000, () => poisson(rng, mean), pmf, Math.ceil(2 * mean + 100)))).toBeLessThan(4);
    });
  }
  it('catches a wrong sampler (the check can fail)', () => {
    const pmf = (k: number): number => Math.exp(logFactorial(50) - logFactorial(k) - logFactorial(50 - k) + 50 * Math.log(0.5));
    expect(Math.abs(chiSquareZ(200_000, () => binomial(rng, 50, 0.52), pmf, 50))).toBeGreaterThan(4);
  });
});
