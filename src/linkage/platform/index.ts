/** Record linkage and estimation in the platform (database side): the face other folders use. */
export { defaultPlatformConfig, relatedActTypeGroups, platformColumns } from './default-config.js';
export {
  ENGINE_VERSION,
  countDistinctAttacksByMonth,
  getLinkageRun,
  groupAttacks,
  listLinkageRuns,
  platformConfig,
  reviewCluster,
  startLinkageRun,
  type Attack,
  type ClusterMember,
  type ClusterView,
  type DistinctCounts,
  type MonthlyCount,
  type ReviewInput,
  type RunDetail,
  type RunRecord,
  type RunFigures,
  type RunSummary,
} from './linkage-runs.service.js';
export { estimateFromRun, getEstimate, runStrata, pageLcmcrSettings, pageChainOptions, type EstimateInput, type EstimateOutcome, type Stratum } from './estimate-runs.service.js';
export { presentClusterActs, type MemberDetail } from './cluster-members.present.js';
export {
  findPossibleDuplicates,
  answerDuplicate,
  duplicateAnswers,
  settleDuplicateAnswers,
  type DuplicateProbe,
  type DuplicateCandidate,
  type DuplicateAnswerInput,
} from './duplicates.service.js';
