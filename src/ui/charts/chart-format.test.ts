import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { formatNumber, formatPeriod, parsePeriod, parsePeriods } from './chart-format.js';

describe('parsePeriod', () => {
  it('reads every valid month, year and week key', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 1, max: 12 }), (y, m) => {
        const key = `${y}-${String(m).padStart(2, '0')}`;
        expect(parsePeriod(key, 'month')).toEqual({ key, year: y, index: m });
        expect(parsePeriod(String(y), 'year')).toEqual({ key: String(y), year: y, index: 0 });
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 1, max: 52 }), (y, w) => {
        expect(parsePeriod(`${y}-W${String(w).padStart(2, '0')}`, 'week')?.index).toBe(w);
      }),
    );
  });

  it('accepts week 53 only in years that have it', () => {
    // 53-week ISO years start on a Thursday (2009, 2015, 2020, 2026) or are leap years starting on a
    // Wednesday or Thursday (2004 starts on a Thursday).
    for (const y of [2004, 2009, 2015, 2020, 2026])
      expect(parsePeriod(`${y}-W53`, 'week'), String(y)).not.toBeNull();
    for (const y of [2019, 2021, 2022, 2023]) expect(parsePeriod(`${y}-W53`, 'week'), String(y)).toBeNull();
  });

  it('rejects keys of another granularity and malformed keys', () => {
    for (const bad of ['2020-13', '2020-00', '2020-1', '20201', '2020-11-01', ' 2020-11', '2020-W45']) {
      expect(parsePeriod(bad, 'month'), bad).toBeNull();
    }
    expect(parsePeriod('2020-W00', 'week')).toBeNull();
    expect(parsePeriod('2020-W54', 'week')).toBeNull();
    expect(parsePeriod('2020-11', 'year')).toBeNull();
    fc.assert(
      fc.property(fc.string(), (s) => {
        const p = parsePeriod(s, 'month');
        if (p) expect(s).toMatch(/^\d{4}-(0[1-9]|1[0-2])$/);
      }),
    );
  });
});

describe('parsePeriods', () => {
  it('names each bad or out-of-order period with its position', () => {
    try {
      parsePeriods(['2020-01', '2020-13', '2020-03', '2020-02'], 'month');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      const err = e as AppError;
      expect(err.code).toBe('bad_input');
      expect(err.issues.map((i) => [i.path, i.key])).toEqual([
        [['periods', 1], 'charts:errors.bad_period'],
        [['periods', 3], 'charts:errors.period_order'],
      ]);
    }
  });

  it('rejects repeated periods', () => {
    expect(() => parsePeriods(['2020', '2020'], 'year')).toThrow(AppError);
  });
});

describe('formatPeriod and formatNumber', () => {
  it('label months, weeks and years in Venezuelan Spanish and English', () => {
    const nov = parsePeriod('2020-11', 'month')!;
    expect(formatPeriod('es', nov, 'month')).toMatch(/^nov\.? 2020$/);
    expect(formatPeriod('en', nov, 'month')).toBe('Nov 2020');
    expect(formatPeriod('en', parsePeriod('2020-W45', 'week')!, 'week')).toBe('wk 45, 2020');
    expect(formatPeriod('es', parsePeriod('2020-W45', 'week')!, 'week')).toBe('sem. 45, 2020');
    expect(formatPeriod('es', parsePeriod('2020', 'year')!, 'year')).toBe('2020');
  });

  it('groups thousands as the locale does', () => {
    expect(formatNumber('es', 12345)).toBe('12.345');
    expect(formatNumber('en', 12345)).toBe('12,345');
    expect(formatNumber('es', 2.25)).toBe('2,3');
    expect(formatNumber('en', 2.25)).toBe('2.3');
  });
});
