/**
 * A small dense simplex (two phases, Bland's rule) for the disclosure auditor: the bounds an
 * attacker can put on a suppressed cell are the minimum and maximum of that cell over all
 * non-negative tables consistent with what was published (the "attacker problem", Hundepool et al.
 * 2012 §5.3). Tables with margins give totally unimodular constraints, so these LP bounds are integral
 * and equal the integer bounds. Problems here have at most a few hundred variables.
 */

const EPS = 1e-9;

/** A tableau in canonical form for `A y = b, y ≥ 0`, after phase one (feasible basis, no redundant rows). */
export interface FeasibleTableau {
  rows: number;
  cols: number;
  /** rows × (cols + 1), last column = right-hand side. */
  t: Float64Array;
  basis: Int32Array;
}

function pivot(t: Float64Array, rows: number, width: number, r: number, c: number): void {
  const pr = r * width;
  const inv = 1 / t[pr + c]!;
  for (let j = 0; j < width; j++) t[pr + j]! *= inv;
  t[pr + c] = 1;
  for (let i = 0; i < rows; i++) {
    if (i === r) continue;
    const row = i * width;
    const f = t[row + c]!;
    if (f === 0) continue;
    for (let j = 0; j < width; j++) t[row + j]! -= f * t[pr + j]!;
    t[row + c] = 0;
  }
}

/** Maximises c·y from a feasible basis. Returns the optimum, or +Infinity when unbounded. */
function simplex(t: Float64Array, rows: number, cols: number, basis: Int32Array, c: ArrayLike<number>, allowed: number): number {
  const width = cols + 1;
  for (let iter = 0; iter < 100_000; iter++) {
    let enter = -1;
    for (let j = 0; j < allowed; j++) {
      let z = 0;
      for (let i = 0; i < rows; i++) z += c[basis[i]!]! * t[i * width + j]!;
      if (c[j]! - z > EPS) {
        enter = j; // Bland: the first improving column, so degenerate pivots cannot cycle
        break;
      }
    }
    if (enter < 0) {
      let v = 0;
      for (let i = 0; i < rows; i++) v += c[basis[i]!]! * t[i * width + cols]!;
      return v;
    }
    let leave = -1;
    let best = Infinity;
    for (let i = 0; i < rows; i++) {
      const a = t[i * width + enter]!;
      if (a > EPS) {
        const ratio = t[i * width + cols]! / a;
        if (ratio < best - EPS || (Math.abs(ratio - best) <= EPS && basis[i]! < basis[leave]!)) {
          best = ratio;
          leave = i;
        }
      }
    }
    if (leave < 0) return Infinity;
    pivot(t, rows, width, leave, enter);
    basis[leave] = enter;
  }
  throw new Error('simplex: iteration limit');
}

/** Phase one for `A y = b, y ≥ 0`; undefined when infeasible. */
export function feasibleTableau(a: readonly (readonly number[])[], b: readonly number[], cols: number): FeasibleTableau | undefined {
  const m = a.length;
  const width = cols + m + 1;
  const t = new Float64Array(m * width);
  const basis = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const s = b[i]! < 0 ? -1 : 1;
    for (let j = 0; j < cols; j++) t[i * width + j] = s * (a[i]![j] ?? 0);
    t[i * width + cols + i] = 1;
    t[i * width + width - 1] = s * b[i]!;
    basis[i] = cols + i;
  }
  const c1 = new Float64Array(cols + m);
  for (let i = 0; i < m; i++) c1[cols + i] = -1;
  const v = simplex(t, m, cols + m, basis, c1, cols + m);
  if (v < -1e-7) return undefined;
  // Drive artificial variables out of the basis; a row where that is impossible is redundant.
  const keep: number[] = [];
  for (let i = 0; i < m; i++) {
    if (basis[i]! >= cols) {
      let j = 0;
      while (j < cols && Math.abs(t[i * width + j]!) <= EPS) j++;
      if (j === cols) continue;
      pivot(t, m, width, i, j);
      basis[i] = j;
    }
    keep.push(i);
  }
  const out = new Float64Array(keep.length * (cols + 1));
  const outBasis = new Int32Array(keep.length);
  keep.forEach((i, r) => {
    for (let j = 0; j < cols; j++) out[r * (cols + 1) + j] = t[i * width + j]!;
    out[r * (cols + 1) + cols] = t[i * width + width - 1]!;
    outBasis[r] = basis[i]!;
  });
  return { rows: keep.length, cols, t: out, basis: outBasis };
}

/** max c·y over the feasible set of the tableau (which is left untouched). */
export function maximise(f: FeasibleTableau, c: ArrayLike<number>): number {
  return simplex(Float64Array.from(f.t), f.rows, f.cols, Int32Array.from(f.basis), c, f.cols);
}
