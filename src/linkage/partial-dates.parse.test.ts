import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDay, monthKey, parsePartialDate, yearKey } from './partial-dates.parse.js';

describe('partial dates', () => {
  it('reads a day, a month and a year as the days they cover', () => {
    const day = parsePartialDate('2020-11-05')!;
    const month = parsePartialDate('2020-11')!;
    const year = parsePartialDate('2020')!;
    expect(day.precision).toBe('day');
    expect(month).toMatchObject({ precision: 'month' });
    expect(month.end - month.start).toBe(29);
    expect(year.end - year.start).toBe(365);
    expect(day.start).toBeGreaterThanOrEqual(month.start);
    expect(day.start).toBeLessThanOrEqual(month.end);
    expect(monthKey('2020-11-05')).toBe('2020-11');
    expect(monthKey('2020')).toBeUndefined();
    expect(yearKey('2020-11')).toBe('2020');
  });

  it('refuses what is not a date', () => {
    for (const bad of ['2020-13', '2021-02-29', '05/11/2020', 'ayer', '2020-11-31', '']) {
      expect(parsePartialDate(bad)).toBeUndefined();
    }
  });

  it('round-trips every real day', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        expect(formatDay(parsePartialDate(iso)!.start)).toBe(iso);
      }),
    );
  });
});
