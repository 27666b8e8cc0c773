import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPartialDate, fromStored, isValidPartialDate, lastDay, toStored } from './dates.js';

describe('dates with precision', () => {
  it('round-trips every valid partial date through storage', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2200 }),
        fc.option(fc.integer({ min: 1, max: 12 })),
        fc.option(fc.integer({ min: 1, max: 31 })),
        (y, m, d) => {
          let s = String(y);
          if (m !== null) {
            s += `-${String(m).padStart(2, '0')}`;
            if (d !== null) s += `-${String(d).padStart(2, '0')}`;
          }
          if (!isValidPartialDate(s)) return; // 31 February and the like
          const st = toStored(s);
          expect(fromStored(st.date, st.precision)).toBe(s);
          expect(lastDay(s) >= st.date).toBe(true);
        },
      ),
    );
  });

  it('refuses impossible dates', () => {
    for (const s of ['2021-02-29', '2020-13', '20', '2020-1-05', '2020-11-31', '1800']) {
      expect(isValidPartialDate(s), s).toBe(false);
    }
    expect(isValidPartialDate('2020-02-29')).toBe(true);
  });

  it('formats in Spanish and English by precision', () => {
    expect(formatPartialDate('2020-11', 'es')).toBe('noviembre de 2020');
    expect(formatPartialDate('2020-11', 'en')).toBe('November 2020');
    expect(formatPartialDate('2021', 'en', true)).toBe('c. 2021');
    expect(lastDay('2020-02')).toBe('2020-02-29');
  });
});
