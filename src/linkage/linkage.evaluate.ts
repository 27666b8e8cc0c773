/**
 * Accuracy against known truth (synthetic data, or a hand-checked sample): pairwise precision,
 * recall and F1. Recall counts every true pair, including those blocking never proposed.
 */

export interface PairwiseScores {
  truePairs: number;
  predicted: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
}

/** True pairs implied by an entity label per record (all pairs sharing a label; only across sources when given). */
export function countTruePairs(entity: ArrayLike<number>, source?: ArrayLike<number>): number {
  const groups = new Map<number, Map<number, number>>();
  for (let i = 0; i < entity.length; i++) {
    const e = entity[i]!;
    let g = groups.get(e);
    if (!g) groups.set(e, (g = new Map()));
    const s = source ? source[i]! : 0;
    g.set(s, (g.get(s) ?? 0) + 1);
  }
  let total = 0;
  for (const g of groups.values()) {
    let n = 0;
    let sq = 0;
    for (const c of g.values()) {
      n += c;
      sq += c * c;
    }
    total += source ? (n * n - sq) / 2 : (n * (n - 1)) / 2;
  }
  return total;
}

export function scorePairs(
  left: ArrayLike<number>,
  right: ArrayLike<number>,
  entity: ArrayLike<number>,
  truePairs: number,
): PairwiseScores {
  let tp = 0;
  for (let k = 0; k < left.length; k++) if (entity[left[k]!] === entity[right[k]!]) tp++;
  const predicted = left.length;
  const precision = predicted ? tp / predicted : 1;
  const recall = truePairs ? tp / truePairs : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { truePairs, predicted, truePositives: tp, precision, recall, f1 };
}

/** Pairs implied by clusters (every two records in one cluster), scored against the truth. */
export function scoreClusters(clusterOf: ArrayLike<number>, entity: ArrayLike<number>, truePairs: number): PairwiseScores {
  const members = new Map<number, number[]>();
  for (let i = 0; i < clusterOf.length; i++) {
    const c = clusterOf[i]!;
    const list = members.get(c);
    if (list) list.push(i);
    else members.set(c, [i]);
  }
  let predicted = 0;
  let tp = 0;
  for (const list of members.values()) {
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        predicted++;
        if (entity[list[a]!] === entity[list[b]!]) tp++;
      }
    }
  }
  const precision = predicted ? tp / predicted : 1;
  const recall = truePairs ? tp / truePairs : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { truePairs, predicted, truePositives: tp, precision, recall, f1 };
}
