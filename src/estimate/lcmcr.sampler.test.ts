import { describe, expect, it } from 'vitest';
import { simulateTable, standardScenarios } from './capture-simulation.js';
import { listTotals, observedTotal, type CaptureTable } from './capture-history.table.js';
import { runLcmcrInWorker } from './lcmcr.runner.js';
import { runLcmcr, type LcmcrProgress } from './lcmcr.sampler.js';
import { runLcmcrDefault } from './lcmcr.chains.js';
import { logFactorial } from './random.sampler.js';

const quick = { burnIn: 2000, samples: 1000, thinning: 5 };
const heterogeneous = standardScenarios(2000).find((s) => s.name === 'heterogeneous-4')!;
// Tables drawn once from the scenarios (heterogeneous-4, N = 2000, seed 11; five independent lists,
// N = 3000, seed 3) and written out, so that the sampler's tests do not move when the simulator's
// random stream does (a faster binomial draw changed every simulated table).
const heterogeneousTable: CaptureTable = { lists: ['A', 'B', 'C', 'D'], counts: [0, 156, 123, 52, 174, 57, 43, 42, 105, 39, 25, 24, 37, 33, 24, 13] };
const independentTable: CaptureTable = {
  lists: ['A', 'B', 'C', 'D', 'E'],
  counts: [0, 340, 174, 80, 251, 107, 56, 31, 129, 52, 28, 16, 48, 12, 12, 5, 311, 126, 93, 29, 102, 46, 26, 15, 56, 21, 12, 4, 20, 7, 3, 1],
};

/**
 * The exact posterior of N with one latent class: lists independent, λ_j ~ Beta(1, 1), p(N) ∝ 1/N,
 * so p(N | data) ∝ (1/N) · N!/(N − n)! · Π_j n_j! (N − n_j)! / (N + 1)!. Returns its quantiles.
 */
function exactOneClassQuantiles(table: CaptureTable, probs: readonly number[]): number[] {
  const n = observedTotal(table);
  const nj = listTotals(table);
  const logPost: number[] = [];
  for (let N = n; N <= 4 * n; N++) {
    let lp = -Math.log(N) + logFactorial(N) - logFactorial(N - n);
    for (const c of nj) lp += logFactorial(c) + logFactorial(N - c) - logFactorial(N + 1);
    logPost.push(lp);
  }
  const max = Math.max(...logPost);
  const w = logPost.map((l) => Math.exp(l - max));
  const total = w.reduce((a, b) => a + b, 0);
  return probs.map((p) => {
    let acc = 0;
    for (let k = 0; k < w.length; k++) {
      acc += w[k]! / total;
      if (acc >= p) return n + k;
    }
    return 4 * n;
  });
}

describe('LCMCR Gibbs sampler', () => {
  it('covers the known N of a population with two latent classes (four chains, fixed seeds)', () => {
    // One 7,000-iteration chain on this strongly heterogeneous table covers N or not depending on
    // its random stream (issue 20 §6); the default several-chain run is what is relied on.
    const table = heterogeneousTable;
    const r = runLcmcrDefault(table, { ...quick, seed: 5 }, { maxIterations: 50_000 });
    expect(r.observed).toBe(observedTotal(table));
    expect(r.lower).toBeLessThanOrEqual(2000);
    expect(r.upper).toBeGreaterThanOrEqual(2000);
    expect(r.lower).toBeGreaterThanOrEqual(r.observed);
    expect(r.trace).toHaveLength(4 * r.chains!.samplesPerChain);
    expect(r.effectiveSampleSize).toBeGreaterThan(1);
    expect(r.effectiveSampleSize).toBeLessThanOrEqual(r.trace.length * 1.5);
  });

  it('draws from the exact posterior of N when there is one latent class', () => {
    // With K = 1 the model is independent lists with uniform priors, whose posterior of N has the
    // closed form above: the sampler's quantiles must match it to within Monte Carlo error.
    const [q05, q50, q95] = exactOneClassQuantiles(independentTable, [0.05, 0.5, 0.95]);
    const r = runLcmcr(independentTable, { K: 1, burnIn: 500, samples: 20_000, thinning: 2, seed: 3, level: 0.9 });
    expect(Math.abs(r.estimate - q50!)).toBeLessThanOrEqual(4);
    expect(Math.abs(r.lower - q05!)).toBeLessThanOrEqual(8);
    expect(Math.abs(r.upper - q95!)).toBeLessThanOrEqual(8);
  });

  it('keeps the requested number of draws on a single chain', () => {
    const r = runLcmcr(simulateTable(heterogeneous, 11), { burnIn: 100, samples: 300, thinning: 2, seed: 5 });
    expect(r.trace).toHaveLength(300);
    expect(r.iterations).toBe(700);
  });

  it('covers the known N when five lists are independent, with a tighter interval', () => {
    const r = runLcmcr(independentTable, { ...quick, seed: 9 });
    expect(r.lower).toBeLessThanOrEqual(3000);
    expect(r.upper).toBeGreaterThanOrEqual(3000);
    expect((r.upper - r.lower) / 3000).toBeLessThan(0.2);
  });

  it('is reproducible with a seed and changes with another', () => {
    const table = simulateTable(heterogeneous, 12);
    const settings = { burnIn: 200, samples: 100, thinning: 2 };
    const a = runLcmcr(table, { ...settings, seed: 77 });
    const b = runLcmcr(table, { ...settings, seed: 77 });
    const c = runLcmcr(table, { ...settings, seed: 78 });
    expect(b.trace).toEqual(a.trace);
    expect(c.trace).not.toEqual(a.trace);
  });

  it('reports progress up to the last iteration', () => {
    const seen: LcmcrProgress[] = [];
    runLcmcr(simulateTable(heterogeneous, 13), { burnIn: 100, samples: 50, thinning: 2, seed: 1 }, (p) => seen.push(p));
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.at(-1)).toEqual({ iteration: 200, total: 200, phase: 'sampling' });
    expect(seen[0]!.phase).toBe('burn-in');
    expect(seen.every((p, i) => i === 0 || p.iteration > seen[i - 1]!.iteration)).toBe(true);
  });

  it('refuses settings out of range', () => {
    const table = simulateTable(heterogeneous, 14);
    expect(() => runLcmcr(table, { K: 0 })).toThrow(/K/);
    expect(() => runLcmcr(table, { a: -1 })).toThrow(/a/);
  });

  it('gives the same draws in a worker thread as in this one, with progress', async () => {
    const table = simulateTable(heterogeneous, 15);
    const settings = { burnIn: 300, samples: 200, thinning: 2, seed: 4 };
    const progress: number[] = [];
    // The worker runs the default several-chain path; capped here at the first pass (700 iterations).
    const chains = { chains: 2, maxIterations: 700 };
    const inWorker = await runLcmcrInWorker(table, settings, (p) => progress.push(p.iteration), chains);
    const here = runLcmcrDefault(table, settings, chains);
    expect(inWorker.trace).toEqual(here.trace);
    expect(inWorker.chains).toMatchObject({ count: 2, iterationsPerChain: 700 });
    expect(progress.at(-1)).toBe(1400);
  });
});
