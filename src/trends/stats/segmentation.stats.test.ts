import { describe, expect, it } from 'vitest';
import { createRng } from './random.stats.js';
import { detectChangePoints } from './segmentation.stats.js';

function monthly(counts: number[]): { period: string; count: number }[] {
  return counts.map((count, i) => ({ period: `${2015 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`, count }));
}

describe('binary segmentation', () => {
  it('finds a rise and a later fall near their true months', () => {
    const rng = createRng(99);
    const counts = Array.from({ length: 90 }, (_, i) => rng.poisson(i < 30 ? 3 : i < 60 ? 10 : 4));
    const r = detectChangePoints(monthly(counts), { seed: 5, replicates: 499 });
    expect(r.status).toBe('change');
    expect(r.changes.map((c) => c.direction)).toEqual(['increase', 'decrease']);
    expect(Math.abs(r.changes[0]!.changeIndex - 30)).toBeLessThanOrEqual(2);
    expect(Math.abs(r.changes[1]!.changeIndex - 60)).toBeLessThanOrEqual(2);
    expect(r.segments).toHaveLength(3);
    expect(r.segments[1]!.rate).toBeGreaterThan(8);
    expect(r.segments.reduce((s, g) => s + g.total, 0)).toBe(counts.reduce((s, c) => s + c, 0));
    for (const c of r.changes) {
      expect(c.changeInterval!.fromIndex).toBeLessThanOrEqual(c.changeIndex);
      expect(c.changeInterval!.toIndex).toBeGreaterThanOrEqual(c.changeIndex);
    }
  });

  it('reports one segment for a flat series and respects maxChanges', () => {
    const rng = createRng(3);
    const flat = detectChangePoints(monthly(Array.from({ length: 48 }, () => rng.poisson(5))), { seed: 1, replicates: 299 });
    expect(flat.status).toBe('no_change');
    expect(flat.segments).toHaveLength(1);
    const steps = Array.from({ length: 120 }, (_, i) => rng.poisson([2, 8, 2, 8][Math.floor(i / 30)]!));
    expect(detectChangePoints(monthly(steps), { seed: 1, replicates: 299, maxChanges: 1 }).changes).toHaveLength(1);
  });
});
