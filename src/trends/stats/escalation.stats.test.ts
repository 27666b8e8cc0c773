import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  conditionalRateRatioInterval,
  detectEscalation,
  pearsonDispersion,
  poissonLogLikelihood,
  scanChangePoint,
} from './escalation.stats.js';
import { createRng } from './random.stats.js';
import type { SeriesPoint } from './series.schema.js';

function monthly(counts: number[], start = 2018 * 12): SeriesPoint[] {
  return counts.map((count, i) => {
    const k = start + i;
    return { period: `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`, count };
  });
}

function stepSeries(seed: number, n: number, tau: number, r1: number, r2: number, dispersion = 1): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => rng.overdispersedPoisson(i < tau ? r1 : r2, dispersion));
}

describe('Poisson likelihood (known answers)', () => {
  it('matches hand computation', () => {
    // y = 1, 2, 3 at rate 2: 6 log 2 − 6 − log(1!·2!·3!)
    expect(poissonLogLikelihood([1, 2, 3], 2)).toBeCloseTo(6 * Math.log(2) - 6 - Math.log(12), 12);
    // With exposure; reference computed in Python with math.lgamma.
    expect(poissonLogLikelihood([3, 0, 5, 2], 1.7, [1, 0.5, 2, 1])).toBeCloseTo(-6.1503799791486164, 12);
    expect(poissonLogLikelihood([0, 0], 0)).toBe(0);
    expect(poissonLogLikelihood([1, 0], 0)).toBe(-Infinity);
  });

  it('the scan statistic equals twice the log-likelihood gain of the two-rate fit at every split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 6, maxLength: 40 }),
        fc.integer({ min: 1, max: 3 }),
        (y, m) => {
          const e = y.map((_, i) => 1 + (i % 3) * 0.25);
          const scan = scanChangePoint(y, e, m);
          const Y = y.reduce((s, c) => s + c, 0);
          const E = e.reduce((s, c) => s + c, 0);
          const l0 = poissonLogLikelihood(y, Y / E, e);
          let best = 0;
          for (let tau = m; tau <= y.length - m; tau++) {
            const y1 = y.slice(0, tau);
            const y2 = y.slice(tau);
            const e1 = e.slice(0, tau);
            const e2 = e.slice(tau);
            const r1 = y1.reduce((s, c) => s + c, 0) / e1.reduce((s, c) => s + c, 0);
            const r2 = y2.reduce((s, c) => s + c, 0) / e2.reduce((s, c) => s + c, 0);
            const lr = 2 * (poissonLogLikelihood(y1, r1, e1) + poissonLogLikelihood(y2, r2, e2) - l0);
            expect(scan.profile[tau]).toBeCloseTo(Math.max(0, lr), 7);
            best = Math.max(best, lr);
          }
          expect(scan.lr).toBeCloseTo(best, 7);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('Pearson dispersion is about 1 for Poisson counts and about φ for over-dispersed ones', () => {
    const n = 2000;
    const e = new Array<number>(n).fill(1);
    const pois = stepSeries(11, n, n / 2, 4, 8);
    const nb = stepSeries(12, n, n / 2, 4, 8, 3);
    expect(pearsonDispersion(pois, e, n / 2, 4, 8)).toBeLessThan(1.15);
    const phi = pearsonDispersion(nb, e, n / 2, 4, 8);
    expect(phi).toBeGreaterThan(2.6);
    expect(phi).toBeLessThan(3.4);
  });

  it('the conditional rate-ratio interval matches Clopper–Pearson from SciPy', () => {
    // 10 events in 5 months, then 20 in 5: p in (0.47188, 0.82713) → ratio p/(1−p).
    const ci = conditionalRateRatioInterval(10, 5, 20, 5);
    expect(ci.lower).toBeCloseTo(0.47187995521011944 / (1 - 0.47187995521011944), 8);
    expect(ci.upper!).toBeCloseTo(0.8271257784739607 / (1 - 0.8271257784739607), 8);
    expect(conditionalRateRatioInterval(0, 5, 7, 5).upper).toBeNull();
  });
});

describe('escalation detection', () => {
  it('finds a clear step at the right month, with intervals that contain the truth', () => {
    const counts = stepSeries(2024, 60, 36, 2, 7);
    const r = detectEscalation(monthly(counts), { seed: 1 });
    expect(r.status).toBe('change');
    expect(r.direction).toBe('increase');
    expect(r.changeIndex).toBe(36);
    expect(r.changePeriod).toBe('2021-01');
    expect(r.changeInterval!.fromIndex).toBeLessThanOrEqual(36);
    expect(r.changeInterval!.toIndex).toBeGreaterThanOrEqual(36);
    expect(r.rateRatioInterval!.lower).toBeLessThan(3.5);
    expect(r.rateRatioInterval!.upper!).toBeGreaterThan(3.5);
    expect(r.pValue!).toBeLessThanOrEqual(0.002);
    expect(r.countBefore! + r.countAfter!).toBe(r.total);
    expect(r.countBefore).toBe(counts.slice(0, 36).reduce((s, c) => s + c, 0));
  });

  it('finds a decrease in over-dispersed counts and reports φ', () => {
    const counts = stepSeries(77, 84, 30, 12, 4, 2.5);
    const r = detectEscalation(monthly(counts), { seed: 3 });
    expect(r.status).toBe('change');
    expect(r.direction).toBe('decrease');
    expect(Math.abs(r.changeIndex! - 30)).toBeLessThanOrEqual(2);
    expect(r.dispersion).toBeGreaterThan(1.5);
    expect(r.rateRatioInterval!.lower).toBeLessThan(1 / 3);
    expect(r.rateRatioInterval!.upper!).toBeGreaterThan(1 / 3);
  });

  it('does not flag a flat series, Poisson or over-dispersed', () => {
    const flat = detectEscalation(monthly(stepSeries(5, 48, 0, 4, 4)), { seed: 9 });
    expect(flat.status).toBe('no_change');
    expect(flat.pValue!).toBeGreaterThan(0.05);
    const od = detectEscalation(monthly(stepSeries(6, 72, 0, 6, 6, 4)), { seed: 9 });
    expect(od.status).toBe('no_change');
    expect(od.dispersion).toBeGreaterThan(2);
  });

  it('keeps the false-alarm rate near α on flat series', () => {
    let alarms = 0;
    const runs = 120;
    for (let s = 0; s < runs; s++) {
      const counts = stepSeries(1000 + s, 36, 0, 3, 3, s % 2 ? 2 : 1);
      if (detectEscalation(monthly(counts), { seed: s, replicates: 199 }).status === 'change') alarms++;
    }
    // α = 0.05: expect 6 of 120; 15 or more would be p < 0.001 under a correct calibration.
    expect(alarms).toBeLessThan(15);
  });

  it('is reproducible for a seed', () => {
    const s = monthly(stepSeries(8, 40, 20, 3, 5));
    expect(detectEscalation(s, { seed: 4 })).toEqual(detectEscalation(s, { seed: 4 }));
  });

  it('answers "not enough data" for short, empty or all-zero series', () => {
    expect(detectEscalation(monthly([1, 9, 9, 9]))).toMatchObject({ status: 'insufficient_data', reason: 'too_short' });
    expect(detectEscalation(monthly(new Array(24).fill(0)))).toMatchObject({ status: 'insufficient_data', reason: 'all_zero', pValue: null });
    expect(detectEscalation(monthly([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]))).toMatchObject({
      status: 'insufficient_data',
      reason: 'too_few_events',
    });
    expect(detectEscalation([])).toMatchObject({ status: 'insufficient_data', reason: 'too_short' });
  });

  it('reports a rise from zero without an infinite ratio', () => {
    const r = detectEscalation(monthly([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 6, 4, 7, 5, 6, 8, 5]), { seed: 2 });
    expect(r.status).toBe('change');
    expect(r.changeIndex).toBe(12);
    expect(r.rateRatio).toBeNull();
    expect(r.rateRatioInterval!.upper).toBeNull();
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('with direction "increase" ignores a fall', () => {
    const counts = stepSeries(31, 48, 24, 9, 2);
    expect(detectEscalation(monthly(counts), { seed: 1 }).status).toBe('change');
    expect(detectEscalation(monthly(counts), { seed: 1, direction: 'increase' }).status).toBe('no_change');
  });
});
