/**
 * The Fellegi–Sunter engine: blocking -> comparison vectors -> u from random pairs -> m by EM in
 * one session per blocking rule -> λ over all pairs -> match weights and probabilities -> the
 * precision and recall the model expects at the threshold -> clusters. Input is plain records, so
 * the same engine serves a CSV file and the coalition's shared acts read from the database.
 */
import { AppError } from '../shared/errors.js';
import { forEachCandidatePair, forEachSampledPair, sourceIndex, type BlockingRule } from './blocking.pairs.js';
import { clusterLinks, type Edge } from './clusters.graph.js';
import { buildComparisons, type LinkRecord } from './comparisons.levels.js';
import { estimateGlobalLambda, initialM, runEm, type EmRole } from './em.estimate.js';
import type { LinkConfig, LinkConfigInput } from './link-config.schema.js';
import { PatternBuffer, toPatternCounts } from './candidate-pairs.buffer.js';
import { planLinkage } from './linkage.plan.js';
import type { LinkModel, LinkOptions, LinkResult, LinkWarning, PairExplanation, ScoredPairs, SessionReport } from './linkage.types.js';
import { allPairsCount, estimateU, seededRandom } from './u-probabilities.sample.js';

export type * from './linkage.types.js';
export { comparisonLevels, parseLinkConfig, planLinkage } from './linkage.plan.js';
export { seededRandom } from './u-probabilities.sample.js';

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
  const { config, mode, plan, trainingPlan, warnings: planWarnings } = planLinkage(records, configInput, options);
  const progress = options.onProgress;
  const warnings: LinkWarning[] = [...planWarnings];
  const comparisons = buildComparisons(config.comparisons, records, warnings);
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
  const uEstimate = estimateU(
    comparisons,
    levels,
    config.comparisons.map((c) => !c.u),
    source,
    mode,
    config.uSamplePairs,
    config.seed,
    (d, t) => progress?.('sampling', d, t),
  );
  const u = config.comparisons.map((c, k) => (c.u ? [1, ...c.u] : uEstimate.u[k]!));
  lap('sampling');

  // Candidate pairs and their comparison patterns; pattern counts per rule mask for the EM sessions.
  const R = plan.length;
  const upperBound = plan.reduce((s, r) => s + r.pairs, 0);
  const buffer = new PatternBuffer(upperBound, space);
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
      buffer.push(code);
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
      forEachSampledPair(records, rule, mode, rate, rand, (i, j) => {
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
    uSampledPairs: uEstimate.pairs,
    uMethod: Object.fromEntries(comparisons.map((c, k) => [c.name, uEstimate.method[k]!])),
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
  const keepLeft: number[] = [];
  const keepRight: number[] = [];
  const keptWeight: number[] = [];
  let expectedAll = 0;
  let expectedAbove = 0;
  let above = 0;
  const edges: Edge[] = [];
  // The candidate pairs again, in the order their patterns were stored.
  let p = 0;
  forEachCandidatePair(records, plan, mode, (i, j) => {
    const w = scoreOf(i, j, buffer.code[p]!);
    const prob = 1 / (1 + Math.pow(2, -w));
    expectedAll += prob;
    if (prob >= config.threshold) {
      above++;
      expectedAbove += prob;
      edges.push({ a: i, b: j, weight: w });
    }
    if (prob >= config.outputFloor) {
      keepLeft.push(i);
      keepRight.push(j);
      keptWeight.push(w);
    }
    if (progress && (p & 0xfffff) === 0) progress('scoring', p, candidatePairs);
    p++;
  });
  const pairs: ScoredPairs = {
    left: Int32Array.from(keepLeft),
    right: Int32Array.from(keepRight),
    weight: Float64Array.from(keptWeight),
    probability: Float64Array.from(keptWeight, (w) => 1 / (1 + Math.pow(2, -w))),
    length: keptWeight.length,
  };
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
