/**
 * Primary and complementary (secondary) cell suppression on a LinearTable (see docs/methods/disclosure.md).
 *
 * 1. Primary: every cell (interior or total) with a count in 1..k−1, plus cells the caller forces.
 * 2. Line rule, to a fixed point: a line (row or column with its total) holding exactly one
 *    suppressed cell gets a second one, the smallest non-zero published cell in it (interior cells
 *    before totals).
 * 3. Audit: the exact attacker bounds (auditor LP). A suppressed cell pinned to one value, or a
 *    primary cell whose upper bound stays below k, gets one more complementary suppression in one of
 *    its lines (the smallest candidate), and we go back to step 2.
 * Zeros are published and never used as complements: they hide nobody and carry no protection.
 */
import { auditPublished, isDisclosive, type CellBounds } from './suppression-audit.sdc.js';
import { linesByCell, type LinearTable } from './linear-table.sdc.js';

export type SuppressionReason = 'primary' | 'secondary' | 'forced';

export interface SuppressionResult {
  reason: (SuppressionReason | null)[];
  /** Attacker bounds of every suppressed cell in the final pattern. */
  bounds: CellBounds[];
  /** True when no pattern could protect the table: publish nothing from it. */
  withheld: boolean;
  iterations: number;
}

export function isPrimary(value: number, k: number): boolean {
  return value >= 1 && value < k;
}

export function suppressCells(
  values: readonly number[],
  structure: LinearTable,
  k: number,
  forced: readonly number[] = [],
): SuppressionResult {
  const reason: (SuppressionReason | null)[] = values.map((v) => (isPrimary(v, k) ? 'primary' : null));
  for (const f of forced) if (reason[f] === null && values[f]! > 0) reason[f] = 'forced';
  const byCell = linesByCell(structure);
  const isSup = (i: number): boolean => reason[i] !== null;
  const published = (): (number | null)[] => values.map((v, i) => (isSup(i) ? null : v));

  // Smallest non-zero published cell among `cells`, interior before totals, then by index.
  const pick = (cells: Iterable<number>): number | undefined => {
    let best: number | undefined;
    for (const c of cells) {
      if (isSup(c) || values[c]! <= 0) continue;
      if (
        best === undefined ||
        Number(structure.isTotal[c]) < Number(structure.isTotal[best]) ||
        (structure.isTotal[c] === structure.isTotal[best] && (values[c]! < values[best]! || (values[c] === values[best] && c < best)))
      ) {
        best = c;
      }
    }
    return best;
  };

  let iterations = 0;
  for (;;) {
    iterations++;
    let changed = true;
    while (changed) {
      changed = false;
      for (const line of structure.lines) {
        if (line.cells.filter(isSup).length !== 1) continue;
        const c = pick(line.cells);
        if (c !== undefined) {
          reason[c] = 'secondary';
          changed = true;
        }
      }
    }
    const bounds = auditPublished(structure, published());
    if (!bounds) return { reason, bounds: [], withheld: true, iterations };
    const failing = bounds.filter((b) => isDisclosive(b, k, reason[b.cell] === 'primary' || reason[b.cell] === 'forced'));
    if (failing.length === 0) return { reason, bounds, withheld: false, iterations };
    let added = false;
    const touched = new Set<number>();
    for (const f of failing) {
      // Cells that share a line with a complement added in this pass wait for the next audit:
      // one complement often protects several cells, and adding one each would over-suppress.
      if (byCell[f.cell]!.some((li) => touched.has(li))) continue;
      // A cell in one of the failing cell's lines; failing that, one in the lines of its neighbours.
      let c = pick(byCell[f.cell]!.flatMap((li) => structure.lines[li]!.cells));
      if (c === undefined) {
        const near = byCell[f.cell]!.flatMap((li) => structure.lines[li]!.cells).flatMap((n) => byCell[n]!);
        c = pick(near.flatMap((li) => structure.lines[li]!.cells));
      }
      if (c === undefined) c = pick(values.keys());
      if (c !== undefined) {
        reason[c] = 'secondary';
        for (const li of byCell[c]!) touched.add(li);
        added = true;
      }
    }
    if (!added) return { reason, bounds, withheld: true, iterations };
  }
}
