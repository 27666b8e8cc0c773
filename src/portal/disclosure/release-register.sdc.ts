/**
 * Release register check (SECURITY.md D3): a new table must not, together with an earlier release
 * of the same table (same categories), reveal a small group by differencing. For every cell the
 * attacker has an interval in each release (the published value, or the auditor's bounds for a
 * suppressed cell); the difference new − old then lies in [lo_new − hi_old, hi_new − lo_old]. If that
 * interval sits inside 1..k−1 (or −(k−1)..−1, a small group removed) the pair discloses. The fix
 * suppresses the offending cells of the new table (and, when they already are suppressed, a
 * complement beside them) and protects again; if that cannot succeed the release is refused.
 */
import { AppError } from '../../shared/errors.js';
import { linesByCell } from './linear-table.sdc.js';
import { auditPublished } from './suppression-audit.sdc.js';
import {
  protectTable1D,
  protectTable2D,
  publishedVector,
  resolveK,
  structureOf,
  type DisclosureOptions,
  type Options1D,
  type Protected1D,
  type Protected2D,
  type Table1D,
  type Table2D,
} from './table-protection.sdc.js';

/** What the register keeps of a release: its identity and the published table (nulls included). */
export interface RegisteredRelease {
  id: string;
  table: Protected1D | Protected2D;
}

export interface DifferencingConflict {
  releaseId: string;
  /** Cell index in the table's LinearTable order (interior, then totals). */
  cell: number;
  difference: [number, number];
}

function intervals(p: Protected1D | Protected2D): [number, number][] {
  const pub = publishedVector(p);
  const out: [number, number][] = pub.map((v) => (v === null ? [1, Infinity] : [v, v]));
  const bounds = auditPublished(structureOf(p), pub);
  for (const b of bounds ?? []) out[b.cell] = [b.lower, b.upper];
  return out;
}

function sameShape(a: Protected1D | Protected2D, b: Protected1D | Protected2D): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'table1d' && b.kind === 'table1d') {
    return a.categories.join('\u0000') === b.categories.join('\u0000') && (a.total === null) === (b.total === null);
  }
  if (a.kind === 'table2d' && b.kind === 'table2d') {
    return a.rows.join('\u0000') === b.rows.join('\u0000') && a.columns.join('\u0000') === b.columns.join('\u0000');
  }
  return false;
}

/** Every cell where the new table, differenced with an earlier release, pins a small group. */
export function findDifferencingConflicts(
  next: Protected1D | Protected2D,
  register: readonly RegisteredRelease[],
  k = next.k,
): DifferencingConflict[] {
  const now = intervals(next);
  const out: DifferencingConflict[] = [];
  register.forEach((rel, ri) => {
    if (!sameShape(next, rel.table)) {
      throw new AppError('bad_input', {
        issues: [{ path: ['register', ri], key: 'disclosure:errors.register_shape', values: { id: rel.id } }],
      });
    }
    const before = intervals(rel.table);
    now.forEach(([lo, hi], i) => {
      const [plo, phi] = before[i]!;
      const d: [number, number] = [lo - phi, hi - plo];
      const small = (d[0] >= 1 && d[1] <= k - 1) || (d[1] <= -1 && d[0] >= -(k - 1));
      if (small) out.push({ releaseId: rel.id, cell: i, difference: d });
    });
  });
  return out;
}

export interface RegisterOutcome<T> {
  status: 'ok' | 'refused';
  table: T;
  conflicts: DifferencingConflict[];
}

function protectAgainstRegister<T extends Protected1D | Protected2D>(
  protect: (forced: number[]) => T,
  register: readonly RegisteredRelease[],
): RegisterOutcome<T> {
  const forced = new Set<number>();
  let table = protect([]);
  for (let round = 0; round < 50; round++) {
    if (table.withheld) return { status: 'refused', table, conflicts: [] };
    const conflicts = findDifferencingConflicts(table, register);
    if (conflicts.length === 0) return { status: 'ok', table, conflicts };
    const pub = publishedVector(table);
    const structure = structureOf(table);
    const byCell = linesByCell(structure);
    const size = forced.size;
    for (const c of conflicts) {
      if (pub[c.cell] !== null) forced.add(c.cell);
      else {
        // Already suppressed but still too narrow: widen with the largest published neighbour.
        const neighbours = byCell[c.cell]!.flatMap((li) => structure.lines[li]!.cells).filter((n) => pub[n] !== null && pub[n]! > 0);
        neighbours.sort((a, b) => pub[b]! - pub[a]! || a - b);
        if (neighbours[0] !== undefined) forced.add(neighbours[0]);
      }
    }
    if (forced.size === size) return { status: 'refused', table, conflicts };
    table = protect([...forced]);
  }
  return { status: 'refused', table, conflicts: findDifferencingConflicts(table, register) };
}

/** Protects a 2-D table so that it is safe alone and against every earlier release in the register. */
export function protectTable2DWithRegister(
  t: Table2D,
  register: readonly RegisteredRelease[],
  options: DisclosureOptions = {},
): RegisterOutcome<Protected2D> {
  resolveK(options);
  return protectAgainstRegister((forced) => protectTable2D(t, options, forced), register);
}

export function protectTable1DWithRegister(
  t: Table1D,
  register: readonly RegisteredRelease[],
  options: Options1D = {},
): RegisterOutcome<Protected1D> {
  resolveK(options);
  return protectAgainstRegister((forced) => protectTable1D(t, options, forced), register);
}
