import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { feasibleTableau, maximise } from './linear-program.sdc.js';
import { structure1D, structure2D } from './linear-table.sdc.js';
import { auditPublished } from './suppression-audit.sdc.js';
import { extend2D } from './table-protection.sdc.js';

/** Brute force: every integer filling (≥ 1) of the suppressed interior cells that matches the published margins. */
function bruteBounds(cells: number[][], hidden: [number, number][]): Map<string, [number, number]> {
  const R = cells.length;
  const C = cells[0]!.length;
  const rowLeft = cells.map((row, r) => row.reduce((s, x, c) => s + (hidden.some(([a, b]) => a === r && b === c) ? x : 0), 0));
  const colLeft = Array.from({ length: C }, (_, c) => cells.reduce((s, row, r) => s + (hidden.some(([a, b]) => a === r && b === c) ? row[c]! : 0), 0));
  const out = new Map<string, [number, number]>();
  const val: number[] = [];
  const go = (i: number): void => {
    if (i === hidden.length) {
      if (rowLeft.every((x) => x === 0) && colLeft.every((x) => x === 0)) {
        hidden.forEach(([r, c], j) => {
          const key = `${r},${c}`;
          const cur = out.get(key);
          out.set(key, cur ? [Math.min(cur[0], val[j]!), Math.max(cur[1], val[j]!)] : [val[j]!, val[j]!]);
        });
      }
      return;
    }
    const [r, c] = hidden[i]!;
    for (let v = 1; v <= Math.min(rowLeft[r]!, colLeft[c]!); v++) {
      rowLeft[r]! -= v;
      colLeft[c]! -= v;
      val[i] = v;
      go(i + 1);
      rowLeft[r]! += v;
      colLeft[c]! += v;
    }
  };
  go(0);
  void R;
  return out;
}

describe('linear programme', () => {
  it('solves a known problem', () => {
    // max y1 + y2 subject to y1 + y2 + s = 4, y1 − y2 = 0 → 4.
    const f = feasibleTableau([[1, 1, 1], [1, -1, 0]], [4, 0], 3)!;
    expect(maximise(f, [1, 1, 0])).toBeCloseTo(4, 12);
    expect(maximise(f, [1, 0, 0])).toBeCloseTo(2, 12);
    expect(-maximise(f, [0, 0, -1])).toBeCloseTo(0, 12);
    expect(feasibleTableau([[1, 1]], [-1], 2)).toBeUndefined();
    expect(maximise(feasibleTableau([[1, -1]], [0], 2)!, [1, 0])).toBe(Infinity);
  });
});

describe('disclosure auditor', () => {
  it('pins a lone suppressed cell from its row total', () => {
    const s = structure1D(3, true);
    expect(auditPublished(s, [null, 7, 8, 18])).toEqual([{ cell: 0, lower: 3, upper: 3 }]);
    expect(auditPublished(s, [null, null, 8, 18])).toEqual([
      { cell: 0, lower: 1, upper: 9 },
      { cell: 1, lower: 1, upper: 9 },
    ]);
    // Without a published total nothing bounds the cells.
    expect(auditPublished(structure1D(3, false), [null, 7, 8])).toEqual([{ cell: 0, lower: 1, upper: Infinity }]);
  });

  it('finds the classic 2×2 rectangle bounds, totals included', () => {
    // 3 7 | 10
    // 8 12| 20   suppress the four interior cells: a ∈ [1, 9]: its row total is 10 and its neighbour is at least 1.
    const t = { rows: ['r1', 'r2'], columns: ['c1', 'c2'], cells: [[3, 7], [8, 12]] };
    const v: (number | null)[] = extend2D(t);
    v[0] = v[1] = v[2] = v[3] = null;
    const b = auditPublished(structure2D(2, 2), v)!;
    expect(b.find((x) => x.cell === 0)).toEqual({ cell: 0, lower: 1, upper: 9 });
    // A suppressed grand total with everything else published is recomputed exactly.
    const w: (number | null)[] = extend2D(t);
    w[w.length - 1] = null;
    expect(auditPublished(structure2D(2, 2), w)).toEqual([{ cell: 8, lower: 30, upper: 30 }]);
  });

  it('agrees with brute-force enumeration on small tables', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 3 }),
        fc.integer({ min: 2, max: 3 }),
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 9, maxLength: 9 }),
        fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }),
        (R, C, flat, mask) => {
          const cells = Array.from({ length: R }, (_, r) => Array.from({ length: C }, (_, c) => flat[r * C + c]!));
          const hidden: [number, number][] = [];
          for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) if (mask[r * C + c] && cells[r]![c]! > 0) hidden.push([r, c]);
          const v: (number | null)[] = extend2D({ rows: cells.map(String), columns: cells[0]!.map(String), cells });
          for (const [r, c] of hidden) v[r * C + c] = null;
          const lp = auditPublished(structure2D(R, C), v)!;
          const brute = bruteBounds(cells, hidden);
          expect(lp).toHaveLength(hidden.length);
          for (const b of lp) {
            const r = Math.floor(b.cell / C);
            const c = b.cell % C;
            expect([b.lower, b.upper]).toEqual(brute.get(`${r},${c}`));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
