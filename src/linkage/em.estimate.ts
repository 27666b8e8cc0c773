/**
 * Expectation–maximisation for the Fellegi–Sunter model on comparison patterns (pure numerical
 * code). Pairs are summarised as distinct patterns with counts, so an iteration costs
 * O(patterns × comparisons) whatever the number of pairs.
 *
 * Level 0 of every comparison is "null": it enters neither likelihood nor estimates.
 * A comparison's role in a session is 'free' (m estimated), 'known' (m fixed but part of the
 * likelihood) or 'off' (ignored: e.g. its columns are in the blocking rule, so every pair agrees).
 */

export type EmRole = 'free' | 'known' | 'off';

export interface PatternCounts {
  /** Levels per comparison, including level 0 (null). */
  levels: readonly number[];
  /** Level of each comparison for each pattern, pattern after pattern (length = patterns × comparisons). */
  patterns: Int32Array;
  counts: Float64Array;
}

export interface EmOptions {
  m: readonly (readonly number[])[];
  u: readonly (readonly number[])[];
  lambda: number;
  roles: readonly EmRole[];
  fixLambda?: boolean;
  maxIterations: number;
  tolerance: number;
}

export interface EmResult {
  m: number[][];
  lambda: number;
  iterations: number;
  converged: boolean;
  logLikelihood: number;
}

/** Probabilities are kept away from 0 so that no level gets an infinite weight. */
const FLOOR = 1e-6;

function posterior(
  data: PatternCounts,
  p: number,
  m: readonly (readonly number[])[],
  u: readonly (readonly number[])[],
  roles: readonly EmRole[],
  lambda: number,
): { post: number; like: number } {
  const C = data.levels.length;
  let a = lambda;
  let b = 1 - lambda;
  for (let c = 0; c < C; c++) {
    if (roles[c] === 'off') continue;
    const l = data.patterns[p * C + c]!;
    if (l === 0) continue;
    a *= m[c]![l]!;
    b *= u[c]![l]!;
  }
  return { post: a / (a + b), like: a + b };
}

export function runEm(data: PatternCounts, opts: EmOptions): EmResult {
  const C = data.levels.length;
  const P = data.counts.length;
  let m = opts.m.map((row) => [...row]);
  let lambda = opts.lambda;
  let converged = false;
  let iterations = 0;
  let logLikelihood = -Infinity;
  const total = data.counts.reduce((s, x) => s + x, 0);
  if (total === 0) return { m, lambda, iterations: 0, converged: true, logLikelihood: 0 };
  while (iterations < opts.maxIterations) {
    iterations++;
    const acc = data.levels.map((L) => new Float64Array(L));
    let matches = 0;
    let ll = 0;
    for (let p = 0; p < P; p++) {
      const n = data.counts[p]!;
      const { post, like } = posterior(data, p, m, opts.u, opts.roles, lambda);
      ll += n * Math.log(like);
      const w = n * post;
      matches += w;
      for (let c = 0; c < C; c++) {
        if (opts.roles[c] !== 'free') continue;
        acc[c]![data.patterns[p * C + c]!]! += w;
      }
    }
    logLikelihood = ll;
    const next = m.map((row, c) => {
      if (opts.roles[c] !== 'free') return row;
      const a = acc[c]!;
      let s = 0;
      for (let l = 1; l < a.length; l++) s += a[l]!;
      if (s <= 0) return row;
      const out = row.slice();
      let norm = 0;
      for (let l = 1; l < a.length; l++) {
        out[l] = Math.max(FLOOR, a[l]! / s);
        norm += out[l]!;
      }
      for (let l = 1; l < a.length; l++) out[l] = out[l]! / norm;
      return out;
    });
    const nextLambda = opts.fixLambda ? lambda : Math.min(1 - FLOOR, Math.max(FLOOR, matches / total));
    let change = Math.abs(nextLambda - lambda);
    for (let c = 0; c < C; c++) {
      for (let l = 1; l < next[c]!.length; l++) change = Math.max(change, Math.abs(next[c]![l]! - m[c]![l]!));
    }
    m = next;
    lambda = nextLambda;
    if (change < opts.tolerance) {
      converged = true;
      break;
    }
  }
  return { m, lambda, iterations, converged, logLikelihood };
}

/**
 * λ over all pairs (not only candidates), with m and u fixed: the EM update for λ when every pair
 * outside the candidate set is taken as a non-match, λ ← Σ_candidates P(match | γ, λ) / allPairs.
 */
export function estimateGlobalLambda(
  data: PatternCounts,
  m: readonly (readonly number[])[],
  u: readonly (readonly number[])[],
  allPairs: number,
  opts: { start: number; maxIterations: number; tolerance: number },
): { lambda: number; iterations: number; converged: boolean } {
  const roles: EmRole[] = data.levels.map(() => 'known');
  let lambda = opts.start;
  for (let it = 1; it <= opts.maxIterations; it++) {
    let matches = 0;
    for (let p = 0; p < data.counts.length; p++) {
      matches += data.counts[p]! * posterior(data, p, m, u, roles, lambda).post;
    }
    const next = Math.min(1 - FLOOR, Math.max(1e-12, matches / allPairs));
    const rel = Math.abs(next - lambda) / lambda;
    lambda = next;
    if (rel < opts.tolerance) return { lambda, iterations: it, converged: true };
  }
  return { lambda, iterations: opts.maxIterations, converged: false };
}

/** A starting m: most mass on the strongest level, decreasing geometrically. */
export function initialM(levels: number): number[] {
  const out = [1];
  let norm = 0;
  for (let l = 1; l < levels; l++) {
    const v = Math.pow(0.25, l - 1);
    out.push(v);
    norm += v;
  }
  for (let l = 1; l < levels; l++) out[l] = out[l]! / norm;
  return out;
}
