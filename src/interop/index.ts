export { runImport, issueText, dateDecisionText, nullTokensText, toCreateText, type ImportOptions, type ImportReport, type ImportProgress } from './import.service.js';
export { parseProfile, importProfileSchema, profileJsonSchema, importFields, vocabFields, type ImportProfile, type ImportField } from './import-profile.js';
export { openTable, type TableInput, type TableReader, type TableSource, type ReadIssue } from './read-table.js';
export { suggestCodes, exactCode } from './vocab-match.js';
export type { RowIssue, UnmatchedValue } from './map-row.js';
export { resolveActor } from './cli-actor.js';
export { getJob, listJobs, type JobRow } from './import.queries.js';
export {
  exportIncidents,
  selectForExport,
  neutralise,
  exportFormats,
  exportMediaTypes,
  exportExtensions,
  hxlColumns,
  flatColumns,
  type ExportFormat,
  type ExportFilters,
  type ExportResult,
} from './export.service.js';
export { createBackup, verifyBackup, restoreBackup, type BackupManifest, type BackupProgress, type VerifyResult } from './backup.service.js';
export { IMPORT_FILE_RETENTION_MS, sweepImportFiles } from './import-files.js';
