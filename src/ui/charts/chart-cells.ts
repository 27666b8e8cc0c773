/**
 * Values as charts receive them. A cell is a count, null (no data), or an object carrying the
 * disclosure-control flag: a suppressed cell is never drawn and never counted, whatever value it
 * may carry, and the table shows it as "< k".
 */
import type { FieldIssue } from '../../shared/errors.js';
import { t, type Lang } from '../../shared/i18n/index.js';
import type { TableCell } from './chart-table.js';

export type CellInput = number | null | { value: number | null; suppressed?: boolean };

export interface Cell {
  /** null when missing or suppressed. */
  value: number | null;
  suppressed: boolean;
}

/** Minimum cell size of the disclosure rules (SECURITY.md §3) when the caller does not say. */
export const defaultK = 5;

/** Reads one cell, adding an issue (with its path) when it is not a finite, non-negative number. */
export function readCell(input: unknown, path: (string | number)[], issues: FieldIssue[]): Cell {
  if (input === null || input === undefined) return { value: null, suppressed: false };
  if (typeof input === 'object' && input !== null && 'value' in input) {
    const o = input as { value: unknown; suppressed?: unknown };
    if (o.suppressed === true) return { value: null, suppressed: true };
    return readCell(o.value, path, issues);
  }
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0)
    return { value: input, suppressed: false };
  issues.push({ path, key: 'charts:errors.bad_value', values: { value: String(input) } });
  return { value: null, suppressed: false };
}

export function readK(k: unknown, issues: FieldIssue[]): number {
  if (k === undefined) return defaultK;
  if (typeof k === 'number' && Number.isInteger(k) && k >= 1) return k;
  issues.push({ path: ['k'], key: 'charts:errors.bad_k', values: { value: String(k) } });
  return defaultK;
}

/** What the data table shows: the number itself, "< k" when suppressed, empty when missing. */
export function tableCell(lang: Lang, cell: Cell, k: number): TableCell {
  if (cell.suppressed) return t(lang, 'charts:suppressed_cell', { k });
  return cell.value ?? '';
}

export function readText(input: unknown, path: (string | number)[], issues: FieldIssue[]): string {
  if (typeof input === 'string' && input.trim().length > 0) return input;
  issues.push({ path, key: 'charts:errors.bad_text' });
  return '';
}

/** Width or height in pixels: an integer from 120 to 4000, or the renderer's default when absent. */
export function readSize(input: unknown, field: 'width' | 'height', issues: FieldIssue[]): void {
  if (input === undefined) return;
  if (typeof input === 'number' && Number.isInteger(input) && input >= 120 && input <= 4000) return;
  issues.push({ path: [field], key: 'charts:errors.bad_size', values: { value: String(input) } });
}
