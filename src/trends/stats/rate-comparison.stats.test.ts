import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../../shared/errors.js';
import { comparePeriods, compareRates, poissonRateInterval } from './rate-comparison.stats.js';
import { createRng } from './random.stats.js';

describe('comparison of two periods', () => {
  it('matches exact reference values (SciPy: binom test, Clopper–Pearson, Garwood)', () => {
    const c = compareRates({ count: 10, exposure: 5 }, { count: 20, exposure: 5 });
    expect(c.rateRatio).toBe(2);
    expect(c.pValue).toBeCloseTo(0.09873714670538905, 10);
    expect(c.rateRatioInterval.lower).toBeCloseTo(0.8935088903846923, 8);
    expect(c.a.rateInterval[0]).toBeCloseTo(0.9590777392264875, 8); // chi2.ppf(.025, 20)/2/5
    expect(c.difference).toBe(2);
    expect(c.differenceInterval[0]).toBeLessThan(0);
    expect(c.differenceInterval[1]).toBeGreaterThan(2);
  });

  it('accounts for different period lengths', () => {
    // 12 events in 12 months against 6 in 3 months: rates 1 and 2.
    const c = compareRates({ count: 12, exposure: 12 }, { count: 6, exposure: 3 });
    expect(c.rateRatio).toBeCloseTo(2, 12);
    expect(c.difference).toBeCloseTo(1, 12);
    // Same counts with equal lengths would be a fall, not a rise.
    expect(compareRates({ count: 12, exposure: 12 }, { count: 6, exposure: 12 }).rateRatio).toBe(0.5);
  });

  it('over-dispersion widens the intervals', () => {
    const a = { count: 40, exposure: 10 };
    const b = { count: 70, exposure: 10 };
    const p = compareRates(a, b);
    const q = compareRates(a, b, { dispersion: 3 });
    expect(q.rateRatioInterval.lower).toBeLessThan(p.rateRatioInterval.lower);
    expect(q.rateRatioInterval.upper!).toBeGreaterThan(p.rateRatioInterval.upper!);
    expect(q.pValue).toBeGreaterThan(p.pValue);
  });

  it('intervals are ordered and contain the estimates', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 24 }), (x, y, ea, eb) => {
        const c = compareRates({ count: y, exposure: ea }, { count: x, exposure: eb });
        expect(c.rateRatioInterval.lower).toBeLessThanOrEqual(c.rateRatio! + 1e-9);
        if (c.rateRatioInterval.upper !== null) expect(c.rateRatioInterval.upper).toBeGreaterThanOrEqual(c.rateRatio! - 1e-9);
        expect(c.differenceInterval[0]).toBeLessThanOrEqual(c.difference);
        expect(c.differenceInterval[1]).toBeGreaterThanOrEqual(c.difference);
        expect(c.pValue).toBeGreaterThanOrEqual(0);
        expect(c.pValue).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });

  it('the Garwood rate interval covers the true rate at least 95% of the time', () => {
    const rng = createRng(5);
    let cover = 0;
    const runs = 2000;
    for (let i = 0; i < runs; i++) {
      const [lo, hi] = poissonRateInterval(rng.poisson(3.2 * 6), 6);
      if (lo <= 3.2 && 3.2 <= hi) cover++;
    }
    expect(cover / runs).toBeGreaterThan(0.94);
  });

  it('compares two stretches of a series and estimates over-dispersion from them', () => {
    const months = (y: number, counts: number[]) =>
      counts.map((count, i) => ({ period: `${y}-${String(i + 1).padStart(2, '0')}`, count }));
    const c = comparePeriods(months(2021, [2, 3, 1, 4, 2, 3]), months(2022, [6, 7, 5, 9, 6, 8]));
    expect(c.a).toMatchObject({ count: 15, exposure: 6, from: '2021-01', to: '2021-06' });
    expect(c.b.count).toBe(41);
    expect(c.dispersion).toBe(1);
    const d = comparePeriods(months(2021, [0, 12, 0, 1, 14, 0]), months(2022, [20, 0, 1, 25, 0, 3]));
    expect(d.dispersion).toBeGreaterThan(5);
  });

  it('rejects bad totals, naming the field', () => {
    expect(() => compareRates({ count: -1, exposure: 3 }, { count: 2, exposure: 0 })).toThrowError(AppError);
    try {
      compareRates({ count: -1, exposure: 3 }, { count: 2, exposure: 0 });
    } catch (e) {
      expect((e as AppError).issues.map((i) => i.path.join('.'))).toEqual(['a.count', 'b.exposure']);
    }
  });
});
