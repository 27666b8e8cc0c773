import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../../shared/errors.js';
import { structure2D } from './linear-table.sdc.js';
import { auditPublished } from './suppression-audit.sdc.js';
import {
  extend2D,
  protectSeries,
  protectTable1D,
  protectTable2D,
  publicCells,
  publishedVector,
  structureOf,
  type Protected2D,
} from './table-protection.sdc.js';

/** Counts like real tables: many zeros and small cells, some large ones. */
const count = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 5, max: 60 }));
const table = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
  .chain(([R, C]) => fc.array(fc.array(count, { minLength: C, maxLength: C }), { minLength: R, maxLength: R }))
  .map((cells) => ({ rows: cells.map((_, i) => `r${i}`), columns: cells[0]!.map((_, i) => `c${i}`), cells }));
const kArb = fc.constantFrom(3, 5, 10);

/**
 * Independent check (graph theory, no LP): in a table with margins, a suppressed cell can be
 * recomputed exactly iff it is a bridge of the bipartite graph whose vertices are the lines of the
 * extended (R+1)×(C+1) table and whose edges are the suppressed cells.
 */
function bridges(p: Protected2D): number[] {
  const R = p.rows.length;
  const C = p.columns.length;
  const edges: [number, number, number][] = [];
  const add = (r: number, c: number, sup: boolean, id: number): void => {
    if (sup) edges.push([r, R + 1 + c, id]);
  };
  let id = 0;
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) add(r, c, p.cells[r]![c]!.suppressed, id++);
  for (let r = 0; r < R; r++) add(r, C, p.rowTotals[r]!.suppressed, id++);
  for (let c = 0; c < C; c++) add(R, c, p.columnTotals[c]!.suppressed, id++);
  add(R, C, p.total.suppressed, id++);
  const V = R + 1 + C + 1;
  const adj: [number, number][][] = Array.from({ length: V }, () => []);
  for (const [a, b, e] of edges) {
    adj[a]!.push([b, e]);
    adj[b]!.push([a, e]);
  }
  const disc = new Array<number>(V).fill(-1);
  const low = new Array<number>(V).fill(0);
  const out: number[] = [];
  let time = 0;
  const dfs = (u: number, viaEdge: number): void => {
    disc[u] = low[u] = time++;
    for (const [w, e] of adj[u]!) {
      if (e === viaEdge) continue;
      if (disc[w] === -1) {
        dfs(w, e);
        low[u] = Math.min(low[u]!, low[w]!);
        if (low[w]! > disc[u]!) out.push(e);
      } else low[u] = Math.min(low[u]!, disc[w]!);
    }
  };
  for (let v = 0; v < V; v++) if (disc[v] === -1) dfs(v, -1);
  return out;
}

function suppressedSet(p: Protected2D): number[] {
  return publishedVector(p)
    .map((v, i) => (v === null ? i : -1))
    .filter((i) => i >= 0);
}

describe('2-D tables with margins', () => {
  it('protects a small worked example', () => {
    const p = protectTable2D({ rows: ['a', 'b'], columns: ['x', 'y', 'z'], cells: [[3, 12, 20], [10, 14, 30]] });
    // 3 is primary; its row and column each need a second suppressed cell: 12 (row) and 10 (column),
    // and 14 closes the rectangle.
    expect(p.cells.map((r) => r.map((c) => c.value))).toEqual([
      [null, null, 20],
      [null, null, 30],
    ]);
    expect(p.cells[0]![0]!.reason).toBe('primary');
    expect(p.rowTotals.map((c) => c.value)).toEqual([35, 54]);
    expect(p.total.value).toBe(89);
    expect(publicCells(p.cells.flat())[0]).toEqual({ value: null, suppressed: true });
  });

  it('suppresses small margins too, and flags group attribute disclosure (D4)', () => {
    const p = protectTable2D({ rows: ['a', 'b'], columns: ['x', 'y'], cells: [[0, 3], [9, 20]] });
    expect(p.rowTotals[0]!.suppressed).toBe(true);
    expect(p.groupDisclosures).toContain('row:a');
    for (const v of publishedVector(p)) expect(v === null || v === 0 || v >= 5).toBe(true);
  });

  it('a sensitive table uses k = 10', () => {
    const p = protectTable2D({ rows: ['a'], columns: ['x', 'y'], cells: [[7, 30]] }, { sensitive: true });
    expect(p.k).toBe(10);
    expect(p.cells[0]![0]!.suppressed).toBe(true);
  });

  it('S24 properties: no small published count, no recoverable cell, margins consistent, idempotent', () => {
    fc.assert(
      fc.property(table, kArb, (t, k) => {
        const p = protectTable2D(t, { k });
        const orig = extend2D(t);
        const pub = publishedVector(p);
        pub.forEach((v, i) => {
          if (v !== null) {
            expect(v === 0 || v >= k, `published ${v} with k=${k}`).toBe(true);
            expect(v).toBe(orig[i]); // what is shown is the true count, margins included
          } else expect(orig[i]).toBeGreaterThan(0); // zeros are never hidden
        });
        if (p.withheld) return;
        expect(bridges(p)).toEqual([]);
        const bounds = auditPublished(structureOf(p), pub)!;
        for (const b of bounds) {
          expect(b.upper - b.lower).toBeGreaterThan(0);
          expect(b.lower).toBeLessThanOrEqual(orig[b.cell]!);
          expect(b.upper).toBeGreaterThanOrEqual(orig[b.cell]!);
          if (orig[b.cell]! < k) expect(b.upper).toBeGreaterThanOrEqual(k);
        }
        const again = protectTable2D(t, { k }, suppressedSet(p));
        expect(suppressedSet(again)).toEqual(suppressedSet(p));
      }),
      { numRuns: 250 },
    );
  });

  it('the bridge check itself catches a lone or chained suppression', () => {
    const p = protectTable2D({ rows: ['a', 'b'], columns: ['x', 'y'], cells: [[10, 12], [14, 30]] });
    expect(bridges(p)).toEqual([]);
    p.cells[0]![0] = { value: null, suppressed: true, reason: 'primary' };
    expect(bridges(p)).toEqual([0]);
    p.cells[0]![1] = { value: null, suppressed: true, reason: 'secondary' };
    p.cells[1]![0] = { value: null, suppressed: true, reason: 'secondary' };
    expect(bridges(p).sort()).toEqual([0, 1, 2]);
  });

  it('two suppressed rectangles joined by one cell: two per line is not enough, the audit fixes it', () => {
    const cells = [
      [2, 3, 4, 40, 50],
      [3, 2, 60, 45, 55],
      [70, 80, 2, 3, 65],
      [75, 85, 3, 2, 90],
    ];
    const t = { rows: ['a', 'b', 'c', 'd'], columns: ['v', 'w', 'x', 'y', 'z'], cells };
    // The primary pattern alone has at least two suppressed cells in every line, yet (a, x) = 4 is pinned.
    const pattern: (number | null)[] = extend2D(t);
    for (const [r, c] of [[0, 0], [0, 1], [1, 0], [1, 1], [2, 2], [2, 3], [3, 2], [3, 3], [0, 2]] as const) pattern[r * 5 + c] = null;
    expect(auditPublished(structure2D(4, 5), pattern)!.find((b) => b.cell === 2)).toEqual({ cell: 2, lower: 4, upper: 4 });
    const p = protectTable2D(t);
    expect(bridges(p)).toEqual([]);
    for (const b of auditPublished(structureOf(p), publishedVector(p))!) {
      expect(b.upper).toBeGreaterThan(b.lower);
      if (extend2D(t)[b.cell]! < 5) expect(b.upper).toBeGreaterThanOrEqual(5);
    }
  });

  it('rejects malformed tables naming the cell', () => {
    try {
      protectTable2D({ rows: ['a', 'b'], columns: ['x'], cells: [[1], [-2]] });
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).issues[0]).toMatchObject({ path: ['cells', 1, 0], key: 'disclosure:errors.bad_count' });
    }
    expect(() => protectTable2D({ rows: ['a'], columns: ['x'], cells: [[1]] }, { k: 1 })).toThrowError(AppError);
  });
});

describe('1-D tables and time series', () => {
  it('a single small cell gets a complement when the total is published, not otherwise', () => {
    const t = { categories: ['a', 'b', 'c', 'd'], counts: [2, 40, 9, 0] };
    const withTotal = protectTable1D(t);
    expect(withTotal.cells.map((c) => c.value)).toEqual([null, 40, null, 0]);
    expect(withTotal.total!.value).toBe(51);
    const without = protectTable1D(t, { totalPublished: false });
    expect(without.cells.map((c) => c.value)).toEqual([null, 40, 9, 0]);
    expect(without.total).toBeNull();
  });

  it('the complement is large enough to hide the small cell', () => {
    // 2 and 3 are both small: suppressing only them would show their sum (5) and each is ≤ 4.
    const p = protectTable1D({ categories: ['a', 'b', 'c'], counts: [2, 3, 50] });
    expect(p.withheld).toBe(false);
    const b = auditPublished(structureOf(p), publishedVector(p))!;
    for (const x of b) if (x.cell < 2) expect(x.upper).toBeGreaterThanOrEqual(5);
  });

  it('a table whose total is small publishes only its zeros', () => {
    const p = protectTable1D({ categories: ['a', 'b', 'c'], counts: [1, 0, 2] });
    expect(p.cells.map((c) => c.value)).toEqual([null, 0, null]);
    expect(p.total!.value).toBeNull();
  });

  it('time series: no published month in 1..k−1, every hidden month undeterminable', () => {
    fc.assert(
      fc.property(fc.array(count, { minLength: 1, maxLength: 36 }), kArb, (counts, k) => {
        const series = counts.map((c, i) => ({ period: `2020-${String((i % 12) + 1).padStart(2, '0')}`, count: c }));
        const p = protectSeries(series, { k });
        for (const pt of p.points) if (pt.count !== null) expect(pt.count === 0 || pt.count >= k).toBe(true);
        const prot = protectTable1D({ categories: series.map((s) => s.period), counts }, { k });
        for (const b of auditPublished(structureOf(prot), publishedVector(prot))!) {
          expect(b.upper).toBeGreaterThan(b.lower);
          if (counts[b.cell] !== undefined && counts[b.cell]! < k) expect(b.upper).toBeGreaterThanOrEqual(k);
        }
      }),
      { numRuns: 200 },
    );
  });
});
