/**
 * Imports a spreadsheet in two phases.
 *
 * 1. Stage: read the file as a stream, map and validate every row, and write the valid ones in
 *    committed batches to import_staging (payload encrypted with the organisation's data key),
 *    with the job's progress (last line) in the same transaction. Nothing is visible yet. A
 *    process killed here leaves a job in state 'staging'; running the same import again (same
 *    file, dataset and profile) resumes after the last committed line.
 * 2. Apply: in ONE transaction, read the staged rows group by group, compare each group's content
 *    hash with what the dataset's previous import stored (import_key) and create, update or leave
 *    alone; history rows are written for every record, and ONE audit entry per import carries
 *    the counts. Killed here, the transaction rolls back and the job stays 'staged'.
 *
 * A dry run reads and validates everything and writes nothing.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import { authorize, writeScope, type Actor, type Ctx } from '../access/index.js';
import { t } from '../shared/i18n/index.js';
import { canonicalJson, inTransaction, type DB } from '../store/index.js';
import {
  createJob,
  deleteStaging,
  findResumable,
  setJobState,
  stageBatch,
  type JobRow,
} from './import.queries.js';
import { RowMapper, type MappedRow, type RowIssue } from './map-row.js';
import { openTable, type Cell } from './read-table.js';
import { issueText, summary, type ImportOptions, type ImportReport } from './import-report.js';
import { predict } from './import-dry-run.js';
import { applyJob, GROUPS, who } from './import-apply.js';
import { dateQuestion, settleDateColumns } from './import-dates.js';

export { bulkImportFrom, dateDecisionText, issueText, nullTokensText, toCreateText, type ImportOptions, type ImportProgress, type ImportReport } from './import-report.js';

const MAX_ISSUES = 1000;
const MAX_WARNINGS = 200;
function cellText(c: Cell): string {
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  return String(c);
}

export async function runImport(ctx: Ctx, actor: Actor, opts: ImportOptions): Promise<ImportReport> {
  authorize(actor, 'import.run');
  const w = who(actor);
  const orgId = w.organisationId;
  const { profile, lang } = opts;
  const mode = opts.mode ?? 'all-or-nothing';
  // Rows staged per committed transaction: a crash loses at most this many rows of reading.
  const batchSize = opts.batchSize ?? 5000;
  const reader = await openTable(opts.file, { delimiter: profile.file.delimiter, encoding: profile.file.encoding, sheet: profile.file.sheet });
  const mapper = new RowMapper(reader.headers, profile, lang);
  // Every row of a date column is read in one day/month order, settled before any row is mapped;
  // an unsettled column stops here, before a job exists, with the question to answer.
  const dates = await settleDateColumns(reader, mapper, profile, Boolean(opts.dryRun));
  const question = dateQuestion(dates);
  if (question) throw question;
  const profileJson = canonicalJson(profile);
  // Every database call runs in the organisation's scope, so row-level security on a server lets it through.
  const scoped = <T>(fn: (trx: DB) => Promise<T>): Promise<T> => inTransaction(ctx.db, writeScope(actor), fn);
  // Loads (and caches) the organisation's keys inside the scope; later encryptions use the cache.
  await scoped((trx) => ctx.keys.fileKey(trx, orgId));

  const report: ImportReport = {
    jobId: null,
    dryRun: Boolean(opts.dryRun),
    state: 'dry-run',
    resumed: false,
    rows: 0,
    emptyRows: 0,
    valid: 0,
    rejected: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    mergedRows: 0,
    bulk: false,
    issues: [],
    issueCount: 0,
    warnings: [...reader.warnings],
    unmatched: [],
    synonyms: [],
    headers: reader.headers,
    dates,
    nullTokens: profile.nullTokens,
    toCreate: { incidents: 0, victims: 0, acts: 0, perpetratorLinks: 0 },
    duplicates: [],
    duplicatesChecked: 0,
    encoding: reader.encoding,
    delimiter: reader.delimiter,
  };

  let job: JobRow | undefined;
  if (!opts.dryRun) {
    job = await scoped((trx) => findResumable(trx, orgId, reader.sha256, profile.dataset, profileJson));
    if (job) report.resumed = true;
    else {
      job = await scoped((trx) => createJob(trx, {
        orgId,
        dataset: profile.dataset,
        fileName: opts.fileName ?? null,
        sha256: reader.sha256,
        profile: JSON.parse(profileJson) as unknown,
        mode,
        userId: w.userId,
        rowsTotal: reader.approxRows,
      }));
    }
    report.jobId = job.id;
    opts.onJob?.(job.id);
  }

  let rejectedCsv: ReturnType<typeof stringify> | null = null;
  let rejectedDone: Promise<unknown> | null = null;
  if (opts.rejectedOut) {
    let target = opts.rejectedOut;
    if (typeof target === 'string') {
      const out = createWriteStream(target, { mode: 0o600 });
      target = { stream: out, done: once(out, 'finish') };
    }
    rejectedCsv = stringify({ bom: true });
    rejectedCsv.pipe(target.stream);
    rejectedDone = target.done;
    rejectedCsv.write([t(lang, 'interop:rejected.line'), ...reader.headers, t(lang, 'interop:rejected.reason')]);
  }

  const addIssue = (i: RowIssue) => {
    report.issueCount++;
    if (report.issues.length < MAX_ISSUES) report.issues.push(i);
  };

  // Phase 1: read, validate, stage.
  const skipThrough = job && job.state !== 'staging' ? Number.POSITIVE_INFINITY : Number(job?.last_line ?? 0);
  let batch: { line: number; groupKey: string; payload: Buffer }[] = [];
  let staged = Number(job?.rows_staged ?? 0);
  let lastLine = 0;
  const flush = async () => {
    if (!job) return;
    const j = job;
    await scoped((trx) => stageBatch(trx, orgId, j.id, batch, { lastLine, read: report.rows, staged, rejected: report.rejected }));
    batch = [];
  };
  const preview: MappedRow[] = [];
  for await (const row of reader.rows()) {
    lastLine = row.line;
    for (const n of row.notes) {
      if (n.key === 'interop:read.empty_row') report.emptyRows++;
      else if (n.key !== 'interop:read.short_row' && n.key !== 'interop:read.long_row' && report.warnings.length < MAX_WARNINGS) report.warnings.push(n);
    }
    if (row.cells.length === 0) continue;
    report.rows++;
    const m = mapper.map(row);
    if (!m.row) {
      report.rejected++;
      for (const i of m.issues) addIssue(i);
      rejectedCsv?.write([row.line, ...reader.headers.map((_, i) => cellText(row.cells[i] ?? '')), m.issues.map((i) => issueText(lang, i)).join(' | ')]);
    } else {
      report.valid++;
      if (opts.dryRun) {
        preview.push(m.row);
        if (preview.length >= 1000) await predict(ctx, actor, orgId, profile, preview.splice(0), report);
      } else if (row.line > skipThrough) {
        const payload = await ctx.keys.encrypt(ctx.db, orgId, `import_staging.payload:${job!.id}:${row.line}`, JSON.stringify({ incident: m.row.incident, acts: m.row.acts }));
        batch.push({ line: row.line, groupKey: m.row.groupKey, payload });
        staged++;
      }
    }
    if (batch.length >= batchSize) await flush();
    if (report.rows % 500 === 0) opts.onProgress?.({ phase: 'read', rows: report.rows, total: reader.approxRows });
  }
  if (rejectedCsv) {
    rejectedCsv.end();
    await rejectedDone;
  }
  report.unmatched = mapper.unmatchedValues();
  report.synonyms = mapper.synonymValues();
  opts.onProgress?.({ phase: 'read', rows: report.rows, total: report.rows });

  if (opts.dryRun) {
    await predict(ctx, actor, orgId, profile, preview, report);
    return report;
  }
  const j = job!;
  if (j.state === 'staging') {
    await flush();
    if (mode === 'all-or-nothing' && report.rejected > 0) {
      await scoped(async (trx) => {
        await deleteStaging(trx, orgId, j.id);
        await setJobState(trx, orgId, j.id, 'failed', summary(report));
      });
      report.state = 'failed';
      return report;
    }
    await scoped((trx) => setJobState(trx, orgId, j.id, 'staged'));
  }
  if (opts.stopAfterStaging) {
    report.state = 'staged';
    return report;
  }
  await applyJob(ctx, actor, j, profile, report, Math.min(batchSize, GROUPS), opts.bulk ?? 'auto', opts.onProgress);
  report.state = 'complete';
  return report;
}
