/**
 * The Fellegi–Sunter engine: blocking -> comparison vectors -> u from random pairs -> m by EM in
 * one session per blocking rule -> λ over all pairs -> match weights and probabilities -> the
 * precision and recall the model expects at the threshold -> clusters. Input is plain records, so
 * the same engine serves a CSV file and the coalition's shared acts read from the database.
 */
import { AppError } from '../shared/errors.js';
import {
  forEachCandidatePair,
  newKeyCache,
  planBlocking,
  sourceIndex,
  type BlockingRule,
  type KeyCache,
  type LinkMode,
} from './blocking.pairs.js';
import { clusterLinks, type Edge } from './clusters.graph.js';
import { buildComparisons, comparisonColumns, type Comparison, type LinkRecord } from './comparisons.levels.js';
import { estimateGlobalLambda, initialM, runEm, type EmRole, type PatternCounts } from './em.estimate.js';
import { linkConfigSchema, type LinkConfig, type LinkConfigInput } from './link-config.schema.js';

export type LinkPhase = 'sampling' | 'comparing' | 'training' | 'scoring' | 'clustering';

export interface LinkWarning {
  key: string;
  values: Record<string, string | number>;
}

export interface ComparisonModel {
  name: string;
  type: string;
  labels: string[];
  /** Per level, index 0 (null) included with value 1 so that its weight is 0. */
  m: number[];
  u: number[];
  weights: number[];
}

export interface SessionReport {
  rule: string;
  pairs: number;
  iterations: number;
  converged: boolean;
  /** Comparisons left out of this session because the rule blocks on their columns. */
  off: string[];
}

export interface LinkModel {
  version: 1;
  mode: LinkMode;
  /** λ: probability that two records drawn at random match. */
  lambda: number;
  priorWeight: number;
  comparisons: ComparisonModel[];
  sessions: SessionReport[];
  uSampledPairs: number;
}

export interface RuleReport {
  name: string;
  /** Pairs the rule produces on its own (known before generating any). */
  pairs: number;
  /** Pairs it adds to those of the rules before it. */
  newPairs: number;
}

export interface ScoredPairs {
  left: Int32Array;
  right: Int32Array;
  weight: Float64Array;
  probability: Float64Array;
  length: number;
}

export interface ThresholdEstimate {
  threshold: number;
  pairsAbove: number;
  /** Σ P(match) over pairs above the threshold, over pairs above, and over all candidates. */
  expectedTruePositives: number;
  expectedMatchesInCandidates: number;
  precision: number;
  recall: number;
}

export interface PairExplanation {
  priorWeight: number;
  comparisons: { name: string; level: string; m: number; u: number; weight: number; tfAdjustment: number }[];
  weight: number;
  probability: number;
}

export interface LinkResult {
  config: LinkConfig;
  mode: LinkMode;
  rules: RuleReport[];
  candidatePairs: number;
  model: LinkModel;
  /** Candidate pairs at or above `outputFloor`, indices into the input records. */
  pairs: ScoredPairs;
  estimate: ThresholdEstimate;
  clusterOf: Int32Array;
  clusterCount: number;
  cutLinks: number;
  warnings: LinkWarning[];
  /** Milliseconds spent in each phase: wall clock, and CPU time of the process (user + system). */
  timings: Record<'prepare' | LinkPhase, number>;
  cpuTimings: Record<'prepare' | LinkPhase, number>;
  explain(i: number, j: number): PairExplanation;
}

export interface LinkOptions {
  /** Defaults to 'link' when the records come from two or more sources, else 'dedupe'. */
  mode?: LinkMode;
  /** The columns the input has; defaults to every field name seen on the first record of each source. */
  columns?: Iterable<string>;
  onProgress?: (phase: LinkPhase, done: number, total: number) => void;
}

/** Parses a config (already JSON-decoded); zod's messages name each bad field. */
export function parseLinkConfig(input: unknown): LinkConfig {
  const r = linkConfigSchema.safeParse(input);
  if (r.success) return r.data;
  throw new AppError('validation', {
    issues: r.error.issues.map((i) => ({
      path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      key: 'linkage:config_issue',
      message: i.message,
    })),
  });
}

function inputColumns(records: readonly LinkRecord[]): Set<string> {
  const seen = new Set<string>();
  const out = new Set<string>();
  for (const r of records) {
    if (seen.has(r.source)) continue;
    seen.add(r.source);
    for (const k of Object.keys(r.fields)) out.add(k);
  }
  return out;
}

/** Checks the columns and counts the candidate pairs of each rule without generating any. */
export function planLinkage(
  records: readonly LinkRecord[],
  configInput: LinkConfigInput | LinkConfig,
  options: LinkOptions = {},
): { config: LinkConfig; mode: LinkMode; plan: BlockingRule[]; trainingPlan?: BlockingRule[] } {
  const config = parseLinkConfig(configInput);
  const columns = options.columns ? new Set(options.columns) : inputColumns(records);
  const issues: AppError['issues'] = [];
  config.comparisons.forEach((c, idx) => {
    for (const col of comparisonColumns(c)) {
      if (!columns.has(col)) {
        issues.push({ path: ['comparisons', idx, c.name], key: 'linkage:missing_column', values: { column: col } });
      }
    }
    const levels = comparisonLevels(c);
    for (const which of ['m', 'u'] as const) {
      const fixed = c[which];
      if (fixed && fixed.length !== levels - 1) {
        issues.push({
          path: ['comparisons', idx, which],
          key: 'linkage:fixed_levels',
          values: { expected: levels - 1, got: fixed.length },
        });
      }
    }
  });
  if (issues.length) throw new AppError('bad_input', { issues });
  const sources = new Set(records.map((r) => r.source)).size;
  const mode = options.mode ?? (sources >= 2 ? 'link' : 'dedupe');
  const cache: KeyCache = newKeyCache();
  const plan = planBlocking(records, config.blocking, { mode, maxPairs: config.maxPairs, columns, cache });
  if (!config.training) return { config, mode, plan };
  const trainingPlan = planBlocking(records, config.training, {
    mode,
    maxPairs: config.maxPairs,
    columns,
    path: 'training',
    cache,
  });
  return { config, mode, plan, trainingPlan };
}

/** Number of levels (null included) a comparison config yields; matches comparisons.levels.ts. */
export function comparisonLevels(c: LinkConfig['comparisons'][number]): number {
  switch (c.type) {
    case 'exact':
      return 3;
    case 'string':
      return 3 + c.thresholds.length;
    case 'name':
      return 5 + c.thresholds.length;
    case 'date':
      return 4 + c.withinDays.length;
    case 'subdivision':
    case 'category':
      return 4;
  }
}

/**
 * Columns of candidate pairs, 12 bytes a pair. Sized from the rules' counts (an upper bound known
 * before generating), so they never grow: growing by doubling held two copies at once and up to twice
 * the room needed.
 */
class PairBuffer {
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

function allPairsCount(source: Int32Array, sourceCount: number, mode: LinkMode): number {
  const n = source.length;
  if (mode === 'dedupe') return (n * (n - 1)) / 2;
  const per = new Float64Array(sourceCount);
  for (const s of source) per[s]!++;
  let sq = 0;
  for (const c of per) sq += c * c;
  return (n * n - sq) / 2;
}

/** u per level from random pairs (nearly all non-matches), with add-one smoothing over non-null levels. */
function estimateU(
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

function toPatternCounts(map: Map<number, number>, levels: readonly number[]): PatternCounts {
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

const log2 = Math.log2;

export function runLinkage(
  records: readonly LinkRecord[],
  configInput: LinkConfigInput | LinkConfig,
  options: LinkOptions = {},
): LinkResult {
  let clock = performance.now();
  let cpuClock = process.cpuUsage();
  const timings: LinkResult['timings'] = { prepare: 0, sampling: 0, comparing: 0, training: 0, scoring: 0, clustering: 0 };
  const cpuTimings: LinkResult['cpuTimings'] = { ...timings };
  const lap = (phase: keyof LinkResult['timings']): void => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    timings[phase] += now - clock;
    cpuTimings[phase] += (cpu.user - cpuClock.user + cpu.system - cpuClock.system) / 1000;
    clock = now;
    cpuClock = cpu;
  };
  const { config, mode, plan, trainingPlan } = planLinkage(records, configInput, options);
  const progress = options.onProgress;
  const warnings: LinkWarning[] = [];
  const comparisons = buildComparisons(config.comparisons, records);
  const levels = comparisons.map((c) => c.labels.length);
  const strides: number[] = [];
  let space = 1;
  for (const L of levels) {
    strides.push(space);
    space *= L;
  }
  if (space > 2 ** 32) throw new AppError('bad_input', { issues: [{ path: ['comparisons'], key: 'linkage:too_many_levels', values: {} }] });
  const { of: source, names: sourceNames } = sourceIndex(records);
  const allPairs = allPairsCount(source, sourceNames.length, mode);
  lap('prepare');

  // u: fixed by the config, else from random pairs.
  const needU = config.comparisons.some((c) => !c.u);
  const samples = Math.min(config.uSamplePairs, Math.floor(allPairs));
  const sampledU = needU
    ? estimateU(comparisons, levels, source, mode, samples, config.seed, (d, t) => progress?.('sampling', d, t))
    : [];
  const u = config.comparisons.map((c, k) => (c.u ? [1, ...c.u] : sampledU[k]!));
  lap('sampling');

  // Candidate pairs and their comparison patterns; pattern counts per rule mask for the EM sessions.
  const R = plan.length;
  const upperBound = plan.reduce((s, r) => s + r.pairs, 0);
  const buffer = new PairBuffer(upperBound);
  const byMask = new Map<number, number>();
  const newPairs = new Array<number>(R).fill(0);
  const C = comparisons.length;
  forEachCandidatePair(
    records,
    plan,
    mode,
    (i, j, rule, mask) => {
      let code = 0;
      for (let c = 0; c < C; c++) code += comparisons[c]!.level(i, j) * strides[c]!;
      buffer.push(i, j, code);
      newPairs[rule]!++;
      const key = code * 2 ** R + mask;
      byMask.set(key, (byMask.get(key) ?? 0) + 1);
    },
    progress ? (seen) => progress('comparing', seen, upperBound) : undefined,
  );
  const candidatePairs = buffer.length;
  lap('comparing');

  // m: one EM session per training rule, leaving out comparisons on the rule's columns, then averaged.
  // Without separate training rules the sessions reuse the candidate pairs (rule masks); with them,
  // each session generates the pairs of its own rule.
  const union = new Map<number, number>();
  for (const [key, n] of byMask) {
    const code = Math.floor(key / 2 ** R);
    union.set(code, (union.get(code) ?? 0) + n);
  }
  let sessionMaps: Map<number, number>[];
  let trainingRules: BlockingRule[];
  if (trainingPlan) {
    trainingRules = trainingPlan;
    const rand = seededRandom(config.seed + 1);
    sessionMaps = trainingPlan.map((rule) => {
      const counts = new Map<number, number>();
      const rate = Math.min(1, config.trainingMaxPairs / Math.max(1, rule.pairs));
      forEachCandidatePair(records, [rule], mode, (i, j) => {
        if (rate < 1 && rand() >= rate) return;
        let code = 0;
        for (let c = 0; c < C; c++) code += comparisons[c]!.level(i, j) * strides[c]!;
        counts.set(code, (counts.get(code) ?? 0) + 1);
      });
      return counts;
    });
  } else {
    trainingRules = plan;
    sessionMaps = plan.map(() => new Map<number, number>());
    for (const [key, n] of byMask) {
      const mask = key % 2 ** R;
      const code = Math.floor(key / 2 ** R);
      for (let r = 0; r < R; r++) if (mask & (1 << r)) sessionMaps[r]!.set(code, (sessionMaps[r]!.get(code) ?? 0) + n);
    }
  }
  const startM = config.comparisons.map((c, k) => (c.m ? [1, ...c.m] : initialM(levels[k]!)));
  const sums = levels.map((L) => new Float64Array(L));
  const sessionsFree = new Array<number>(C).fill(0);
  const sessions: SessionReport[] = [];
  progress?.('training', 0, trainingRules.length);
  trainingRules.forEach((rule, r) => {
    const roles: EmRole[] = config.comparisons.map((c, k) =>
      comparisons[k]!.columns.some((col) => rule.columns.includes(col)) ? 'off' : c.m ? 'known' : 'free',
    );
    const data = toPatternCounts(sessionMaps[r]!, levels);
    const pairs = data.counts.reduce((s, x) => s + x, 0);
    const res = runEm(data, {
      m: startM,
      u,
      lambda: 0.3,
      roles,
      maxIterations: config.em.maxIterations,
      tolerance: config.em.tolerance,
    });
    sessions.push({
      rule: rule.name,
      pairs,
      iterations: res.iterations,
      converged: res.converged,
      off: comparisons.filter((_, k) => roles[k] === 'off').map((c) => c.name),
    });
    if (!res.converged) {
      warnings.push({ key: 'linkage:warn_em_not_converged', values: { rule: rule.name, iterations: res.iterations } });
    }
    if (pairs === 0) return;
    roles.forEach((role, k) => {
      if (role !== 'free') return;
      sessionsFree[k]!++;
      res.m[k]!.forEach((v, l) => (sums[k]![l]! += v));
    });
    progress?.('training', r + 1, trainingRules.length);
  });
  let m = config.comparisons.map((c, k) => {
    if (c.m) return [1, ...c.m];
    if (sessionsFree[k]! > 0) return [1, ...Array.from(sums[k]!).slice(1).map((v) => v / sessionsFree[k]!)];
    return startM[k]!;
  });
  const neverFree = config.comparisons.map((c, k) => !c.m && sessionsFree[k] === 0);
  const unionData = toPatternCounts(union, levels);
  if (neverFree.some(Boolean)) {
    // Every rule blocks on these columns: learn them on the union of candidates instead (biased
    // upwards: matches that disagree on them are only those other rules let through).
    const res = runEm(unionData, {
      m,
      u,
      lambda: 0.3,
      roles: neverFree.map((f) => (f ? 'free' : 'known')),
      maxIterations: config.em.maxIterations,
      tolerance: config.em.tolerance,
    });
    m = m.map((row, k) => (neverFree[k] ? res.m[k]! : row));
    for (const k of neverFree.flatMap((f, i) => (f ? [i] : []))) {
      warnings.push({ key: 'linkage:warn_m_from_union', values: { comparison: comparisons[k]!.name } });
    }
  }

  // λ over all pairs.
  let lambda = config.prior;
  if (lambda === undefined) {
    const g = estimateGlobalLambda(unionData, m, u, Math.max(allPairs, 1), {
      start: Math.max(1e-9, Math.min(0.5, (candidatePairs * 0.1) / Math.max(allPairs, 1))),
      maxIterations: config.em.maxIterations,
      tolerance: config.em.tolerance,
    });
    lambda = g.lambda;
    if (!g.converged) warnings.push({ key: 'linkage:warn_lambda_not_converged', values: { iterations: g.iterations } });
  }
  lap('training');
  const priorWeight = log2(lambda / (1 - lambda));
  const weights = m.map((row, k) => row.map((mv, l) => (l === 0 ? 0 : log2(mv / u[k]![l]!))));
  const model: LinkModel = {
    version: 1,
    mode,
    lambda,
    priorWeight,
    comparisons: comparisons.map((c, k) => ({
      name: c.name,
      type: c.type,
      labels: c.labels,
      m: m[k]!,
      u: u[k]!,
      weights: weights[k]!,
    })),
    sessions,
    uSampledPairs: needU ? samples : 0,
  };

  // Scores: pattern weight (cached per pattern) + term-frequency adjustments on exact agreement.
  const patternWeight = new Map<number, number>();
  const tfComparisons = comparisons.flatMap((c, k) => (c.tfAdjustment ? [k] : []));
  const scoreOf = (i: number, j: number, code: number): number => {
    let w = patternWeight.get(code);
    if (w === undefined) {
      w = priorWeight;
      let rest = code;
      for (let c = 0; c < C; c++) {
        w += weights[c]![rest % levels[c]!]!;
        rest = Math.floor(rest / levels[c]!);
      }
      patternWeight.set(code, w);
    }
    for (const k of tfComparisons) {
      const level = Math.floor(code / strides[k]!) % levels[k]!;
      if (level > 0) w += comparisons[k]!.tfAdjustment!(i, j, level);
    }
    return w;
  };
  const keep: number[] = [];
  const keptWeight: number[] = [];
  let expectedAll = 0;
  let expectedAbove = 0;
  let above = 0;
  const edges: Edge[] = [];
  for (let p = 0; p < candidatePairs; p++) {
    const i = buffer.left[p]!;
    const j = buffer.right[p]!;
    const w = scoreOf(i, j, buffer.code[p]!);
    const prob = 1 / (1 + Math.pow(2, -w));
    expectedAll += prob;
    if (prob >= config.threshold) {
      above++;
      expectedAbove += prob;
      edges.push({ a: i, b: j, weight: w });
    }
    if (prob >= config.outputFloor) {
      keep.push(p);
      keptWeight.push(w);
    }
    if (progress && (p & 0xfffff) === 0) progress('scoring', p, candidatePairs);
  }
  const pairs: ScoredPairs = {
    left: new Int32Array(keep.length),
    right: new Int32Array(keep.length),
    weight: Float64Array.from(keptWeight),
    probability: Float64Array.from(keptWeight, (w) => 1 / (1 + Math.pow(2, -w))),
    length: keep.length,
  };
  keep.forEach((p, k) => {
    pairs.left[k] = buffer.left[p]!;
    pairs.right[k] = buffer.right[p]!;
  });
  buffer.release();

  lap('scoring');
  progress?.('clustering', 0, 1);
  const clusters = clusterLinks(records.length, edges, { minDensity: config.cluster.minDensity });
  progress?.('clustering', 1, 1);
  lap('clustering');

  const explain = (i: number, j: number): PairExplanation => {
    let w = priorWeight;
    const parts = comparisons.map((c, k) => {
      const level = c.level(i, j);
      const tfAdjustment = c.tfAdjustment ? c.tfAdjustment(i, j, level) : 0;
      const weight = weights[k]![level]!;
      w += weight + tfAdjustment;
      return { name: c.name, level: c.labels[level]!, m: m[k]![level]!, u: u[k]![level]!, weight, tfAdjustment };
    });
    return { priorWeight, comparisons: parts, weight: w, probability: 1 / (1 + Math.pow(2, -w)) };
  };

  return {
    config,
    mode,
    rules: plan.map((r, k) => ({ name: r.name, pairs: r.pairs, newPairs: newPairs[k]! })),
    candidatePairs,
    model,
    pairs,
    estimate: {
      threshold: config.threshold,
      pairsAbove: above,
      expectedTruePositives: expectedAbove,
      expectedMatchesInCandidates: expectedAll,
      precision: above ? expectedAbove / above : 1,
      recall: expectedAll ? expectedAbove / expectedAll : 1,
    },
    clusterOf: clusters.clusterOf,
    clusterCount: clusters.clusterCount,
    cutLinks: clusters.cut.length,
    warnings,
    timings,
    cpuTimings,
    explain,
  };
}
