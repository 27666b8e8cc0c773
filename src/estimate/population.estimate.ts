/**
 * One entry point for estimating how many units no list documented: checks the table, runs the
 * requested methods and collects the warnings a reader must see. The result always carries the
 * documented count (`observed`) beside every estimate, never instead of it.
 */
import { AppError } from '../shared/errors.js';
import { assertEstimableTable, listTotals, observedTotal, pairOverlaps, type CaptureTable } from './capture-history.table.js';
import { defaultLcmcrSettings, runLcmcr, validateLcmcrSettings, type LcmcrProgress, type LcmcrResult, type LcmcrSettings } from './lcmcr.sampler.js';
import { fitLoglinearModels, type Criterion, type LoglinearResult } from './loglinear.model.js';
import { chapman, lincolnPetersen, type TwoListEstimate } from './two-list.estimator.js';

export type EstimateMethod = 'loglinear' | 'lcmcr' | 'all';

export interface EstimateOptions {
  method?: EstimateMethod;
  criterion?: Criterion;
  level?: number;
  /** How many of the best log-linear models to report. */
  top?: number;
  lcmcr?: Partial<LcmcrSettings>;
}

/** A warning as an i18n key (namespace `estimate`) with its values, so each door renders it in its language. */
export interface EstimateWarning {
  key: string;
  values: Record<string, string | number>;
}

export interface MethodSummary {
  method: 'loglinear' | 'loglinear-averaged' | 'lcmcr' | 'lincoln-petersen' | 'chapman';
  observed: number;
  estimate: number;
  lower: number;
  upper: number;
  /** Chosen model (log-linear) or a description of the model (LCMCR). */
  model: string | null;
  settings: Record<string, string | number>;
}

export interface EstimateReport {
  observed: number;
  lists: string[];
  listTotals: number[];
  level: number;
  methods: MethodSummary[];
  warnings: EstimateWarning[];
  loglinear?: LoglinearResult;
  lcmcr?: LcmcrResult;
  twoList?: { lincolnPetersen: TwoListEstimate; chapman: TwoListEstimate; both: number };
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
  const report: EstimateReport = { observed: n, lists: [...table.lists], listTotals: totals, level, methods: [], warnings: [] };
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
    report.twoList = { lincolnPetersen: lp, chapman: ch, both };
    report.methods.push(
      { method: 'chapman', observed: n, estimate: ch.estimate, lower: ch.lower, upper: ch.upper, model: null, settings: { level } },
      { method: 'lincoln-petersen', observed: n, estimate: lp.estimate, lower: lp.lower, upper: lp.upper, model: null, settings: { level } },
    );
    for (const m of report.methods) if (m.estimate > stabilityRules.maxRatio * n) warn('warnings.large_ratio', { method: m.method, ratio: Math.round(m.estimate / n) });
    return report;
  }

  for (const { i, j, both } of pairOverlaps(table)) if (both === 0) warn('warnings.pair_no_overlap', { a: table.lists[i]!, b: table.lists[j]! });

  if (method === 'loglinear' || method === 'all') {
    const ll = fitLoglinearModels(table, { criterion: options.criterion ?? 'bic', level, top: options.top ?? 5 });
    report.loglinear = ll;
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
  return report;
}

/** Adds an LCMCR run to a report (from this thread or a worker) with its diagnostics' warnings. */
export function addLcmcr(report: EstimateReport, r: LcmcrResult): EstimateReport {
  report.lcmcr = r;
  const s = r.settings;
  report.methods.push({
    method: 'lcmcr',
    observed: report.observed,
    estimate: r.estimate,
    lower: r.lower,
    upper: r.upper,
    model: `LCMCR K=${s.K}`,
    settings: { K: s.K, burnIn: s.burnIn, samples: s.samples, thinning: s.thinning, a: s.a, b: s.b, seed: s.seed, level: s.level },
  });
  if (r.effectiveSampleSize < stabilityRules.minEss) report.warnings.push({ key: 'warnings.lcmcr_low_ess', values: { ess: Math.round(r.effectiveSampleSize), min: stabilityRules.minEss } });
  if (Math.abs(r.geweke) > stabilityRules.maxGeweke) report.warnings.push({ key: 'warnings.lcmcr_geweke', values: { z: r.geweke.toFixed(2) } });
  if (r.estimate > stabilityRules.maxRatio * report.observed) report.warnings.push({ key: 'warnings.large_ratio', values: { method: 'lcmcr', ratio: Math.round(r.estimate / report.observed) } });
  const ll = report.methods.find((m) => m.method === 'loglinear');
  if (ll && (ll.upper < r.lower || r.upper < ll.lower)) report.warnings.push({ key: 'warnings.methods_disagree', values: {} });
  return report;
}

/** Whether the requested method includes LCMCR for this table (never for two lists: not identifiable). */
export function wantsLcmcr(table: CaptureTable, options: EstimateOptions): boolean {
  return table.lists.length >= 3 && (options.method === 'lcmcr' || options.method === 'all');
}

/** Everything in this thread (tests, small tables); the CLI and the server use a worker for long LCMCR runs. */
export function estimatePopulation(table: CaptureTable, options: EstimateOptions = {}, onProgress?: (p: LcmcrProgress) => void): EstimateReport {
  const settings = wantsLcmcr(table, options) ? resolveLcmcrSettings(options.lcmcr, options.level ?? 0.95) : null;
  const report = estimateWithoutLcmcr(table, options);
  if (settings) addLcmcr(report, runLcmcr(table, settings, onProgress));
  return report;
}

/** Rough count of elementary operations of an LCMCR run, to decide whether it deserves a worker. */
export function lcmcrWork(table: CaptureTable, settings: LcmcrSettings): number {
  let patterns = 0;
  for (let x = 1; x < table.counts.length; x++) if (table.counts[x]! > 0) patterns++;
  return (settings.burnIn + settings.samples * settings.thinning) * (patterns + 1) * settings.K * table.lists.length;
}
