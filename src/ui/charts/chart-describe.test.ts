import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { relativeTrend, trendSentence, trendThreshold } from './chart-describe.js';

const line = (a: number, b: number, n: number) => Array.from({ length: n }, (_, x) => ({ x, y: a + b * x }));

describe('relativeTrend', () => {
  it('recovers the slope of an exact line: change over the span divided by the mean', () => {
    // y = 10 + 2x over x = 0..10: mean 20, change over the span 20, so +100%.
    expect(relativeTrend(line(10, 2, 11))).toBeCloseTo(1, 10);
    expect(relativeTrend(line(30, -1, 11))).toBeCloseTo(-10 / 25, 10);
    expect(relativeTrend(line(7, 0, 5))).toBe(0);
  });

  it('does not depend on the scale of the counts, and flips sign with time', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 3, maxLength: 40 }),
        fc.integer({ min: 2, max: 50 }),
        (ys, c) => {
          const pts = ys.map((y, x) => ({ x, y }));
          const r = relativeTrend(pts)!;
          expect(relativeTrend(pts.map((p) => ({ x: p.x, y: p.y * c })))!).toBeCloseTo(r, 9);
          const reversed = ys.map((_, x) => ({ x, y: ys[ys.length - 1 - x]! }));
          expect(relativeTrend(reversed)!).toBeCloseTo(-r, 9);
        },
      ),
    );
  });

  it('finds a known trend under Poisson-like noise', () => {
    // Deterministic noise around y = 20 + x (x = 0..59): mean 49.5, true relative change 59/49.5 ≈ 1.19.
    const pts = Array.from({ length: 60 }, (_, x) => ({ x, y: 20 + x + (((x * 7919) % 11) - 5) }));
    expect(relativeTrend(pts)!).toBeGreaterThan(1.05);
    expect(relativeTrend(pts)!).toBeLessThan(1.35);
  });

  it('gives no trend for too few points or a zero mean', () => {
    expect(relativeTrend(line(1, 1, 2))).toBeNull();
    expect(relativeTrend(line(0, 0, 6))).toBeNull();
  });
});

describe('trendSentence', () => {
  it('says up, down, flat or too few', () => {
    expect(trendSentence('en', 0.5)).toContain('upward');
    expect(trendSentence('en', 0.5)).toContain('50%');
    expect(trendSentence('es', -0.5)).toContain('a la baja');
    expect(trendSentence('en', trendThreshold / 2)).toContain('no clear');
    expect(trendSentence('es', null)).toContain('muy pocos datos');
  });
});
