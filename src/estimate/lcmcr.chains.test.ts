import { describe, expect, it } from 'vitest';
import { simulateTable, standardScenarios } from './capture-simulation.js';
import { runLcmcrChains } from './lcmcr.chains.js';
import { createLcmcrChain, defaultLcmcrSettings } from './lcmcr.sampler.js';

describe('several LCMCR chains', () => {
  const table = simulateTable(standardScenarios(2000).find((s) => s.lists === 4)!, 3);

  it('lengthens the chains until pooled ESS and split R-hat pass, and pools their draws', () => {
    const r = runLcmcrChains(table, { K: 5, burnIn: 500, samples: 100, thinning: 5, seed: 3 }, { chains: 3, targetEss: 400, maxRhat: 1.05, maxIterations: 50_000 });
    expect(r.chains).toHaveLength(3);
    expect(new Set(r.chains.map((c) => c.settings.seed)).size).toBe(3);
    expect(r.converged).toBe(true);
    expect(r.effectiveSampleSize).toBeGreaterThanOrEqual(400);
    expect(r.rhat).toBeLessThan(1.05);
    // 100 kept samples a chain could not reach an ESS of 400 with 3 chains: the run was lengthened,
    // by continuing each chain (its kept draws double), and the pooled result says so.
    expect(r.chains[0]!.trace.length).toBeGreaterThan(100);
    expect(r.chains[0]!.trace.length % 100).toBe(0);
    expect(r.chains[0]!.iterations).toBe(r.iterationsPerChain);
    expect(r.pooled.chains).toMatchObject({ count: 3, converged: true, stoppedAtCap: false, samplesPerChain: r.chains[0]!.trace.length });
    expect(r.pooled.trace).toHaveLength(3 * r.chains[0]!.trace.length);
    expect(r.pooled.estimate).toBe(r.estimate);
    expect(r.lower).toBeLessThan(r.estimate);
    expect(r.upper).toBeGreaterThan(r.estimate);
  });

  it('says so when the cap stops it first', () => {
    const r = runLcmcrChains(table, { K: 5, burnIn: 100, samples: 20, thinning: 1, seed: 3 }, { chains: 2, targetEss: 100_000, maxIterations: 500 });
    expect(r.converged).toBe(false);
    expect(r.stoppedAtCap).toBe(true);
    expect(r.iterationsPerChain).toBeLessThanOrEqual(500);
    expect(r.pooled.chains!.stoppedAtCap).toBe(true);
  });

  it('continuing a chain gives the same draws as running it that long at once', () => {
    const settings = { K: 5, burnIn: 200, samples: 100, thinning: 3, seed: 11 };
    const once = createLcmcrChain(table, { ...defaultLcmcrSettings, ...settings });
    once.advance(200);
    once.advance(600, 3);
    const twice = createLcmcrChain(table, { ...defaultLcmcrSettings, ...settings });
    twice.advance(200);
    twice.advance(300, 3);
    twice.advance(300, 3);
    expect(twice.trace).toEqual(once.trace);
    expect(twice.iterations).toBe(800);
  });

  it('refuses chain options out of range', () => {
    expect(() => runLcmcrChains(table, {}, { chains: 0 })).toThrow(/chains/);
    expect(() => runLcmcrChains(table, {}, { maxRhat: 0.9 })).toThrow(/maxRhat/);
  });
});
