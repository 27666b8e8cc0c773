/**
 * Class breaks for a choropleth. Counts are usually skewed (a capital city dwarfs the rest), so
 * classes follow quantiles of the values shown rather than equal intervals; with few distinct
 * values each value is its own class. Every value falls in exactly one class.
 */
export interface ValueClass {
  /** Inclusive bounds; for integer data consecutive classes do not share a bound. */
  min: number;
  max: number;
}

export function classBreaks(values: readonly number[], maxClasses = 5): ValueClass[] {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const distinct = [...new Set(sorted)];
  if (distinct.length <= maxClasses) return distinct.map((v) => ({ min: v, max: v }));
  const integers = sorted.every(Number.isInteger);
  const uppers: number[] = [];
  for (let i = 1; i <= maxClasses; i++) {
    const u = sorted[Math.min(sorted.length - 1, Math.ceil((i * sorted.length) / maxClasses) - 1)]!;
    if (uppers[uppers.length - 1] !== u) uppers.push(u);
  }
  const classes: ValueClass[] = [];
  let lower = sorted[0]!;
  for (const u of uppers) {
    classes.push({ min: lower, max: u });
    // For non-integers the next class starts just above u: the value u itself belongs to this class.
    lower = integers ? u + 1 : u;
  }
  return classes;
}

/** Index of the class holding v; a non-integer class is (min, max] except the first, [min, max]. */
export function classOf(classes: readonly ValueClass[], v: number): number {
  for (let i = 0; i < classes.length; i++) {
    const c = classes[i]!;
    if (v <= c.max && (i === 0 ? v >= c.min : v > classes[i - 1]!.max)) return i;
  }
  return -1;
}
