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
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { actorOrganisation, actorUserId, authorize, writeScope, type Actor, type Ctx } from '../access/index.js';
import { getRow, insertRecord, insertWordRows, replaceIncidentWords, updateRecord, wordIndexRows, type Row, type Who, type WordRow } from '../records/index.js';
import { t, type Lang } from '../shared/i18n/index.js';
import { newId } from '../shared/ids.js';
import { toStored } from '../shared/dates.js';
import { appendAudit, bulkPossible, canonicalJson, inTransaction, withBulkLoad, type DB } from '../store/index.js';
import { sql } from 'kysely';
import type { ImportMode, ImportState } from './interop.tables.js';
import type { ImportProfile } from './import-profile.js';
import {
  bulkInsertRecords,
  createJob,
  datasetHasKeys,
  deleteStaging,
  findResumable,
  lookupKeys,
  setJobState,
  stageBatch,
  stagedPage,
  tableTypes,
  upsertKeys,
  type JobRow,
  type TableTypes,
} from './import.queries.js';
import { contentHash, RowMapper, type MappedAct, type MappedIncident, type MappedRow, type RowIssue, type UnmatchedValue } from './map-row.js';
import { openTable, type Cell, type ReadIssue, type TableInput } from './read-table.js';

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
  headers: string[];
  encoding: string | null;
  delimiter: string | null;
}

const MAX_ISSUES = 1000;
const MAX_WARNINGS = 200;

function who(actor: Actor): Who {
  return { organisationId: actorOrganisation(actor), userId: actorUserId(actor), requestId: actor.requestId };
}

/** Text of one issue in the user's language: "line 12, column Fecha: …". */
export function issueText(lang: Lang, i: RowIssue | ReadIssue): string {
  const where: string[] = [];
  if (i.line !== undefined) where.push(t(lang, 'interop:where.line', { line: i.line }));
  if (i.column !== undefined) where.push(t(lang, 'interop:where.column', { column: i.column }));
  const msg = (i as RowIssue).message ?? t(lang, i.key, i.values);
  return where.length ? `${where.join(', ')}: ${msg}` : msg;
}

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
    headers: reader.headers,
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

function summary(r: ImportReport): Record<string, unknown> {
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

const keyOf = (dataset: string, groupKey: string) => `${dataset}\u0000${groupKey}`;

/**
 * Dry run: how many incidents would be created, updated or left unchanged, looked up a batch at a
 * time. Exact when each incident is one row; with several rows per incident (act unit) a group
 * split across batches is counted in each.
 */
async function predict(ctx: Ctx, actor: Actor, orgId: string, profile: ImportProfile, rows: MappedRow[], report: ImportReport): Promise<void> {
  const groups = new Map<string, MappedRow[]>();
  for (const r of rows) groups.set(r.groupKey, [...(groups.get(r.groupKey) ?? []), r]);
  const entries = [...groups.entries()];
  for (let i = 0; i < entries.length; i += 500) {
    const part = entries.slice(i, i + 500);
    const bidx = await Promise.all(part.map(([k]) => ctx.keys.blindIndex(ctx.db, orgId, keyOf(profile.dataset, k))));
    const known = await inTransaction(ctx.db, writeScope(actor), (trx) => lookupKeys(trx, orgId, profile.dataset, bidx));
    part.forEach(([, rs], j) => {
      const hit = known.get(bidx[j]!.toString('hex'));
      if (!hit) report.created++;
      else if (hit.hash === groupHash(rs)) report.unchanged++;
      else report.updated++;
    });
  }
}

function groupHash(rows: { incident: MappedIncident; acts: MappedAct[] }[]): string {
  return contentHash(rows.map((r) => ({ incident: r.incident, acts: r.acts })));
}

interface Group {
  key: string;
  rows: { line: number; incident: MappedIncident; acts: MappedAct[] }[];
}

function incidentColumns(m: MappedIncident, narrativeEnc: Buffer | null): Record<string, unknown> {
  const s = m.startDate ? toStored(m.startDate) : null;
  const e = m.endDate ? toStored(m.endDate) : null;
  return {
    title: m.title,
    narrative: narrativeEnc ? null : m.narrative,
    narrative_enc: narrativeEnc,
    narrative_sensitive: narrativeEnc !== null,
    start_date: s?.date ?? null,
    start_precision: s?.precision ?? null,
    start_approximate: m.startApproximate,
    end_date: e?.date ?? null,
    end_precision: e?.precision ?? null,
    end_approximate: m.endApproximate,
    country: m.country,
    subdivision: m.subdivision,
    place_name: m.placeName,
    status: m.status,
    visibility: m.visibility,
    language: m.language,
  };
}

/** The incident of a group is its first row's; its acts are every row's acts, deduplicated. */
function mergeGroup(g: Group): { incident: MappedIncident; acts: MappedAct[] } {
  const seen = new Set<string>();
  const acts: MappedAct[] = [];
  for (const r of g.rows) {
    for (const a of r.acts) {
      const k = canonicalJson(a);
      if (!seen.has(k)) {
        seen.add(k);
        acts.push(a);
      }
    }
  }
  return { incident: g.rows[0]!.incident, acts };
}

/**
 * Record ids as newId makes them (random UUID v4), cut from one larger random buffer: an import
 * makes millions of ids and one randomBytes call per id was a tenth of its time.
 */
class IdPool {
  private buf = Buffer.alloc(0);
  private at = 0;
  next(): string {
    if (this.at + 16 > this.buf.length) {
      this.buf = randomBytes(16 * 4096);
      this.at = 0;
    }
    const b = this.buf.subarray(this.at, this.at + 16);
    this.at += 16;
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

class Writer {
  incidents: Record<string, unknown>[] = [];
  actors: Record<string, unknown>[] = [];
  acts: Record<string, unknown>[] = [];
  involvements: Record<string, unknown>[] = [];
  keys: { bidx: Buffer; incidentId: string; hash: string }[] = [];
  words: WordRow[] = [];
  private ids = new IdPool();
  constructor(
    private ctx: Ctx,
    private trx: DB,
    private w: Who,
    private profile: ImportProfile,
    private types: Record<'incident' | 'actor' | 'act' | 'involvement', TableTypes>,
  ) {}

  /** Rows queued and not yet written: the apply flushes before this grows past its batch. */
  get queued(): number {
    return this.incidents.length + this.actors.length + this.acts.length + this.involvements.length;
  }

  base(id: string) {
    return { organisation_id: this.w.organisationId, id, created_by: this.w.userId, updated_by: this.w.userId };
  }

  async actorValues(id: string, v: MappedAct['victim']) {
    const org = this.w.organisationId;
    return {
      ...this.base(id),
      kind: v.kind,
      name_enc: await this.ctx.keys.encrypt(this.trx, org, `actor.name_enc:${id}`, v.name),
      name_bidx: await this.ctx.keys.blindIndex(this.trx, org, v.name),
      gender: v.gender,
      sectors: v.sectors,
    };
  }

  actValues(id: string, incidentId: string, victimId: string, inc: MappedIncident, a: MappedAct) {
    const s = inc.startDate ? toStored(inc.startDate) : null;
    const e = inc.endDate ? toStored(inc.endDate) : null;
    return {
      ...this.base(id),
      incident_id: incidentId,
      victim_id: victimId,
      act_type: a.actType,
      start_date: s?.date ?? null,
      start_precision: s?.precision ?? null,
      start_approximate: inc.startApproximate,
      end_date: e?.date ?? null,
      end_precision: e?.precision ?? null,
      end_approximate: inc.endApproximate,
      country: inc.country,
      subdivision: inc.subdivision,
      notes: a.notes,
    };
  }

  async narrative(id: string, m: MappedIncident): Promise<Buffer | null> {
    if (!m.narrative || !this.profile.defaults.narrativeSensitive) return null;
    // Its whole words go to the keyed word index (records/word-index.ts), written with the batch.
    this.words.push(...(await wordIndexRows(this.ctx, this.trx, this.w.organisationId, id, m.narrative)));
    return this.ctx.keys.encrypt(this.trx, this.w.organisationId, `incident.narrative_enc:${id}`, m.narrative);
  }

  /** Queues a new incident with its victims, acts and perpetrator involvements. */
  async addNew(content: { incident: MappedIncident; acts: MappedAct[] }, bidx: Buffer, hash: string) {
    const id = this.ids.next();
    this.incidents.push({ ...this.base(id), ...incidentColumns(content.incident, await this.narrative(id, content.incident)) });
    await this.addActs(id, content.incident, content.acts);
    this.keys.push({ bidx, incidentId: id, hash });
  }

  async addActs(incidentId: string, inc: MappedIncident, acts: MappedAct[]) {
    const victims = new Map<string, string>();
    for (const a of acts) {
      const vk = canonicalJson(a.victim);
      let victimId = victims.get(vk);
      if (!victimId) {
        victimId = this.ids.next();
        victims.set(vk, victimId);
        this.actors.push(await this.actorValues(victimId, a.victim));
      }
      const actId = this.ids.next();
      this.acts.push(this.actValues(actId, incidentId, victimId, inc, a));
      for (const p of a.perpetratorTypes) this.involvements.push({ ...this.base(this.ids.next()), act_id: actId, perpetrator_type: p });
    }
  }

  /** Takes what is queued (the writer is empty again at once) and writes it. */
  async flush(jobId: string, reason: string) {
    const org = this.w.organisationId;
    const { incidents, actors, acts, involvements, keys } = this;
    this.incidents = [];
    this.actors = [];
    this.acts = [];
    this.involvements = [];
    this.keys = [];
    const words = this.words;
    this.words = [];
    await bulkInsertRecords(this.trx, 'incident', this.types.incident, incidents, this.w.userId, reason);
    await insertWordRows(this.trx, words);
    await bulkInsertRecords(this.trx, 'actor', this.types.actor, actors, this.w.userId, reason);
    await bulkInsertRecords(this.trx, 'act', this.types.act, acts, this.w.userId, reason);
    await bulkInsertRecords(this.trx, 'involvement', this.types.involvement, involvements, this.w.userId, reason);
    await upsertKeys(this.trx, org, this.profile.dataset, jobId, keys);
  }
}

/**
 * Staged rows read per page, and groups (incidents) written per flush. With a batch being written
 * while the next is prepared, 5,000 and 2,500 took the peak RSS of a 1,000,000-row import to 561 MB
 * (the bound is 500 MB); half of each keeps both batches smaller.
 */
const PAGE = 2500;
const GROUPS = 1250;

async function applyJob(
  ctx: Ctx,
  actor: Actor,
  job: JobRow,
  profile: ImportProfile,
  report: ImportReport,
  perFlush: number,
  bulkOption: boolean | 'auto',
  onProgress?: (p: ImportProgress) => void,
): Promise<void> {
  const w = who(actor);
  const orgId = w.organisationId;
  const reason = `import ${job.id}`;
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const staged = Number(job.rows_staged) || report.valid;
    // The dataset's first release: every group is new (no key to look up), and no update needs
    // the indexes a bulk load drops.
    const firstRelease = !(await datasetHasKeys(trx, orgId, profile.dataset));
    report.bulk = bulkOption === true || (bulkOption === 'auto' && staged >= bulkImportFrom && firstRelease && (await bulkPossible(trx, staged)));
    const apply = async () => {
      await setJobState(trx, orgId, job.id, 'applying');
      onProgress?.({ phase: 'apply', rows: 0, total: staged });
      const types = {
        incident: await tableTypes(trx, 'incident'),
        actor: await tableTypes(trx, 'actor'),
        act: await tableTypes(trx, 'act'),
        involvement: await tableTypes(trx, 'involvement'),
      };
      const writer = new Writer(ctx, trx, w, profile, types);
      let pending: Group | null = null;
      const groups: Group[] = [];
      let appliedRows = 0;

      // The database writes one batch while the next is prepared here (decrypting, encrypting,
      // hashing): one write at a time, on the transaction's connection, in order.
      let writing: Promise<void> = Promise.resolve();
      const write = async () => {
        await writing;
        const batch = writer.flush(job.id, reason);
        // Awaited before the next write or at the end; meanwhile its failure is not "unhandled".
        batch.catch(() => {});
        writing = batch;
      };

      const processGroups = async (gs: Group[]) => {
        const bidx = await Promise.all(gs.map((g) => ctx.keys.blindIndex(trx, orgId, keyOf(profile.dataset, g.key))));
        const known = firstRelease ? new Map<string, { incidentId: string; hash: string }>() : await lookupKeys(trx, orgId, profile.dataset, bidx);
        for (let i = 0; i < gs.length; i++) {
          const g = gs[i]!;
          if (g.rows.length > 1) report.mergedRows += g.rows.length - 1;
          const content = mergeGroup(g);
          const hash = groupHash(g.rows);
          const hit = known.get(bidx[i]!.toString('hex'));
          if (!hit) {
            await writer.addNew(content, bidx[i]!, hash);
            report.created++;
          } else if (hit.hash === hash) {
            report.unchanged++;
          } else {
            const exists = await getRow(trx, 'incident', orgId, hit.incidentId);
            if (!exists || exists.archived_at) {
              await writer.addNew(content, bidx[i]!, hash);
              report.created++;
            } else {
              await updateImported(ctx, trx, w, writer, exists, content, reason);
              writer.keys.push({ bidx: bidx[i]!, incidentId: hit.incidentId, hash });
              report.updated++;
            }
          }
        }
        await write();
      };

      // The next page is asked for as soon as this one arrives, so that it is read before the
      // writes queued after it.
      let nextPage = stagedPage(trx, orgId, job.id, null, PAGE);
      try {
        for (;;) {
          const page = await nextPage;
          if (!page.length) break;
          const last = page[page.length - 1]!;
          nextPage = stagedPage(trx, orgId, job.id, { groupKey: last.group_key, line: Number(last.line) }, PAGE);
          nextPage.catch(() => {});
          for (const s of page) {
            const line = Number(s.line);
            const plain = JSON.parse(await ctx.keys.decrypt(trx, orgId, `import_staging.payload:${job.id}:${line}`, s.payload)) as {
              incident: MappedIncident;
              acts: MappedAct[];
            };
            if (pending && pending.key === s.group_key) pending.rows.push({ line, ...plain });
            else {
              if (pending) groups.push(pending);
              pending = { key: s.group_key, rows: [{ line, ...plain }] };
            }
          }
          while (groups.length >= perFlush) {
            const part = groups.splice(0, perFlush);
            await processGroups(part);
            for (const g of part) appliedRows += g.rows.length;
            onProgress?.({ phase: 'apply', rows: appliedRows, total: staged });
          }
        }
        if (pending) groups.push(pending);
        if (groups.length) await processGroups(groups);
        await writing;
      } catch (e) {
        // Nothing of this transaction may still be on its way when it rolls back: a statement sent
        // after the ROLLBACK would run on its own, outside it.
        await Promise.allSettled([writing, nextPage]);
        throw e;
      }
      for (const g of groups) appliedRows += g.rows.length;
      onProgress?.({ phase: 'apply', rows: appliedRows, total: staged });

      await appendAudit(trx, {
        organisationId: orgId,
        userId: w.userId,
        action: 'import.apply',
        objectTable: 'import_job',
        objectId: job.id,
        requestId: actor.requestId ?? null,
        detail: { dataset: profile.dataset, ...summary(report) },
      });
      await deleteStaging(trx, orgId, job.id);
      await setJobState(trx, orgId, job.id, 'complete', summary(report));
    };
    await (report.bulk ? withBulkLoad(trx, [orgId], apply) : apply());
  });
  onProgress?.({ phase: 'done', rows: report.rows, total: report.rows });
}

const incidentFieldCols = ['title', 'narrative', 'narrative_enc', 'narrative_sensitive', 'start_date', 'start_precision', 'start_approximate', 'end_date', 'end_precision', 'end_approximate', 'country', 'subdivision', 'place_name', 'status', 'language'];

/**
 * A newer release changed this group: update the incident's fields that differ (a new version
 * with history), archive acts no longer listed, and add the new ones. Acts are matched by act type
 * and victim name (through the blind index, so no name is decrypted).
 */
async function updateImported(ctx: Ctx, trx: DB, w: Who, writer: Writer, existing: Row, content: { incident: MappedIncident; acts: MappedAct[] }, reason: string): Promise<void> {
  const orgId = w.organisationId;
  let narrativeEnc: Buffer | null = null;
  const oldNarrative = existing.narrative_enc
    ? await ctx.keys.decrypt(trx, orgId, `incident.narrative_enc:${existing.id}`, existing.narrative_enc as Buffer)
    : ((existing.narrative as string | null) ?? null);
  const next = incidentColumns(content.incident, null);
  const changed: Record<string, unknown> = {};
  for (const c of incidentFieldCols) {
    if (c === 'narrative' || c === 'narrative_enc' || c === 'narrative_sensitive') continue;
    const a = existing[c] ?? null;
    const b = next[c] ?? null;
    if (String(a) !== String(b)) changed[c] = b;
  }
  if ((content.incident.narrative ?? null) !== oldNarrative) {
    await replaceIncidentWords(ctx, trx, orgId, existing.id, null);
    narrativeEnc = await writer.narrative(existing.id, content.incident);
    Object.assign(changed, { narrative: narrativeEnc ? null : content.incident.narrative, narrative_enc: narrativeEnc, narrative_sensitive: narrativeEnc !== null });
  }
  if (Object.keys(changed).length) await updateRecord(trx, 'incident', w, existing.id, existing.version, changed, { reason });

  const acts = (await sql<Row & { name_bidx: Buffer }>`SELECT a.*, v.name_bidx FROM act a JOIN actor v ON v.organisation_id = a.organisation_id AND v.id = a.victim_id
    WHERE a.organisation_id = ${orgId} AND a.incident_id = ${existing.id} AND a.archived_at IS NULL`.execute(trx)).rows;
  const wanted = new Map<string, MappedAct[]>();
  for (const a of content.acts) {
    const k = `${a.actType}:${(await ctx.keys.blindIndex(trx, orgId, a.victim.name)).toString('hex')}`;
    wanted.set(k, [...(wanted.get(k) ?? []), a]);
  }
  for (const a of acts) {
    const k = `${a.act_type as string}:${a.name_bidx.toString('hex')}`;
    const list = wanted.get(k);
    if (list?.length) {
      const want = list.shift()!;
      const cols: Record<string, unknown> = {};
      const values = writer.actValues(a.id, existing.id, a.victim_id as string, content.incident, want);
      for (const c of ['start_date', 'start_precision', 'start_approximate', 'end_date', 'end_precision', 'end_approximate', 'country', 'subdivision', 'notes']) {
        if (String(a[c] ?? null) !== String((values as Record<string, unknown>)[c] ?? null)) cols[c] = (values as Record<string, unknown>)[c];
      }
      if (Object.keys(cols).length) await updateRecord(trx, 'act', w, a.id, a.version, cols, { reason });
      const inv = (await sql<Row>`SELECT * FROM involvement WHERE organisation_id = ${orgId} AND act_id = ${a.id} AND archived_at IS NULL`.execute(trx)).rows;
      const have = inv.map((i) => i.perpetrator_type as string).sort();
      if (canonicalJson(have) !== canonicalJson([...want.perpetratorTypes].sort())) {
        for (const i of inv) await updateRecord(trx, 'involvement', w, i.id, i.version, {}, { reason, action: 'archive' });
        for (const p of want.perpetratorTypes) await insertRecord(trx, 'involvement', w, newId(), { act_id: a.id, perpetrator_type: p }, reason);
      }
    } else {
      await updateRecord(trx, 'act', w, a.id, a.version, {}, { reason, action: 'archive' });
    }
  }
  const rest = [...wanted.values()].flat();
  if (rest.length) await writer.addActs(existing.id, content.incident, rest);
}

