/**
 * What every comparison builds on: the records the engine reads, the comparison it returns, interned
 * column values, term-frequency tables, the cache of string scores per pair of distinct values and
 * level labels.
 */
import { jaroWinkler } from './jaro-winkler.similarity.js';
import type { ComparisonConfig } from './link-config.schema.js';

/** The input the engine works on: plain records, whatever their origin (CSV file, database rows). */
export interface LinkRecord {
  source: string;
  id: string;
  fields: Readonly<Record<string, string | null | undefined>>;
}

export interface Comparison {
  name: string;
  type: ComparisonConfig['type'];
  /** Level labels; index 0 is "null". */
  labels: string[];
  columns: string[];
  level(i: number, j: number): number;
  /**
   * Term-frequency adjustment (log2) of a pair at a given level, when enabled: on exact agreement
   * (level 1) for single values; for names, on every level where words agree (see buildName).
   */
  tfAdjustment?: (i: number, j: number, level: number) => number;
  /**
   * For comparisons whose level depends only on which value each side has: the value of each record
   * (-1 when missing), so that u can be computed exactly from value frequencies, without sampling.
   * Equal values are at level 1. For two different values a and b, either `related` pairs are at
   * level 2 and the rest at the last level (exact, category, subdivision: always computed so), or
   * `pairLevel(a, b)` gives the level (string, name, date: computed so when the distinct pairs of
   * values are few enough, see estimateU; it must not depend on the order of a and b).
   */
  values?: { ids: Int32Array; distinct: number; related?: ReadonlySet<number>; pairLevel?: (a: number, b: number) => number };
}

export class Interner {
  readonly ids = new Map<string, number>();
  id(s: string): number {
    let v = this.ids.get(s);
    if (v === undefined) {
      v = this.ids.size;
      this.ids.set(s, v);
    }
    return v;
  }
}

/**
 * Interned normalised values of a column (-1 when missing or normalised to ''): the normalisation
 * (a Unicode fold with regular expressions) runs once per distinct raw value, not once per record.
 */
export function internColumn(
  records: readonly LinkRecord[],
  column: string,
  normalise: (v: string) => string,
  /** Whether a value that normalises to '' ("-", "?") is missing (string) or a value like any other. */
  emptyIsMissing = false,
): { ids: Int32Array; intern: Interner } {
  const intern = new Interner();
  const ids = new Int32Array(records.length);
  const byRaw = new Map<string, number>();
  for (let i = 0; i < records.length; i++) {
    const raw = records[i]!.fields[column];
    if (raw === null || raw === undefined) {
      ids[i] = -1;
      continue;
    }
    let id = byRaw.get(raw);
    if (id === undefined) {
      const t = raw.trim();
      if (t === '') id = -1;
      else {
        const f = normalise(t);
        id = f === '' && emptyIsMissing ? -1 : intern.id(f);
      }
      byRaw.set(raw, id);
    }
    ids[i] = id;
  }
  return { ids, intern };
}

export function value(r: LinkRecord, column: string): string | null {
  const v = r.fields[column];
  if (v === null || v === undefined) return null;
  const t = v.trim();
  return t === '' ? null : t;
}

/** log2(Σ f² / f_v) per key: positive for rare values, negative for common ones (Splink's TF adjustment). */
export function tfTable(keys: Int32Array, distinct: number): Float64Array {
  const counts = new Float64Array(distinct);
  let n = 0;
  for (const k of keys) {
    if (k >= 0) {
      counts[k]!++;
      n++;
    }
  }
  let sumF2 = 0;
  for (const c of counts) sumF2 += (c / n) * (c / n);
  const out = new Float64Array(distinct);
  for (let k = 0; k < distinct; k++) out[k] = counts[k]! > 0 ? Math.log2(sumF2 / (counts[k]! / n)) : 0;
  return out;
}

export function tfFunction(keys: Int32Array, table: Float64Array): (i: number, j: number, level: number) => number {
  return (i, j, level) => {
    if (level !== 1) return 0;
    const a = keys[i]!;
    const b = keys[j]!;
    if (a < 0 || b < 0) return 0;
    return (table[a]! + table[b]!) / 2;
  };
}

/**
 * Jaro–Winkler of two distinct values (or words) by their ids, computed once per pair: names and
 * words repeat across the candidate pairs and the u sample, and the score was most of their cost.
 * An open-addressing table in typed arrays (16 bytes a slot): a Map keyed by a·distinct + b held
 * its keys as heap numbers once they passed 2^30, and cost ~60 bytes an entry and much of the GC
 * time at a million records. Bounded (at most 2^22 slots, 3/4 full) so that a million distinct
 * names cannot fill the memory; past that, scores are computed each time.
 */
export class ScoreCache {
  private low = new Int32Array(0);
  private high = new Int32Array(0);
  private value = new Float64Array(0);
  private mask = -1;
  private size = 0;
  private static readonly MAX_SLOTS = 1 << 22;
  constructor(private readonly text: (id: number) => string) {
    this.resize(1 << 12);
  }
  score(a: number, b: number): number {
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    let h = Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi + 0x7f4a7c15, 0x85ebca77);
    h ^= h >>> 15;
    let slot = h & this.mask;
    for (;;) {
      const k = this.low[slot]!;
      if (k < 0) break;
      if (k === lo && this.high[slot] === hi) return this.value[slot]!;
      slot = (slot + 1) & this.mask;
    }
    // In one order whatever the caller's, so that a pair's level does not depend on which record
    // comes first (u from value frequencies counts each pair of values once).
    const s = jaroWinkler(this.text(lo), this.text(hi));
    if (this.size * 4 >= this.low.length * 3) {
      if (this.low.length >= ScoreCache.MAX_SLOTS) return s;
      this.resize(this.low.length * 2);
      return this.store(lo, hi, s);
    }
    this.low[slot] = lo;
    this.high[slot] = hi;
    this.value[slot] = s;
    this.size++;
    return s;
  }
  private store(lo: number, hi: number, s: number): number {
    let h = Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi + 0x7f4a7c15, 0x85ebca77);
    h ^= h >>> 15;
    let slot = h & this.mask;
    while (this.low[slot]! >= 0) slot = (slot + 1) & this.mask;
    this.low[slot] = lo;
    this.high[slot] = hi;
    this.value[slot] = s;
    this.size++;
    return s;
  }
  private resize(slots: number): void {
    const { low, high, value } = this;
    this.low = new Int32Array(slots).fill(-1);
    this.high = new Int32Array(slots);
    this.value = new Float64Array(slots);
    this.mask = slots - 1;
    this.size = 0;
    for (let k = 0; k < low.length; k++) if (low[k]! >= 0) this.store(low[k]!, high[k]!, value[k]!);
  }
}

export function thresholdLabels(ts: readonly number[]): string[] {
  return ts.map((t) => `jw>=${t}`);
}
