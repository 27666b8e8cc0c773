import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jaro, jaroWinkler } from './jaro-winkler.similarity.js';

describe('Jaro–Winkler', () => {
  it('matches the published values (Winkler 1990; Wikipedia)', () => {
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('DWAYNE', 'DUANE')).toBeCloseTo(0.84, 3);
    expect(jaroWinkler('DIXON', 'DICKSONX')).toBeCloseTo(0.813, 3);
    expect(jaro('MARTHA', 'MARHTA')).toBeCloseTo(0.944, 3);
    expect(jaro('DIXON', 'DICKSONX')).toBeCloseTo(0.767, 3);
  });

  it('is 1 for equal strings, 0 with nothing in common or an empty side', () => {
    expect(jaroWinkler('gonzalez', 'gonzalez')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('', 'abc')).toBe(0);
  });

  it('stays within [0, 1], is symmetric, and never scores below Jaro', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (a, b) => {
        const s = jaroWinkler(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1 + 1e-12);
        expect(Math.abs(s - jaroWinkler(b, a))).toBeLessThan(1e-12);
        expect(s + 1e-12).toBeGreaterThanOrEqual(jaro(a, b));
      }),
    );
  });
});
