import { describe, expect, it } from 'vitest';
import { simulateTable, standardScenarios } from './capture-simulation.js';
import { runLcmcrChains } from './lcmcr.chains.js';

describe('several LCMCR chains', () => {
  const table = simulateTable(standardScenarios(2000).find((s) => s.lists === 4)!, 3);

  it('lengthens the chains until pooled ESS and split R-hat pass, and pools their draws', () => {
    const r = runLcmcrChains(table, { K: 5, burnIn: 500, samples: 100, thinning: 5, seed: 3 }, { chains: 3, targetEss: 400, maxRhat: 1.05, maxIterations: 50_000 });
    expect(r.chains).toHaveLength(3);
    expect(new Set(r.chains.map((c) => c.settings.seed)).size).toBe(3);
    expect(r.converged).toBe(true);
    expect(r.effectiveSampleSize).toBeGreaterThanOrEqual(400);
    expect(r.rhat).toBeLessThan(1.05);
    // 100 kept samples a chain could not reach an ESS of 400 with 3 chains: the run was lengthened.
    expect(r.chains[0]!.settings.samples).toBeGreaterThan(100);
    expect(r.lower).toBeLessThan(r.estimate);
    expect(r.upper).toBeGreaterThan(r.estimate);
  });

  it('says so when the cap stops it first', () => {
    const r = runLcmcrChains(table, { K: 5, burnIn: 100, samples: 20, thinning: 1, seed: 3 }, { chains: 2, targetEss: 100_000, maxIterations: 500 });
    expect(r.converged).toBe(false);
    expect(r.stoppedAtCap).toBe(true);
    expect(r.iterationsPerChain).toBeLessThanOrEqual(500);
  });
});
