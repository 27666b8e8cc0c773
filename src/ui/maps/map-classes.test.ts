import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classBreaks, classOf } from './map-classes.js';

describe('classBreaks', () => {
  it('gives each distinct value its own class when there are few', () => {
    expect(classBreaks([3, 1, 3, 2])).toEqual([
      { min: 1, max: 1 },
      { min: 2, max: 2 },
      { min: 3, max: 3 },
    ]);
    expect(classBreaks([])).toEqual([]);
  });

  it('splits skewed counts by quantiles, so one large value does not flatten the rest', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 500];
    const classes = classBreaks(values, 5);
    expect(classes).toHaveLength(5);
    expect(classes[0]).toEqual({ min: 1, max: 3 });
    expect(classes[4]!.max).toBe(500);
    // Equal intervals would have put every value but 500 in the first class.
    expect(new Set(values.map((v) => classOf(classes, v))).size).toBe(5);
  });

  it('puts every value in exactly one class, classes ascending and at most maxClasses', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.nat(1000), fc.double({ min: 0, max: 1000, noNaN: true })), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 5 }),
        (values, max) => {
          const classes = classBreaks(values, max);
          expect(classes.length).toBeGreaterThan(0);
          expect(classes.length).toBeLessThanOrEqual(max);
          for (let i = 1; i < classes.length; i++)
            expect(classes[i]!.min).toBeGreaterThanOrEqual(classes[i - 1]!.max);
          for (const v of values) {
            const i = classOf(classes, v);
            expect(i).toBeGreaterThanOrEqual(0);
            const others = classes.filter(
              (c, j) => j !== i && v >= c.min && v <= c.max && (j === 0 || v > classes[j - 1]!.max),
            );
            expect(others).toEqual([]);
          }
        },
      ),
    );
  });
});
