/**
 * Disclosure control for published count tables (SECURITY.md §3, D1–D4): 1-D tables, time series
 * and 2-D tables with their margins. Input is raw counts; output is what may be published, with
 * suppressed cells as null. Public renderers must show every suppressed cell with the same mark
 * (never distinguish primary from complementary suppression, which would point at the small cells):
 * use `publicCells`, which drops the reasons.
 */
import { AppError, type FieldIssue } from '../../shared/errors.js';
import { structure1D, structure2D, type LinearTable } from './linear-table.sdc.js';
import { suppressCells, type SuppressionReason } from './suppression.sdc.js';
import type { CellBounds } from './suppression-audit.sdc.js';

export const DEFAULT_K = 5;
export const SENSITIVE_K = 10;

export interface DisclosureOptions {
  /** Minimum publishable count; cells in 1..k−1 are suppressed. Default 5, or 10 when sensitive. */
  k?: number;
  /** Victim demographics or a sensitive category (sexual violence, minors, LGBTI defenders). */
  sensitive?: boolean;
}

export interface ProtectedCell {
  value: number | null;
  suppressed: boolean;
  /** Internal only: never publish (see publicCells). */
  reason: SuppressionReason | null;
}

export interface PublicCell {
  value: number | null;
  suppressed: boolean;
}

export interface Protected2D {
  kind: 'table2d';
  k: number;
  rows: string[];
  columns: string[];
  cells: ProtectedCell[][];
  rowTotals: ProtectedCell[];
  columnTotals: ProtectedCell[];
  total: ProtectedCell;
  /** Nothing may be published from this table. */
  withheld: boolean;
  /** Rows or columns where every counted person is in one category (D4), as "row:NAME" / "column:NAME". */
  groupDisclosures: string[];
  /** Attacker bounds of the suppressed cells, for audit logs (internal). */
  bounds: CellBounds[];
}

export interface Protected1D {
  kind: 'table1d';
  k: number;
  categories: string[];
  cells: ProtectedCell[];
  /** Null when the total is not published. */
  total: ProtectedCell | null;
  withheld: boolean;
  groupDisclosures: string[];
  bounds: CellBounds[];
}

export function resolveK(options: DisclosureOptions = {}): number {
  const k = options.k ?? (options.sensitive ? SENSITIVE_K : DEFAULT_K);
  if (!Number.isInteger(k) || k < 2) {
    throw new AppError('bad_input', { issues: [{ path: ['k'], key: 'disclosure:errors.bad_k', values: { value: String(k) } }] });
  }
  return k;
}

function checkCount(v: unknown, path: (string | number)[], issues: FieldIssue[]): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    issues.push({ path, key: 'disclosure:errors.bad_count', values: { value: String(v) } });
  }
}

function cell(value: number, reason: SuppressionReason | null, withheld: boolean): ProtectedCell {
  const suppressed = withheld ? value !== 0 || reason !== null : reason !== null;
  return { value: suppressed ? null : value, suppressed, reason: withheld && suppressed && reason === null ? 'secondary' : reason };
}

export interface Table2D {
  rows: string[];
  columns: string[];
  /** cells[r][c], whole non-negative counts. Margins are computed here, never taken from the caller. */
  cells: number[][];
}

/** Values of the extended table (interior, row totals, column totals, grand total) in structure2D order. */
export function extend2D(t: Table2D): number[] {
  const R = t.rows.length;
  const C = t.columns.length;
  const v: number[] = [];
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) v.push(t.cells[r]![c]!);
  for (let r = 0; r < R; r++) v.push(t.cells[r]!.reduce((s, x) => s + x, 0));
  for (let c = 0; c < C; c++) v.push(t.cells.reduce((s, row) => s + row[c]!, 0));
  v.push(v.slice(0, R * C).reduce((s, x) => s + x, 0));
  return v;
}

export function validate2D(t: Table2D): void {
  const issues: FieldIssue[] = [];
  const R = t?.rows?.length ?? 0;
  const C = t?.columns?.length ?? 0;
  if (!R || !C) issues.push({ path: [R ? 'columns' : 'rows'], key: 'disclosure:errors.empty' });
  if (!Array.isArray(t?.cells) || t.cells.length !== R) {
    issues.push({ path: ['cells'], key: 'disclosure:errors.row_count', values: { expected: R, actual: t?.cells?.length ?? 0 } });
  } else {
    t.cells.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== C) {
        issues.push({ path: ['cells', r], key: 'disclosure:errors.column_count', values: { expected: C, actual: row?.length ?? 0 } });
      } else row.forEach((v, c) => checkCount(v, ['cells', r, c], issues));
    });
  }
  if (issues.length) throw new AppError('bad_input', { issues });
}

/** D4: a row or column whose whole (non-zero) total sits in a single category. */
function groupDisclosures2D(t: Table2D): string[] {
  const out: string[] = [];
  t.rows.forEach((name, r) => {
    const nz = t.cells[r]!.filter((x) => x > 0);
    if (nz.length === 1 && t.columns.length > 1) out.push(`row:${name}`);
  });
  t.columns.forEach((name, c) => {
    const nz = t.cells.map((row) => row[c]!).filter((x) => x > 0);
    if (nz.length === 1 && t.rows.length > 1) out.push(`column:${name}`);
  });
  return out;
}

/**
 * Protects a 2-D table with its row, column and grand totals (all published unless suppressed).
 * `forced` lists extended-table cell indices to suppress whatever their value (used by the release register).
 */
export function protectTable2D(t: Table2D, options: DisclosureOptions = {}, forced: readonly number[] = []): Protected2D {
  validate2D(t);
  const k = resolveK(options);
  const R = t.rows.length;
  const C = t.columns.length;
  const values = extend2D(t);
  const res = suppressCells(values, structure2D(R, C), k, forced);
  const cells = values.map((v, i) => cell(v, res.reason[i]!, res.withheld));
  return {
    kind: 'table2d',
    k,
    rows: [...t.rows],
    columns: [...t.columns],
    cells: Array.from({ length: R }, (_, r) => cells.slice(r * C, (r + 1) * C)),
    rowTotals: cells.slice(R * C, R * C + R),
    columnTotals: cells.slice(R * C + R, R * C + R + C),
    total: cells[cells.length - 1]!,
    withheld: res.withheld,
    groupDisclosures: groupDisclosures2D(t),
    bounds: res.bounds,
  };
}

export interface Table1D {
  categories: string[];
  counts: number[];
}

export interface Options1D extends DisclosureOptions {
  /** Whether the total is (or could be) published beside the table; default true, the safe choice. */
  totalPublished?: boolean;
}

export function protectTable1D(t: Table1D, options: Options1D = {}, forced: readonly number[] = []): Protected1D {
  const issues: FieldIssue[] = [];
  if (!Array.isArray(t?.counts) || !Array.isArray(t?.categories) || t.counts.length !== t.categories.length) {
    issues.push({ path: ['counts'], key: 'disclosure:errors.length_mismatch', values: { expected: t?.categories?.length ?? 0, actual: t?.counts?.length ?? 0 } });
  } else t.counts.forEach((v, i) => checkCount(v, ['counts', i], issues));
  if (issues.length) throw new AppError('bad_input', { issues });
  const k = resolveK(options);
  const totalPublished = options.totalPublished ?? true;
  const n = t.counts.length;
  const values = totalPublished ? [...t.counts, t.counts.reduce((s, x) => s + x, 0)] : [...t.counts];
  const structure: LinearTable = structure1D(n, totalPublished);
  const res = suppressCells(values, structure, k, forced);
  const cells = values.map((v, i) => cell(v, res.reason[i]!, res.withheld));
  const nz = t.counts.filter((x) => x > 0).length;
  return {
    kind: 'table1d',
    k,
    categories: [...t.categories],
    cells: cells.slice(0, n),
    total: totalPublished ? cells[n]! : null,
    withheld: res.withheld,
    groupDisclosures: nz === 1 && n > 1 ? ['all'] : [],
    bounds: res.bounds,
  };
}

export interface ProtectedSeriesPoint {
  period: string;
  count: number | null;
  suppressed: boolean;
}

/**
 * A time series is a 1-D table over periods. Its total is assumed published (or derivable from
 * another release) unless the caller says otherwise.
 */
export function protectSeries(
  series: readonly { period: string; count: number }[],
  options: Options1D = {},
): { points: ProtectedSeriesPoint[]; total: number | null; withheld: boolean; k: number } {
  const p = protectTable1D({ categories: series.map((s) => s.period), counts: series.map((s) => s.count) }, options);
  return {
    points: p.cells.map((c, i) => ({ period: series[i]!.period, count: c.value, suppressed: c.suppressed })),
    total: p.total?.value ?? null,
    withheld: p.withheld,
    k: p.k,
  };
}

/** Strips the internal reasons so that complementary suppressions look exactly like primary ones. */
export function publicCells<T extends ProtectedCell | null>(cells: readonly T[]): PublicCell[] {
  return cells.map((c) => ({ value: c?.value ?? null, suppressed: c?.suppressed ?? true }));
}

/** The published vector of a protected table, in its LinearTable order (null = suppressed). */
export function publishedVector(p: Protected1D | Protected2D): (number | null)[] {
  if (p.kind === 'table1d') return [...p.cells, ...(p.total ? [p.total] : [])].map((c) => c.value);
  return [...p.cells.flat(), ...p.rowTotals, ...p.columnTotals, p.total].map((c) => c.value);
}

export function structureOf(p: Protected1D | Protected2D): LinearTable {
  return p.kind === 'table1d' ? structure1D(p.cells.length, p.total !== null) : structure2D(p.rows.length, p.columns.length);
}
