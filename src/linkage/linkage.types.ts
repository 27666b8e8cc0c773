/** What a linkage run returns and takes besides the config: the shapes shared by the engine and its callers. */
import type { LinkMode } from './blocking.pairs.js';
import type { LinkConfig } from './link-config.schema.js';

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
  /** Pairs compared to estimate u (random pairs, or every pair when there were few). */
  uSampledPairs: number;
  /** Per comparison: u from value frequencies (exact), every pair, a random sample, or fixed by the config. */
  uMethod: Record<string, 'frequencies' | 'all-pairs' | 'sample' | 'fixed'>;
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
