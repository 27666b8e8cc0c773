import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sourceIndex } from './blocking.pairs.js';
import { buildComparisons, type LinkRecord } from './comparisons.levels.js';
import { linkConfigSchema } from './link-config.schema.js';
import { estimateU, U_MIN_PAIRS, U_PAIRS_PER_RECORD } from './u-probabilities.sample.js';

const config = linkConfigSchema.parse({
  idColumn: 'id',
  comparisons: [
    { name: 'act', type: 'category', column: 'act', related: [['a', 'b', 'c']] },
    { name: 'place', type: 'subdivision', column: 'state' },
    { name: 'code', type: 'exact', column: 'code' },
    { name: 'who', type: 'name', given: ['given'], surname: ['surname'], thresholds: [0.92, 0.8] },
    { name: 'label', type: 'string', column: 'label', thresholds: [0.9, 0.7] },
    { name: 'born', type: 'date', column: 'born', withinDays: [3, 40] },
  ],
  blocking: [{ on: 'state' }],
});

const recordsArb = fc.array(
  fc.record({
    source: fc.constantFrom('x', 'y'),
    act: fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { nil: null }),
    state: fc.option(fc.constantFrom('VE-A', 'VE-B', 'VE-C', 'VE-M', 'VE-Z'), { nil: null }),
    code: fc.option(fc.constantFrom('1', '2', '3'), { nil: null }),
    given: fc.option(fc.constantFrom('Ana', 'Ana María', 'María', 'Anna', 'José Luis', 'Luis'), { nil: null }),
    surname: fc.option(fc.constantFrom('Pérez', 'Perez Gómez', 'Gómez Pérez', 'Peña', 'Ana'), { nil: null }),
    label: fc.option(fc.constantFrom('Martha', 'Marhta', 'Marta', 'Dixon', 'Dicksonx', 'Jones'), { nil: null }),
    born: fc.option(fc.constantFrom('2020-11-05', '2020-11-07', '2020-11', '2020', '2020-12-20', '1999-01-02', '2020-11-05'), { nil: null }),
  }),
  { minLength: 3, maxLength: 40 },
);

describe('u-probabilities', () => {
  it('from value frequencies equal the level shares over every pair (exact, category, subdivision, name, string, date; dedupe and link)', () => {
    fc.assert(
      fc.property(recordsArb, fc.constantFrom('dedupe' as const, 'link' as const), (rows, mode) => {
        const records: LinkRecord[] = rows.map((r, k) => ({ source: r.source, id: String(k), fields: { ...r } }));
        const comparisons = buildComparisons(config.comparisons, records);
        const levels = comparisons.map((c) => c.labels.length);
        const { of } = sourceIndex(records);
        const got = estimateU(comparisons, levels, comparisons.map(() => true), of, mode, 1e6, 1);
        expect(got.method).toEqual(comparisons.map(() => 'frequencies'));
        expect(got.pairs).toBe(0);
        // Brute force over every pair, with the same half-pair smoothing.
        comparisons.forEach((c, k) => {
          const counts = new Array<number>(levels[k]!).fill(0);
          for (let i = 0; i < records.length; i++)
            for (let j = i + 1; j < records.length; j++) if (mode === 'dedupe' || of[i] !== of[j]) counts[c.level(i, j)]!++;
          const nonNull = counts.slice(1).reduce((a, b) => a + b, 0);
          const expected = [1, ...counts.slice(1).map((x) => (x + 0.5) / (nonNull + 0.5 * (levels[k]! - 1)))];
          got.u[k]!.forEach((v, l) => expect(v).toBeCloseTo(expected[l]!, 12));
        });
      }),
      { numRuns: 150 },
    );
  });

  it('compares each pair of distinct values once when they have no more pairs than the cap, else every pair of records', () => {
    const records: LinkRecord[] = Array.from({ length: 300 }, (_, k) => ({ source: 's', id: String(k), fields: { name: `Ana ${k % 17}`, act: 'a', state: 'VE-A', code: '1' } }));
    const cfg = linkConfigSchema.parse({ idColumn: 'id', comparisons: [{ name: 'name', type: 'string', column: 'name' }], blocking: [{ on: 'name' }] });
    const comparisons = buildComparisons(cfg.comparisons, records);
    const { of } = sourceIndex(records);
    const L = comparisons[0]!.labels.length;
    // 17 names in 300 records: exact agreement in Σ C(c_v, 2) of the pairs.
    const exactPairs = 11 * ((18 * 17) / 2) + 6 * ((17 * 16) / 2); // 11 names 18 times, 6 names 17 times
    const all = (300 * 299) / 2;
    const exact = estimateU(comparisons, [L], [true], of, 'dedupe', 1_000_000, 1);
    expect(exact.method).toEqual(['frequencies']);
    expect(exact.pairs).toBe(0);
    expect(exact.u[0]![1]).toBeCloseTo((exactPairs + 0.5) / (all + 0.5 * (L - 1)), 12);
    // A cap of 100, below the 136 pairs of distinct names (and the 44,850 pairs of records): sampled.
    const brute = estimateU(comparisons, [L], [true], of, 'dedupe', 100, 1);
    expect(brute.method).toEqual(['sample']);
  });

  it('sizes the random sample to the data when a level stays rare: at most 20 pairs a record (at least 100,000)', () => {
    // 8,000 distinct names: exact agreement never happens between two records, so the "every level
    // seen 50 times" rule alone would draw up to the cap of 1,000,000 pairs.
    const records: LinkRecord[] = Array.from({ length: 8000 }, (_, k) => ({ source: 's', id: String(k), fields: { name: `Persona ${k} ${(k * 7919) % 10007}` } }));
    const cfg = linkConfigSchema.parse({ idColumn: 'id', comparisons: [{ name: 'name', type: 'string', column: 'name' }], blocking: [{ on: 'name' }] });
    const comparisons = buildComparisons(cfg.comparisons, records);
    const { of } = sourceIndex(records);
    const r = estimateU(comparisons, [comparisons[0]!.labels.length], [true], of, 'dedupe', 1_000_000, 1);
    expect(r.method).toEqual(['sample']);
    // Checked at the end of each batch of 25,000 pairs.
    const sized = Math.max(U_MIN_PAIRS, U_PAIRS_PER_RECORD * 8000);
    expect(r.pairs).toBeGreaterThanOrEqual(sized);
    expect(r.pairs).toBeLessThan(sized + 25_000);
    expect(r.pairs).toBeLessThan(1_000_000);
    // The unseen exact level keeps a small, finite u (add-one smoothing).
    expect(r.u[0]![1]).toBeGreaterThan(0);
    expect(r.u[0]![1]).toBeLessThan(1e-4);
  });
});
