import { describe, expect, it } from 'vitest';
import { estimateGlobalLambda, initialM, runEm, type PatternCounts } from './em.estimate.js';

/** Pairs simulated from a known model, summarised as pattern counts (the form EM works on). */
function simulate(
  n: number,
  lambda: number,
  m: number[][],
  u: number[][],
  seed: number,
  nullRate = 0,
): PatternCounts {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const draw = (p: number[]): number => {
    let x = rand();
    for (let l = 1; l < p.length; l++) if ((x -= p[l]!) <= 0) return l;
    return p.length - 1;
  };
  const counts = new Map<string, number>();
  for (let k = 0; k < n; k++) {
    const match = rand() < lambda;
    const pattern = m.map((row, c) => (rand() < nullRate ? 0 : draw(match ? row : u[c]!)));
    const key = pattern.join(',');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const levels = m.map((row) => row.length);
  const keys = [...counts.keys()];
  return {
    levels,
    patterns: Int32Array.from(keys.flatMap((k) => k.split(',').map(Number))),
    counts: Float64Array.from(keys.map((k) => counts.get(k)!)),
  };
}

const trueM = [
  [1, 0.8, 0.15, 0.05],
  [1, 0.7, 0.2, 0.1],
  [1, 0.9, 0.1],
  [1, 0.6, 0.3, 0.1],
];
const trueU = [
  [1, 0.01, 0.09, 0.9],
  [1, 0.05, 0.15, 0.8],
  [1, 0.1, 0.9],
  [1, 0.2, 0.3, 0.5],
];

describe('EM', () => {
  it('recovers known m and λ from simulated comparison vectors (u known, as when sampled)', () => {
    const data = simulate(200_000, 0.1, trueM, trueU, 42, 0.05);
    const res = runEm(data, {
      m: trueM.map((row) => initialM(row.length)),
      u: trueU,
      lambda: 0.3,
      roles: ['free', 'free', 'free', 'free'],
      maxIterations: 2000,
      tolerance: 1e-7,
    });
    expect(res.converged).toBe(true);
    expect(res.lambda).toBeCloseTo(0.1, 2);
    res.m.forEach((row, c) => row.slice(1).forEach((v, l) => expect(Math.abs(v - trueM[c]![l + 1]!)).toBeLessThan(0.02)));
  });

  it('keeps a known comparison fixed and ignores one that is off', () => {
    const data = simulate(100_000, 0.2, trueM, trueU, 7);
    const wrong = [1, 0.2, 0.3, 0.5];
    const res = runEm(data, {
      m: [trueM[0]!, trueM[1]!.map(() => 1 / 3).map((v, l) => (l === 0 ? 1 : v)), trueM[2]!, wrong],
      u: trueU,
      lambda: 0.5,
      roles: ['known', 'free', 'free', 'off'],
      maxIterations: 2000,
      tolerance: 1e-7,
    });
    expect(res.m[0]).toEqual(trueM[0]);
    expect(res.m[3]).toEqual(wrong);
    expect(Math.abs(res.m[1]![1]! - 0.7)).toBeLessThan(0.03);
    expect(res.lambda).toBeCloseTo(0.2, 1);
  });

  it('estimates λ over all pairs when non-candidates are taken as non-matches', () => {
    // A million pairs from a model with strong evidence; blocking keeps the pairs agreeing exactly
    // on comparison 0, which lets through 80% of the matches (m = 0.8 at that level).
    const m = [
      [1, 0.8, 0.15, 0.05],
      [1, 0.85, 0.1, 0.05],
      [1, 0.9, 0.1],
    ];
    const u = [
      [1, 0.002, 0.02, 0.978],
      [1, 0.001, 0.01, 0.989],
      [1, 0.01, 0.99],
    ];
    const all = simulate(1_000_000, 1e-3, m, u, 11);
    const keep = Array.from(all.counts.keys()).filter((p) => all.patterns[p * 3] === 1);
    const candidates: PatternCounts = {
      levels: all.levels,
      patterns: Int32Array.from(keep.flatMap((p) => [0, 1, 2].map((c) => all.patterns[p * 3 + c]!))),
      counts: Float64Array.from(keep.map((p) => all.counts[p]!)),
    };
    const g = estimateGlobalLambda(candidates, m, u, 1_000_000, { start: 1e-2, maxIterations: 1000, tolerance: 1e-9 });
    expect(g.converged).toBe(true);
    expect(g.lambda).toBeGreaterThan(0.65e-3);
    expect(g.lambda).toBeLessThan(0.9e-3);
  });

  it('reports a run that stops before converging', () => {
    const data = simulate(10_000, 0.3, trueM, trueU, 9);
    const res = runEm(data, { m: trueM.map((r) => initialM(r.length)), u: trueU, lambda: 0.5, roles: ['free', 'free', 'free', 'free'], maxIterations: 2, tolerance: 1e-12 });
    expect(res.converged).toBe(false);
    expect(res.iterations).toBe(2);
  });
});
