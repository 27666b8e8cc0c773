/** Record linkage (Fellegi–Sunter with EM): the public face of src/linkage for other folders. */
export type { LinkRecord, Comparison } from './comparisons.levels.js';
export { nameSimilarity } from './comparisons.levels.js';
export {
  forEachCandidatePair,
  keyFunctionNames,
  parseKeyExpression,
  planBlocking,
  type BlockingRule,
  type LinkMode,
} from './blocking.pairs.js';
export { clusterLinks, findBridges, type Edge } from './clusters.graph.js';
export { runEm, estimateGlobalLambda, type PatternCounts, type EmResult } from './em.estimate.js';
export { jaro, jaroWinkler } from './jaro-winkler.similarity.js';
export {
  linkConfigSchema,
  linkConfigJsonSchema,
  type LinkConfig,
  type LinkConfigInput,
} from './link-config.schema.js';
export {
  parseLinkConfig,
  planLinkage,
  runLinkage,
  seededRandom,
  type LinkModel,
  type LinkOptions,
  type LinkPhase,
  type LinkResult,
  type LinkWarning,
  type PairExplanation,
} from './linkage.engine.js';
export { countTruePairs, scoreClusters, scorePairs, type PairwiseScores } from './linkage.evaluate.js';
export { generateSynthetic, syntheticLinkConfig, type SyntheticData } from './linkage.generate.js';
export { foldText, nameKey, nameTokens, soundex } from './names.normalize.js';
export { parsePartialDate } from './partial-dates.parse.js';
export { VE_NEIGHBOURS } from './ve-neighbours.data.js';
export {
  scoreDuplicates,
  duplicatePriorWeight,
  duplicateWarnProbability,
  type DuplicateFields,
  type DuplicateScore,
} from './duplicates.score.js';
