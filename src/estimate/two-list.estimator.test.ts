import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chapman, lincolnPetersen } from './two-list.estimator.js';

describe('two-list estimators', () => {
  it('compute the textbook formulas', () => {
    // n1 = 80, n2 = 60, m = 20: LP = 240, Chapman = 81·61/21 − 1.
    const lp = lincolnPetersen(80, 60, 20);
    expect(lp.estimate).toBe(240);
    expect(lp.stderr ** 2).toBeCloseTo((80 * 60 * 60 * 40) / 8000, 9);
    const ch = chapman(80, 60, 20);
    expect(ch.estimate).toBeCloseTo((81 * 61) / 21 - 1, 12);
    expect(ch.stderr ** 2).toBeCloseTo((81 * 61 * 60 * 40) / (21 * 21 * 22), 9);
  });
  it('give intervals that contain the estimate and never go below the documented count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), (m, a, b) => {
        const n = a + b + m;
        for (const e of [lincolnPetersen(a + m, b + m, m), chapman(a + m, b + m, m)]) {
          expect(e.lower).toBeGreaterThanOrEqual(n - 1e-9);
          expect(e.lower).toBeLessThanOrEqual(e.estimate + 1e-9);
          expect(e.upper).toBeGreaterThanOrEqual(e.estimate - 1e-9);
        }
      }),
    );
  });
  it('Lincoln–Petersen refuses a table with no overlap', () => expect(() => lincolnPetersen(10, 10, 0)).toThrow(RangeError));
});
