/**
 * Synthetic populations with a known size and known list behaviour, for tests and the benchmark.
 * Every scenario is a mixture of latent classes; within a class, list j captures with probability
 * p[j] unless `dependence` is given, in which case list j's probability depends on whether list j−1
 * captured the unit (a chain of positive or negative list dependence).
 */
import type { CaptureTable } from './capture-history.table.js';
import { binomial, createRng, multinomial, type Rng } from './random.sampler.js';

export interface Scenario {
  name: string;
  N: number;
  lists: number;
  /** Class weights (sum to 1) and per-class capture probabilities [class][list]. */
  classes: { weight: number; p: number[] }[];
  /** When set, list j (j ≥ 1) captures with probability `ifPrevious[j]` when list j−1 did. */
  dependence?: { ifPrevious: number[] };
}

export function simulateTable(scenario: Scenario, rng: Rng | number): CaptureTable {
  const r = typeof rng === 'number' ? createRng(rng) : rng;
  const k = scenario.lists;
  const counts = new Array<number>(1 << k).fill(0);
  const sizes = new Array<number>(scenario.classes.length).fill(0);
  multinomial(
    r,
    scenario.N,
    scenario.classes.map((c) => c.weight),
    sizes,
  );
  scenario.classes.forEach((cls, c) => {
    const size = sizes[c]!;
    if (!scenario.dependence) {
      // Independent lists within a class: unit by unit would cost O(N·k); a pattern's count is
      // multinomial over the 2^k patterns, drawn list by list as nested binomials.
      splitByList(r, size, 0, 0, cls.p, counts, k);
      return;
    }
    for (let u = 0; u < size; u++) {
      let x = 0;
      let prev = false;
      for (let j = 0; j < k; j++) {
        const p: number = j > 0 && prev ? scenario.dependence.ifPrevious[j]! : cls.p[j]!;
        prev = r.uniform() < p;
        if (prev) x |= 1 << j;
      }
      counts[x]!++;
    }
  });
  counts[0] = 0;
  return { lists: Array.from({ length: k }, (_, j) => String.fromCharCode(65 + j)), counts };
}

function splitByList(r: Rng, size: number, j: number, x: number, p: number[], counts: number[], k: number): void {
  if (size === 0) return;
  if (j === k) {
    counts[x]! += size;
    return;
  }
  const yes = binomial(r, size, p[j]!);
  splitByList(r, yes, j + 1, x | (1 << j), p, counts, k);
  splitByList(r, size - yes, j + 1, x, p, counts, k);
}

/** The scenarios of the benchmark and the coverage tests. */
export function standardScenarios(N = 2000): Scenario[] {
  return [
    { name: 'independent-3', N, lists: 3, classes: [{ weight: 1, p: [0.3, 0.25, 0.2] }] },
    { name: 'independent-4', N, lists: 4, classes: [{ weight: 1, p: [0.3, 0.25, 0.2, 0.15] }] },
    {
      name: 'dependent-4',
      N,
      lists: 4,
      classes: [{ weight: 1, p: [0.3, 0.2, 0.2, 0.2] }],
      dependence: { ifPrevious: [0, 0.45, 0.2, 0.2] },
    },
    {
      name: 'heterogeneous-4',
      N,
      lists: 4,
      classes: [
        { weight: 0.3, p: [0.5, 0.4, 0.45, 0.35] },
        { weight: 0.7, p: [0.1, 0.08, 0.12, 0.06] },
      ],
    },
    {
      name: 'heterogeneous-5',
      N,
      lists: 5,
      classes: [
        { weight: 0.4, p: [0.5, 0.45, 0.4, 0.5, 0.35] },
        { weight: 0.6, p: [0.15, 0.1, 0.2, 0.1, 0.15] },
      ],
    },
  ];
}
