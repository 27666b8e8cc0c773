/** Multiple systems estimation: capture histories, log-linear models, LCMCR. Pure code, no database. */
export {
  assertEstimableTable,
  buildCaptureTables,
  listTotals,
  observedTotal,
  pairOverlaps,
  patternLabel,
  permuteLists,
  MAX_LISTS,
  type CaptureItem,
  type CaptureTable,
  type ListGrouping,
  type StratifiedTables,
} from './capture-history.table.js';
export { captureTableToCsv, parseCaptureCsv } from './capture-table.csv.js';
export {
  enumerateHierarchicalModels,
  fitLoglinearModels,
  fitModel,
  profileInterval,
  type Criterion,
  type LoglinearOptions,
  type LoglinearResult,
  type ModelFit,
} from './loglinear.model.js';
export { createLcmcrChain, defaultLcmcrSettings, runLcmcr, type ChainDiagnostics, type LcmcrProgress, type LcmcrResult, type LcmcrSettings } from './lcmcr.sampler.js';
export { runLcmcrInWorker, startLcmcrInWorker, type WorkerRun } from './lcmcr.runner.js';
export { defaultChainOptions, runLcmcrChains, runLcmcrDefault, validateChainOptions, type ChainOptions, type ChainsResult } from './lcmcr.chains.js';
export { multiChainEss, splitRhat } from './mcmc.diagnostics.js';
export { chapman, lincolnPetersen, type TwoListEstimate } from './two-list.estimator.js';
export {
  addLcmcr,
  estimatePopulation,
  estimateWithoutLcmcr,
  lcmcrWork,
  resolveChainOptions,
  resolveLcmcrSettings,
  stabilityRules,
  tableHash,
  wantsLcmcr,
  type EstimateMethod,
  type EstimateOptions,
  type EstimateReport,
  type EstimateWarning,
  type IntervalKind,
  type MethodSummary,
  type Recommendation,
} from './population.estimate.js';
export { guidanceKeys } from './estimate.guidance.js';
export { fitHeterogeneityModel, fitHeterogeneityModels, heterogeneityKinds, type HeterogeneityFit, type HeterogeneityBase, type HeterogeneityKind } from './heterogeneity.model.js';
