/** Trend statistics (pure): escalation detection, comparison of periods, and their sentences. */
export {
  detectEscalation,
  escalationMethod,
  scanChangePoint,
  estimateChangeDate,
  type ChangeDate,
  poissonLogLikelihood,
  pearsonDispersion,
  conditionalRateRatioInterval,
  type EscalationOptions,
  type EscalationResult,
  type Direction,
} from './escalation.stats.js';
export { compareRates, comparePeriods, totalOf, pooledDispersion, poissonRateInterval, type PeriodTotal, type RateComparison } from './rate-comparison.stats.js';
export { validateSeries, parsePeriod, type SeriesPoint, type Granularity, type ValidSeries } from './series.schema.js';
export { describeEscalation, describeComparison, describeDispersion, formatPeriod } from './trends.text.js';
export { createRng, type Rng } from './random.stats.js';
export { detectChangePoints, type SegmentationResult } from './segmentation.stats.js';
