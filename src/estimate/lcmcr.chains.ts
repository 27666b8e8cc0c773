/**
 * Several LCMCR chains from different seeds, continued until they agree: after burn-in each chain
 * keeps `samples` draws; while the pooled effective sample size is below `targetEss` or split R̂ is
 * not below `maxRhat`, every chain is continued from where it stopped for as many draws again
 * (doubling the kept draws), until the iterations per chain would pass `maxIterations`; the result
 * then says it stopped at the cap. Continuing (not restarting) means the work spent is never thrown
 * away: the final run costs what its length says. This is the default way LCMCR is run (CLI, web
 * page, stored runs); a single chain is `chains: 1`, which skips R̂.
 */
import { multiChainEss, splitRhat } from './mcmc.diagnostics.js';
import { quantile } from './numeric.math.js';
import {
  createLcmcrChain,
  defaultLcmcrSettings,
  summariseChain,
  validateLcmcrSettings,
  type LcmcrChain,
  type LcmcrProgress,
  type LcmcrResult,
  type LcmcrSettings,
} from './lcmcr.sampler.js';
import type { CaptureTable } from './capture-history.table.js';

export interface ChainOptions {
  chains: number;
  targetEss: number;
  maxRhat: number;
  /** Iterations per chain (burn-in included) beyond which no longer run is started. */
  maxIterations: number;
}

export const defaultChainOptions: ChainOptions = { chains: 4, targetEss: 400, maxRhat: 1.01, maxIterations: 400_000 };

export function validateChainOptions(o: ChainOptions): string[] {
  const bad: string[] = [];
  if (!Number.isInteger(o.chains) || o.chains < 1 || o.chains > 16) bad.push('chains');
  if (!(o.targetEss > 0) || !Number.isFinite(o.targetEss)) bad.push('targetEss');
  if (!(o.maxRhat > 1) || !Number.isFinite(o.maxRhat)) bad.push('maxRhat');
  if (!Number.isInteger(o.maxIterations) || o.maxIterations < 1) bad.push('maxIterations');
  return bad;
}

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
  /** The pooled draws as one LCMCR result, with `chains` diagnostics: what reports show. */
  pooled: LcmcrResult;
}

export function runLcmcrChains(
  table: CaptureTable,
  partial: Partial<LcmcrSettings> = {},
  options: Partial<ChainOptions> = {},
  onProgress?: (p: LcmcrProgress) => void,
): ChainsResult {
  const o = { ...defaultChainOptions, ...options };
  const badOptions = validateChainOptions(o);
  if (badOptions.length) throw new RangeError(`LCMCR chain options out of range: ${badOptions.join(', ')}`);
  const base: LcmcrSettings = { ...defaultLcmcrSettings, ...partial };
  const bad = validateLcmcrSettings(base);
  if (bad.length) throw new RangeError(`LCMCR settings out of range: ${bad.join(', ')}`);
  const { burnIn, thinning } = base;
  const chains: LcmcrChain[] = Array.from({ length: o.chains }, (_, c) => createLcmcrChain(table, { ...base, seed: base.seed + c }));

  // Progress counts iterations of all chains against the length planned so far (it grows when the
  // run is lengthened, so the bar may step back once; the phase says why).
  let planned = burnIn + base.samples * thinning;
  let done = 0;
  const every = Math.max(1, Math.floor((o.chains * planned) / 100));
  const tick = onProgress
    ? (phase: LcmcrProgress['phase']) => () => {
        done++;
        if (done % every === 0) onProgress({ iteration: done, total: o.chains * planned, phase });
      }
    : () => undefined;

  for (const c of chains) c.advance(burnIn, undefined, tick('burn-in'));
  let samples = 0;
  let add = base.samples;
  for (;;) {
    for (const c of chains) c.advance(add * thinning, thinning, tick('sampling'));
    samples += add;
    const traces = chains.map((c) => c.trace);
    const rhat = o.chains > 1 ? splitRhat(traces) : NaN;
    const ess = multiChainEss(traces);
    const iterations = burnIn + samples * thinning;
    const converged = ess >= o.targetEss && (o.chains === 1 || rhat < o.maxRhat);
    const longer = burnIn + 2 * samples * thinning;
    if (converged || longer > o.maxIterations) {
      onProgress?.({ iteration: o.chains * iterations, total: o.chains * iterations, phase: 'sampling' });
      const summaries = chains.map((c, i) => summariseChain(c, { ...base, seed: base.seed + i }));
      const pooled = poolChains(summaries, base, {
        count: o.chains,
        rhat,
        iterationsPerChain: iterations,
        samplesPerChain: samples,
        targetEss: o.targetEss,
        maxRhat: o.maxRhat,
        maxIterations: o.maxIterations,
        converged,
        stoppedAtCap: !converged,
        medians: summaries.map((s) => s.estimate),
      }, ess);
      return {
        chains: summaries,
        estimate: pooled.estimate,
        lower: pooled.lower,
        upper: pooled.upper,
        rhat,
        effectiveSampleSize: ess,
        converged,
        stoppedAtCap: !converged,
        iterationsPerChain: iterations,
        pooled,
      };
    }
    add = samples;
    planned = longer;
  }
}

function poolChains(summaries: LcmcrResult[], base: LcmcrSettings, diagnostics: NonNullable<LcmcrResult['chains']>, ess: number): LcmcrResult {
  const trace = summaries.flatMap((s) => s.trace);
  const sorted = Float64Array.from(trace).sort();
  const tail = (1 - base.level) / 2;
  const iterations = summaries.reduce((a, s) => a + s.iterations, 0);
  const seconds = summaries.reduce((a, s) => a + s.seconds, 0);
  const geweke = summaries.reduce((worst, s) => (Math.abs(s.geweke) > Math.abs(worst) || !Number.isFinite(s.geweke) ? s.geweke : worst), 0);
  return {
    observed: summaries[0]!.observed,
    estimate: quantile(sorted, 0.5),
    lower: quantile(sorted, tail),
    upper: quantile(sorted, 1 - tail),
    mean: trace.reduce((a, v) => a + v, 0) / trace.length,
    trace,
    effectiveSampleSize: ess,
    autocorrelationTime: trace.length / ess,
    geweke,
    classesUsed: summaries.reduce((a, s) => a + s.classesUsed, 0) / summaries.length,
    iterations,
    seconds,
    iterationsPerSecond: seconds > 0 ? iterations / seconds : Infinity,
    settings: base,
    chains: diagnostics,
  };
}

/** The default LCMCR run: several chains, continued until they pass (or the cap), pooled. */
export function runLcmcrDefault(
  table: CaptureTable,
  settings: Partial<LcmcrSettings> = {},
  options: Partial<ChainOptions> = {},
  onProgress?: (p: LcmcrProgress) => void,
): LcmcrResult {
  return runLcmcrChains(table, settings, options, onProgress).pooled;
}
