import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultDateFormats } from './date-parse.js';
import { decideOrder, formatOrder, formatsFor, mirrorFormat, newTally, readDate, tallyValue, type DateOrder } from './date-order.js';

const formats = defaultDateFormats;

function decide(values: string[], named?: DateOrder) {
  const t = newTally('startDate', 'Fecha');
  values.forEach((v, i) => tallyValue(t, v, i + 2, formats, true));
  return decideOrder(t, named);
}

describe('date order of a column', () => {
  it('knows the order of each format and mirrors it', () => {
    expect(formatOrder('DD/MM/YYYY')).toBe('day-month');
    expect(formatOrder('M/D/YYYY')).toBe('month-day');
    expect(formatOrder('YYYY-MM-DD')).toBeNull();
    expect(formatOrder('MM/YYYY')).toBeNull();
    expect(formatOrder('D MMM YYYY')).toBeNull();
    expect(mirrorFormat('DD-MM-YYYY')).toBe('MM-DD-YYYY');
    expect(formatsFor(['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY'], 'month-day')).toEqual(['YYYY-MM-DD', 'MM/DD/YYYY']);
  });

  it('reads each value as settling one order, ambiguous, or order-free', () => {
    expect(readDate('25/3/2015', formats, true)).toBe('day-month');
    expect(readDate('3/25/2015', formats, true)).toBe('month-day');
    expect(readDate('2/10/2015', formats, true)).toBe('ambiguous');
    expect(readDate('5/5/2015', formats, true)).toBe('neutral');
    expect(readDate('2015-03-25', formats, true)).toBe('neutral');
    expect(readDate('03/2015', formats, true)).toBe('neutral');
    expect(readDate('31/31/2015', formats, true)).toBe('invalid');
  });

  it('settles a month-day column from one value the default formats could not read before', () => {
    const d = decide(['2/10/2015', '3/25/2015', '11/4/2016']);
    expect(d).toMatchObject({ order: 'month-day', reason: 'values', counts: { 'month-day': 1, ambiguous: 2, 'day-month': 0 } });
  });

  it('reports a mixed column with counts and examples and chooses no order', () => {
    const d = decide(['25/3/2015', '26/3/2015', '3/25/2015', '2/10/2015']);
    expect(d).toMatchObject({ order: null, reason: 'contradictory', counts: { 'day-month': 2, 'month-day': 1, ambiguous: 1 } });
    expect(d.examples['month-day']).toEqual([{ line: 4, value: '3/25/2015' }]);
  });

  it('leaves a column of only ambiguous dates unsettled, unless the profile names the order', () => {
    expect(decide(['2/10/2015', '3/4/2016'])).toMatchObject({ order: null, reason: 'unsettled' });
    expect(decide(['2/10/2015', '3/4/2016'], 'day-month')).toMatchObject({ order: 'day-month', reason: 'profile' });
    expect(decide(['2015-10-02', '5/5/2015'])).toMatchObject({ order: null, reason: 'not-needed' });
  });

  it('property: the chosen order is never contradicted by a value of the column', () => {
    const date = fc.record({ y: fc.integer({ min: 1990, max: 2030 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) });
    const cell = fc.tuple(date, fc.constantFrom('dm', 'md', 'iso', 'my', 'junk'), fc.boolean()).map(([x, how, pad]) => {
      const p = (n: number) => (pad ? String(n).padStart(2, '0') : String(n));
      if (how === 'dm') return `${p(x.d)}/${p(x.m)}/${x.y}`;
      if (how === 'md') return `${p(x.m)}/${p(x.d)}/${x.y}`;
      if (how === 'iso') return `${x.y}-${String(x.m).padStart(2, '0')}-${String(x.d).padStart(2, '0')}`;
      if (how === 'my') return `${String(x.m).padStart(2, '0')}/${x.y}`;
      return `${x.d}.${x.m}`;
    });
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 60 }), fc.constantFrom<DateOrder | undefined>(undefined, 'day-month', 'month-day'), (values, named) => {
        const d = decide(values, named);
        const readings = values.map((v) => readDate(v, formats, true));
        if (named) {
          expect(d.order).toBe(named);
          return;
        }
        if (d.order) {
          // No value can be read only in the other order, and every value read in the chosen order is read as its reading says.
          const other = d.order === 'day-month' ? 'month-day' : 'day-month';
          expect(readings).not.toContain(other);
          expect(readings).toContain(d.order);
        } else {
          expect(readings.includes('day-month') && readings.includes('month-day') ? 'contradictory' : readings.includes('ambiguous') ? 'unsettled' : 'not-needed').toBe(d.reason);
        }
      }),
      { numRuns: 300 },
    );
  });
});
