/**
 * k-anonymity for incident lists (SECURITY.md D5, S24): after generalisation, every combination of
 * quasi-identifier values must be shared by at least k records. Records in smaller groups are
 * withheld (local suppression of whole records, the simplest safe choice for lists that name no one).
 */
import { resolveK, type DisclosureOptions } from './table-protection.sdc.js';

export type QuasiRecord = Record<string, string | number | null | undefined>;

function keyOf(r: QuasiRecord, fields: readonly string[]): string {
  return JSON.stringify(fields.map((f) => r[f] ?? null));
}

/** Sizes of the equivalence classes that hold fewer than k records. */
export function smallGroups(records: readonly QuasiRecord[], fields: readonly string[], options: DisclosureOptions = {}): { key: string; size: number }[] {
  const k = resolveK(options);
  const counts = new Map<string, number>();
  for (const r of records) counts.set(keyOf(r, fields), (counts.get(keyOf(r, fields)) ?? 0) + 1);
  return [...counts].filter(([, n]) => n < k).map(([key, size]) => ({ key, size }));
}

/** Keeps only records whose quasi-identifier combination occurs at least k times. */
export function enforceKAnonymity<T extends QuasiRecord>(
  records: readonly T[],
  fields: readonly string[],
  options: DisclosureOptions = {},
): { kept: T[]; withheld: number } {
  const small = new Set(smallGroups(records, fields, options).map((g) => g.key));
  const kept = records.filter((r) => !small.has(keyOf(r, fields)));
  return { kept, withheld: records.length - kept.length };
}
