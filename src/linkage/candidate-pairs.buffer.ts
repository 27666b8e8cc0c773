/** Candidate pairs as columns, and comparison patterns counted for EM. */
import type { PatternCounts } from './em.estimate.js';

/**
 * Columns of candidate pairs, 12 bytes a pair. Sized from the rules' counts (an upper bound known
 * before generating), so they never grow: growing by doubling held two copies at once and up to twice
 * the room needed.
 */
export class PairBuffer {
  left: Int32Array;
  right: Int32Array;
  code: Uint32Array;
  length = 0;
  constructor(capacity: number) {
    const n = Math.max(16, capacity);
    this.left = new Int32Array(n);
    this.right = new Int32Array(n);
    this.code = new Uint32Array(n);
  }
  push(i: number, j: number, code: number): void {
    if (this.length === this.left.length) {
      const cap = this.left.length * 2;
      const grow = <T extends Int32Array | Uint32Array>(a: T, make: (n: number) => T): T => {
        const b = make(cap);
        b.set(a);
        return b;
      };
      this.left = grow(this.left, (n) => new Int32Array(n));
      this.right = grow(this.right, (n) => new Int32Array(n));
      this.code = grow(this.code, (n) => new Uint32Array(n));
    }
    this.left[this.length] = i;
    this.right[this.length] = j;
    this.code[this.length] = code;
    this.length++;
  }
  /** Frees the columns (the closures of a run keep the buffer itself reachable). */
  release(): void {
    this.left = new Int32Array(0);
    this.right = new Int32Array(0);
    this.code = new Uint32Array(0);
    this.length = 0;
  }
}

export function toPatternCounts(map: Map<number, number>, levels: readonly number[]): PatternCounts {
  const C = levels.length;
  const patterns = new Int32Array(map.size * C);
  const counts = new Float64Array(map.size);
  let p = 0;
  for (const [code, n] of map) {
    let rest = code;
    for (let c = 0; c < C; c++) {
      patterns[p * C + c] = rest % levels[c]!;
      rest = Math.floor(rest / levels[c]!);
    }
    counts[p] = n;
    p++;
  }
  return { levels, patterns, counts };
}
