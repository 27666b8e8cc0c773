/**
 * Merging small categories into "other" (a recoding alternative to suppression, Hundepool et al.
 * 2012 §5.2): every category with a count in 1..k−1 goes into "other"; if "other" is itself still
 * in 1..k−1, the smallest remaining categories join it until it reaches k or nothing is left.
 * Zeros stay as they are. The result still needs protectTable1D when published with other tables.
 */
import { resolveK, type DisclosureOptions, type Table1D } from './table-protection.sdc.js';

export interface MergedTable extends Table1D {
  /** Which original categories went into the "other" row. */
  merged: string[];
}

export function mergeSmallCategories(t: Table1D, options: DisclosureOptions & { otherLabel?: string } = {}): MergedTable {
  const k = resolveK(options);
  const other = options.otherLabel ?? 'other';
  const idx = t.categories.map((_, i) => i);
  const merged = new Set(idx.filter((i) => t.counts[i]! >= 1 && t.counts[i]! < k));
  let sum = [...merged].reduce((s, i) => s + t.counts[i]!, 0);
  const rest = idx.filter((i) => !merged.has(i) && t.counts[i]! > 0).sort((a, b) => t.counts[a]! - t.counts[b]! || a - b);
  while (sum > 0 && sum < k && rest.length) {
    const i = rest.shift()!;
    merged.add(i);
    sum += t.counts[i]!;
  }
  const keep = idx.filter((i) => !merged.has(i));
  const categories = keep.map((i) => t.categories[i]!);
  const counts = keep.map((i) => t.counts[i]!);
  if (merged.size) {
    categories.push(other);
    counts.push(sum);
  }
  return { categories, counts, merged: idx.filter((i) => merged.has(i)).map((i) => t.categories[i]!) };
}
