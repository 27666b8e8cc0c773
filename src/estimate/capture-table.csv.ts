/**
 * The capture-history table as CSV: one 0/1 column per list and a `count` column, one row per
 * observed capture pattern. Parsing reports every problem with its line and column.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { AppError, type FieldIssue } from '../shared/errors.js';
import { MAX_LISTS, patternLabel, type CaptureTable } from './capture-history.table.js';

interface ParsedRow {
  record: string[];
  info: { lines: number };
}

const MAX_ISSUES = 20;

export function parseCaptureCsv(text: string): CaptureTable {
  let rows: ParsedRow[];
  try {
    rows = parse(text, { bom: true, info: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as unknown as ParsedRow[];
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 0;
    throw new AppError('bad_input', { issues: [{ path: [], key: 'estimate:errors.csv_syntax', values: { line, reason: (e as Error).message } }] });
  }
  const header = rows[0];
  if (!header) throw new AppError('bad_input', { issues: [{ path: [], key: 'estimate:errors.empty_table', values: {} }] });
  const names = header.record.map((h) => h.trim());
  const countCol = names.findIndex((h) => h.toLowerCase() === 'count');
  if (countCol < 0) throw new AppError('bad_input', { issues: [{ path: [], key: 'estimate:errors.missing_count', values: { line: 1 } }] });
  const listCols = names.map((_, i) => i).filter((i) => i !== countCol);
  const issues: FieldIssue[] = [];
  names.forEach((h, i) => {
    if (h === '') issues.push({ path: [], key: 'estimate:errors.empty_header', values: { line: 1, column: i + 1 } });
    else if (names.indexOf(h) !== i) issues.push({ path: [], key: 'estimate:errors.duplicate_list', values: { name: h } });
  });
  if (listCols.length < 2) issues.push({ path: [], key: 'estimate:errors.too_few_lists', values: { k: listCols.length } });
  if (listCols.length > MAX_LISTS) issues.push({ path: [], key: 'estimate:errors.too_many_lists', values: { k: listCols.length, max: MAX_LISTS } });
  if (issues.length) throw new AppError('bad_input', { issues });

  const k = listCols.length;
  const counts = new Array<number>(1 << k).fill(0);
  const seenAt = new Map<number, number>();
  for (const { record, info } of rows.slice(1)) {
    const line = info.lines;
    if (issues.length >= MAX_ISSUES) break;
    if (record.length !== names.length) {
      issues.push({ path: [], key: 'estimate:errors.column_count', values: { line, expected: names.length, got: record.length } });
      continue;
    }
    let pattern = 0;
    let rowOk = true;
    listCols.forEach((col, j) => {
      const v = record[col]!;
      if (v === '1') pattern |= 1 << j;
      else if (v !== '0') {
        issues.push({ path: [], key: 'estimate:errors.not_binary', values: { line, column: names[col]!, value: v } });
        rowOk = false;
      }
    });
    const raw = record[countCol]!;
    const c = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(c)) {
      issues.push({ path: [], key: 'estimate:errors.count_not_integer', values: { line, column: names[countCol]!, value: raw } });
      rowOk = false;
    }
    if (!rowOk) continue;
    if (pattern === 0) {
      if (c > 0) issues.push({ path: [], key: 'estimate:errors.zero_pattern', values: { line } });
      continue;
    }
    const first = seenAt.get(pattern);
    if (first !== undefined) {
      issues.push({ path: [], key: 'estimate:errors.duplicate_pattern', values: { line, first, pattern: patternLabel(pattern, k) } });
      continue;
    }
    seenAt.set(pattern, line);
    counts[pattern] = c;
  }
  if (issues.length) throw new AppError('bad_input', { issues });
  return { lists: listCols.map((i) => names[i]!), counts };
}

/** The table as CSV, one row per observed pattern (zero rows left out), in pattern order. */
export function captureTableToCsv(table: CaptureTable): string {
  const k = table.lists.length;
  const rows: (string | number)[][] = [[...table.lists, 'count']];
  for (let x = 1; x < 1 << k; x++) {
    const c = table.counts[x]!;
    if (c > 0) rows.push([...patternLabel(x, k).split('').map(Number), c]);
  }
  return stringify(rows);
}
