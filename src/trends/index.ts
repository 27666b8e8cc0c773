/** Counts, series and escalation over the records (queries), and the pure statistics under stats/. */
export * from './stats/index.js';
export { units, granularities, facets, parseCountQuery, expandFilter, withNarrower, isFacet, type Unit, type CountGranularity, type Facet, type CountQuery, type RawCountQuery } from './counts.schema.js';
export { countRecords, countInScope, countSql, scopeCondition, readOnly, type CountRow, type CountResult, type CountScope, type ReadOptions } from './counts.queries.js';
export {
  analyseEscalation,
  escalationInScope,
  storeEscalation,
  escalationQuery,
  escalationSentence,
  escalationSubject,
  escalationSeed,
  escalationReplicates,
  scopeKey,
  type EscalationRequest,
  type EscalationAnalysis,
} from './escalation.analysis.js';
export { facetValueLabel, facetLabel, countName } from './analysis.labels.js';
export { resolveOrganisation } from './org-lookup.queries.js';
export { generateSynthetic, type SyntheticOptions, type SyntheticResult } from './synthetic.generate.js';
export {
  followTopic,
  unfollowTopic,
  isFollowing,
  listFollows,
  listNotifications,
  markNotificationsRead,
  unreadCount,
  checkAlerts,
  sendNotificationDigests,
  startAlertTimer,
  type Follow,
  type NotificationItem,
  type AlertCheckResult,
} from './alerts.service.js';
