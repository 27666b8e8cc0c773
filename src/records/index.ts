export { createRecord, updateRecordCommand, archiveRecord, recordSchemas, type EditableTable } from './records.commands.js';
export { getRecord, listChildren, getCaseFile, findActorsByName, actorTimeline, findVisibleRow, caseShares, type CaseFile } from './records.queries.js';
export { listIncidents, incidentFacets, type FacetCounts, type Facet, type Page } from './case-list.queries.js';
export {
  getHistory,
  getCaseHistory,
  isPartOfCase,
  caseRecordTables,
  userNames,
  type PresentedHistoryEntry,
  type CaseHistoryEntry,
  type CaseRecordTable,
} from './record-history.queries.js';
export { presentRow, ownerView, partnerWithheld, shareableFields, type Presented, type Viewer } from './records.present.js';
export { parseInput, zodIssues } from './parse-input.js';
export * as recordInput from './records.schema.js';
export { insertRecord, updateRecord, getRow, type Row, type Who } from './record-store.js';
export { loadDemo, isDemoLoaded, demoSlugs, type DemoResult } from './demo/load-demo.js';
export {
  storeUpload,
  attachEvidence,
  uploadEvidence,
  getEvidence,
  openEvidence,
  readEvidenceFile,
  openSealedFile,
  sealedFileWriter,
  discardPendingFiles,
  storeEvidenceFile,
  stripMetadata,
  downloadName,
  evidenceTypes,
  defaultMaxEvidenceBytes,
  type ImageCleaning,
  type PendingEvidence,
  type StoredFile,
  type CustodyEntry,
} from './evidence.commands.js';
export { sweepUnreferencedEvidence, type SweepResult } from './evidence.sweep.js';
export { createDraft, getDraft, saveDraft, deleteDraft, listDrafts, takeDraft, type DraftSummary } from './intake-drafts.js';
export {
  shareIncident,
  unshareIncident,
  listShares,
  coalitionsOfActor,
  setCaseSharing,
  countShareable,
  shareMatching,
  caseAudience,
  type ShareView,
  type CaseAudience,
  endSharesWithCoalition,
} from './sharing.js';
export { wordIndexRows, insertWordRows, replaceIncidentWords, indexWords, backfillWordIndex, type WordRow, type WordBackfillResult } from './word-index.js';
export { listActors, type ActorQuery, type ActorEntry } from './actors.queries.js';
