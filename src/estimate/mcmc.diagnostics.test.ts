import { describe, expect, it } from 'vitest';
import { autocorrelationTime, effectiveSampleSize, gewekeZ, multiChainEss, splitRhat } from './mcmc.diagnostics.js';
import { createRng, normal } from './random.sampler.js';

function ar1(phi: number, n: number, seed: number): number[] {
  const rng = createRng(seed);
  const out: number[] = [];
  let x = 0;
  for (let i = 0; i < n; i++) {
    x = phi * x + normal(rng);
    out.push(x);
  }
  return out;
}

describe('MCMC diagnostics', () => {
  it('an independent chain has an effective sample size close to its length', () => {
    const ess = effectiveSampleSize(ar1(0, 20_000, 1));
    expect(ess).toBeGreaterThan(17_000);
    expect(ess).toBeLessThan(23_000);
  });
  it('an AR(1) chain with φ = 0.9 has τ ≈ (1 + φ)/(1 − φ) = 19', () => {
    const tau = autocorrelationTime(ar1(0.9, 100_000, 2));
    expect(tau).toBeGreaterThan(16);
    expect(tau).toBeLessThan(22);
  });
  it('Geweke z is small for a stationary chain and large for a drifting one', () => {
    expect(Math.abs(gewekeZ(ar1(0.5, 5000, 3)))).toBeLessThan(3);
    const drifting = ar1(0.5, 5000, 4).map((v, i) => v + i / 500);
    expect(Math.abs(gewekeZ(drifting))).toBeGreaterThan(5);
  });
});

describe('split R-hat and pooled ESS', () => {
  it('is about 1 for chains from one distribution and well above 1.01 for chains that disagree', () => {
    const rng = createRng(5);
    const same = Array.from({ length: 4 }, () => Array.from({ length: 2000 }, () => normal(rng)));
    expect(splitRhat(same)).toBeLessThan(1.01);
    expect(multiChainEss(same)).toBeGreaterThan(6000);
    const apart = same.map((c, k) => c.map((v) => v + k));
    expect(splitRhat(apart)).toBeGreaterThan(1.5);
    // A chain drifting within itself is caught by the split, even alone.
    expect(splitRhat([Array.from({ length: 2000 }, (_, i) => i / 200 + normal(rng))])).toBeGreaterThan(1.5);
  });
});
