/**
 * Several LCMCR chains from different seeds, lengthened until they agree: the run continues (each
 * chain redrawn with twice the kept samples) until the pooled effective sample size reaches
 * `targetEss` and split R̂ is below `maxRhat`, or the iterations per chain reach `maxIterations`,
 * in which case the result says it stopped at the cap. The draws of all chains are pooled.
 */
import { multiChainEss, splitRhat } from './mcmc.diagnostics.js';
import { quantile } from './numeric.math.js';
import { defaultLcmcrSettings, runLcmcr, type LcmcrResult, type LcmcrSettings } from './lcmcr.sampler.js';
import type { CaptureTable } from './capture-history.table.js';

export interface ChainOptions {
  chains: number;
  targetEss: number;
  maxRhat: number;
  /** Iterations per chain (burn-in included) beyond which no longer run is started. */
  maxIterations: number;
}

export const defaultChainOptions: ChainOptions = { chains: 4, targetEss: 400, maxRhat: 1.01, maxIterations: 400_000 };

export interface ChainsResult {
  chains: LcmcrResult[];
  estimate: number;
  lower: number;
  upper: number;
  rhat: number;
  effectiveSampleSize: number;
  converged: boolean;
  /** True when the cap stopped the run before ESS and R̂ were met. */
  stoppedAtCap: boolean;
  iterationsPerChain: number;
}

export function runLcmcrChains(table: CaptureTable, partial: Partial<LcmcrSettings> = {}, options: Partial<ChainOptions> = {}): ChainsResult {
  const o = { ...defaultChainOptions, ...options };
  const base: LcmcrSettings = { ...defaultLcmcrSettings, ...partial };
  let samples = base.samples;
  for (;;) {
    const chains = Array.from({ length: o.chains }, (_, c) => runLcmcr(table, { ...base, samples, seed: base.seed + c }));
    const traces = chains.map((c) => c.trace);
    const rhat = splitRhat(traces);
    const ess = multiChainEss(traces);
    const iterations = base.burnIn + samples * base.thinning;
    const converged = ess >= o.targetEss && rhat < o.maxRhat;
    const longer = base.burnIn + 2 * samples * base.thinning;
    if (converged || longer > o.maxIterations) {
      const pooled = Float64Array.from(traces.flat()).sort();
      const tail = (1 - base.level) / 2;
      return {
        chains,
        estimate: quantile(pooled, 0.5),
        lower: quantile(pooled, tail),
        upper: quantile(pooled, 1 - tail),
        rhat,
        effectiveSampleSize: ess,
        converged,
        stoppedAtCap: !converged,
        iterationsPerChain: iterations,
      };
    }
    samples *= 2;
  }
}
