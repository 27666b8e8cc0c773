import { describe, expect, it } from 'vitest';
import { simulateTable, standardScenarios, type Scenario } from './capture-simulation.js';
import { observedTotal } from './capture-history.table.js';
import { runLcmcrInWorker } from './lcmcr.runner.js';
import { runLcmcr, type LcmcrProgress } from './lcmcr.sampler.js';
import { runLcmcrDefault } from './lcmcr.chains.js';

const quick = { burnIn: 2000, samples: 1000, thinning: 5 };
const heterogeneous = standardScenarios(2000).find((s) => s.name === 'heterogeneous-4')!;

describe('LCMCR Gibbs sampler', () => {
  it('covers the known N of a population with two latent classes (four chains, fixed seeds)', () => {
    // One 7,000-iteration chain on this strongly heterogeneous table covers N or not depending on
    // its random stream (issue 20 §6); the default several-chain run is what is relied on.
    const table = simulateTable(heterogeneous, 11);
    const r = runLcmcrDefault(table, { ...quick, seed: 5 }, { maxIterations: 50_000 });
    expect(r.observed).toBe(observedTotal(table));
    expect(r.lower).toBeLessThanOrEqual(2000);
    expect(r.upper).toBeGreaterThanOrEqual(2000);
    expect(r.lower).toBeGreaterThanOrEqual(r.observed);
    expect(r.trace).toHaveLength(4 * r.chains!.samplesPerChain);
    expect(r.effectiveSampleSize).toBeGreaterThan(1);
    expect(r.effectiveSampleSize).toBeLessThanOrEqual(r.trace.length * 1.5);
  });

  it('keeps the requested number of draws on a single chain', () => {
    const r = runLcmcr(simulateTable(heterogeneous, 11), { burnIn: 100, samples: 300, thinning: 2, seed: 5 });
    expect(r.trace).toHaveLength(300);
    expect(r.iterations).toBe(700);
  });

  it('covers the known N when five lists are independent, with a tighter interval', () => {
    const scenario: Scenario = { name: 'independent-5', N: 3000, lists: 5, classes: [{ weight: 1, p: [0.3, 0.2, 0.25, 0.15, 0.3] }] };
    const r = runLcmcr(simulateTable(scenario, 3), { ...quick, seed: 9 });
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
