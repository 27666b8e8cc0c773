/**
 * The attacker's view of a published table: for each suppressed cell, the smallest and largest
 * value it can take in any table that agrees with everything published. The attacker is assumed to
 * know the structure (which totals add up to what) and that suppressed cells are at least 1, since
 * zeros are always published. Used by the protector to check its own output and by the tests
 * and the release register as an independent judge.
 */
import { feasibleTableau, maximise } from './linear-program.sdc.js';
import { linesByCell, type LinearTable } from './linear-table.sdc.js';

export interface CellBounds {
  cell: number;
  lower: number;
  /** Infinity when nothing published bounds the cell. */
  upper: number;
}

/** Smallest value a suppressed cell is known to have (zeros are published, so 1). */
export const SUPPRESSED_MINIMUM = 1;

function roundBound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) < 1e-6 ? r : x;
}

/**
 * Bounds of every suppressed cell (published[i] === null), computed per connected group of
 * suppressed cells that share a line, one phase-one solve per group and two optimisations per cell.
 * Returns undefined when the publication is inconsistent (no table fits it), which only happens for
 * hand-made inputs.
 */
export function auditPublished(structure: LinearTable, published: readonly (number | null)[]): CellBounds[] | undefined {
  const suppressed: number[] = [];
  for (let i = 0; i < structure.size; i++) if (published[i] === null || published[i] === undefined) suppressed.push(i);
  if (suppressed.length === 0) return [];
  const byCell = linesByCell(structure);

  // Union–find of suppressed cells that share a line.
  const parent = new Map<number, number>(suppressed.map((c) => [c, c]));
  const find = (x: number): number => {
    let r = x;
    while (parent.get(r)! !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const l of structure.lines) {
    const s = l.cells.filter((c) => parent.has(c));
    for (let i = 1; i < s.length; i++) parent.set(find(s[i]!), find(s[0]!));
  }
  const groups = new Map<number, number[]>();
  for (const c of suppressed) {
    const r = find(c);
    if (!groups.has(r)) groups.set(r, []);
    groups.get(r)!.push(c);
  }

  const out: CellBounds[] = [];
  for (const cells of groups.values()) {
    const col = new Map(cells.map((c, j) => [c, j]));
    const lineIds = [...new Set(cells.flatMap((c) => byCell[c]!))];
    const a: number[][] = [];
    const b: number[] = [];
    for (const li of lineIds) {
      const line = structure.lines[li]!;
      const row = new Array<number>(cells.length).fill(0);
      let rhs = 0;
      line.cells.forEach((c, k) => {
        const sign = line.signs[k]!;
        const j = col.get(c);
        if (j === undefined) rhs -= sign * (published[c] as number);
        else {
          row[j] = sign;
          rhs -= sign * SUPPRESSED_MINIMUM; // x = y + 1 with y ≥ 0
        }
      });
      a.push(row);
      b.push(rhs);
    }
    const f = feasibleTableau(a, b, cells.length);
    if (!f) return undefined;
    const c = new Float64Array(cells.length);
    cells.forEach((cell, j) => {
      c.fill(0);
      c[j] = 1;
      const hi = maximise(f, c);
      c[j] = -1;
      const lo = -maximise(f, c);
      out.push({ cell, lower: roundBound(lo + SUPPRESSED_MINIMUM), upper: hi === Infinity ? Infinity : roundBound(hi + SUPPRESSED_MINIMUM) });
    });
  }
  return out.sort((x, y) => x.cell - y.cell);
}

/** True when the attacker's interval would tell that a cell holds 1..k−1 people (or pins it exactly). */
export function isDisclosive(bounds: CellBounds, k: number, primary: boolean): boolean {
  if (bounds.upper - bounds.lower < 0.5) return true;
  return primary && bounds.upper < k;
}
