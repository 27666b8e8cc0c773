/** Comparison patterns of the candidate pairs, and patterns counted for EM. */
import type { PatternCounts } from './em.estimate.js';

/**
 * The comparison pattern of each candidate pair, in the order the pairs are generated: 2 bytes a
 * pair when the patterns fit (4 otherwise). The pairs themselves are not kept: scoring generates
 * them again in the same order (cheap beside comparing them), which at a million records saves
 * 8 bytes on each of 17 million pairs. Sized from the rules' counts (an upper bound known before
 * generating), so it never grows.
 */
export class PatternBuffer {
  code: Uint16Array | Uint32Array;
  length = 0;
  constructor(capacity: number, patterns: number) {
    const n = Math.max(16, capacity);
    this.code = patterns <= 0x10000 ? new Uint16Array(n) : new Uint32Array(n);
  }
  push(code: number): void {
    if (this.length === this.code.length) {
      const grown = this.code instanceof Uint16Array ? new Uint16Array(this.length * 2) : new Uint32Array(this.length * 2);
      grown.set(this.code);
      this.code = grown;
    }
    this.code[this.length++] = code;
  }
  /** Frees the column (the closures of a run keep the buffer itself reachable). */
  release(): void {
    this.code = new Uint16Array(0);
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
