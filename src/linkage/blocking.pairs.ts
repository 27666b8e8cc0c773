/**
 * Blocking: each rule is a list of derived keys; two records are a candidate pair under a rule when
 * all its keys are present and equal. Rules are unioned: a pair is produced by the first rule it
 * satisfies and skipped by later ones (as Splink does), so no set of seen pairs is needed.
 * Counts come from block sizes alone, so the cost is known before any pair is generated.
 */
import { AppError } from '../shared/errors.js';
import type { LinkRecord } from './comparisons.levels.js';
import type { BlockingRuleConfig } from './link-config.schema.js';
import { foldText, nameTokens, soundex } from './names.normalize.js';
import { parseDate, readRecordDates, type DayMonthOrder, type PartialDate } from './partial-dates.parse.js';

export type LinkMode = 'dedupe' | 'link';

type KeyFn = (v: string) => string | undefined;
/**
 * Functions of several columns taken separately (the others see the columns joined by a space): a
 * part derived from each column's value, then combined. The parts are derived once per distinct
 * value of a column (a few thousand given names), not once per record (a million full names).
 */
interface MultiKeyFn {
  part: (value: string) => string;
  combine: (parts: string[]) => string | undefined;
}

const multiKeyFunctions: Record<string, MultiKeyFn> = {
  // Swap-invariant and tolerant of a lost second name: the Soundex of the first word of each column,
  // sorted. "Raúl Nicolás | Hernández del Castillo" and "Hernández | Raúl" both give H655.R400.
  soundex_firsts: {
    part: (v) => soundex(nameTokens(v)[0] ?? ''),
    combine: (codes) => (codes.some((c) => c === '') ? undefined : codes.sort().join('.')),
  },
};

const keyFunctions: Record<string, KeyFn> = {
  exact: (v) => foldText(v) || undefined,
  fold: (v) => foldText(v) || undefined,
  first_token: (v) => nameTokens(v)[0],
  initial: (v) => nameTokens(v)[0]?.[0],
  soundex: (v) => {
    const t = nameTokens(v)[0];
    return t ? soundex(t) || undefined : undefined;
  },
  // Swap-invariant: the sorted Soundex codes of every name token ("Nohemí | Quiroz González" and
  // "Quiroz González | Nohemí" share it), for records whose given names and surnames were swapped.
  soundex_set: (v) => {
    const codes = [...new Set(nameTokens(v).map((t) => soundex(t)).filter((c) => c !== ''))].sort();
    return codes.length ? codes.join('.') : undefined;
  },
  year: (v) => dateKeys.year(parseDate(v)),
  month: (v) => dateKeys.month(parseDate(v)),
  day: (v) => dateKeys.day(parseDate(v)),
};

/**
 * Keys of a date. On one column they are read with the column's day/month order (readDateColumn),
 * as the date comparison reads it; the functions above serve dates spread over several columns.
 */
const dateKeys: Record<'year' | 'month' | 'day', (d: PartialDate | undefined) => string | undefined> = {
  year: (d) => (d ? String(new Date(d.start * 86_400_000).getUTCFullYear()) : undefined),
  month: (d) => (d && d.precision !== 'year' ? new Date(d.start * 86_400_000).toISOString().slice(0, 7) : undefined),
  day: (d) => (d && d.precision === 'day' ? String(d.start) : undefined),
};

export const keyFunctionNames = [...Object.keys(keyFunctions), ...Object.keys(multiKeyFunctions)];

export interface KeyExpression {
  fn: string;
  /** One or more columns; several are joined with a space before the function applies. */
  columns: string[];
}

/**
 * "soundex(surname)" -> { fn: 'soundex', columns: ['surname'] }; "soundex_set(given, surname)"
 * reads both columns; a bare column means fold(column).
 */
export function parseKeyExpression(text: string): KeyExpression | undefined {
  const t = text.trim();
  const m = /^([a-z_]+)\(([^()]+)\)$/.exec(t);
  if (m) {
    const columns = m[2]!.split(',').map((c) => c.trim());
    if ((!keyFunctions[m[1]!] && !multiKeyFunctions[m[1]!]) || columns.some((c) => c === '')) return undefined;
    return { fn: m[1]!, columns };
  }
  if (/[(),]/.test(t) || t === '') return undefined;
  return { fn: 'fold', columns: [t] };
}

export function ruleExpressions(rule: BlockingRuleConfig): string[] {
  return (Array.isArray(rule.on) ? rule.on : rule.on.split('+')).map((s) => s.trim());
}

export function ruleName(rule: BlockingRuleConfig): string {
  return rule.name ?? ruleExpressions(rule).join('+');
}

export interface BlockingRule {
  name: string;
  expressions: KeyExpression[];
  columns: string[];
  /** Interned key per record; -1 when a key part is missing (the record is in no block). */
  keys: Int32Array;
  /** Candidate pairs this rule produces on its own (before removing those of earlier rules). */
  pairs: number;
  /** Records with every key part present: the only ones the rule can pair. */
  keyed: number;
}

/** Per-record source index (0, 1, …) in order of first appearance. */
export function sourceIndex(records: readonly LinkRecord[]): { of: Int32Array; names: string[] } {
  const names: string[] = [];
  const ids = new Map<string, number>();
  const of = new Int32Array(records.length);
  records.forEach((r, i) => {
    let s = ids.get(r.source);
    if (s === undefined) {
      s = names.length;
      ids.set(r.source, s);
      names.push(r.source);
    }
    of[i] = s;
  });
  return { of, names };
}

/**
 * Work shared by every rule (and the training rules) of a run: derived values by function and input
 * text (names, dates and states repeat, so each distinct value is derived once), and the interned
 * values of each key expression over all records (month(date) serves several rules).
 */
export interface KeyCache {
  values: Map<string, Map<string, string | null>>;
  parts: Map<string, { ids: Int32Array; count: number }>;
  /** Columns' values interned (see columnValues). */
  columns: Map<string, { ids: Int32Array; values: string[] }>;
  /** Date columns as read (month(date) and year(date) read the column once). */
  dates: Map<string, (PartialDate | undefined)[]>;
  /** Day/month order stated for a date column by its comparison (else inferred per file). */
  dayMonthOrder: ReadonlyMap<string, DayMonthOrder | 'auto'>;
}

export function newKeyCache(dayMonthOrder: ReadonlyMap<string, DayMonthOrder | 'auto'> = new Map()): KeyCache {
  return { values: new Map(), parts: new Map(), columns: new Map(), dates: new Map(), dayMonthOrder };
}

const CACHE_LIMIT = 2_000_000;

function cached(cache: KeyCache, fn: string, input: string, derive: () => string | undefined): string | undefined {
  let m = cache.values.get(fn);
  if (!m) cache.values.set(fn, (m = new Map()));
  const hit = m.get(input);
  if (hit !== undefined) return hit ?? undefined;
  const out = derive();
  if (m.size < CACHE_LIMIT) m.set(input, out ?? null);
  return out;
}

/**
 * A column's non-blank values interned: `ids[i]` is record i's value in `values` (-1 when blank).
 * Every key expression on the column then derives its key once per distinct value and maps records
 * through an array, instead of a string look-up per record and expression (the most of the blocking
 * time at a million records).
 */
function columnValues(records: readonly LinkRecord[], column: string, cache: KeyCache): { ids: Int32Array; values: string[] } {
  const known = cache.columns.get(column);
  if (known) return known;
  const ids = new Int32Array(records.length);
  const index = new Map<string, number>();
  const values: string[] = [];
  for (let i = 0; i < records.length; i++) {
    const x = records[i]!.fields[column];
    if (x === null || x === undefined || x.trim() === '') {
      ids[i] = -1;
      continue;
    }
    let id = index.get(x);
    if (id === undefined) {
      index.set(x, (id = values.length));
      values.push(x);
    }
    ids[i] = id;
  }
  const out = { ids, values };
  cache.columns.set(column, out);
  return out;
}

/** Interned value of one key expression for every record (-1 when missing). */
function expressionParts(records: readonly LinkRecord[], e: KeyExpression, cache: KeyCache): { ids: Int32Array; count: number } {
  const text = `${e.fn}(${e.columns.join(',')})`;
  const known = cache.parts.get(text);
  if (known) return known;
  const n = records.length;
  const ids = new Int32Array(n);
  const interned = new Map<string, number>();
  const intern = (v: string | undefined): number => {
    if (v === undefined) return -1;
    let id = interned.get(v);
    if (id === undefined) interned.set(v, (id = interned.size));
    return id;
  };
  const mf = multiKeyFunctions[e.fn];
  const fn = keyFunctions[e.fn];
  const dateKey = e.columns.length === 1 && Object.hasOwn(dateKeys, e.fn) ? dateKeys[e.fn as keyof typeof dateKeys] : undefined;
  if (dateKey) {
    const dates = dateColumn(records, e.columns[0]!, cache);
    for (let i = 0; i < n; i++) ids[i] = intern(dateKey(dates[i]));
  } else if (mf) {
    // Each column's part per distinct value, then the combination per distinct tuple of parts
    // (a tuple as a mixed-radix number; the blank part is the last digit value).
    const partIndex = new Map<string, number>();
    const partText: string[] = [];
    const partId = (t: string): number => {
      let id = partIndex.get(t);
      if (id === undefined) {
        partIndex.set(t, (id = partText.length));
        partText.push(t);
      }
      return id;
    };
    const columns = e.columns.map((c) => {
      const col = columnValues(records, c, cache);
      return { col, partOf: Int32Array.from(col.values, (v) => partId(mf.part(v))) };
    });
    const blank = partId(mf.part(''));
    const radix = partText.length;
    const combos = new Map<number | string, number>();
    const digits = new Int32Array(columns.length);
    const numeric = Math.pow(radix, columns.length) < Number.MAX_SAFE_INTEGER;
    for (let i = 0; i < n; i++) {
      let key = 0;
      for (let c = 0; c < columns.length; c++) {
        const v = columns[c]!.col.ids[i]!;
        digits[c] = v < 0 ? blank : columns[c]!.partOf[v]!;
        key = key * radix + digits[c]!;
      }
      const mapKey = numeric ? key : digits.join(',');
      let id = combos.get(mapKey);
      if (id === undefined) {
        id = intern(mf.combine(Array.from(digits, (d) => partText[d]!)));
        combos.set(mapKey, id);
      }
      ids[i] = id;
    }
  } else if (e.columns.length === 1) {
    const col = columnValues(records, e.columns[0]!, cache);
    const keyOf = Int32Array.from(col.values, (v) => intern(fn!(v)));
    for (let i = 0; i < n; i++) {
      const v = col.ids[i]!;
      ids[i] = v < 0 ? -1 : keyOf[v]!;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const f = records[i]!.fields;
      let raw = '';
      for (const c of e.columns) {
        const x = f[c];
        if (x !== null && x !== undefined && x.trim() !== '') raw = raw === '' ? x : raw + ' ' + x;
      }
      ids[i] = raw === '' ? -1 : intern(cached(cache, e.fn, raw, () => fn!(raw)));
    }
  }
  const out = { ids, count: interned.size };
  cache.parts.set(text, out);
  return out;
}

function dateColumn(records: readonly LinkRecord[], column: string, cache: KeyCache): (PartialDate | undefined)[] {
  const known = cache.dates.get(column);
  if (known) return known;
  const dates = readRecordDates(records, column, cache.dayMonthOrder.get(column) ?? 'auto').dates;
  cache.dates.set(column, dates);
  return dates;
}

/**
 * The key of each record under a rule, as a dense integer (-1 when a part is missing). Parts are
 * combined pairwise and renumbered in (first, second) order by two counting sorts of the record
 * indices (second part, then stably first part): linear in the records, with no composite key
 * strings and no map with non-small-integer keys (both were slow at a million records), nor the
 * n log n sort of the combined numbers that it replaces (same numbering).
 */
function ruleKeys(records: readonly LinkRecord[], exprs: readonly KeyExpression[], cache: KeyCache): Int32Array {
  const first = expressionParts(records, exprs[0]!, cache);
  let ids: Int32Array = Int32Array.from(first.ids);
  let count = first.count;
  for (let k = 1; k < exprs.length; k++) {
    const part = expressionParts(records, exprs[k]!, cache);
    const next = combineKeys(ids, count, part.ids, part.count);
    ids = next.ids;
    count = next.count;
  }
  return ids;
}

function combineKeys(a: Int32Array, countA: number, b: Int32Array, countB: number): { ids: Int32Array; count: number } {
  const n = a.length;
  const out = new Int32Array(n).fill(-1);
  const byB = countingSort(b, countB, (i) => a[i]! >= 0 && b[i]! >= 0, undefined);
  const byAB = countingSort(a, countA, () => true, byB);
  let id = -1;
  let lastA = -1;
  let lastB = -1;
  for (let p = 0; p < byAB.length; p++) {
    const i = byAB[p]!;
    if (a[i] !== lastA || b[i] !== lastB) {
      id++;
      lastA = a[i]!;
      lastB = b[i]!;
    }
    out[i] = id;
  }
  return { ids: out, count: id + 1 };
}

/** Indices (of `among`, else of 0..n−1 that pass `keep`) stably sorted by key[i] in 0..count−1. */
function countingSort(key: Int32Array, count: number, keep: (i: number) => boolean, among: Int32Array | undefined): Int32Array {
  const starts = new Int32Array(count + 1);
  const items = among ?? indicesWhere(key.length, keep);
  for (let p = 0; p < items.length; p++) starts[key[items[p]!]! + 1]!++;
  for (let v = 1; v <= count; v++) starts[v]! += starts[v - 1]!;
  const out = new Int32Array(items.length);
  for (let p = 0; p < items.length; p++) {
    const i = items[p]!;
    out[starts[key[i]!]!++] = i;
  }
  return out;
}

function indicesWhere(n: number, keep: (i: number) => boolean): Int32Array {
  let m = 0;
  for (let i = 0; i < n; i++) if (keep(i)) m++;
  const out = new Int32Array(m);
  m = 0;
  for (let i = 0; i < n; i++) if (keep(i)) out[m++] = i;
  return out;
}

/** Records grouped by key: `order` lists record indices block after block, `starts` where each begins. */
interface Blocks {
  order: Int32Array;
  starts: Int32Array;
}

function groupByKey(keys: Int32Array): Blocks {
  let max = -1;
  for (const k of keys) if (k > max) max = k;
  const counts = new Int32Array(max + 2);
  for (const k of keys) if (k >= 0) counts[k + 1]!++;
  for (let k = 1; k < counts.length; k++) counts[k]! += counts[k - 1]!;
  const starts = counts.slice();
  const fill = counts.slice(0, max + 1);
  const order = new Int32Array(starts[max + 1]!);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k >= 0) order[fill[k]!++] = i;
  }
  return { order, starts };
}

function countPairs(blocks: Blocks, source: Int32Array, mode: LinkMode, sourceCount: number): number {
  let total = 0;
  const perSource = new Float64Array(sourceCount);
  for (let b = 0; b + 1 < blocks.starts.length; b++) {
    const lo = blocks.starts[b]!;
    const hi = blocks.starts[b + 1]!;
    const n = hi - lo;
    if (n < 2) continue;
    if (mode === 'dedupe') {
      total += (n * (n - 1)) / 2;
      continue;
    }
    perSource.fill(0);
    for (let p = lo; p < hi; p++) perSource[source[blocks.order[p]!]!]!++;
    let sq = 0;
    for (const c of perSource) sq += c * c;
    total += (n * n - sq) / 2;
  }
  return total;
}

/**
 * Derives the keys of every rule and counts the pairs each would produce. Refuses (bad_input) a
 * rule naming an unknown key function or column, and a plan above `maxPairs`, before any pair exists.
 */
export function planBlocking(
  records: readonly LinkRecord[],
  rules: readonly BlockingRuleConfig[],
  opts: { mode: LinkMode; maxPairs: number; columns: ReadonlySet<string>; path?: string; cache?: KeyCache },
): BlockingRule[] {
  const { of, names } = sourceIndex(records);
  const where = opts.path ?? 'blocking';
  const issues: AppError['issues'] = [];
  const parsed = rules.map((r, idx) =>
    ruleExpressions(r).map((text, k) => {
      const e = parseKeyExpression(text);
      if (!e) {
        issues.push({
          path: [where, idx, 'on', k],
          key: 'linkage:bad_key_expression',
          values: { expr: text, fns: keyFunctionNames.join(', ') },
        });
      } else {
        for (const column of e.columns.filter((c) => !opts.columns.has(c))) {
          issues.push({ path: [where, idx, 'on', k], key: 'linkage:missing_column', values: { column } });
        }
      }
      return e;
    }),
  );
  if (issues.length) throw new AppError('bad_input', { issues });
  const cache: KeyCache = opts.cache ?? newKeyCache();
  const plan = rules.map((r, idx) => {
    const expressions = parsed[idx] as KeyExpression[];
    const keys = ruleKeys(records, expressions, cache);
    const pairs = countPairs(groupByKey(keys), of, opts.mode, names.length);
    let keyed = 0;
    for (const k of keys) if (k >= 0) keyed++;
    return { name: ruleName(r), expressions, columns: [...new Set(expressions.flatMap((e) => e.columns))], keys, pairs, keyed };
  });
  const total = plan.reduce((s, r) => s + r.pairs, 0);
  const over = plan.filter((r) => r.pairs > opts.maxPairs);
  if (over.length || total > opts.maxPairs) {
    throw new AppError('bad_input', {
      values: { max: opts.maxPairs, total },
      issues: (over.length ? over : plan).map((r) => ({
        path: [where, plan.indexOf(r)],
        key: over.length ? 'linkage:rule_too_many_pairs' : 'linkage:rules_too_many_pairs',
        values: { rule: r.name, pairs: r.pairs, max: opts.maxPairs, total },
      })),
    });
  }
  return plan;
}

/**
 * Calls `visit(i, j, rule, mask)` once for every candidate pair of the union of rules; `mask` has
 * bit r set when rule r's keys agree for the pair (used to train one EM session per rule).
 */
export function forEachCandidatePair(
  records: readonly LinkRecord[],
  plan: readonly BlockingRule[],
  mode: LinkMode,
  visit: (i: number, j: number, rule: number, mask: number) => void,
  onBlock?: (pairsSoFar: number) => void,
): number {
  const { of } = sourceIndex(records);
  const allKeys = plan.map((r) => r.keys);
  let emitted = 0;
  let seen = 0;
  for (let r = 0; r < plan.length; r++) {
    const keys = allKeys[r]!;
    const blocks = groupByKey(keys);
    const { order, starts } = blocks;
    for (let b = 0; b + 1 < starts.length; b++) {
      const lo = starts[b]!;
      const hi = starts[b + 1]!;
      for (let p = lo; p < hi; p++) {
        const x = order[p]!;
        for (let q = p + 1; q < hi; q++) {
          const y = order[q]!;
          if (mode === 'link' && of[x] === of[y]) continue;
          seen++;
          let mask = 0;
          let earlier = false;
          for (let k = 0; k < allKeys.length; k++) {
            const kk = allKeys[k]!;
            const kx = kk[x]!;
            if (kx >= 0 && kx === kk[y]) {
              if (k < r) {
                earlier = true;
                break;
              }
              mask |= 1 << k;
            }
          }
          if (earlier) continue;
          emitted++;
          const i = x < y ? x : y;
          const j = x < y ? y : x;
          visit(i, j, r, mask);
        }
      }
      if (onBlock && hi - lo > 1) onBlock(seen);
    }
  }
  return emitted;
}

/**
 * Calls `visit(i, j)` for a Bernoulli(rate) sample of one rule's pairs, each pair kept independently
 * with probability `rate`, without enumerating the pairs left out: the gap to the next kept pair is
 * drawn from the geometric distribution, so the cost follows the pairs kept, not the pairs of the
 * rule (a training rule at a million records has tens of millions of pairs for 2,000,000 kept).
 * When linking, pairs within one file are skipped after the draw, which leaves every pair across
 * files kept with probability `rate`.
 */
export function forEachSampledPair(
  records: readonly LinkRecord[],
  rule: BlockingRule,
  mode: LinkMode,
  rate: number,
  random: () => number,
  visit: (i: number, j: number) => void,
): void {
  if (rate >= 1) {
    forEachCandidatePair(records, [rule], mode, (i, j) => visit(i, j));
    return;
  }
  if (!(rate > 0)) return;
  const { of } = sourceIndex(records);
  const logKeep = Math.log1p(-rate);
  // Pairs to pass over before the next kept one; 1 − random() is in (0, 1].
  const gap = (): number => Math.floor(Math.log(1 - random()) / logKeep);
  const { order, starts } = groupByKey(rule.keys);
  let skip = gap();
  for (let b = 0; b + 1 < starts.length; b++) {
    const lo = starts[b]!;
    const size = starts[b + 1]! - lo;
    const pairs = (size * (size - 1)) / 2;
    if (skip >= pairs) {
      skip -= pairs;
      continue;
    }
    // Pair t of the block, in row order: row p holds (p, p+1) … (p, size−1).
    let t = skip;
    let p = 0;
    let rowStart = 0;
    while (t < pairs) {
      while (t >= rowStart + (size - 1 - p)) {
        rowStart += size - 1 - p;
        p++;
      }
      const x = order[lo + p]!;
      const y = order[lo + p + 1 + (t - rowStart)]!;
      if (mode === 'dedupe' || of[x] !== of[y]) visit(x < y ? x : y, x < y ? y : x);
      t += 1 + gap();
    }
    skip = t - pairs;
  }
}
