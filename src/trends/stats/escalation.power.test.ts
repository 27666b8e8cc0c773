/**
 * Detection power of the escalation detector on seeded synthetic series (issue 20 §8): a doubling
 * is found in ≥ 90 % of series and dated within one month, and series without a change raise no
 * more false alarms than the nominal 5 % allows.
 *
 * Scenario: 60 months, a doubling at a month drawn uniformly from the middle half. How well any
 * method can date a change is bounded by the information in the counts (a doubling from one event a
 * month cannot be dated to the month by anything), so the scenario states its base rate: 10 events a
 * month, Poisson, and the same with over-dispersion φ = 1.5. The full grid, with the sparse and
 * short cases where no method reaches 90 %, is in `npm run bench -- escalation` and
 * docs/methods/trends.md §5.
 */
import { describe, expect, it } from 'vitest';
import { detectEscalation, estimateChangeDate, scanChangePoint } from './escalation.stats.js';
import { createRng } from './random.stats.js';
import type { SeriesPoint } from './series.schema.js';

const months = (counts: number[]): SeriesPoint[] =>
  counts.map((count, i) => ({ period: `${2015 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`, count }));

function simulate(seed: number, reps: number, n: number, base: number, ratio: number, phi: number): { counts: number[]; tau: number }[] {
  const rng = createRng(seed);
  return Array.from({ length: reps }, () => {
    const tau = Math.floor(n / 4 + rng.uniform() * (n / 2));
    const counts = Array.from({ length: n }, (_, t) => rng.overdispersedPoisson(t < tau ? base : base * ratio, phi));
    return { counts, tau };
  });
}

// B = 199 keeps the file quick; p ≤ 0.05 then means at most 9 of 199 simulated statistics exceed.
const options = { replicates: 199, dateReplicates: 0 };

describe('escalation detection power (seeded simulation)', () => {
  for (const phi of [1, 1.5]) {
    it(`finds ≥ 90 % of doublings and dates them within one month (10/month, φ = ${phi})`, () => {
      const series = simulate(2020 + phi * 10, 300, 60, 10, 2, phi);
      let found = 0;
      let dated = 0;
      for (const [i, s] of series.entries()) {
        const r = detectEscalation(months(s.counts), { ...options, seed: 1000 + i });
        if (r.status !== 'change' || r.direction !== 'increase') continue;
        found++;
        if (Math.abs(r.changeIndex! - s.tau) <= 1) dated++;
        expect(r.dateProbability).toBeGreaterThan(0);
        expect(r.dateProbability).toBeLessThanOrEqual(1 + 1e-12);
      }
      expect(found / series.length).toBeGreaterThanOrEqual(0.9);
      // Found and dated within one month, as a share of all series.
      expect(dated / series.length).toBeGreaterThanOrEqual(0.9);
    });
  }

  it('raises no more false alarms than the nominal 5 % on series without change', () => {
    // 300 flat series (Poisson and φ = 1.5, sparse and dense): the bound is 5 % plus two standard
    // errors of a 300-series proportion (2.5 points), since a calibrated 5 % test hits 5 % on average.
    const flat = [
      ...simulate(7, 100, 60, 10, 1, 1),
      ...simulate(8, 100, 60, 10, 1, 1.5),
      ...simulate(9, 100, 60, 2, 1, 1),
    ];
    let alarms = 0;
    for (const [i, s] of flat.entries()) if (detectEscalation(months(s.counts), { ...options, seed: 5000 + i }).status === 'change') alarms++;
    expect(alarms / flat.length).toBeLessThanOrEqual(0.05 + 2 * Math.sqrt((0.05 * 0.95) / flat.length));
  });

  it('the window estimate dates a doubling within one month more often than the likelihood maximiser', () => {
    // Same series for both estimators; 5 events a month, where the difference shows.
    const series = simulate(31, 600, 60, 5, 2, 1);
    let window = 0;
    let maximiser = 0;
    for (const s of series) {
      const e = s.counts.map(() => 1);
      if (Math.abs(estimateChangeDate(s.counts, e).tau - s.tau) <= 1) window++;
      if (Math.abs(scanChangePoint(s.counts, e).tau - s.tau) <= 1) maximiser++;
    }
    expect(window).toBeGreaterThan(maximiser);
  });

  it('the date posterior sums to one and its window mass is the reported probability', () => {
    const counts = [3, 2, 4, 3, 2, 3, 4, 2, 9, 8, 10, 7, 9, 8];
    const d = estimateChangeDate(counts, counts.map(() => 1));
    expect(d.posterior.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(d.tau).toBe(8);
    expect(d.probability).toBeCloseTo(d.posterior[7]! + d.posterior[8]! + d.posterior[9]!, 12);
  });
});
