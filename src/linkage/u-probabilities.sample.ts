/** u-probabilities from random pairs of records. */
import type { LinkMode } from './blocking.pairs.js';
import type { Comparison } from './comparisons.levels.js';

/** mulberry32: small, fast, seedable; Math.random cannot be seeded. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function allPairsCount(source: Int32Array, sourceCount: number, mode: LinkMode): number {
  const n = source.length;
  if (mode === 'dedupe') return (n * (n - 1)) / 2;
  const per = new Float64Array(sourceCount);
  for (const s of source) per[s]!++;
  let sq = 0;
  for (const c of per) sq += c * c;
  return (n * n - sq) / 2;
}

/** u per level from random pairs (nearly all non-matches), with add-one smoothing over non-null levels. */
export function estimateU(
  comparisons: readonly Comparison[],
  levels: readonly number[],
  source: Int32Array,
  mode: LinkMode,
  samples: number,
  seed: number,
  progress?: (done: number, total: number) => void,
): number[][] {
  const n = source.length;
  const counts = levels.map((L) => new Float64Array(L));
  const rand = seededRandom(seed);
  let drawn = 0;
  let tries = 0;
  while (drawn < samples && tries < samples * 20) {
    tries++;
    const i = Math.floor(rand() * n);
    const j = Math.floor(rand() * n);
    if (i === j || (mode === 'link' && source[i] === source[j])) continue;
    drawn++;
    for (let c = 0; c < comparisons.length; c++) counts[c]![comparisons[c]!.level(i, j)]!++;
    if (progress && drawn % 65536 === 0) progress(drawn, samples);
  }
  return counts.map((cnt) => {
    let nonNull = 0;
    for (let l = 1; l < cnt.length; l++) nonNull += cnt[l]!;
    const out = [1];
    for (let l = 1; l < cnt.length; l++) out.push((cnt[l]! + 1) / (nonNull + cnt.length - 1));
    return out;
  });
}
