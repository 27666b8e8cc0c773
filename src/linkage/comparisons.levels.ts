/**
 * Comparisons: for each configured comparison, the per-record features computed once and a
 * function giving the comparison level of a pair. Level 0 is always "null" (a value missing on
 * either side: no information, weight 0); levels 1.. go from the strongest agreement to "else".
 */

import { AppError, type FieldIssue } from '../shared/errors.js';
import type { ComparisonConfig } from './link-config.schema.js';
import { foldText } from './names.normalize.js';
import { readRecordDates } from './partial-dates.parse.js';
import { neighbourPairs, VE_NEIGHBOURS } from './ve-neighbours.data.js';
import { buildName } from './comparisons.names.js';
import { internColumn, ScoreCache, thresholdLabels, tfFunction, tfTable, type Comparison, type LinkRecord } from './comparisons.shared.js';

export type { Comparison, LinkRecord } from './comparisons.shared.js';
export { nameSimilarity } from './comparisons.names.js';

function buildExact(c: Extract<ComparisonConfig, { type: 'exact' }>, records: readonly LinkRecord[]): Comparison {
  const { ids, intern } = internColumn(records, c.column, foldText);
  const cmp: Comparison = {
    name: c.name,
    type: c.type,
    labels: ['null', 'exact', 'else'],
    columns: [c.column],
    level: (i, j) => {
      const a = ids[i]!;
      const b = ids[j]!;
      if (a < 0 || b < 0) return 0;
      return a === b ? 1 : 2;
    },
    values: { ids, distinct: intern.ids.size },
  };
  if (c.tf) cmp.tfAdjustment = tfFunction(ids, tfTable(ids, intern.ids.size));
  return cmp;
}

function buildString(c: Extract<ComparisonConfig, { type: 'string' }>, records: readonly LinkRecord[]): Comparison {
  const { ids, intern } = internColumn(records, c.column, foldText, true);
  const ts = c.thresholds;
  const texts = [...intern.ids.keys()];
  const cache = new ScoreCache((id) => texts[id]!);
  const levelOf = (a: number, b: number): number => {
    if (a === b) return 1;
    const s = cache.score(a, b);
    for (let k = 0; k < ts.length; k++) if (s >= ts[k]!) return 2 + k;
    return 2 + ts.length;
  };
  const cmp: Comparison = {
    name: c.name,
    type: c.type,
    labels: ['null', 'exact', ...thresholdLabels(ts), 'else'],
    columns: [c.column],
    level: (i, j) => {
      const a = ids[i]!;
      const b = ids[j]!;
      if (a < 0 || b < 0) return 0;
      return levelOf(a, b);
    },
    values: { ids, distinct: texts.length, pairLevel: levelOf },
  };
  if (c.tf) cmp.tfAdjustment = tfFunction(ids, tfTable(ids, intern.ids.size));
  return cmp;
}

const precisionCode = { day: 0, month: 1, year: 2 } as const;

/** A warning for the run's report: a key of the linkage catalogue and its values. */
export interface ComparisonWarning {
  key: string;
  values: Record<string, string | number>;
}

function buildDate(
  c: Extract<ComparisonConfig, { type: 'date' }>,
  records: readonly LinkRecord[],
  issues: FieldIssue[],
  warnings: ComparisonWarning[],
): Comparison {
  const start = new Float64Array(records.length);
  const end = new Float64Array(records.length);
  const prec = new Int8Array(records.length);
  const column = readRecordDates(records, c.column, c.dayMonthOrder);
  const examples = column.examples.map((v) => `"${v}"`).join(', ');
  // One impossible value (1945-04-93) is a typo to skip, not a reason to refuse the run; a column
  // that is mostly not dates is the wrong column.
  if (column.unreadable * 2 > column.present) {
    issues.push({
      path: ['comparisons', c.name, c.column],
      key: 'linkage:bad_date_column',
      values: { column: c.column, unreadable: column.unreadable, present: column.present, examples },
    });
  } else if (column.unreadable > 0) {
    warnings.push({
      key: 'linkage:warn_bad_dates',
      values: { column: c.column, unreadable: column.unreadable, present: column.present, examples },
    });
  }
  for (const o of column.orders) {
    if (!o.inferred && o.ambiguous > 0 && c.dayMonthOrder === 'auto') {
      warnings.push({ key: 'linkage:warn_date_order_assumed', values: { column: c.column, source: o.source, count: o.ambiguous } });
    }
  }
  column.dates.forEach((d, i) => {
    prec[i] = d ? precisionCode[d.precision] : -1;
    start[i] = d?.start ?? 0;
    end[i] = d?.end ?? 0;
  });
  const within = c.withinDays;
  const levelOf = (i: number, j: number): number => {
    const pa = prec[i]!;
    const pb = prec[j]!;
    if (pa < 0 || pb < 0) return 0;
    const sa = start[i]!;
    const sb = start[j]!;
    if (pa === pb && sa === sb) return 1;
    const ea = end[i]!;
    const eb = end[j]!;
    const gap = Math.max(0, Math.max(sa, sb) - Math.min(ea, eb));
    // A coarser date that contains the finer one: "2020-11" against "2020-11-05".
    if (pa !== pb && gap === 0) return 2;
    for (let k = 0; k < within.length; k++) if (gap <= within[k]!) return 3 + k;
    return 3 + within.length;
  };
  // A date is its precision and start (the end follows from them); one record stands for each.
  const seen = new Map<number, number>();
  const ids = new Int32Array(records.length);
  const representative: number[] = [];
  for (let i = 0; i < records.length; i++) {
    if (prec[i]! < 0) {
      ids[i] = -1;
      continue;
    }
    const key = start[i]! * 3 + prec[i]!;
    let id = seen.get(key);
    if (id === undefined) {
      seen.set(key, (id = representative.length));
      representative.push(i);
    }
    ids[i] = id;
  }
  return {
    name: c.name,
    type: c.type,
    labels: ['null', 'exact', 'precision', ...within.map((d) => `within_${d}d`), 'else'],
    columns: [c.column],
    level: levelOf,
    values: { ids, distinct: representative.length, pairLevel: (a, b) => levelOf(representative[a]!, representative[b]!) },
  };
}

function buildSubdivision(
  c: Extract<ComparisonConfig, { type: 'subdivision' }>,
  records: readonly LinkRecord[],
): Comparison {
  const { ids, intern } = internColumn(records, c.column, (v) => v.toUpperCase());
  const near = new Set<number>();
  const n = intern.ids.size;
  for (const pair of neighbourPairs(c.neighbours ?? VE_NEIGHBOURS)) {
    const [a, b] = pair.split('|') as [string, string];
    const ia = intern.ids.get(a);
    const ib = intern.ids.get(b);
    if (ia !== undefined && ib !== undefined) near.add(ia * n + ib);
  }
  return {
    name: c.name,
    type: c.type,
    labels: ['null', 'exact', 'neighbour', 'else'],
    columns: [c.column],
    level: (i, j) => {
      const a = ids[i]!;
      const b = ids[j]!;
      if (a < 0 || b < 0) return 0;
      if (a === b) return 1;
      return near.has(a * n + b) ? 2 : 3;
    },
    values: { ids, distinct: n, related: near },
  };
}

function buildCategory(c: Extract<ComparisonConfig, { type: 'category' }>, records: readonly LinkRecord[]): Comparison {
  const { ids, intern } = internColumn(records, c.column, foldText);
  const n = intern.ids.size;
  const related = new Set<number>();
  for (const group of c.related) {
    const members = group.map((g) => intern.ids.get(foldText(g))).filter((x): x is number => x !== undefined);
    for (const a of members) for (const b of members) if (a !== b) related.add(a * n + b);
  }
  const cmp: Comparison = {
    name: c.name,
    type: c.type,
    labels: ['null', 'exact', 'related', 'else'],
    columns: [c.column],
    level: (i, j) => {
      const a = ids[i]!;
      const b = ids[j]!;
      if (a < 0 || b < 0) return 0;
      if (a === b) return 1;
      return related.has(a * n + b) ? 2 : 3;
    },
    values: { ids, distinct: n, related },
  };
  if (c.tf) cmp.tfAdjustment = tfFunction(ids, tfTable(ids, n));
  return cmp;
}

/**
 * Builds every comparison; throws bad_input for a column that cannot be read (mostly not dates),
 * and adds to `warnings` what was read leniently (unreadable dates left as missing).
 */
export function buildComparisons(
  configs: readonly ComparisonConfig[],
  records: readonly LinkRecord[],
  warnings: ComparisonWarning[] = [],
): Comparison[] {
  const issues: FieldIssue[] = [];
  const out = configs.map((c) => {
    switch (c.type) {
      case 'exact':
        return buildExact(c, records);
      case 'string':
        return buildString(c, records);
      case 'name':
        return buildName(c, records);
      case 'date':
        return buildDate(c, records, issues, warnings);
      case 'subdivision':
        return buildSubdivision(c, records);
      case 'category':
        return buildCategory(c, records);
    }
  });
  if (issues.length) throw new AppError('bad_input', { issues });
  return out;
}

/** Columns a comparison config reads (to check them against the input before doing any work). */
export function comparisonColumns(c: ComparisonConfig): string[] {
  if (c.type === 'name') return [...c.given, ...c.surname, ...(c.full ? [c.full] : [])];
  return [c.column];
}
