/**
 * The shape every protected table is reduced to: a vector of cells (interior cells and the totals
 * that will be published) and "lines", each a list of cells with signs whose signed sum is zero
 * (a row with its row total: Σ x_rj − x_r+ = 0). 1-D tables, time series and 2-D tables with margins
 * are all such structures, so one suppression routine and one auditor serve them all.
 */
export interface LinearTable {
  /** Number of cells, interior and totals. */
  size: number;
  /** Cells that are totals (never preferred as complementary suppressions). */
  isTotal: boolean[];
  lines: { cells: number[]; signs: number[] }[];
}

/** Extended R×C table: interior r*C+c, row totals R*C+r, column totals R*C+R+c, grand total last. */
export function structure2D(rows: number, cols: number): LinearTable {
  const size = rows * cols + rows + cols + 1;
  const rowTotal = (r: number): number => rows * cols + r;
  const colTotal = (c: number): number => rows * cols + rows + c;
  const grand = size - 1;
  const isTotal = Array.from({ length: size }, (_, i) => i >= rows * cols);
  const lines: LinearTable['lines'] = [];
  for (let r = 0; r < rows; r++) {
    lines.push({ cells: [...Array.from({ length: cols }, (_, c) => r * cols + c), rowTotal(r)], signs: [...new Array<number>(cols).fill(1), -1] });
  }
  for (let c = 0; c < cols; c++) {
    lines.push({ cells: [...Array.from({ length: rows }, (_, r) => r * cols + c), colTotal(c)], signs: [...new Array<number>(rows).fill(1), -1] });
  }
  lines.push({ cells: [...Array.from({ length: rows }, (_, r) => rowTotal(r)), grand], signs: [...new Array<number>(rows).fill(1), -1] });
  lines.push({ cells: [...Array.from({ length: cols }, (_, c) => colTotal(c)), grand], signs: [...new Array<number>(cols).fill(1), -1] });
  return { size, isTotal, lines };
}

/** 1-D table of n cells, with its total as cell n when the total is published. */
export function structure1D(n: number, totalPublished: boolean): LinearTable {
  if (!totalPublished) return { size: n, isTotal: new Array<boolean>(n).fill(false), lines: [] };
  return {
    size: n + 1,
    isTotal: Array.from({ length: n + 1 }, (_, i) => i === n),
    lines: [{ cells: Array.from({ length: n + 1 }, (_, i) => i), signs: [...new Array<number>(n).fill(1), -1] }],
  };
}

/** For each cell, the lines through it. */
export function linesByCell(s: LinearTable): number[][] {
  const out: number[][] = Array.from({ length: s.size }, () => []);
  s.lines.forEach((l, li) => {
    for (const c of l.cells) out[c]!.push(li);
  });
  return out;
}
