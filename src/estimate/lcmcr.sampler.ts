/**
 * Bayesian latent-class multiple systems estimation (LCMCR; Manrique-Vallier 2016, Biometrics
 * 72:1246–1254), as described in METHODS.md §3: a truncated stick-breaking mixture of K classes, lists
 * independent within a class, prior p(N) ∝ 1/N, Gibbs sampling with data augmentation.
 * The sampler works on the table of pattern counts: the units sharing a pattern are allocated to
 * classes by one multinomial draw, and the unobserved units (all with pattern 0) by another, so a
 * sweep costs O(patterns × K × J) plus the multinomial draws, whatever N is.
 */
import { observedTotal, type CaptureTable } from './capture-history.table.js';
import { autocorrelationTime, gewekeZ } from './mcmc.diagnostics.js';
import { quantile } from './numeric.math.js';
import { beta, createRng, gamma, multinomial, negativeBinomial } from './random.sampler.js';

export interface LcmcrSettings {
  /** Truncation level: the largest number of latent classes. */
  K: number;
  burnIn: number;
  /** Kept draws of N after burn-in. */
  samples: number;
  /** Iterations between kept draws. */
  thinning: number;
  /** Gamma(a, b) prior (shape, rate) on the stick-breaking concentration α. */
  a: number;
  b: number;
  seed: number;
  /** Credible level of the reported interval. */
  level: number;
}

export const defaultLcmcrSettings: LcmcrSettings = {
  K: 10,
  burnIn: 10_000,
  samples: 1_000,
  thinning: 10,
  a: 0.25,
  b: 0.25,
  seed: 1,
  level: 0.95,
};

export interface LcmcrProgress {
  iteration: number;
  total: number;
  phase: 'burn-in' | 'sampling';
}

export interface LcmcrResult {
  observed: number;
  /** Posterior median of N. */
  estimate: number;
  lower: number;
  upper: number;
  mean: number;
  /** Kept draws of N (after burn-in, thinned), in order. */
  trace: number[];
  effectiveSampleSize: number;
  autocorrelationTime: number;
  geweke: number;
  /** Posterior mean of the number of non-empty latent classes. */
  classesUsed: number;
  iterations: number;
  seconds: number;
  iterationsPerSecond: number;
  settings: LcmcrSettings;
  /**
   * Present when several chains were run (the default path, lcmcr.chains.ts): the figures above
   * are then those of the pooled draws, `effectiveSampleSize` is the multi-chain ESS and `geweke`
   * the largest |z| among the chains.
   */
  chains?: ChainDiagnostics;
}

export interface ChainDiagnostics {
  count: number;
  /** Split R̂ over the chains (Gelman et al. 2013, §11.4). */
  rhat: number;
  /** Iterations per chain, burn-in included. */
  iterationsPerChain: number;
  /** Kept draws per chain. */
  samplesPerChain: number;
  targetEss: number;
  maxRhat: number;
  maxIterations: number;
  converged: boolean;
  /** The cap stopped the run before ESS and R̂ passed. */
  stoppedAtCap: boolean;
  /** Posterior median of each chain, to show how far they agree. */
  medians: number[];
}

const V_MAX = 1 - 2 ** -52;

export function validateLcmcrSettings(s: LcmcrSettings): string[] {
  const bad: string[] = [];
  if (!Number.isInteger(s.K) || s.K < 1 || s.K > 100) bad.push('K');
  if (!Number.isInteger(s.burnIn) || s.burnIn < 0) bad.push('burnIn');
  if (!Number.isInteger(s.samples) || s.samples < 1) bad.push('samples');
  if (!Number.isInteger(s.thinning) || s.thinning < 1) bad.push('thinning');
  if (!(s.a > 0) || !Number.isFinite(s.a)) bad.push('a');
  if (!(s.b > 0) || !Number.isFinite(s.b)) bad.push('b');
  if (!Number.isInteger(s.seed)) bad.push('seed');
  if (!(s.level > 0 && s.level < 1)) bad.push('level');
  return bad;
}

/**
 * One LCMCR chain whose state persists between calls, so that a run can be lengthened without
 * starting again (lcmcr.chains.ts continues every chain until the diagnostics pass).
 *
 * Inner-loop choices (measured with `npm run bench -- estimate`): parameters in typed arrays laid
 * out class-major (λ[k·J + j]) so a class's lists are adjacent; a pattern's bits unpacked once into
 * a Uint8Array; the class weight of a pattern as a product π_k Π_j (λ or 1 − λ) instead of a sum of
 * logs and an exp (a log is taken only when the product underflows); Beta(1, 1) and Beta(1, b)
 * draws, which empty classes and the tail of the sticks need on most sweeps, by their closed forms
 * (U and 1 − U^(1/b)); no allocation inside the sweep.
 */
export interface LcmcrChain {
  /** Runs `iterations` sweeps; when `thinning` is given, keeps N every `thinning` sweeps. */
  advance(iterations: number, thinning?: number, onIteration?: () => void): void;
  readonly trace: number[];
  /** Sum over kept draws of the number of non-empty classes. */
  readonly classesUsedSum: number;
  readonly iterations: number;
  readonly seconds: number;
  readonly observed: number;
}

export function createLcmcrChain(table: CaptureTable, settings: LcmcrSettings): LcmcrChain {
  const bad = validateLcmcrSettings(settings);
  if (bad.length) throw new RangeError(`LCMCR settings out of range: ${bad.join(', ')}`);
  const { K, a, b } = settings;
  const J = table.lists.length;
  const n = observedTotal(table);
  const patternList: number[] = [];
  const countList: number[] = [];
  for (let x = 1; x < table.counts.length; x++)
    if (table.counts[x]! > 0) {
      patternList.push(x);
      countList.push(table.counts[x]!);
    }
  const P = patternList.length;
  const counts = Float64Array.from(countList);
  const bits = new Uint8Array(P * J);
  for (let i = 0; i < P; i++) for (let j = 0; j < J; j++) bits[i * J + j] = patternList[i]! & (1 << j) ? 1 : 0;
  const rng = createRng(settings.seed);

  const lambda = new Float64Array(K * J);
  const V = new Float64Array(K);
  const pi = new Float64Array(K);
  const m = new Float64Array(K);
  const s = new Float64Array(K * J);
  const w = new Float64Array(K);
  const draw = new Float64Array(K);
  let alpha = a / b;

  // Start near the observed list frequencies, each class jittered so the classes can separate.
  const freq = new Float64Array(J);
  for (let i = 0; i < P; i++) for (let j = 0; j < J; j++) if (bits[i * J + j]) freq[j]! += counts[i]! / n;
  for (let j = 0; j < J; j++)
    for (let k = 0; k < K; k++) lambda[k * J + j] = Math.min(0.98, Math.max(0.02, freq[j]! * (0.75 + 0.5 * rng.uniform())));
  for (let k = 0; k < K - 1; k++) V[k] = Math.min(V_MAX, beta(rng, 1, alpha));
  V[K - 1] = 1;
  sticks(V, pi);

  const trace: number[] = [];
  let classesUsedSum = 0;
  let iterations = 0;
  let seconds = 0;

  function sweep(): number {
    m.fill(0);
    s.fill(0);
    // 1. classes of the observed units, pattern by pattern.
    for (let i = 0; i < P; i++) {
      const row = i * J;
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const col = k * J;
        let p = pi[k]!;
        for (let j = 0; j < J; j++) p *= bits[row + j] ? lambda[col + j]! : 1 - lambda[col + j]!;
        w[k] = p;
        sum += p;
      }
      if (!(sum > 0)) logWeights(i);
      multinomial(rng, counts[i]!, w, draw);
      for (let k = 0; k < K; k++) {
        const d = draw[k]!;
        if (d === 0) continue;
        m[k]! += d;
        const col = k * J;
        for (let j = 0; j < J; j++) if (bits[row + j]) s[col + j]! += d;
      }
    }
    // 2. how many units no list saw; 1 − p0 computed as Σ π_k (1 − Π(1−λ)) to keep precision when p0 ≈ 1.
    let seen = 0;
    for (let k = 0; k < K; k++) {
      const col = k * J;
      let l0 = 0;
      for (let j = 0; j < J; j++) l0 += Math.log1p(-lambda[col + j]!);
      w[k] = pi[k]! * Math.exp(l0);
      seen += pi[k]! * -Math.expm1(l0);
    }
    const n0 = negativeBinomial(rng, n, Math.min(1, Math.max(1e-12, seen)));
    // 3. their classes.
    if (n0 > 0) {
      multinomial(rng, n0, w, draw);
      for (let k = 0; k < K; k++) m[k]! += draw[k]!;
    }
    // 4. capture probabilities per list and class; unobserved units count as failures.
    for (let k = 0; k < K; k++) {
      const col = k * J;
      const mk = m[k]!;
      for (let j = 0; j < J; j++) {
        const yes = s[col + j]!;
        lambda[col + j] = clampProbability(betaFast(1 + yes, 1 + mk - yes));
      }
    }
    // 5. stick-breaking weights.
    let after = 0;
    for (let k = 0; k < K; k++) after += m[k]!;
    let logRest = 0;
    for (let k = 0; k < K - 1; k++) {
      after -= m[k]!;
      V[k] = Math.min(V_MAX, betaFast(1 + m[k]!, alpha + after));
      logRest += Math.log1p(-V[k]!);
    }
    V[K - 1] = 1;
    sticks(V, pi);
    // 6. concentration.
    if (K > 1) alpha = gamma(rng, a + K - 1, b - logRest);
    return n0;
  }

  /** The same weights through logs, for the rare pattern whose products underflow to 0. */
  function logWeights(i: number): void {
    const row = i * J;
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      const col = k * J;
      let lp = Math.log(pi[k]!);
      for (let j = 0; j < J; j++) lp += bits[row + j] ? Math.log(lambda[col + j]!) : Math.log1p(-lambda[col + j]!);
      w[k] = lp;
      if (lp > max) max = lp;
    }
    for (let k = 0; k < K; k++) w[k] = max === -Infinity ? pi[k]! + 1e-300 : Math.exp(w[k]! - max);
  }

  /** Beta(a, b) with the closed forms for a shape equal to 1 (exact, and much cheaper than two gammas). */
  function betaFast(x: number, y: number): number {
    if (x === 1) return y === 1 ? rng.uniform() : -Math.expm1(Math.log(rng.uniform()) / y);
    if (y === 1) return Math.exp(Math.log(rng.uniform()) / x);
    return beta(rng, x, y);
  }

  return {
    advance(count, thinning, onIteration) {
      const started = performance.now();
      for (let it = 1; it <= count; it++) {
        const n0 = sweep();
        iterations++;
        if (thinning && it % thinning === 0) {
          trace.push(n + n0);
          let used = 0;
          for (let k = 0; k < K; k++) if (m[k]! > 0) used++;
          classesUsedSum += used;
        }
        onIteration?.();
      }
      seconds += (performance.now() - started) / 1000;
    },
    trace,
    get classesUsedSum() {
      return classesUsedSum;
    },
    get iterations() {
      return iterations;
    },
    get seconds() {
      return seconds;
    },
    observed: n,
  };
}

/** Summary of a chain's kept draws (median, credible interval, single-chain diagnostics). */
export function summariseChain(chain: LcmcrChain, settings: LcmcrSettings): LcmcrResult {
  const trace = chain.trace;
  const sorted = Float64Array.from(trace).sort();
  const tail = (1 - settings.level) / 2;
  const tau = autocorrelationTime(trace);
  return {
    observed: chain.observed,
    estimate: quantile(sorted, 0.5),
    lower: quantile(sorted, tail),
    upper: quantile(sorted, 1 - tail),
    mean: trace.reduce((acc, v) => acc + v, 0) / trace.length,
    trace: [...trace],
    effectiveSampleSize: trace.length / tau,
    autocorrelationTime: tau,
    geweke: gewekeZ(trace),
    classesUsed: chain.classesUsedSum / trace.length,
    iterations: chain.iterations,
    seconds: chain.seconds,
    iterationsPerSecond: chain.seconds > 0 ? chain.iterations / chain.seconds : Infinity,
    settings,
  };
}

/** One chain: burn-in, then `samples` draws kept every `thinning` sweeps. */
export function runLcmcr(table: CaptureTable, partial: Partial<LcmcrSettings> = {}, onProgress?: (p: LcmcrProgress) => void): LcmcrResult {
  const settings: LcmcrSettings = { ...defaultLcmcrSettings, ...partial };
  const chain = createLcmcrChain(table, settings);
  const { burnIn, samples, thinning } = settings;
  const total = burnIn + samples * thinning;
  const every = Math.max(1, Math.floor(total / 100));
  let it = 0;
  const tick = onProgress
    ? () => {
        it++;
        if (it % every === 0 || it === total) onProgress({ iteration: it, total, phase: it <= burnIn ? 'burn-in' : 'sampling' });
      }
    : undefined;
  chain.advance(burnIn, undefined, tick);
  chain.advance(samples * thinning, thinning, tick);
  return summariseChain(chain, settings);
}

function sticks(V: Float64Array, pi: Float64Array): void {
  let rest = 1;
  for (let k = 0; k < V.length; k++) {
    pi[k] = V[k]! * rest;
    rest *= 1 - V[k]!;
  }
}

/** Beta draws can round to exactly 0 or 1; the logs above need the open interval. */
function clampProbability(p: number): number {
  return Math.min(1 - 1e-15, Math.max(1e-300, p));
}
