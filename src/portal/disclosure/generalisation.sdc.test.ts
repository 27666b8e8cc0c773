import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../../shared/errors.js';
import { mergeSmallCategories } from './category-merge.sdc.js';
import { ageBand, generaliseDate, generalisePlace } from './generalisation.sdc.js';
import { enforceKAnonymity, smallGroups } from './k-anonymity.sdc.js';

describe('generalisation', () => {
  it('dates to ISO week, month or year, never finer than given', () => {
    expect(generaliseDate('2020-11-17', 'month')).toBe('2020-11');
    expect(generaliseDate('2020-11-17', 'week')).toBe('2020-W47');
    expect(generaliseDate('2021-01-03', 'week')).toBe('2020-W53'); // ISO week-year differs from the calendar year
    expect(generaliseDate('2024-12-30', 'week')).toBe('2025-W01');
    expect(generaliseDate('2020-11-17T10:00:00Z', 'year')).toBe('2020');
    expect(generaliseDate('2020-11', 'week')).toBe('2020-11');
    expect(generaliseDate('2020', 'month')).toBe('2020');
    expect(() => generaliseDate('2020-02-30', 'month')).toThrowError(AppError);
  });

  it('week labels agree with the week of every day', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1995-01-01'), max: new Date('2035-12-31'), noInvalidDate: true }), (d) => {
        const day = d.toISOString().slice(0, 10);
        const w = generaliseDate(day, 'week');
        const next = new Date(d.getTime() + 86_400_000).toISOString().slice(0, 10);
        // Two consecutive days share a week unless the second is a Monday.
        const monday = new Date(d.getTime() + 86_400_000).getUTCDay() === 1;
        expect(generaliseDate(next, 'week') === w).toBe(!monday);
      }),
    );
  });

  it('places to admin-1 or country, ages to ten-year bands', () => {
    expect(generalisePlace('VE-X-0301', 'admin1')).toBe('VE-X');
    expect(generalisePlace('ve-x', 'country')).toBe('VE');
    expect(generalisePlace('VE', 'admin1')).toBe('VE');
    expect(() => generalisePlace('Caracas', 'admin1')).toThrowError(AppError);
    expect(ageBand(37)).toBe('30–39');
    expect(ageBand(0)).toBe('0–9');
    expect(ageBand(95)).toBe('90+');
    expect(() => ageBand(-1)).toThrowError(AppError);
  });
});

describe('merging small categories', () => {
  it('merges 1..k−1 into "other" and grows "other" until it reaches k', () => {
    const m = mergeSmallCategories({ categories: ['a', 'b', 'c', 'd', 'e'], counts: [30, 2, 1, 0, 9] });
    expect(m.categories).toEqual(['a', 'd', 'other']);
    expect(m.counts).toEqual([30, 0, 12]);
    expect(m.merged).toEqual(['b', 'c', 'e']);
  });

  it('never leaves a count in 1..k−1 unless everything is merged', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 12 }), (counts) => {
        const m = mergeSmallCategories({ categories: counts.map((_, i) => `c${i}`), counts }, { otherLabel: 'otros' });
        expect(m.counts.reduce((s, x) => s + x, 0)).toBe(counts.reduce((s, x) => s + x, 0));
        const total = counts.reduce((s, x) => s + x, 0);
        for (const c of m.counts) if (total >= 5) expect(c === 0 || c >= 5).toBe(true);
      }),
    );
  });
});

describe('k-anonymity of incident lists', () => {
  it('withholds records whose quasi-identifiers are shared by fewer than k', () => {
    const rec = (month: string, state: string, role: string) => ({ month, state, role });
    const list = [
      ...Array.from({ length: 5 }, () => rec('2020-11', 'VE-X', 'journalist')),
      ...Array.from({ length: 2 }, () => rec('2020-11', 'VE-V', 'lawyer')),
      rec('2020-12', 'VE-X', 'journalist'),
    ];
    expect(smallGroups(list, ['month', 'state', 'role']).map((g) => g.size).sort()).toEqual([1, 2]);
    const { kept, withheld } = enforceKAnonymity(list, ['month', 'state', 'role']);
    expect(kept).toHaveLength(5);
    expect(withheld).toBe(3);
    expect(smallGroups(kept, ['month', 'state', 'role'])).toEqual([]);
  });
});
