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

export function runLcmcr(table: CaptureTable, partial: Partial<LcmcrSettings> = {}, onProgress?: (p: LcmcrProgress) => void): LcmcrResult {
  const settings: LcmcrSettings = { ...defaultLcmcrSettings, ...partial };
  const bad = validateLcmcrSettings(settings);
  if (bad.length) throw new RangeError(`LCMCR settings out of range: ${bad.join(', ')}`);
  const { K, burnIn, samples, thinning, a, b } = settings;
  const J = table.lists.length;
  const n = observedTotal(table);
  const patterns: number[] = [];
  const counts: number[] = [];
  for (let x = 1; x < table.counts.length; x++)
    if (table.counts[x]! > 0) {
      patterns.push(x);
      counts.push(table.counts[x]!);
    }
  const P = patterns.length;
  const rng = createRng(settings.seed);

  const lambda = new Float64Array(J * K);
  const V = new Float64Array(K);
  const pi = new Float64Array(K);
  const m = new Float64Array(K);
  const s = new Float64Array(J * K);
  const w = new Float64Array(K);
  const draw = new Float64Array(K);
  const log1mLambda = new Float64Array(J * K);
  const logLambda = new Float64Array(J * K);
  let alpha = a / b;

  // Start near the observed list frequencies, each class jittered so the classes can separate.
  const freq = new Array<number>(J).fill(0);
  for (let i = 0; i < P; i++) for (let j = 0; j < J; j++) if (patterns[i]! & (1 << j)) freq[j]! += counts[i]! / n;
  for (let j = 0; j < J; j++)
    for (let k = 0; k < K; k++) lambda[j * K + k] = Math.min(0.98, Math.max(0.02, freq[j]! * (0.75 + 0.5 * rng.uniform())));
  for (let k = 0; k < K - 1; k++) V[k] = Math.min(V_MAX, beta(rng, 1, alpha));
  V[K - 1] = 1;
  sticks(V, pi);

  const total = burnIn + samples * thinning;
  const trace: number[] = [];
  let classesUsed = 0;
  const every = Math.max(1, Math.floor(total / 100));
  const started = performance.now();

  for (let it = 1; it <= total; it++) {
    m.fill(0);
    s.fill(0);
    for (let idx = 0; idx < J * K; idx++) {
      logLambda[idx] = Math.log(lambda[idx]!);
      log1mLambda[idx] = Math.log1p(-lambda[idx]!);
    }
    // 1. classes of the observed units, pattern by pattern.
    for (let i = 0; i < P; i++) {
      const x = patterns[i]!;
      let sum = 0;
      for (let k = 0; k < K; k++) {
        let logp = 0;
        for (let j = 0; j < J; j++) logp += x & (1 << j) ? logLambda[j * K + k]! : log1mLambda[j * K + k]!;
        w[k] = pi[k]! * Math.exp(logp);
        sum += w[k]!;
      }
      if (!(sum > 0)) for (let k = 0; k < K; k++) w[k] = pi[k]! + 1e-300;
      multinomial(rng, counts[i]!, w, draw);
      for (let k = 0; k < K; k++) {
        const d = draw[k]!;
        if (d === 0) continue;
        m[k]! += d;
        for (let j = 0; j < J; j++) if (x & (1 << j)) s[j * K + k]! += d;
      }
    }
    // 2. how many units no list saw; 1 − p0 computed as Σ π_k (1 − Π(1−λ)) to keep precision when p0 ≈ 1.
    let seen = 0;
    for (let k = 0; k < K; k++) {
      let l0 = 0;
      for (let j = 0; j < J; j++) l0 += log1mLambda[j * K + k]!;
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
    for (let j = 0; j < J; j++)
      for (let k = 0; k < K; k++) {
        const yes = s[j * K + k]!;
        lambda[j * K + k] = clampProbability(beta(rng, 1 + yes, 1 + m[k]! - yes));
      }
    // 5. stick-breaking weights.
    let after = 0;
    for (let k = 0; k < K; k++) after += m[k]!;
    let logRest = 0;
    for (let k = 0; k < K - 1; k++) {
      after -= m[k]!;
      V[k] = Math.min(V_MAX, beta(rng, 1 + m[k]!, alpha + after));
      logRest += Math.log1p(-V[k]!);
    }
    V[K - 1] = 1;
    sticks(V, pi);
    // 6. concentration.
    alpha = K > 1 ? gamma(rng, a + K - 1, b - logRest) : alpha;

    if (it > burnIn && (it - burnIn) % thinning === 0) {
      trace.push(n + n0);
      let used = 0;
      for (let k = 0; k < K; k++) if (m[k]! > 0) used++;
      classesUsed += used;
    }
    if (onProgress && (it % every === 0 || it === total)) onProgress({ iteration: it, total, phase: it <= burnIn ? 'burn-in' : 'sampling' });
  }
  const seconds = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(trace).sort();
  const tail = (1 - settings.level) / 2;
  const tau = autocorrelationTime(trace);
  return {
    observed: n,
    estimate: quantile(sorted, 0.5),
    lower: quantile(sorted, tail),
    upper: quantile(sorted, 1 - tail),
    mean: trace.reduce((acc, v) => acc + v, 0) / trace.length,
    trace,
    effectiveSampleSize: trace.length / tau,
    autocorrelationTime: tau,
    geweke: gewekeZ(trace),
    classesUsed: classesUsed / trace.length,
    iterations: total,
    seconds,
    iterationsPerSecond: seconds > 0 ? total / seconds : Infinity,
    settings,
  };
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
