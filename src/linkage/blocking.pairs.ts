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
import { parseDate, readDateColumn, type DayMonthOrder, type PartialDate } from './partial-dates.parse.js';

export type LinkMode = 'dedupe' | 'link';

type KeyFn = (v: string) => string | undefined;
/** Functions of several columns taken separately (the others see the columns joined by a space). */
type MultiKeyFn = (values: readonly string[]) => string | undefined;

const multiKeyFunctions: Record<string, MultiKeyFn> = {
  // Swap-invariant and tolerant of a lost second name: the Soundex of the first word of each column,
  // sorted. "Raúl Nicolás | Hernández del Castillo" and "Hernández | Raúl" both give H655.R400.
  soundex_firsts: (values) => {
    const codes = values.map((v) => soundex(nameTokens(v)[0] ?? ''));
    if (codes.some((c) => c === '')) return undefined;
    return codes.sort().join('.');
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
  /** Day/month order stated for a date column by its comparison (else inferred per file). */
  dayMonthOrder: ReadonlyMap<string, DayMonthOrder | 'auto'>;
}

export function newKeyCache(dayMonthOrder: ReadonlyMap<string, DayMonthOrder | 'auto'> = new Map()): KeyCache {
  return { values: new Map(), parts: new Map(), dayMonthOrder };
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

/** Interned value of one key expression for every record (-1 when missing). */
function expressionParts(records: readonly LinkRecord[], e: KeyExpression, cache: KeyCache): { ids: Int32Array; count: number } {
  const text = `${e.fn}(${e.columns.join(',')})`;
  const known = cache.parts.get(text);
  if (known) return known;
  const ids = new Int32Array(records.length);
  const interned = new Map<string, number>();
  const mf = multiKeyFunctions[e.fn];
  const fn = keyFunctions[e.fn];
  const dateKey = e.columns.length === 1 && Object.hasOwn(dateKeys, e.fn) ? dateKeys[e.fn as keyof typeof dateKeys] : undefined;
  const dates = dateKey ? dateColumn(records, e.columns[0]!, cache) : undefined;
  for (let i = 0; i < records.length; i++) {
    const f = records[i]!.fields;
    let v: string | undefined;
    if (dates) {
      v = dateKey!(dates[i]);
    } else if (mf) {
      const values = e.columns.map((c) => f[c] ?? '');
      v = cached(cache, e.fn, values.join('\u0002'), () => mf(values));
    } else {
      let raw = '';
      for (const c of e.columns) {
        const x = f[c];
        if (x !== null && x !== undefined && x.trim() !== '') raw = raw === '' ? x : raw + ' ' + x;
      }
      v = raw === '' ? undefined : cached(cache, e.fn, raw, () => fn!(raw));
    }
    if (v === undefined) {
      ids[i] = -1;
      continue;
    }
    let id = interned.get(v);
    if (id === undefined) interned.set(v, (id = interned.size));
    ids[i] = id;
  }
  const out = { ids, count: interned.size };
  cache.parts.set(text, out);
  return out;
}

function dateColumn(records: readonly LinkRecord[], column: string, cache: KeyCache): (PartialDate | undefined)[] {
  const values = records.map((r) => {
    const v = r.fields[column]?.trim();
    return v ? v : null;
  });
  return readDateColumn(
    values,
    records.map((r) => r.source),
    cache.dayMonthOrder.get(column) ?? 'auto',
  ).dates;
}

/**
 * The key of each record under a rule, as a dense integer (-1 when a part is missing). Parts are
 * combined as numbers and renumbered through a native sort of the distinct combinations: no
 * composite key strings, no map with non-small-integer keys (both were slow at a million records).
 */
function ruleKeys(records: readonly LinkRecord[], exprs: readonly KeyExpression[], cache: KeyCache): Int32Array {
  const first = expressionParts(records, exprs[0]!, cache);
  const ids = Int32Array.from(first.ids);
  const n = records.length;
  for (let k = 1; k < exprs.length; k++) {
    const part = expressionParts(records, exprs[k]!, cache);
    const combined = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = ids[i]!;
      const b = part.ids[i]!;
      combined[i] = a < 0 || b < 0 ? -1 : a * part.count + b;
    }
    const sorted = combined.slice().sort();
    let distinct = 0;
    for (let i = 0; i < n; i++) {
      const v = sorted[i]!;
      if (v >= 0 && (distinct === 0 || sorted[distinct - 1] !== v)) sorted[distinct++] = v;
    }
    const uniq = sorted.subarray(0, distinct);
    for (let i = 0; i < n; i++) {
      const v = combined[i]!;
      if (v < 0) {
        ids[i] = -1;
        continue;
      }
      let lo = 0;
      let hi = distinct - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (uniq[mid]! < v) lo = mid + 1;
        else hi = mid;
      }
      ids[i] = lo;
    }
  }
  return ids;
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
