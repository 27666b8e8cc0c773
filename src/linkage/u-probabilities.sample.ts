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

function sourceCount(source: Int32Array): number {
  let max = 0;
  for (const s of source) if (s > max) max = s;
  return max + 1;
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

/** How u was obtained for each comparison, and how many pairs the random sample had. */
export interface UEstimate {
  u: number[][];
  /** 'frequencies': exact from value frequencies; 'all-pairs': every pair compared; 'sample': random pairs. */
  method: ('frequencies' | 'all-pairs' | 'sample' | 'fixed')[];
  pairs: number;
}

/** Sampling stops once every non-null level of the sampled comparisons has been seen this often. */
export const U_MIN_LEVEL_COUNT = 50;
/** …but never before this many pairs (or all of them). */
export const U_MIN_PAIRS = 100_000;
/**
 * …and, when a level stays rare (an exact name agreement between two different people can be one
 * pair in 100,000), no longer than this many pairs per record: the sample is sized to the data rather
 * than to the cap. A level seen c times has u known to a factor of about 1 ± 1/√c, i.e. its weight to
 * about ±1.44/√c bits, small beside the 10–17 bits such rare agreements carry.
 */
export const U_PAIRS_PER_RECORD = 20;
const BATCH = 25_000;

/** Unordered pairs of different values among `distinct`. */
function distinctPairs(distinct: number): number {
  return (distinct * (distinct - 1)) / 2;
}

/**
 * u per level for the comparisons in `need`. Comparisons whose level depends only on the values
 * get u exactly from value frequencies: exact, category and subdivision always; string, name and
 * date when their distinct values have no more pairs than `maxSamples` (each pair of values is then
 * compared once, weighted by how many pairs of records it stands for). The others are compared on
 * every pair when there are no more pairs than `maxSamples`, else on random pairs (nearly all
 * non-matches) drawn in batches until every level has been seen U_MIN_LEVEL_COUNT times, or
 * U_PAIRS_PER_RECORD pairs per record were drawn (at least U_MIN_PAIRS), or `maxSamples` pairs were
 * drawn; add-one smoothing over non-null levels.
 */
export function estimateU(
  comparisons: readonly Comparison[],
  levels: readonly number[],
  need: readonly boolean[],
  source: Int32Array,
  mode: LinkMode,
  maxSamples: number,
  seed: number,
  progress?: (done: number, total: number) => void,
): UEstimate {
  const n = source.length;
  const u: number[][] = levels.map(() => [1]);
  const method: UEstimate['method'] = levels.map(() => 'fixed');
  const sampled: number[] = [];
  comparisons.forEach((c, k) => {
    if (!need[k]) return;
    if (c.values && (!c.values.pairLevel || distinctPairs(c.values.distinct) <= maxSamples)) {
      u[k] = uFromFrequencies(c.values, levels[k]!, source, mode);
      method[k] = 'frequencies';
    } else sampled.push(k);
  });
  if (sampled.length === 0) return { u, method, pairs: 0 };
  const counts = levels.map((L) => new Float64Array(L));
  const count = (i: number, j: number): void => {
    for (const c of sampled) counts[c]![comparisons[c]!.level(i, j)]!++;
  };
  const all = allPairsCount(source, sourceCount(source), mode);
  let drawn = 0;
  if (all <= maxSamples) {
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        if (mode === 'link' && source[i] === source[j]) continue;
        count(i, j);
        drawn++;
      }
    for (const c of sampled) method[c] = 'all-pairs';
  } else {
    const rand = seededRandom(seed);
    const sized = Math.max(U_MIN_PAIRS, U_PAIRS_PER_RECORD * n);
    const enough = (): boolean =>
      drawn >= U_MIN_PAIRS && (drawn >= sized || sampled.every((c) => counts[c]!.every((v, l) => l === 0 || v >= U_MIN_LEVEL_COUNT)));
    let tries = 0;
    while (drawn < maxSamples && tries < maxSamples * 20) {
      tries++;
      const i = Math.floor(rand() * n);
      const j = Math.floor(rand() * n);
      if (i === j || (mode === 'link' && source[i] === source[j])) continue;
      count(i, j);
      drawn++;
      if (drawn % BATCH === 0) {
        progress?.(drawn, maxSamples);
        if (enough()) break;
      }
    }
    for (const c of sampled) method[c] = 'sample';
  }
  for (const c of sampled) {
    const cnt = counts[c]!;
    let nonNull = 0;
    for (let l = 1; l < cnt.length; l++) nonNull += cnt[l]!;
    for (let l = 1; l < cnt.length; l++) u[c]!.push((cnt[l]! + 1) / (nonNull + cnt.length - 1));
  }
  return { u, method, pairs: drawn };
}

/**
 * Exact u of a value-only comparison: the share of non-null pairs (of different sources, when
 * linking) at each level, from the count of each value per source. Half a pair
 * is added to every level so that a level no pair reaches keeps a finite weight.
 */
function uFromFrequencies(
  v: NonNullable<Comparison['values']>,
  L: number,
  source: Int32Array,
  mode: LinkMode,
): number[] {
  const S = mode === 'link' ? sourceCount(source) : 1;
  const per = new Float64Array(v.distinct * S);
  const total = new Float64Array(v.distinct);
  const perSource = new Float64Array(S);
  v.ids.forEach((id, i) => {
    if (id < 0) return;
    const s = mode === 'link' ? source[i]! : 0;
    per[id * S + s]!++;
    total[id]!++;
    perSource[s]!++;
  });
  // Pairs between the records of two count vectors x, y (per source), unordered, across sources
  // when linking: x·y summed over different sources; within one vector, halve.
  const across = (a: number, b: number): number => {
    let same = 0;
    if (mode === 'link') for (let s = 0; s < S; s++) same += per[a * S + s]! * per[b * S + s]!;
    else same = a === b ? total[a]! : 0;
    const pairs = total[a]! * total[b]! - same;
    return a === b ? pairs / 2 : pairs;
  };
  let m = 0;
  let sq = 0;
  for (const c of perSource) {
    m += c;
    sq += mode === 'link' ? c * c : c;
  }
  const nonNull = (m * m - sq) / 2;
  let exact = 0;
  for (let a = 0; a < v.distinct; a++) exact += across(a, a);
  if (v.pairLevel) {
    // Every pair of different values, at the level the comparison gives it.
    const byLevel = new Float64Array(L);
    byLevel[1] = exact;
    for (let a = 0; a < v.distinct; a++)
      for (let b = a + 1; b < v.distinct; b++) {
        const pairs = across(a, b);
        if (pairs > 0) byLevel[v.pairLevel(a, b)]! += pairs;
      }
    const denom = nonNull + 0.5 * (L - 1);
    return [1, ...Array.from(byLevel.subarray(1), (x) => (x + 0.5) / denom)];
  }
  let related = 0;
  if (v.related) {
    const seen = new Set<number>();
    for (const key of v.related) {
      const a = Math.floor(key / v.distinct);
      const b = key % v.distinct;
      const canonical = Math.min(a, b) * v.distinct + Math.max(a, b);
      if (a === b || seen.has(canonical)) continue;
      seen.add(canonical);
      related += across(a, b);
    }
  }
  const byLevel = L === 3 ? [exact, nonNull - exact] : [exact, related, nonNull - exact - related];
  const denom = nonNull + 0.5 * byLevel.length;
  return [1, ...byLevel.map((x) => (x + 0.5) / denom)];
}
