/**
 * One entry point for estimating how many units no list documented: checks the table, runs the
 * requested methods and collects the warnings a reader must see. The result always carries the
 * documented count (`observed`) beside every estimate, never instead of it.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../shared/errors.js';
import { toolVersion } from '../shared/version.js';
import { assertEstimableTable, listTotals, observedTotal, pairOverlaps, type CaptureTable } from './capture-history.table.js';
import { fitHeterogeneityModels, type HeterogeneityFit } from './heterogeneity.model.js';
import { defaultChainOptions, runLcmcrDefault, validateChainOptions, type ChainOptions } from './lcmcr.chains.js';
import { defaultLcmcrSettings, validateLcmcrSettings, type LcmcrProgress, type LcmcrResult, type LcmcrSettings } from './lcmcr.sampler.js';
import { fitLoglinearModels, profileInterval, type Criterion, type LoglinearResult } from './loglinear.model.js';
import { chapman, lincolnPetersen, type TwoListEstimate } from './two-list.estimator.js';

export type EstimateMethod = 'loglinear' | 'lcmcr' | 'all';

export interface EstimateOptions {
  method?: EstimateMethod;
  criterion?: Criterion;
  level?: number;
  /** How many of the best log-linear models to report. */
  top?: number;
  lcmcr?: Partial<LcmcrSettings>;
  /** Several-chain run (lcmcr.chains.ts); defaults to 4 chains, ESS ≥ 400, R̂ < 1.01, 400,000 iterations a chain. */
  chains?: Partial<ChainOptions>;
}

/** A warning as an i18n key (namespace `estimate`) with its values, so each door renders it in its language. */
export interface EstimateWarning {
  key: string;
  values: Record<string, string | number>;
}

/**
 * What an interval is, since they are not alike: a profile-likelihood interval (log-linear chosen
 * model, two-list independence), a posterior credible interval (LCMCR), the model average's
 * symmetric N̄ ± z·SE, and Chao's log-normal interval (two lists).
 */
export type IntervalKind = 'profile' | 'credible' | 'model-average' | 'log-normal';

export interface MethodSummary {
  method: 'loglinear' | 'loglinear-averaged' | 'lcmcr' | 'lincoln-petersen' | 'chapman';
  observed: number;
  estimate: number;
  /** Standard error of the estimate (LCMCR: posterior standard deviation). */
  stderr: number | null;
  interval: IntervalKind;
  lower: number;
  upper: number;
  /** Another interval for the same estimate (two lists: the profile interval beside the log-normal one). */
  otherIntervals?: { interval: IntervalKind; lower: number; upper: number }[];
  /** Chosen model (log-linear) or a description of the model (LCMCR). */
  model: string | null;
  settings: Record<string, string | number>;
}

/** Which figure to report and why, as i18n keys (namespace `estimate`) with their values. */
export interface Recommendation {
  method: MethodSummary['method'];
  reasons: EstimateWarning[];
}

export interface EstimateReport {
  /** The code that computed it and the table it was computed from (sha256 of {counts, lists} as canonical JSON). */
  toolVersion: string;
  inputHash: string;
  observed: number;
  recommended: Recommendation | null;
  lists: string[];
  listTotals: number[];
  level: number;
  methods: MethodSummary[];
  warnings: EstimateWarning[];
  loglinear?: LoglinearResult;
  lcmcr?: LcmcrResult;
  /** Mh/Mth heterogeneity models (three or more lists, with the log-linear method). */
  heterogeneity?: HeterogeneityFit[];
  twoList?: { lincolnPetersen: TwoListEstimate; chapman: TwoListEstimate; both: number; profile: { lower: number; upper: number } };
}

/** The hash stored with every run: sha256 of the canonical JSON of the table (keys sorted). */
export function tableHash(table: CaptureTable): string {
  return createHash('sha256').update(JSON.stringify({ counts: table.counts, lists: table.lists })).digest('hex');
}

/** Rules behind the stability warnings; documented in docs/methods/estimation.md. */
export const stabilityRules = {
  /** A list documenting fewer units than this gives too little to compare against. */
  minListSize: 10,
  /** Fewer units on two or more lists than this (Robson & Regier 1964: m ≥ 7 for a nearly unbiased Chapman estimate). */
  minRecaptured: 7,
  /** Below this share of the documented units seen by 2+ lists, the estimate rests on a thin overlap. */
  minRecapturedShare: 0.05,
  /** Estimates above this multiple of the documented count are flagged as unstable. */
  maxRatio: 10,
  /** Models within this criterion difference of the best are "close"; if their estimates differ by more than maxSpread, warn. */
  closeDelta: 2,
  maxSpread: 0.2,
  minEss: 100,
  maxGeweke: 2,
} as const;

export function resolveLcmcrSettings(partial: Partial<LcmcrSettings> | undefined, level: number): LcmcrSettings {
  const s = { ...defaultLcmcrSettings, level, ...partial };
  const bad = validateLcmcrSettings(s);
  if (bad.length)
    throw new AppError('bad_input', { issues: bad.map((name) => ({ path: [], key: 'estimate:errors.bad_setting', values: { name, value: String(s[name as keyof LcmcrSettings]) } })) });
  return s;
}

/** Checks and the cheap methods; LCMCR is run by the caller (here or in a worker) and merged by `addLcmcr`. */
export function estimateWithoutLcmcr(table: CaptureTable, options: EstimateOptions = {}): EstimateReport {
  assertEstimableTable(table);
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new AppError('bad_input', { issues: [{ path: [], key: 'estimate:errors.bad_setting', values: { name: 'level', value: String(level) } }] });
  const method = options.method ?? 'loglinear';
  const n = observedTotal(table);
  const totals = listTotals(table);
  const k = table.lists.length;
  const report: EstimateReport = {
    toolVersion,
    inputHash: tableHash(table),
    observed: n,
    recommended: null,
    lists: [...table.lists],
    listTotals: totals,
    level,
    methods: [],
    warnings: [],
  };
  const warn = (key: string, values: Record<string, string | number> = {}): void => void report.warnings.push({ key, values });

  totals.forEach((nj, j) => {
    if (nj < stabilityRules.minListSize) warn('warnings.small_list', { list: table.lists[j]!, count: nj, min: stabilityRules.minListSize });
  });
  let recaptured = 0;
  for (let x = 1; x < table.counts.length; x++) if (x & (x - 1)) recaptured += table.counts[x]!;
  if (recaptured < stabilityRules.minRecaptured || recaptured < stabilityRules.minRecapturedShare * n)
    warn('warnings.low_overlap', { recaptured, n, min: stabilityRules.minRecaptured, share: Math.round(stabilityRules.minRecapturedShare * 100) });

  if (k === 2) {
    const both = table.counts[3]!;
    if (both === 0) throw new AppError('bad_input', { issues: [{ path: [], key: 'estimate:errors.no_overlap', values: { a: table.lists[0]!, b: table.lists[1]! } }] });
    warn('warnings.two_lists');
    if (method !== 'loglinear') warn('warnings.lcmcr_needs_three');
    const lp = lincolnPetersen(totals[0]!, totals[1]!, both, level);
    const ch = chapman(totals[0]!, totals[1]!, both, level);
    // Lincoln–Petersen is the maximum-likelihood estimate of the two-list independence model, so the
    // multinomial profile interval of that model belongs beside its log-normal one.
    const pi = profileInterval(table, [], level, lp.estimate - n);
    const profile = { lower: pi.lower, upper: pi.upper };
    report.twoList = { lincolnPetersen: lp, chapman: ch, both, profile };
    const base = { observed: n, interval: 'log-normal' as const, model: null, settings: { level } };
    report.methods.push(
      { ...base, method: 'chapman', estimate: ch.estimate, stderr: ch.stderr, lower: ch.lower, upper: ch.upper },
      {
        ...base,
        method: 'lincoln-petersen',
        estimate: lp.estimate,
        stderr: lp.stderr,
        lower: lp.lower,
        upper: lp.upper,
        otherIntervals: [{ interval: 'profile', ...profile }],
      },
    );
    for (const m of report.methods) if (m.estimate > stabilityRules.maxRatio * n) warn('warnings.large_ratio', { method: m.method, ratio: Math.round(m.estimate / n) });
    report.recommended = recommend(report);
    return report;
  }

  for (const { i, j, both } of pairOverlaps(table)) if (both === 0) warn('warnings.pair_no_overlap', { a: table.lists[i]!, b: table.lists[j]! });

  if (method === 'loglinear' || method === 'all') {
    const ll = fitLoglinearModels(table, { criterion: options.criterion ?? 'bic', level, top: options.top ?? 5 });
    report.loglinear = ll;
    // Rcapture's heterogeneity models beside the interaction models, for comparison (not selected
    // from: their assumptions differ; docs/methods/estimation.md §4b).
    report.heterogeneity = fitHeterogeneityModels(table);
    if (ll.search === 'stepwise') warn('warnings.stepwise', { k });
    const flagged = ll.modelsFitted - ll.modelsUsable;
    if (flagged > 0) warn('warnings.flagged_models', { count: flagged, total: ll.modelsFitted });
    if (!ll.chosen) {
      warn('warnings.no_usable_model');
    } else {
      const c = ll.chosen;
      report.methods.push({
        method: 'loglinear',
        observed: n,
        estimate: c.estimate,
        stderr: c.stderr,
        interval: 'profile',
        lower: c.lower ?? NaN,
        upper: c.upper ?? NaN,
        model: c.name,
        settings: { criterion: ll.criterion, search: ll.search, level },
      });
      if (ll.averaged)
        report.methods.push({
          method: 'loglinear-averaged',
          observed: n,
          estimate: ll.averaged.estimate,
          stderr: ll.averaged.stderr,
          interval: 'model-average',
          lower: ll.averaged.lower,
          upper: ll.averaged.upper,
          model: null,
          settings: { criterion: ll.criterion, search: ll.search, level },
        });
      if (c.upper === Infinity) warn('warnings.unbounded_interval', { model: c.name });
      const score = (m: { aic: number; bic: number }): number => (ll.criterion === 'bic' ? m.bic : m.aic);
      const close = ll.best.filter((m) => score(m) - score(c) < stabilityRules.closeDelta);
      const lo = Math.min(...close.map((m) => m.estimate));
      const hi = Math.max(...close.map((m) => m.estimate));
      if (close.length > 1 && (hi - lo) / c.estimate > stabilityRules.maxSpread)
        warn('warnings.models_disagree', { count: close.length, low: Math.round(lo), high: Math.round(hi), delta: stabilityRules.closeDelta });
      if (c.estimate > stabilityRules.maxRatio * n) warn('warnings.large_ratio', { method: 'loglinear', ratio: Math.round(c.estimate / n) });
    }
  }
  report.recommended = recommend(report);
  return report;
}

/**
 * Whether an LCMCR run's diagnostics allow its figures to be used: for the default several-chain
 * run, its own rule (pooled ESS and split R̂ met before the cap); for a single chain, ESS and Geweke.
 */
function lcmcrConverged(r: LcmcrResult): boolean {
  if (r.chains && r.chains.count > 1) return r.chains.converged;
  return r.effectiveSampleSize >= stabilityRules.minEss && Math.abs(r.geweke) <= stabilityRules.maxGeweke;
}

/**
 * The figure to report, with the reasons (docs/methods/estimation.md, "Which figure to report"):
 * two lists → Chapman; an LCMCR run whose chain converged → LCMCR, which allows for cases that differ
 * in visibility; otherwise the chosen log-linear model, or the model average when close models
 * disagree (its standard error carries the disagreement).
 */
function recommend(report: EstimateReport): Recommendation | null {
  const has = (m: MethodSummary['method']): boolean => report.methods.some((x) => x.method === m);
  if (has('chapman')) return { method: 'chapman', reasons: [{ key: 'recommend.two_lists', values: {} }] };
  const reasons: EstimateWarning[] = [];
  const lc = report.lcmcr;
  if (lc && lcmcrConverged(lc)) return { method: 'lcmcr', reasons: [{ key: 'recommend.lcmcr', values: { ess: Math.round(lc.effectiveSampleSize) } }] };
  if (lc) reasons.push({ key: 'recommend.lcmcr_not_converged', values: {} });
  const ll = report.loglinear;
  if (!ll?.chosen) return has('lcmcr') ? { method: 'lcmcr', reasons } : null;
  const disagree = report.warnings.find((w) => w.key === 'warnings.models_disagree');
  if (disagree && has('loglinear-averaged')) {
    reasons.push({ key: 'recommend.models_disagree', values: disagree.values });
    return { method: 'loglinear-averaged', reasons };
  }
  reasons.push({ key: 'recommend.clear_choice', values: { delta: stabilityRules.closeDelta, criterion: ll.criterion.toUpperCase() } });
  return { method: 'loglinear', reasons };
}

/** Adds an LCMCR run to a report (from this thread or a worker) with its diagnostics' warnings. */
export function addLcmcr(report: EstimateReport, r: LcmcrResult): EstimateReport {
  report.lcmcr = r;
  const s = r.settings;
  report.methods.push({
    method: 'lcmcr',
    observed: report.observed,
    estimate: r.estimate,
    stderr: standardDeviation(r.trace),
    interval: 'credible',
    lower: r.lower,
    upper: r.upper,
    model: `LCMCR K=${s.K}`,
    settings: {
      K: s.K,
      burnIn: s.burnIn,
      samples: s.samples,
      thinning: s.thinning,
      a: s.a,
      b: s.b,
      seed: s.seed,
      level: s.level,
      ...(r.chains ? { chains: r.chains.count, rhat: r.chains.rhat, iterationsPerChain: r.chains.iterationsPerChain } : {}),
    },
  });
  const c = r.chains;
  if (c && c.count > 1) {
    // Several chains: R̂ and pooled ESS decide; the cap is said in so many words.
    if (c.stoppedAtCap)
      report.warnings.push({
        key: 'warnings.lcmcr_stopped_at_cap',
        values: { iterations: c.iterationsPerChain, ess: Math.round(r.effectiveSampleSize), target: c.targetEss, rhat: c.rhat.toFixed(3), maxRhat: c.maxRhat },
      });
  } else {
    if (r.effectiveSampleSize < stabilityRules.minEss) report.warnings.push({ key: 'warnings.lcmcr_low_ess', values: { ess: Math.round(r.effectiveSampleSize), min: stabilityRules.minEss } });
    if (Math.abs(r.geweke) > stabilityRules.maxGeweke) report.warnings.push({ key: 'warnings.lcmcr_geweke', values: { z: r.geweke.toFixed(2) } });
  }
  if (r.estimate > stabilityRules.maxRatio * report.observed) report.warnings.push({ key: 'warnings.large_ratio', values: { method: 'lcmcr', ratio: Math.round(r.estimate / report.observed) } });
  const ll = report.methods.find((m) => m.method === 'loglinear');
  if (ll && (ll.upper < r.lower || r.upper < ll.lower)) report.warnings.push({ key: 'warnings.methods_disagree', values: {} });
  report.recommended = recommend(report);
  return report;
}

function standardDeviation(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  let mean = 0;
  for (const x of xs) mean += x / xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}

/** Whether the requested method includes LCMCR for this table (never for two lists: not identifiable). */
export function wantsLcmcr(table: CaptureTable, options: EstimateOptions): boolean {
  return table.lists.length >= 3 && (options.method === 'lcmcr' || options.method === 'all');
}

/** Everything in this thread (tests, small tables); the CLI and the server use a worker for long LCMCR runs. */
export function estimatePopulation(table: CaptureTable, options: EstimateOptions = {}, onProgress?: (p: LcmcrProgress) => void): EstimateReport {
  const settings = wantsLcmcr(table, options) ? resolveLcmcrSettings(options.lcmcr, options.level ?? 0.95) : null;
  const chains = settings ? resolveChainOptions(options.chains) : null;
  const report = estimateWithoutLcmcr(table, options);
  if (settings && chains) addLcmcr(report, runLcmcrDefault(table, settings, chains, onProgress));
  return report;
}

/** The several-chain options with defaults, or a bad_input error naming the option. */
export function resolveChainOptions(partial: Partial<ChainOptions> | undefined): ChainOptions {
  const o = { ...defaultChainOptions, ...partial };
  const bad = validateChainOptions(o);
  if (bad.length)
    throw new AppError('bad_input', { issues: bad.map((name) => ({ path: [], key: 'estimate:errors.bad_setting', values: { name, value: String(o[name as keyof ChainOptions]) } })) });
  return o;
}

/**
 * Rough count of elementary operations of the first pass of an LCMCR run (all chains), to decide
 * whether it deserves a worker; a lengthened run only costs more.
 */
export function lcmcrWork(table: CaptureTable, settings: LcmcrSettings, chains = 1): number {
  let patterns = 0;
  for (let x = 1; x < table.counts.length; x++) if (table.counts[x]! > 0) patterns++;
  return chains * (settings.burnIn + settings.samples * settings.thinning) * (patterns + 1) * settings.K * table.lists.length;
}
