/**
 * Capture-history tables: for k lists, how many units (attacks) each combination of lists documented.
 * Pattern bit j (value 1 << j) stands for list j, so `counts[0b101]` is the number of units on lists
 * 0 and 2 only. `counts[0]` (seen by no list) is what estimation is for, and is always 0 here.
 */
import { AppError, type FieldIssue } from '../shared/errors.js';

export interface CaptureTable {
  /** List names, in column order; bit j of a pattern is list j. */
  lists: string[];
  /** Length 2^k; counts[pattern]; counts[0] is unknown and kept at 0. */
  counts: number[];
  /** The stratum this table belongs to (e.g. { period: '2024', region: 'VE-A' }), empty when unstratified. */
  stratum?: Record<string, string>;
}

/** One linked unit (cluster): the organisations that documented it and its stratum values. */
export interface CaptureItem {
  lists: string[];
  strata: Record<string, string>;
}

/** Which organisations (or sources) make up each list; an organisation may sit in several lists. */
export type ListGrouping = { name: string; members: string[] }[];

export interface StratifiedTables {
  tables: CaptureTable[];
  /** Items that no list in the grouping covers: not part of any table, reported so nothing is lost silently. */
  unassigned: number;
}

export const MAX_LISTS = 15;

/**
 * Builds one capture-history table per stratum (the combination of the values of `strataKeys`; an
 * item without a value for a key falls in the stratum with value ''). Strata are sorted by their values.
 */
export function buildCaptureTables(items: CaptureItem[], grouping: ListGrouping, strataKeys: string[] = []): StratifiedTables {
  const k = grouping.length;
  if (k > MAX_LISTS) throw new AppError('bad_input', { issues: [{ path: [], key: 'estimate:errors.too_many_lists', values: { k, max: MAX_LISTS } }] });
  const names = grouping.map((g) => g.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new AppError('bad_input', { issues: [{ path: [], key: 'estimate:errors.duplicate_list', values: { name: dup } }] });
  const bitsOf = new Map<string, number>();
  grouping.forEach((g, j) => {
    for (const m of g.members) bitsOf.set(m, (bitsOf.get(m) ?? 0) | (1 << j));
  });
  const byStratum = new Map<string, CaptureTable>();
  let unassigned = 0;
  for (const item of items) {
    let pattern = 0;
    for (const org of item.lists) pattern |= bitsOf.get(org) ?? 0;
    if (pattern === 0) {
      unassigned++;
      continue;
    }
    const values = strataKeys.map((s) => item.strata[s] ?? '');
    const key = JSON.stringify(values);
    let table = byStratum.get(key);
    if (!table) {
      table = { lists: [...names], counts: new Array<number>(1 << k).fill(0), stratum: Object.fromEntries(strataKeys.map((s, i) => [s, values[i]!])) };
      byStratum.set(key, table);
    }
    table.counts[pattern]!++;
  }
  const tables = [...byStratum.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
  return { tables, unassigned };
}

export function observedTotal(table: CaptureTable): number {
  let n = 0;
  for (let x = 1; x < table.counts.length; x++) n += table.counts[x]!;
  return n;
}

/** Units on each list (n_j). */
export function listTotals(table: CaptureTable): number[] {
  const k = table.lists.length;
  const out = new Array<number>(k).fill(0);
  for (let x = 1; x < table.counts.length; x++) for (let j = 0; j < k; j++) if (x & (1 << j)) out[j]! += table.counts[x]!;
  return out;
}

/** Units on both lists i and j, for every pair. */
export function pairOverlaps(table: CaptureTable): { i: number; j: number; both: number }[] {
  const k = table.lists.length;
  const out: { i: number; j: number; both: number }[] = [];
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++) {
      const mask = (1 << i) | (1 << j);
      let both = 0;
      for (let x = 1; x < table.counts.length; x++) if ((x & mask) === mask) both += table.counts[x]!;
      out.push({ i, j, both });
    }
  return out;
}

/**
 * Refuses a table from which no estimate can be made, naming every reason at once: fewer than two
 * lists, counts that are not non-negative integers, nothing documented, a list that documented nothing
 * (it adds no information) or everything (then nothing tells how much that list misses).
 */
export function assertEstimableTable(table: CaptureTable): void {
  const k = table.lists.length;
  const issues: FieldIssue[] = [];
  if (k < 2) throw new AppError('bad_input', { issues: [{ path: [], key: 'estimate:errors.too_few_lists', values: { k } }] });
  if (k > MAX_LISTS) throw new AppError('bad_input', { issues: [{ path: [], key: 'estimate:errors.too_many_lists', values: { k, max: MAX_LISTS } }] });
  if (table.counts.length !== 1 << k) throw new AppError('bad_input', { issues: [{ path: [], key: 'estimate:errors.counts_length', values: { expected: 1 << k, got: table.counts.length } }] });
  for (let x = 1; x < table.counts.length; x++) {
    const c = table.counts[x]!;
    if (!Number.isSafeInteger(c) || c < 0) issues.push({ path: [], key: 'estimate:errors.count_not_integer_pattern', values: { pattern: patternLabel(x, k), value: String(c) } });
  }
  if (issues.length) throw new AppError('bad_input', { issues });
  const n = observedTotal(table);
  if (n === 0) throw new AppError('bad_input', { issues: [{ path: [], key: 'estimate:errors.empty_table', values: {} }] });
  listTotals(table).forEach((nj, j) => {
    const list = table.lists[j]!;
    if (nj === 0) issues.push({ path: [], key: 'estimate:errors.list_captures_nothing', values: { list } });
    else if (nj === n) issues.push({ path: [], key: 'estimate:errors.list_captures_everything', values: { list, n } });
  });
  if (issues.length) throw new AppError('bad_input', { issues });
}

/** "101" style label, list 0 first, as in the CSV columns. */
export function patternLabel(pattern: number, k: number): string {
  let s = '';
  for (let j = 0; j < k; j++) s += pattern & (1 << j) ? '1' : '0';
  return s;
}

/** Reorders the lists of a table (perm[newIndex] = oldIndex); used by tests of order invariance. */
export function permuteLists(table: CaptureTable, perm: number[]): CaptureTable {
  const k = table.lists.length;
  const counts = new Array<number>(1 << k).fill(0);
  for (let x = 1; x < 1 << k; x++) {
    let y = 0;
    for (let j = 0; j < k; j++) if (x & (1 << perm[j]!)) y |= 1 << j;
    counts[y] = table.counts[x]!;
  }
  return { ...table, lists: perm.map((p) => table.lists[p]!), counts };
}
