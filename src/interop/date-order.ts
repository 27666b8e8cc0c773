/**
 * Day/month order of a date column, settled from ALL its values before any row is read for good.
 * "25/3/2015" can only be day-month and "3/25/2015" only month-day; "2/10/2015" is either. A
 * column is read in one order or not at all: when its values contradict each other, or when no
 * value settles it, the import stops and asks (unless the profile names the order), because an
 * ambiguous date read in the wrong order is a wrong fact that no check downstream can see.
 */
import { parseDateCell } from './date-parse.js';
import type { Cell } from './read-table.js';

export const dateOrders = ['day-month', 'month-day'] as const;
export type DateOrder = (typeof dateOrders)[number];

/** What one value says about the order: only one order reads it, both read it differently, or it does not depend on the order. */
export type DateReading = DateOrder | 'ambiguous' | 'neutral' | 'invalid';

const tokenRe = /YYYY|YY|MMMM|MMM|MM|M|DD|D/g;

/** The order a format writes day and month in, or null when it has no numeric day and month (or starts with the year). */
export function formatOrder(format: string): DateOrder | null {
  const toks = format.match(tokenRe) ?? [];
  if (toks[0]?.startsWith('Y')) return null;
  const d = toks.findIndex((x) => x === 'D' || x === 'DD');
  const m = toks.findIndex((x) => x === 'M' || x === 'MM');
  if (d < 0 || m < 0) return null;
  return d < m ? 'day-month' : 'month-day';
}

/** The same format with numeric day and month swapped ("D/M/YYYY" -> "M/D/YYYY"). */
export function mirrorFormat(format: string): string {
  return format.replace(tokenRe, (x) => ({ D: 'M', DD: 'MM', M: 'D', MM: 'DD' })[x] ?? x);
}

/**
 * The formats a column is read with: the order-free ones, and those of `order` (the profile's, and
 * the mirrors of the other order's, so a file proven month-day is read so even when the profile
 * listed only day-month formats). With no order, the profile's list as it is.
 */
export function formatsFor(formats: readonly string[], order: DateOrder | null): string[] {
  if (!order) return [...formats];
  const out: string[] = [];
  for (const f of formats) {
    const o = formatOrder(f);
    const use = o === null || o === order ? f : mirrorFormat(f);
    if (!out.includes(use)) out.push(use);
  }
  return out;
}

export function otherOrder(o: DateOrder): DateOrder {
  return o === 'day-month' ? 'month-day' : 'day-month';
}

/** Whether any format depends on the order at all (when none does, no column needs settling). */
export function formatsNeedOrder(formats: readonly string[]): boolean {
  return formats.some((f) => formatOrder(f) !== null);
}

export function readDate(cell: Cell, formats: readonly string[], serials: boolean): DateReading {
  if (typeof cell !== 'string') return parseDateCell(cell, formats, serials) ? 'neutral' : 'invalid';
  const dm = parseDateCell(cell, formatsFor(formats, 'day-month'), serials);
  const md = parseDateCell(cell, formatsFor(formats, 'month-day'), serials);
  if (dm && md) return dm.date === md.date ? 'neutral' : 'ambiguous';
  if (dm) return 'day-month';
  if (md) return 'month-day';
  return 'invalid';
}

const EXAMPLES = 3;

export interface DateColumnTally {
  field: string;
  column: string;
  /** Values only day-month reads, only month-day reads, and values both read differently. */
  counts: Record<DateOrder | 'ambiguous', number>;
  examples: Record<DateOrder | 'ambiguous', { line: number; value: string }[]>;
}

export function newTally(field: string, column: string): DateColumnTally {
  return {
    field,
    column,
    counts: { 'day-month': 0, 'month-day': 0, ambiguous: 0 },
    examples: { 'day-month': [], 'month-day': [], ambiguous: [] },
  };
}

export function tallyValue(t: DateColumnTally, cell: Cell, line: number, formats: readonly string[], serials: boolean): void {
  const r = readDate(cell, formats, serials);
  if (r === 'neutral' || r === 'invalid') return;
  t.counts[r]++;
  if (t.examples[r].length < EXAMPLES) t.examples[r].push({ line, value: String(cell).slice(0, 40) });
}

/**
 * How a column is read. `reason`: 'profile' (the profile names the order), 'values' (some values
 * settle it and none contradicts), 'not-needed' (no value depends on the order), 'contradictory'
 * (values settle both orders) or 'unsettled' (values are ambiguous and none settles it); the last
 * two have no order and stop the import.
 */
export interface DateColumnDecision extends DateColumnTally {
  order: DateOrder | null;
  reason: 'profile' | 'values' | 'not-needed' | 'contradictory' | 'unsettled';
}

export function decideOrder(t: DateColumnTally, named: DateOrder | undefined): DateColumnDecision {
  const dm = t.counts['day-month'];
  const md = t.counts['month-day'];
  if (named) return { ...t, order: named, reason: 'profile' };
  if (dm && md) return { ...t, order: null, reason: 'contradictory' };
  if (dm) return { ...t, order: 'day-month', reason: 'values' };
  if (md) return { ...t, order: 'month-day', reason: 'values' };
  if (t.counts.ambiguous) return { ...t, order: null, reason: 'unsettled' };
  return { ...t, order: null, reason: 'not-needed' };
}

export function isBlocking(d: DateColumnDecision): boolean {
  return d.reason === 'contradictory' || d.reason === 'unsettled';
}

export function examplesText(d: DateColumnTally, k: DateOrder | 'ambiguous'): string {
  return d.examples[k].map((e) => `"${e.value}"`).join(', ');
}
