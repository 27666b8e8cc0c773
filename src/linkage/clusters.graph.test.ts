import { describe, expect, it } from 'vitest';
import { clusterLinks, findBridges, type Edge } from './clusters.graph.js';

const e = (a: number, b: number, weight = 10): Edge => ({ a, b, weight });

function groups(clusterOf: Int32Array): number[][] {
  const m = new Map<number, number[]>();
  clusterOf.forEach((c, i) => m.set(c, [...(m.get(c) ?? []), i]));
  return [...m.values()];
}

describe('clusters', () => {
  it('are the connected components of the links', () => {
    const r = clusterLinks(6, [e(0, 1), e(1, 2), e(4, 5)], { minDensity: 0.5 });
    expect(groups(r.clusterOf)).toEqual([[0, 1, 2], [3], [4, 5]]);
    expect(r.clusterCount).toBe(3);
    expect(r.cut).toEqual([]);
  });

  it('find the bridges of a graph', () => {
    // Two triangles joined by the link 2–3.
    const edges = [e(0, 1), e(1, 2), e(0, 2), e(2, 3), e(3, 4), e(4, 5), e(3, 5)];
    expect(findBridges([0, 1, 2, 3, 4, 5], edges)).toEqual([3]);
    expect(findBridges([0, 1, 2], [e(0, 1), e(1, 2), e(0, 2)])).toEqual([]);
  });

  it('split a sparse chain at its weakest bridge, keep dense groups whole', () => {
    // Two dense groups of four joined by one weak link: density 13/28 < 0.5.
    const k4 = (o: number): Edge[] => [e(o, o + 1), e(o, o + 2), e(o, o + 3), e(o + 1, o + 2), e(o + 1, o + 3), e(o + 2, o + 3)];
    const edges = [...k4(0), ...k4(4), e(3, 4, 3.5)];
    const r = clusterLinks(8, edges, { minDensity: 0.5 });
    expect(groups(r.clusterOf)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(r.cut).toEqual([e(3, 4, 3.5)]);
    // The same graph with the guard off stays one cluster.
    expect(clusterLinks(8, edges, { minDensity: 0 }).clusterCount).toBe(1);
  });

  it('cut a long chain of records into short pieces', () => {
    const chain = Array.from({ length: 9 }, (_, k) => e(k, k + 1, 10 + (k === 4 ? -5 : k % 3)));
    const r = clusterLinks(10, chain, { minDensity: 0.5 });
    expect(r.cut[0]).toEqual(e(4, 5, 5));
    for (const g of groups(r.clusterOf)) {
      const n = g.length;
      const links = chain.filter((x) => g.includes(x.a) && g.includes(x.b)).length;
      expect(n < 4 || links / ((n * (n - 1)) / 2) >= 0.5).toBe(true);
    }
  });

  it('leave a sparse ring alone (no bridge to cut)', () => {
    const ring = Array.from({ length: 6 }, (_, k) => e(k, (k + 1) % 6));
    expect(clusterLinks(6, ring, { minDensity: 0.5 }).clusterCount).toBe(1);
  });
});
