/**
 * Reports from the public intake: arrival (sealed with the receiving organisation's data key, dated
 * to the day, no audit entry with a clock time), the reporter's follow-up with the receipt code,
 * and staff moderation (every staff action audited in the same transaction as its write).
 */
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { actorOrganisation, actorUserId, authorize, can, writeScope, type Actor, type Ctx } from '../access/index.js';
import { discardPendingFiles, readEvidenceFile, storeEvidenceFile, stripMetadata, type PendingEvidence, type StoredFile } from '../records/index.js';
import { AppError } from '../shared/errors.js';
import { isId, newId } from '../shared/ids.js';
import { appendAudit, inTransaction, systemScope, type DB } from '../store/index.js';
import { CodeThrottle } from './code-throttle.js';
import { MAX_FILE_BYTES, type ReportBody } from './intake.schema.js';
import * as q from './intake.queries.js';
import { intakeHeavyWork } from './one-at-a-time.js';
import { lowPrioritySteps } from './low-priority.js';
import { dummySecretHash, newReceipt, parseReceipt, type Receipt } from './receipt.js';

/** Today in UTC: the finest time anything about a reporter is kept at. */
export const today = (now = new Date()): string => now.toISOString().slice(0, 10);

const bodyAad = (id: string) => `intake_report.body_enc:${id}`;
const messageAad = (reportId: string, seq: number) => `intake_message.body_enc:${reportId}:${seq}`;
const nameAad = (id: string) => `intake_file.name_enc:${id}`;

export interface IncomingFile {
  original: StoredFile;
  stripped: StoredFile | null;
  name: string;
}

/** Sets a stored file's times to midnight of its day, so the file system does not keep the hour. */
function blurFileTimes(ctx: Ctx, orgId: string, f: StoredFile | null): void {
  if (!f) return;
  const midnight = new Date(`${today()}T00:00:00Z`);
  try {
    utimesSync(join(ctx.dataDir, 'evidence', orgId, f.storageKey), midnight, midnight);
  } catch {
    /* the hour stays; the README says what the file system may still keep */
  }
}

/** Stores one uploaded file sealed (type-checked, size-limited) and, for images, a stripped copy. */
export async function storeReportFile(ctx: Ctx, orgId: string, input: Readable, name: string): Promise<IncomingFile> {
  const original = await storeEvidenceFile(ctx, orgId, input, MAX_FILE_BYTES);
  let stripped: StoredFile | null = null;
  try {
    stripped = await intakeHeavyWork.run(() => stripMetadata(ctx, orgId, original, lowPrioritySteps.cleanImage));
  } catch {
    stripped = null;
  }
  blurFileTimes(ctx, orgId, original);
  blurFileTimes(ctx, orgId, stripped);
  return { original, stripped, name: name.slice(0, 255) };
}

export async function discardReportFiles(ctx: Ctx, orgId: string, files: readonly IncomingFile[]): Promise<void> {
  await discardPendingFiles(ctx, { kind: 'system', organisationId: orgId }, files.flatMap((f) => [f.original, f.stripped].filter((x): x is StoredFile => !!x)));
}

/** A place in today's count, held from the gate until the report is committed or refused. */
export interface RoomHold {
  /** Gives the place back; `committed` when the report was recorded (it is in the count now). */
  release(committed?: boolean): void;
}

/**
 * Whether the organisation accepts reports and still has room today, checked before any file is
 * read. Room is counted as the reports committed today plus those of this process already past this
 * gate and still on their way (file storage, clean copy, receipt hash): under a flood, as many
 * reports as the cap get past it, not every one that arrives before the first commits. Otherwise
 * each of those would have its files sealed, its photo re-encoded and a receipt hashed only to be
 * refused by the count in submitReport's transaction, which stays the authority (other processes).
 * The caller releases the hold when the report is committed or refused.
 */
export async function reportRoom(ctx: Ctx, orgId: string): Promise<{ room: 'ok'; hold: RoomHold } | { room: 'closed' | 'full' }> {
  const day = today();
  // Under a flood most reports arrive after the cap: they are refused from memory, with no query.
  if (fullToday.get(orgId)?.day === day && Date.now() < fullToday.get(orgId)!.until) return { room: 'full' };
  const s = await q.intakeSettingSql(ctx.db, orgId);
  if (!s?.accepts_reports) return { room: 'closed' };
  const key = `${orgId}:${day}`;
  const committedBefore = committedHere.get(key) ?? 0;
  const n = await inTransaction(ctx.db, systemScope([orgId]), (trx) => q.reportsTodaySql(trx, orgId, day));
  if (n >= s.daily_cap) noteFull(orgId, day);
  // Reports of this process committed while the count was read may be missing from it (their
  // places already given back): counted again, to be safe.
  const meanwhile = Math.max(0, (committedHere.get(key) ?? 0) - committedBefore);
  // Checked and taken with no await in between: two requests cannot both take the last place.
  const held = onTheirWay.get(key) ?? 0;
  if (n + meanwhile + held >= s.daily_cap) return { room: 'full' };
  onTheirWay.set(key, held + 1);
  let released = false;
  return {
    room: 'ok',
    hold: {
      release(committed = false) {
        if (released) return;
        released = true;
        const left = (onTheirWay.get(key) ?? 1) - 1;
        if (left > 0) onTheirWay.set(key, left);
        else onTheirWay.delete(key);
        if (committed) {
          if (committedHere.size > 10_000) committedHere.clear();
          committedHere.set(key, (committedHere.get(key) ?? 0) + 1);
        }
      },
    },
  };
}

/** Reports of this process past the gate and not yet committed or refused, per organisation and day. */
const onTheirWay = new Map<string, number>();
/** Reports this process has committed, per organisation and day (see `meanwhile` above). */
const committedHere = new Map<string, number>();

/**
 * Organisations whose cap today is reached, as this process last saw it. Remembered for a minute
 * at most (an administrator in another process may raise the cap); a change of the setting in this
 * process forgets it at once.
 */
const fullToday = new Map<string, { day: string; until: number }>();
const FULL_MEMORY_MS = 60_000;
function noteFull(orgId: string, day: string): void {
  if (fullToday.size > 10_000) fullToday.clear();
  fullToday.set(orgId, { day, until: Date.now() + FULL_MEMORY_MS });
}

async function insertFiles(ctx: Ctx, trx: DB, orgId: string, reportId: string, files: readonly IncomingFile[], messageSeq: number | null): Promise<void> {
  for (const f of files) {
    const id = newId();
    await q.insertFileSql(trx, {
      organisation_id: orgId,
      id,
      report_id: reportId,
      message_seq: messageSeq,
      storage_key: f.original.storageKey,
      sha256: f.original.sha256,
      size_bytes: f.original.sizeBytes,
      media_type: f.original.mediaType,
      stripped_storage_key: f.stripped?.storageKey ?? null,
      stripped_sha256: f.stripped?.sha256 ?? null,
      stripped_size_bytes: f.stripped?.sizeBytes ?? null,
      stripped_media_type: f.stripped?.mediaType ?? null,
      name_enc: f.name ? await ctx.keys.encrypt(trx, orgId, nameAad(id), f.name) : null,
    });
  }
}

/**
 * Records a report and returns its receipt code (to show once). All or nothing: the daily count,
 * the report, its files, its receipt and the arrival notices commit together; over the cap, nothing
 * is kept and the caller removes the stored files.
 */
export async function submitReport(ctx: Ctx, orgId: string, body: ReportBody, files: readonly IncomingFile[]): Promise<Receipt> {
  const setting = await q.intakeSettingSql(ctx.db, orgId);
  if (!setting?.accepts_reports) throw new AppError('not_found');
  let receipt = newReceipt();
  // Hashed before the transaction: a slow hash inside it would hold one of the pool's few
  // connections that every other page needs (a flood would starve the site of connections).
  let secretHash = await intakeHeavyWork.run(() => lowPrioritySteps.hashSecret(receipt.secret));
  const day = today();
  return inTransaction(ctx.db, systemScope([orgId]), async (trx) => {
    if ((await q.countTodaySql(trx, orgId, day)) > setting.daily_cap) {
      noteFull(orgId, day);
      throw new AppError('rate_limited', { message: 'intake:errors.cap' });
    }
    const id = newId();
    await q.insertReportSql(trx, { orgId, id, day, bodyEnc: await ctx.keys.encrypt(trx, orgId, bodyAad(id), JSON.stringify(body)) });
    for (let tries = 0; ; tries++) {
      if (await q.insertReceiptSql(trx, { locator: receipt.locator, orgId, reportId: id, secretHash })) break;
      if (tries > 20) throw new AppError('internal', { message: 'no free receipt locator' });
      // A taken locator (two words) is rare: the new code's hash is the one wait inside the transaction.
      receipt = newReceipt();
      secretHash = await intakeHeavyWork.run(() => lowPrioritySteps.hashSecret(receipt.secret));
    }
    await insertFiles(ctx, trx, orgId, id, files, null);
    for (const userId of await q.moderatorsSql(trx, orgId)) await q.insertNoticeSql(trx, { orgId, id: newId(), userId, day, reportId: id });
    return receipt;
  });
}

/** The report a receipt code opens, or null (a wrong code, an unknown one and a throttled one look alike). */
export async function openReceipt(ctx: Ctx, throttle: CodeThrottle, code: unknown): Promise<{ orgId: string; reportId: string } | null> {
  const parsed = parseReceipt(code);
  const locator = parsed?.locator ?? null;
  if (throttle.blocked(locator)) throw new AppError('rate_limited', { message: 'intake:errors.throttled' });
  const row = parsed ? await q.receiptByLocatorSql(ctx.db, parsed.locator) : null;
  // The same slow work whether or not the locator exists.
  const stored = row?.secret_hash ?? (await dummySecretHash());
  const ok = await intakeHeavyWork.run(() => lowPrioritySteps.secretMatches(stored, parsed?.secret ?? 'x'));
  if (!row || !ok || !parsed) {
    throttle.failed(locator);
    return null;
  }
  throttle.succeeded(parsed.locator);
  return { orgId: row.organisation_id, reportId: row.report_id };
}

export interface ReporterView {
  receivedOn: string;
  status: q.ReportRow['status'];
  messages: { seq: number; author: 'reporter' | 'staff'; kind: string; sentOn: string; text: string | null }[];
}

/**
 * What the holder of a code sees: the organisation's answers in full, and only the dates of what
 * they sent (never the report's text again: whoever holds the code may not be the reporter).
 */
export async function reporterView(ctx: Ctx, orgId: string, reportId: string): Promise<ReporterView> {
  return inTransaction(ctx.db, systemScope([orgId]), async (trx) => {
    const r = await q.reportSql(trx, orgId, reportId);
    if (!r) throw new AppError('not_found');
    const messages = [];
    for (const m of await q.messagesSql(trx, orgId, reportId)) {
      messages.push({ seq: m.seq, author: m.author, kind: m.kind, sentOn: m.sent_on, text: m.author === 'staff' ? await ctx.keys.decrypt(trx, orgId, messageAad(reportId, m.seq), m.body_enc) : null });
    }
    // A report marked as spam looks open to its sender: the label is the organisation's business.
    return { receivedOn: r.received_on, status: r.status === 'spam' ? 'open' : r.status, messages };
  });
}

export async function addReporterInfo(ctx: Ctx, orgId: string, reportId: string, text: string): Promise<void> {
  const day = today();
  await inTransaction(ctx.db, systemScope([orgId]), async (trx) => {
    const r = await q.reportSql(trx, orgId, reportId, true);
    if (!r) throw new AppError('not_found');
    await q.insertMessageSql(trx, { orgId, reportId, author: 'reporter', kind: 'addition', day, userId: null, bodyEnc: (seq) => ctx.keys.encrypt(trx, orgId, messageAad(reportId, seq), text) });
    await q.setReportStateSql(trx, orgId, reportId, { reporterWaiting: true, status: r.status === 'awaiting_reporter' ? 'open' : undefined });
  });
}

// ------------------------------------------------------------------------------------ staff side

function moderator(actor: Actor): { org: string; user: string | null } {
  authorize(actor, 'report.moderate');
  return { org: actorOrganisation(actor), user: actorUserId(actor) };
}

async function audit(trx: DB, actor: Actor, org: string, action: string, reportId: string, detail: Record<string, unknown> = {}): Promise<void> {
  await appendAudit(trx, {
    organisationId: org,
    userId: actorUserId(actor),
    action,
    objectTable: 'intake_report',
    objectId: reportId,
    requestId: actor.requestId ?? null,
    clientHash: actor.kind === 'user' ? (actor.clientHash ?? null) : null,
    detail,
  });
}

async function ownReport(trx: DB, org: string, id: string, forUpdate = false): Promise<q.ReportRow> {
  const r = isId(id) ? await q.reportSql(trx, org, id, forUpdate) : null;
  if (!r) throw new AppError('not_found');
  return r;
}

export interface QueueItem {
  id: string;
  receivedOn: string;
  status: q.ReportRow['status'];
  reporterWaiting: boolean;
  summary: string;
  files: number;
}

export const queueFilters = { open: ['open', 'awaiting_reporter'], spam: ['spam'], case: ['case'] } as const;
export type QueueFilter = keyof typeof queueFilters;

/** The moderation queue; looking at it is audited once (it shows the start of each report). */
export async function listQueue(ctx: Ctx, actor: Actor, filter: QueueFilter = 'open'): Promise<QueueItem[]> {
  const { org } = moderator(actor);
  return inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const rows = await q.queueSql(trx, org, queueFilters[filter]);
    await appendAudit(trx, { organisationId: org, userId: actorUserId(actor), action: 'report.list', requestId: actor.requestId ?? null, detail: { filter, count: rows.length } });
    const out: QueueItem[] = [];
    for (const r of rows) {
      const body = JSON.parse(await ctx.keys.decrypt(trx, org, bodyAad(r.id), r.body_enc)) as ReportBody;
      out.push({ id: r.id, receivedOn: r.received_on, status: r.status, reporterWaiting: r.reporter_waiting, summary: body.what.slice(0, 140), files: Number(r.files) });
    }
    return out;
  });
}

export async function openReportCount(ctx: Ctx, actor: Actor): Promise<number | null> {
  if (actor.kind !== 'user' || !can(actor, 'report.moderate')) return null;
  return inTransaction(ctx.db, writeScope(actor), (trx) => q.openCountSql(trx, actor.organisationId));
}

export interface StaffReport {
  id: string;
  receivedOn: string;
  status: q.ReportRow['status'];
  caseId: string | null;
  body: ReportBody;
  messages: { seq: number; author: 'reporter' | 'staff'; kind: string; sentOn: string; userName: string | null; text: string }[];
  files: { id: string; name: string | null; mediaType: string; sizeBytes: number; sha256: string; clean: boolean; cleanSha256: string | null }[];
}

export async function getReport(ctx: Ctx, actor: Actor, id: string): Promise<StaffReport> {
  const { org } = moderator(actor);
  return inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const r = await ownReport(trx, org, id);
    await audit(trx, actor, org, 'report.view', id);
    const messages = [];
    for (const m of await q.messagesSql(trx, org, id)) {
      messages.push({ seq: m.seq, author: m.author, kind: m.kind, sentOn: m.sent_on, userName: m.display_name, text: await ctx.keys.decrypt(trx, org, messageAad(id, m.seq), m.body_enc) });
    }
    const files = [];
    for (const f of await q.filesSql(trx, org, id)) {
      files.push({
        id: f.id,
        name: await ctx.keys.decryptOptional(trx, org, nameAad(f.id), f.name_enc),
        mediaType: f.media_type,
        sizeBytes: Number(f.size_bytes),
        sha256: f.sha256,
        clean: !!f.stripped_storage_key,
        cleanSha256: f.stripped_sha256,
      });
    }
    const body = JSON.parse(await ctx.keys.decrypt(trx, org, bodyAad(id), r.body_enc)) as ReportBody;
    return { id, receivedOn: r.received_on, status: r.status, caseId: r.case_id, body, messages, files };
  });
}

/** A reply the reporter reads with their code; 'request' also asks them for more. */
export async function answerReport(ctx: Ctx, actor: Actor, id: string, kind: 'reply' | 'request', text: string): Promise<void> {
  const { org, user } = moderator(actor);
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const r = await ownReport(trx, org, id, true);
    if (r.status === 'spam') throw new AppError('invalid_state');
    const seq = await q.insertMessageSql(trx, { orgId: org, reportId: id, author: 'staff', kind, day: today(), userId: user, bodyEnc: (s) => ctx.keys.encrypt(trx, org, messageAad(id, s), text) });
    await q.setReportStateSql(trx, org, id, { reporterWaiting: false, status: kind === 'request' && r.status === 'open' ? 'awaiting_reporter' : undefined });
    await audit(trx, actor, org, `report.${kind}`, id, { seq });
  });
}

export async function markSpam(ctx: Ctx, actor: Actor, id: string, spam: boolean): Promise<void> {
  const { org } = moderator(actor);
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const r = await ownReport(trx, org, id, true);
    if (r.status === 'case') throw new AppError('invalid_state');
    await q.setReportStateSql(trx, org, id, { status: spam ? 'spam' : 'open', reporterWaiting: false });
    await audit(trx, actor, org, spam ? 'report.spam' : 'report.unspam', id);
  });
}

/** A report file for staff: the stripped copy unless the original is asked for; audited before any byte leaves. */
export async function openReportFile(ctx: Ctx, actor: Actor, reportId: string, fileId: string, variant: 'clean' | 'original'): Promise<{ mediaType: string; sha256: string; stream: Readable }> {
  const { org } = moderator(actor);
  const f = await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    await ownReport(trx, org, reportId);
    const f = isId(fileId) ? await q.fileSql(trx, org, reportId, fileId) : null;
    if (!f || (variant === 'clean' && !f.stripped_storage_key)) throw new AppError('not_found');
    await audit(trx, actor, org, variant === 'clean' ? 'report.file_view' : 'report.file_original', reportId, { file: fileId });
    return f;
  });
  const key = variant === 'clean' ? f.stripped_storage_key! : f.storage_key;
  return { mediaType: (variant === 'clean' ? f.stripped_media_type : f.media_type) ?? 'application/octet-stream', sha256: (variant === 'clean' ? f.stripped_sha256 : f.sha256) ?? '', stream: readEvidenceFile(ctx, org, key) };
}

/** What the intake wizard is pre-filled with when a report turns into a case. */
export async function reportForCase(ctx: Ctx, actor: Actor, id: string): Promise<{ body: ReportBody; receivedOn: string; evidence: PendingEvidence[] }> {
  authorize(actor, 'record.create');
  const r = await getReport(ctx, actor, id);
  if (r.status === 'case' || r.status === 'spam') throw new AppError('invalid_state');
  const org = actorOrganisation(actor);
  return inTransaction(ctx.db, writeScope(actor), async (trx) => {
    await audit(trx, actor, org, 'report.case_started', id);
    return q.filesSql(trx, org, id);
  }).then(async (files) => {
    // The case gets its own sealed copies (same bytes, same SHA-256): discarding the wizard's draft
    // removes those copies and never the report's files.
    const evidence: PendingEvidence[] = [];
    for (const f of files) {
      const copy = async (key: string) => storeEvidenceFile(ctx, org, readEvidenceFile(ctx, org, key), Number.MAX_SAFE_INTEGER);
      evidence.push({
        original: await copy(f.storage_key),
        stripped: f.stripped_storage_key ? await copy(f.stripped_storage_key) : null,
        originalName: r.files.find((x) => x.id === f.id)?.name ?? '',
        description: null,
      });
    }
    return { body: r.body, receivedOn: r.receivedOn, evidence };
  });
}

/**
 * Inside the transaction that saves the case: the report remembers its case, and the custody of
 * each file that came with it starts with the report (day received, hash taken on arrival).
 */
export async function linkReportToCase(ctx: Ctx, actor: Actor, trx: DB, reportId: string, incidentId: string): Promise<void> {
  const { org } = moderator(actor);
  const r = await ownReport(trx, org, reportId, true);
  if (r.status === 'case') throw new AppError('invalid_state');
  await q.setReportStateSql(trx, org, reportId, { status: 'case', caseId: incidentId, reporterWaiting: false });
  await audit(trx, actor, org, 'report.to_case', reportId, { incident: incidentId });
  const files = await q.filesSql(trx, org, reportId);
  for (const e of await q.evidenceOfIncidentSql(trx, org, incidentId)) {
    const f = files.find((x) => x.sha256 === e.sha256 || x.stripped_sha256 === e.sha256);
    if (!f) continue;
    await appendAudit(trx, {
      organisationId: org,
      userId: actorUserId(actor),
      action: 'evidence.from_report',
      objectTable: 'evidence',
      objectId: e.id,
      requestId: actor.requestId ?? null,
      detail: { report: reportId, receivedOn: r.received_on, sha256AtArrival: e.sha256, copyOf: f.sha256 === e.sha256 ? 'original' : 'stripped' },
    });
  }
}

export async function reportOfCase(ctx: Ctx, actor: Actor, incidentId: string): Promise<{ id: string; receivedOn: string } | null> {
  if (actor.kind !== 'user' || !isId(incidentId)) return null;
  const r = await inTransaction(ctx.db, writeScope(actor), (trx) => q.reportOfCaseSql(trx, actor.organisationId, incidentId));
  return r ? { id: r.id, receivedOn: r.received_on } : null;
}

export async function intakeSetting(ctx: Ctx, orgId: string): Promise<{ acceptsReports: boolean; dailyCap: number }> {
  const s = await q.intakeSettingSql(ctx.db, orgId);
  return { acceptsReports: s?.accepts_reports ?? false, dailyCap: s?.daily_cap ?? 200 };
}

export async function setIntakeSetting(ctx: Ctx, actor: Actor, acceptsReports: boolean, dailyCap: number): Promise<void> {
  authorize(actor, 'org.manage');
  const org = actorOrganisation(actor);
  if (!Number.isInteger(dailyCap) || dailyCap < 1 || dailyCap > 100_000) {
    throw new AppError('validation', { issues: [{ path: ['dailyCap'], key: 'intake:errors.cap_invalid' }] });
  }
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    await q.saveIntakeSettingSql(trx, org, acceptsReports, dailyCap);
    fullToday.delete(org);
    await appendAudit(trx, { organisationId: org, userId: actorUserId(actor), action: 'intake.setting', requestId: actor.requestId ?? null, detail: { acceptsReports, dailyCap } });
  });
}

export async function acceptingOrganisation(ctx: Ctx, slug: string): Promise<{ id: string; slug: string; name: string; country: string } | null> {
  if (typeof slug !== 'string' || slug.length > 100) return null;
  const o = await q.acceptingOrganisationSql(ctx.db, slug);
  return o ? { ...o, country: o.country ?? 'VE' } : null;
}

export const organisationSlug = (ctx: Ctx, orgId: string): Promise<string> => q.organisationSlugSql(ctx.db, orgId);

export async function acceptingOrganisations(ctx: Ctx): Promise<{ id: string; slug: string; name: string; country: string | null }[]> {
  return q.acceptingOrganisationsSql(ctx.db);
}
