import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { observedTotal, permuteLists, type CaptureTable } from './capture-history.table.js';
import { designMatrix, enumerateHierarchicalModels, fitLoglinearModels, fitModel, fitPoissonGlm, profileInterval } from './loglinear.model.js';
import { logGamma } from './numeric.math.js';

const t3 = (c: number[]): CaptureTable => ({ lists: ['A', 'B', 'C'], counts: [0, ...c] });
const AB = 0b011;
const AC = 0b101;
const BC = 0b110;

/** Brute force: every subset of the candidate interactions that respects the hierarchy. */
function bruteForceModelCount(k: number): number {
  const pc = (x: number): number => x.toString(2).replace(/0/g, '').length;
  const terms: number[] = [];
  for (let t = 1; t < (1 << k) - 1; t++) if (pc(t) >= 2) terms.push(t);
  let count = 0;
  for (let s = 0; s < 1 << terms.length; s++) {
    const set = new Set(terms.filter((_, i) => s & (1 << i)));
    const ok = [...set].every((t) => [...Array(k).keys()].every((j) => !(t & (1 << j)) || pc(t & ~(1 << j)) < 2 || set.has(t & ~(1 << j))));
    if (ok) count++;
  }
  return count;
}

describe('IRLS Poisson GLM', () => {
  it('reproduces the closed-form fit of a complete 2×2 independence table', () => {
    const y = [10, 20, 30, 60];
    const cells = [0, 1, 2, 3];
    const { x, p } = designMatrix(2, [], cells);
    const fit = fitPoissonGlm(x, 4, p, y);
    const total = 120;
    const rowA = [10 + 30, 20 + 60];
    const colB = [10 + 20, 30 + 60];
    cells.forEach((c, i) => expect(fit.mu[i]).toBeCloseTo((rowA[c & 1]! * colB[(c >> 1) & 1]!) / total, 9));
    expect(fit.converged).toBe(true);
  });

  it('equals Lincoln–Petersen for two lists', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5000 }), (a, b, m) => {
        const f = fitModel({ lists: ['A', 'B'], counts: [0, a, b, m] }, []);
        const n1 = a + m;
        const n2 = b + m;
        expect(f.estimate / ((n1 * n2) / m)).toBeCloseTo(1, 6);
        // Var(N̂) of this model equals the classic n1·n2·(n1−m)(n2−m)/m³.
        expect(f.stderr ** 2 / ((n1 * n2 * (n1 - m) * (n2 - m)) / m ** 3)).toBeCloseTo(1, 6);
      }),
      { numRuns: 100 },
    );
  });

  it('matches the closed form of the three-list model with all two-way interactions', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 7, maxLength: 7 }), (c) => {
        const [n100, n010, n110, n001, n101, n011, n111] = c as [number, number, number, number, number, number, number];
        const f = fitModel(t3(c), [AB, AC, BC]);
        const closed = (n111 * n100 * n010 * n001) / (n110 * n101 * n011);
        expect((f.estimate - observedTotal(t3(c))) / closed).toBeCloseTo(1, 6);
        expect(f.df).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('matches the closed form of [AB][C]: list C against "A or B" as two lists', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 7, maxLength: 7 }), (c) => {
        const [n100, n010, n110, n001, n101, n011, n111] = c as [number, number, number, number, number, number, number];
        const f = fitModel(t3(c), [AB]);
        const closed = ((n100 + n010 + n110) * n001) / (n101 + n011 + n111);
        expect((f.estimate - observedTotal(t3(c))) / closed).toBeCloseTo(1, 6);
      }),
      { numRuns: 60 },
    );
  });
});

describe('hierarchical model enumeration', () => {
  it('counts 1, 8, 113 and 6,893 models for 2–5 lists, as brute force does', () => {
    const counts = [2, 3, 4, 5].map((k) => enumerateHierarchicalModels(k, () => {}));
    expect(counts).toEqual([1, 8, 113, 6893]);
    // Brute force over every subset of interactions (2^10 for four lists); for five lists (2^25
    // subsets) the same brute force was run once by hand and gave 6,893.
    expect([2, 3, 4].map(bruteForceModelCount)).toEqual(counts.slice(0, 3));
  });
});

describe('profile-likelihood interval', () => {
  it('agrees with a direct grid search of the two-list multinomial profile likelihood', () => {
    const [a, b, m] = [60, 40, 20];
    const n = a + b + m;
    const n1 = a + m;
    const n2 = b + m;
    // Independent computation: for two independent lists p̂_j = n_j/N in closed form.
    const prof = (N: number): number =>
      logGamma(N + 1) - logGamma(N - n + 1) + n1 * Math.log(n1 / N) + (N - n1) * Math.log(1 - n1 / N) + n2 * Math.log(n2 / N) + (N - n2) * Math.log(1 - n2 / N);
    let best = -Infinity;
    let arg = n;
    for (let N = n; N < 2000; N += 0.001) {
      const l = prof(N);
      if (l > best) {
        best = l;
        arg = N;
      }
    }
    const cut = best - 3.841458820694124 / 2;
    let lo = n;
    while (prof(lo) < cut) lo += 0.001;
    let hi = arg;
    while (prof(hi) >= cut) hi += 0.001;
    const r = profileInterval({ lists: ['A', 'B'], counts: [0, a, b, m] }, []);
    expect(r.mle).toBeCloseTo(arg, 2);
    expect(r.lower).toBeCloseTo(lo, 2);
    expect(r.upper).toBeCloseTo(hi, 2);
  });

  it('has its lower end at the documented count when the data allow no unseen units', () => {
    const r = profileInterval({ lists: ['A', 'B'], counts: [0, 1, 1, 500] }, []);
    expect(r.lower).toBe(502);
    expect(r.upper).toBeGreaterThan(502);
  });
});

describe('four-list data (Rcapture closedpCI example "diabetes", Bruno et al. 1994)', () => {
  // Counts as printed in Rcapture's closedpCI example, rows in histpos.t(4) order
  // (1111, 1110, …, 0001). The reference values here come from an independent computation (scipy
  // trust-region Newton on the exact Poisson likelihood, brentq on the multinomial profile), to more
  // digits than papers print; published-results.test.ts checks the figures printed in Rivest (2011).
  const freqs = [58, 157, 18, 104, 46, 650, 12, 709, 14, 20, 7, 74, 8, 182, 10];
  const counts = new Array<number>(16).fill(0);
  freqs.forEach((f, i) => {
    const h = 15 - i; // 1111 → 15 … 0001 → 1, written c1 c2 c3 c4
    let x = 0;
    for (let j = 0; j < 4; j++) if (h & (1 << (3 - j))) x |= 1 << j;
    counts[x] = f;
  });
  const table: CaptureTable = { lists: ['c1', 'c2', 'c3', 'c4'], counts };
  const terms = (pairs: [number, number][]): number[] => pairs.map(([i, j]) => (1 << i) | (1 << j));
  const cases = [
    { name: 'independence', terms: [], N: 2250.600763, se: 18.594615, dev: 217.475798, aic: 312.638057, bic: 340.81216, lo: 2215.2384, hi: 2288.1183 },
    { name: 'c1:c3 + c2:c4 + c3:c4', terms: terms([[0, 2], [1, 3], [2, 3]]), N: 2472.246549, se: 53.457034, dev: 21.972316, aic: 123.134575, bic: 168.21314, lo: 2374.4903, hi: 2584.3562 },
    {
      name: 'all two-way',
      terms: terms([[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]),
      N: 2789.834446,
      se: 151.742123,
      dev: 7.053697,
      aic: 114.215955,
      bic: 176.198983,
      lo: 2536.3914,
      hi: 3140.1524,
    },
  ];
  it('all three-way interactions: both profile ends as base R glm gives them (the warm-started refit once put the upper end at 54,835)', () => {
    const all3 = [3, 5, 6, 9, 10, 12, 7, 11, 13, 14];
    const f = fitModel(table, all3);
    const pi = profileInterval(table, all3, 0.95, f.estimate - 2069);
    // R 4.x: glm.fit on the complete table with the unseen cell at z, optimize and uniroot on the profile.
    expect(pi.lower).toBeCloseTo(2590.0896, 1);
    expect(pi.upper).toBeCloseTo(18192.194, 0);
  });

  for (const c of cases)
    it(`model ${c.name}`, () => {
      const f = fitModel(table, c.terms);
      expect(f.flag).toBe('ok');
      expect(f.estimate).toBeCloseTo(c.N, 3);
      expect(f.stderr).toBeCloseTo(c.se, 3);
      expect(f.deviance).toBeCloseTo(c.dev, 4);
      expect(f.aic).toBeCloseTo(c.aic, 4);
      expect(f.bic).toBeCloseTo(c.bic, 4);
      const pi = profileInterval(table, c.terms);
      expect(pi.lower).toBeCloseTo(c.lo, 1);
      expect(pi.upper).toBeCloseTo(c.hi, 1);
    });
});

describe('model search', () => {
  const tableArb = (k: number): fc.Arbitrary<CaptureTable> =>
    fc.array(fc.integer({ min: 1, max: 300 }), { minLength: (1 << k) - 1, maxLength: (1 << k) - 1 }).map((c) => ({
      lists: Array.from({ length: k }, (_, j) => `L${j}`),
      counts: [0, ...c],
    }));

  it('never estimates fewer than the documented count', () => {
    fc.assert(
      fc.property(tableArb(3), (t) => {
        const r = fitLoglinearModels(t, { top: 8 });
        for (const m of r.best) {
          expect(m.estimate).toBeGreaterThanOrEqual(r.observed);
          expect(m.lower!).toBeGreaterThanOrEqual(r.observed);
          expect(m.upper!).toBeGreaterThanOrEqual(m.lower!);
        }
        if (r.averaged) expect(r.averaged.lower).toBeGreaterThanOrEqual(r.observed);
      }),
      { numRuns: 40 },
    );
  });

  it('does not depend on the order of the lists', () => {
    fc.assert(
      fc.property(tableArb(4), fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }), (t, perm) => {
        const a = fitLoglinearModels(t, { top: 3 });
        const b = fitLoglinearModels(permuteLists(t, perm), { top: 3 });
        expect(b.modelsUsable).toBe(a.modelsUsable);
        expect(b.chosen!.estimate / a.chosen!.estimate).toBeCloseTo(1, 8);
        expect(b.chosen!.bic).toBeCloseTo(a.chosen!.bic, 6);
        expect(b.averaged!.estimate / a.averaged!.estimate).toBeCloseTo(1, 8);
      }),
      { numRuns: 15 },
    );
  });

  it('flags a model whose interaction has no data instead of reporting an estimate from it', () => {
    // No unit on both A and B: β_AB runs to −∞.
    const t = t3([50, 40, 0, 30, 12, 10, 0]);
    expect(fitModel(t, [AB]).flag).toBe('boundary');
    const r = fitLoglinearModels(t);
    expect(r.best.every((m) => !m.terms.includes(AB))).toBe(true);
    expect(r.modelsUsable).toBeLessThan(r.modelsFitted);
  });

  it('flags a model whose unobserved cell runs away instead of reporting it', () => {
    // Under all two-way interactions n0 = n111·n100·n010·n001 / (n110·n101·n011) = 10^12.
    const f = fitModel(t3([1000, 1000, 1, 1000, 1, 1, 1000]), [AB, AC, BC]);
    expect(f.flag).toBe('infinite');
  });

  it('chooses by BIC by default and by AIC on request, and weights sum to one', () => {
    const t = t3([50, 40, 15, 30, 12, 10, 6]);
    const bic = fitLoglinearModels(t, { top: 8 });
    const aic = fitLoglinearModels(t, { criterion: 'aic', top: 8 });
    expect(bic.best.map((m) => m.bic)).toEqual([...bic.best.map((m) => m.bic)].sort((x, y) => x - y));
    expect(aic.best.map((m) => m.aic)).toEqual([...aic.best.map((m) => m.aic)].sort((x, y) => x - y));
    expect(bic.best.reduce((s, m) => s + m.weight, 0)).toBeCloseTo(1, 9);
    expect(bic.search).toBe('exhaustive');
    expect(bic.modelsFitted).toBe(8);
  });

  it('picks the interaction that generated the data', () => {
    // Expected counts of a 4-list population with a strong A:B dependence, rounded.
    const k = 4;
    const counts = new Array<number>(16).fill(0);
    for (let x = 1; x < 16; x++) {
      const a = x & 1;
      const b = (x >> 1) & 1;
      let l = Math.log(4000) - 2.2 * 4 + 2 * (x & 1) + 2 * ((x >> 1) & 1) + 2 * ((x >> 2) & 1) + 2 * ((x >> 3) & 1) + 1.5 * a * b;
      l = Math.exp(l);
      counts[x] = Math.round(l);
    }
    const r = fitLoglinearModels({ lists: ['A', 'B', 'C', 'D'].slice(0, k), counts });
    expect(r.chosen!.name).toBe('A:B');
    expect(r.chosen!.estimate).toBeCloseTo(observedTotal({ lists: [], counts }) + 4000 * Math.exp(-8.8), -1);
  });

  it('uses a stepwise search for six lists and says so', () => {
    const counts = Array.from({ length: 64 }, (_, x) => (x === 0 ? 0 : 3 + ((x * 29) % 17)));
    const r = fitLoglinearModels({ lists: ['A', 'B', 'C', 'D', 'E', 'F'], counts });
    expect(r.search).toBe('stepwise');
    expect(r.chosen).not.toBeNull();
    expect(r.chosen!.estimate).toBeGreaterThan(r.observed);
  });
});
