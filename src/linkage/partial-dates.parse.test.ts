import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDay, inferDayMonthOrder, monthKey, parseDate, parsePartialDate, readDateColumn, yearKey } from './partial-dates.parse.js';

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

describe('dates as real files write them', () => {
  const day = (iso: string): number => parsePartialDate(iso)!.start;

  it('reads YYYYMMDD, D/M/YYYY, M/D/YYYY, M/YYYY, slashes in ISO and a trailing time', () => {
    expect(parseDate('20201105')!.start).toBe(day('2020-11-05'));
    expect(parseDate('5/11/2020', 'dmy')!.start).toBe(day('2020-11-05'));
    expect(parseDate('05.11.2020', 'dmy')!.start).toBe(day('2020-11-05'));
    expect(parseDate('11/5/2020', 'mdy')!.start).toBe(day('2020-11-05'));
    expect(parseDate('2020/11/05')!.start).toBe(day('2020-11-05'));
    expect(parseDate('2020-11-05T10:30:00Z')!.start).toBe(day('2020-11-05'));
    expect(parseDate('05/11/2020 10:30', 'dmy')!.start).toBe(day('2020-11-05'));
    expect(parseDate('11/2020')).toMatchObject({ precision: 'month', start: day('2020-11-01') });
    expect(parseDate('2020')).toMatchObject({ precision: 'year' });
  });

  it('refuses impossible days and what is not a date', () => {
    for (const bad of ['1945-04-93', '31/02/2020', '20201305', '13/13/2020', '2020-11-05-01', 'ayer', '', '05/11/20']) {
      expect(parseDate(bad)).toBeUndefined();
    }
  });

  it('settles the day/month order of a column from values above 12, else falls back', () => {
    expect(inferDayMonthOrder(['05/11/2020', '25/03/2020'])).toEqual({ order: 'dmy', inferred: true, ambiguous: 1 });
    expect(inferDayMonthOrder(['05/11/2020', '03/25/2020'])).toEqual({ order: 'mdy', inferred: true, ambiguous: 1 });
    expect(inferDayMonthOrder(['05/11/2020', '2020-01-01'], 'mdy')).toEqual({ order: 'mdy', inferred: false, ambiguous: 1 });
  });

  it('counts the unreadable values of a column and gives a few', () => {
    const c = readDateColumn(['2020-11-05', null, 'nunca', '1945-04-93'], ['a', 'a', 'a', 'a']);
    expect(c).toMatchObject({ unreadable: 2, present: 3, examples: ['nunca', '1945-04-93'] });
    expect(c.dates[0]!.start).toBe(day('2020-11-05'));
  });

  it('round-trips every real day written day first, month first and compact', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        const [y, m, dd] = iso.split('-');
        expect(formatDay(parseDate(`${Number(dd)}/${m}/${y}`, 'dmy')!.start)).toBe(iso);
        expect(formatDay(parseDate(`${m}/${dd}/${y}`, 'mdy')!.start)).toBe(iso);
        expect(formatDay(parseDate(`${y}${m}${dd}`)!.start)).toBe(iso);
      }),
    );
  });
});
