/**
 * Disclosure control: suppression rates and time to protect realistic count tables.
 * `npm run bench -- disclosure [reps=5] [seed=1]`
 * Tables: counts ~ Poisson(λ) with λ ~ Gamma(shape 0.8, mean m) per cell (many small cells, as in
 * incident tables broken down by state × type), 24 × 30 and 40 × 25 (1,000 cells) two-way tables with
 * margins, and a 1,000-period series with its total. Each protected table is re-checked by the auditor.
 */
import { createRng, type Rng } from '../src/trends/stats/index.js';
import {
  auditPublished,
  protectTable1D,
  protectTable2D,
  publishedVector,
  structureOf,
  type Protected1D,
  type Protected2D,
} from '../src/portal/disclosure/index.js';
import { extend2D } from '../src/portal/disclosure/table-protection.sdc.js';

function cellCount(rng: Rng, mean: number): number {
  return rng.poisson(rng.gamma(0.8) * (mean / 0.8));
}

function stats(p: Protected1D | Protected2D, values: number[]): { primary: number; secondary: number; cells: number; nonzero: number } {
  const cells = p.kind === 'table2d' ? p.cells.flat() : p.cells;
  return {
    cells: cells.length,
    nonzero: values.filter((v) => v > 0).length,
    primary: cells.filter((c) => c.reason === 'primary').length,
    secondary: cells.filter((c) => c.reason === 'secondary').length,
  };
}

export default async function run(args: string[]): Promise<void> {
  const reps = Number(args[0] ?? 5);
  const rng = createRng(Number(args[1] ?? 1));
  console.log('Disclosure control: interior cells suppressed (primary = 1..k−1, secondary = complements), time to protect and to audit');
  console.log(`${'table'.padEnd(26)}${'k'.padStart(4)}${'mean'.padStart(6)}${'primary'.padStart(10)}${'secondary'.padStart(11)}${'lost info'.padStart(11)}${'protect ms'.padStart(12)}${'audit ms'.padStart(10)}${'safe'.padStart(6)}`);
  const shapes: [string, number, number][] = [
    ['2-D 24×30 (720 cells)', 24, 30],
    ['2-D 40×25 (1,000 cells)', 40, 25],
    ['1-D series (1,000)', 1, 1000],
  ];
  for (const [label, R, C] of shapes) {
    for (const k of [5, 10]) {
      for (const mean of [3, 10, 30]) {
        let prim = 0;
        let sec = 0;
        let cells = 0;
        let lostCount = 0;
        let totalCount = 0;
        let tp = 0;
        let ta = 0;
        let safe = true;
        for (let i = 0; i < reps; i++) {
          const grid = Array.from({ length: R }, () => Array.from({ length: C }, () => cellCount(rng, mean)));
          const flat = grid.flat();
          const t0 = performance.now();
          const p =
            R === 1
              ? protectTable1D({ categories: flat.map((_, j) => `p${j}`), counts: flat }, { k })
              : protectTable2D({ rows: grid.map((_, j) => `r${j}`), columns: grid[0]!.map((_, j) => `c${j}`), cells: grid }, { k });
          tp += performance.now() - t0;
          const t1 = performance.now();
          const pub = publishedVector(p);
          const bounds = auditPublished(structureOf(p), pub) ?? [];
          ta += performance.now() - t1;
          const s = stats(p, flat);
          prim += s.primary;
          sec += s.secondary;
          cells += s.cells;
          totalCount += flat.reduce((a, b) => a + b, 0);
          const cellsOut = p.kind === 'table2d' ? p.cells.flat() : p.cells;
          lostCount += flat.filter((_, j) => cellsOut[j]!.suppressed).reduce((a, b) => a + b, 0);
          const full = R === 1 ? [...flat, flat.reduce((a, b) => a + b, 0)] : extend2D({ rows: grid.map(String), columns: grid[0]!.map(String), cells: grid });
          for (const b of bounds) {
            const orig = full[b.cell]!;
            if (b.upper - b.lower < 0.5 || (orig < k && b.upper < k) || orig < b.lower || orig > b.upper) safe = false;
          }
          if (p.withheld) safe = false;
        }
        console.log(
          `${label.padEnd(26)}${String(k).padStart(4)}${String(mean).padStart(6)}${((100 * prim) / cells).toFixed(1).padStart(9)}%${((100 * sec) / cells).toFixed(1).padStart(10)}%${((100 * lostCount) / totalCount).toFixed(1).padStart(10)}%${(tp / reps).toFixed(0).padStart(12)}${(ta / reps).toFixed(0).padStart(10)}${(safe ? 'yes' : 'NO').padStart(6)}`,
        );
      }
    }
  }
  console.log(`\n"lost info" = share of all counted events that sit in suppressed interior cells; means over ${reps} tables each.`);
}
