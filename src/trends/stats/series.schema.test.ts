import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../../shared/errors.js';
import { isoWeeksInYear, parsePeriod, validateSeries } from './series.schema.js';

function issuesOf(fn: () => unknown): AppError['issues'] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('bad_input');
    return (e as AppError).issues;
  }
  throw new Error('expected a bad_input error');
}

describe('period labels and series validation', () => {
  it('parses months, ISO weeks and years', () => {
    expect(parsePeriod('2020-11')).toMatchObject({ granularity: 'month', year: 2020, part: 11 });
    expect(parsePeriod('2020-W53')).toMatchObject({ granularity: 'week', year: 2020, part: 53 });
    expect(parsePeriod('2021-W53')).toBeUndefined(); // 2021 has 52 ISO weeks
    expect(parsePeriod('2020')).toMatchObject({ granularity: 'year' });
    expect(parsePeriod('2020-13')).toBeUndefined();
    expect(parsePeriod('Nov 2020')).toBeUndefined();
    expect(isoWeeksInYear(2015)).toBe(53);
    expect(isoWeeksInYear(2016)).toBe(52);
  });

  it('ISO weeks are consecutive across year ends', () => {
    expect(parsePeriod('2021-W01')!.ordinal - parsePeriod('2020-W53')!.ordinal).toBe(1);
    expect(parsePeriod('2020-W01')!.ordinal - parsePeriod('2019-W52')!.ordinal).toBe(1);
  });

  it('accepts any run of consecutive months', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1990, max: 2040 }), fc.integer({ min: 0, max: 11 }), fc.integer({ min: 1, max: 60 }), (y, m, n) => {
        const s = Array.from({ length: n }, (_, i) => {
          const k = y * 12 + m + i;
          return { period: `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`, count: i };
        });
        expect(validateSeries(s).counts).toHaveLength(n);
      }),
    );
  });

  it('names the index and field of each problem', () => {
    const issues = issuesOf(() =>
      validateSeries([
        { period: '2020-01', count: 1 },
        { period: '2020-03', count: -1 },
        { period: '2020-W14', count: 2 },
        { period: 'bad', count: 1.5 },
      ]),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ['series', 1, 'count'], key: 'trends:errors.bad_count' }),
        expect.objectContaining({ path: ['series', 1, 'period'], key: 'trends:errors.gap' }),
        expect.objectContaining({ path: ['series', 2, 'period'], key: 'trends:errors.mixed_granularity' }),
        expect.objectContaining({ path: ['series', 3, 'period'], key: 'trends:errors.bad_period' }),
        expect.objectContaining({ path: ['series', 3, 'count'], key: 'trends:errors.bad_count' }),
      ]),
    );
  });

  it('rejects repeated or reversed periods and bad exposure', () => {
    const issues = issuesOf(() =>
      validateSeries([
        { period: '2020', count: 1 },
        { period: '2020', count: 1, exposure: 0 },
      ]),
    );
    expect(issues.map((i) => i.key).sort()).toEqual(['trends:errors.bad_exposure', 'trends:errors.out_of_order']);
  });
});
