/** What an import reports, and the options it takes (shared by staging, dry run and apply). */
import type { Writable } from 'node:stream';
import { t, type Lang } from '../shared/i18n/index.js';
import type { ImportMode, ImportState } from './interop.tables.js';
import type { ImportProfile } from './import-profile.js';
import type { RowIssue, SynonymValue, UnmatchedValue } from './map-row.js';
import type { ReadIssue, TableInput } from './read-table.js';
import type { DateColumnDecision } from './date-order.js';

export interface ImportProgress {
  phase: 'read' | 'apply' | 'done';
  rows: number;
  total: number | null;
}

export interface ImportOptions {
  profile: ImportProfile;
  /** A path, or a source such as an upload decrypted as it streams. */
  file: TableInput;
  fileName?: string | undefined;
  mode?: ImportMode;
  dryRun?: boolean;
  /**
   * Write rejected rows (original cells + a reason column) as CSV to this file, or into this stream
   * (the web keeps them encrypted on disk) with the promise of its last byte being written.
   */
  rejectedOut?: string | { stream: Writable; done: Promise<unknown> } | undefined;
  lang: Lang;
  onProgress?: (p: ImportProgress) => void;
  /** Rows staged per committed transaction, and at most as many incidents written per statement when applying. */
  batchSize?: number;
  /** Called once the job exists (the web screens redirect to its progress page then). */
  onJob?: (jobId: string) => void;
  /** Stop after staging (tests of crash recovery use it to leave a staged job). */
  stopAfterStaging?: boolean;
  /**
   * Apply as a bulk load (store/bulk-load: indexes rebuilt and trend counts recounted once, the
   * record tables locked until the import ends). 'auto' (the default) chooses it for the first
   * release of a dataset of at least `bulkImportFrom` rows, when the connection owns the tables and
   * they hold no more incidents than the import brings.
   */
  bulk?: boolean | 'auto';
}

/** Rows from which an import may be applied as a bulk load (below, rebuilding indexes costs more than it saves). */
export const bulkImportFrom = 10_000;

export interface ImportReport {
  jobId: string | null;
  dryRun: boolean;
  state: ImportState | 'dry-run';
  resumed: boolean;
  rows: number;
  emptyRows: number;
  valid: number;
  rejected: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Incidents made of several rows (act unit, or repeated external ids). */
  mergedRows: number;
  /** Applied as a bulk load (see ImportOptions.bulk). */
  bulk: boolean;
  issues: RowIssue[];
  issueCount: number;
  warnings: ReadIssue[];
  unmatched: UnmatchedValue[];
  /** Values accepted as synonyms of the file's language ("Male" → man), with what they were taken for. */
  synonyms: SynonymValue[];
  headers: string[];
  /** Per date column: the day/month order it is read in, and why (see date-order). */
  dates: DateColumnDecision[];
  /** The cell values read as "no value". */
  nullTokens: string[];
  /** What the new incidents bring (the dry run counts them before anything is written). */
  toCreate: { incidents: number; victims: number; acts: number; perpetratorLinks: number };
  encoding: string | null;
  delimiter: string | null;
  /**
   * Dry run: new incidents that look like cases the organisation holds or was given (issue 17 §1),
   * with the first row of each; checked for the first `duplicateCheckLimit` new incidents.
   */
  duplicates: { line: number; title: string; candidates: { incidentId: string; title: string; date: string | null; subdivision: string | null; own: boolean }[] }[];
  duplicatesChecked: number;
}

/** New incidents of a dry run checked for possible duplicates (each check is one query). */
export const duplicateCheckLimit = 500;


/** Text of one issue in the user's language: "line 12, column Fecha: …". */
export function issueText(lang: Lang, i: RowIssue | ReadIssue): string {
  const where: string[] = [];
  if (i.line !== undefined) where.push(t(lang, 'interop:where.line', { line: i.line }));
  if (i.column !== undefined) where.push(t(lang, 'interop:where.column', { column: i.column }));
  const msg = (i as RowIssue).message ?? t(lang, i.key, i.values);
  return where.length ? `${where.join(', ')}: ${msg}` : msg;
}


export function summary(r: ImportReport): Record<string, unknown> {
  return {
    rows: r.rows,
    valid: r.valid,
    rejected: r.rejected,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    emptyRows: r.emptyRows,
    mergedRows: r.mergedRows,
    issueCount: r.issueCount,
  };
}

/** One line per date column: the order it is read in, and why. */
export function dateDecisionText(lang: Lang, d: DateColumnDecision): string {
  const order = d.order ? t(lang, `interop:dates.order_${d.order}`) : '';
  const against = d.order ? d.counts[d.order === 'day-month' ? 'month-day' : 'day-month'] : 0;
  return t(lang, `interop:dates.reason_${d.reason}`, {
    column: d.column,
    order,
    settled: d.order ? d.counts[d.order] : 0,
    examples: d.order ? d.examples[d.order].map((e) => `"${e.value}"`).join(', ') : '',
    ambiguous: d.counts.ambiguous,
    against,
  });
}

/** The null tokens as the dry run shows them ("NA", "N/A" … and empty cells). */
export function nullTokensText(lang: Lang, tokens: readonly string[]): string {
  return t(lang, 'interop:cli.null_tokens', { list: tokens.map((x) => `"${x}"`).join(', ') || '—' });
}

export function toCreateText(lang: Lang, r: ImportReport): string {
  return t(lang, 'interop:cli.to_create', r.toCreate);
}
