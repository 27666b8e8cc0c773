/**
 * All SQL of the public intake. Every function takes the transaction handle of a transaction whose
 * scope is the receiving organisation (the second wall applies), except the receipt look-up and
 * the list of organisations accepting reports, which hold no report contents.
 */
import { sql } from 'kysely';
import type { DB } from '../store/index.js';

export interface ReportRow {
  organisation_id: string;
  id: string;
  received_on: string;
  status: 'open' | 'awaiting_reporter' | 'spam' | 'case';
  body_enc: Buffer;
  reporter_waiting: boolean;
  case_id: string | null;
}
export interface MessageRow {
  seq: number;
  author: 'reporter' | 'staff';
  kind: 'addition' | 'reply' | 'request';
  sent_on: string;
  user_id: string | null;
  display_name: string | null;
  body_enc: Buffer;
}
export interface FileRow {
  organisation_id: string;
  id: string;
  report_id: string;
  storage_key: string;
  sha256: string;
  size_bytes: string;
  media_type: string;
  stripped_storage_key: string | null;
  stripped_sha256: string | null;
  stripped_size_bytes: string | null;
  stripped_media_type: string | null;
  name_enc: Buffer | null;
}

const dateText = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

export async function acceptingOrganisationsSql(db: DB): Promise<{ id: string; slug: string; name: string; country: string | null }[]> {
  const r = await sql<{ id: string; slug: string; name: string; country: string | null }>`SELECT o.id, o.slug, o.name, o.country
    FROM organisation o JOIN intake_setting s ON s.organisation_id = o.id
    WHERE s.accepts_reports AND o.locked_at IS NULL AND o.sealed_at IS NULL ORDER BY o.name`.execute(db);
  return r.rows;
}

export async function intakeSettingSql(db: DB, orgId: string): Promise<{ accepts_reports: boolean; daily_cap: number } | null> {
  const r = await sql<{ accepts_reports: boolean; daily_cap: number }>`SELECT accepts_reports, daily_cap FROM intake_setting WHERE organisation_id = ${orgId}`.execute(db);
  return r.rows[0] ?? null;
}

export async function saveIntakeSettingSql(trx: DB, orgId: string, accepts: boolean, dailyCap: number): Promise<void> {
  await sql`INSERT INTO intake_setting (organisation_id, accepts_reports, daily_cap) VALUES (${orgId}, ${accepts}, ${dailyCap})
    ON CONFLICT (organisation_id) DO UPDATE SET accepts_reports = EXCLUDED.accepts_reports, daily_cap = EXCLUDED.daily_cap`.execute(trx);
}

/** Counts one more report for the day and returns the new count (the caller refuses past the cap). */
export async function countTodaySql(trx: DB, orgId: string, day: string): Promise<number> {
  await sql`DELETE FROM intake_daily_count WHERE organisation_id = ${orgId} AND day < ${day}::date - 1`.execute(trx);
  const r = await sql<{ reports: number }>`INSERT INTO intake_daily_count (organisation_id, day, reports) VALUES (${orgId}, ${day}, 1)
    ON CONFLICT (organisation_id, day) DO UPDATE SET reports = intake_daily_count.reports + 1 RETURNING reports`.execute(trx);
  return Number(r.rows[0]!.reports);
}

export async function reportsTodaySql(db: DB, orgId: string, day: string): Promise<number> {
  const r = await sql<{ reports: number }>`SELECT reports FROM intake_daily_count WHERE organisation_id = ${orgId} AND day = ${day}`.execute(db);
  return Number(r.rows[0]?.reports ?? 0);
}

export async function insertReportSql(trx: DB, r: { orgId: string; id: string; day: string; bodyEnc: Buffer }): Promise<void> {
  await sql`INSERT INTO intake_report (organisation_id, id, received_on, body_enc) VALUES (${r.orgId}, ${r.id}, ${r.day}, ${r.bodyEnc})`.execute(trx);
}

/** False when the locator is taken (the caller draws another code). */
export async function insertReceiptSql(trx: DB, r: { locator: string; orgId: string; reportId: string; secretHash: string }): Promise<boolean> {
  const res = await sql`INSERT INTO intake_receipt (locator, organisation_id, report_id, secret_hash) VALUES (${r.locator}, ${r.orgId}, ${r.reportId}, ${r.secretHash})
    ON CONFLICT (locator) DO NOTHING`.execute(trx);
  return Number(res.numAffectedRows ?? 0) === 1;
}

export async function receiptByLocatorSql(db: DB, locator: string): Promise<{ organisation_id: string; report_id: string; secret_hash: string } | null> {
  const r = await sql<{ organisation_id: string; report_id: string; secret_hash: string }>`SELECT organisation_id, report_id, secret_hash FROM intake_receipt WHERE locator = ${locator}`.execute(db);
  return r.rows[0] ?? null;
}

export async function insertFileSql(trx: DB, f: Omit<FileRow, 'size_bytes' | 'stripped_size_bytes'> & { size_bytes: number; stripped_size_bytes: number | null; message_seq: number | null }): Promise<void> {
  await sql`INSERT INTO intake_file (organisation_id, id, report_id, message_seq, storage_key, sha256, size_bytes, media_type,
      stripped_storage_key, stripped_sha256, stripped_size_bytes, stripped_media_type, name_enc)
    VALUES (${f.organisation_id}, ${f.id}, ${f.report_id}, ${f.message_seq}, ${f.storage_key}, ${f.sha256}, ${f.size_bytes}, ${f.media_type},
      ${f.stripped_storage_key}, ${f.stripped_sha256}, ${f.stripped_size_bytes}, ${f.stripped_media_type}, ${f.name_enc})`.execute(trx);
}

export async function reportSql(trx: DB, orgId: string, id: string, forUpdate = false): Promise<ReportRow | null> {
  const r = forUpdate
    ? await sql<ReportRow>`SELECT * FROM intake_report WHERE organisation_id = ${orgId} AND id = ${id} FOR UPDATE`.execute(trx)
    : await sql<ReportRow>`SELECT * FROM intake_report WHERE organisation_id = ${orgId} AND id = ${id}`.execute(trx);
  const row = r.rows[0];
  return row ? { ...row, received_on: dateText(row.received_on) } : null;
}

export async function queueSql(trx: DB, orgId: string, statuses: readonly string[], limit = 200): Promise<(ReportRow & { files: number })[]> {
  const r = await sql<ReportRow & { files: number }>`SELECT r.*, (SELECT count(*)::int FROM intake_file f WHERE f.organisation_id = r.organisation_id AND f.report_id = r.id) AS files
    FROM intake_report r WHERE r.organisation_id = ${orgId} AND r.status = ANY (${statuses as string[]})
    ORDER BY r.reporter_waiting DESC, r.received_on DESC, r.id LIMIT ${limit}`.execute(trx);
  return r.rows.map((row) => ({ ...row, received_on: dateText(row.received_on) }));
}

export async function openCountSql(trx: DB, orgId: string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM intake_report WHERE organisation_id = ${orgId} AND status IN ('open', 'awaiting_reporter')`.execute(trx);
  return Number(r.rows[0]?.n ?? 0);
}

export async function messagesSql(trx: DB, orgId: string, reportId: string): Promise<MessageRow[]> {
  const r = await sql<MessageRow>`SELECT m.seq, m.author, m.kind, m.sent_on, m.user_id, u.display_name, m.body_enc
    FROM intake_message m LEFT JOIN app_user u ON u.id = m.user_id
    WHERE m.organisation_id = ${orgId} AND m.report_id = ${reportId} ORDER BY m.seq`.execute(trx);
  return r.rows.map((row) => ({ ...row, sent_on: dateText(row.sent_on) }));
}

export async function insertMessageSql(trx: DB, m: { orgId: string; reportId: string; author: 'reporter' | 'staff'; kind: string; day: string; userId: string | null; bodyEnc: (seq: number) => Promise<Buffer> }): Promise<number> {
  const r = await sql<{ n: number }>`SELECT coalesce(max(seq), 0)::int + 1 AS n FROM intake_message WHERE organisation_id = ${m.orgId} AND report_id = ${m.reportId}`.execute(trx);
  const seq = Number(r.rows[0]!.n);
  await sql`INSERT INTO intake_message (organisation_id, report_id, seq, author, kind, sent_on, user_id, body_enc)
    VALUES (${m.orgId}, ${m.reportId}, ${seq}, ${m.author}, ${m.kind}, ${m.day}, ${m.userId}, ${await m.bodyEnc(seq)})`.execute(trx);
  return seq;
}

export async function setReportStateSql(trx: DB, orgId: string, id: string, s: { status?: ReportRow['status']; reporterWaiting?: boolean; caseId?: string }): Promise<void> {
  await sql`UPDATE intake_report SET status = coalesce(${s.status ?? null}, status), reporter_waiting = coalesce(${s.reporterWaiting ?? null}, reporter_waiting),
    case_id = coalesce(${s.caseId ?? null}::uuid, case_id) WHERE organisation_id = ${orgId} AND id = ${id}`.execute(trx);
}

export async function filesSql(trx: DB, orgId: string, reportId: string): Promise<FileRow[]> {
  const r = await sql<FileRow>`SELECT * FROM intake_file WHERE organisation_id = ${orgId} AND report_id = ${reportId} ORDER BY message_seq NULLS FIRST, id`.execute(trx);
  return r.rows;
}

export async function fileSql(trx: DB, orgId: string, reportId: string, id: string): Promise<FileRow | null> {
  const r = await sql<FileRow>`SELECT * FROM intake_file WHERE organisation_id = ${orgId} AND report_id = ${reportId} AND id = ${id}`.execute(trx);
  return r.rows[0] ?? null;
}

/** Staff who moderate reports in the organisation (documenters and reviewers), for arrival notices. */
export async function moderatorsSql(trx: DB, orgId: string): Promise<string[]> {
  const r = await sql<{ user_id: string }>`SELECT m.user_id FROM membership m JOIN app_user u ON u.id = m.user_id
    WHERE m.organisation_id = ${orgId} AND m.role IN ('documenter', 'reviewer') AND u.disabled_at IS NULL`.execute(trx);
  return r.rows.map((x) => x.user_id);
}

/** An arrival notice dated to the day only, like the report itself. */
export async function insertNoticeSql(trx: DB, n: { orgId: string; id: string; userId: string; day: string; reportId: string }): Promise<void> {
  await sql`INSERT INTO notification (organisation_id, id, user_id, kind, payload, created_at)
    VALUES (${n.orgId}, ${n.id}, ${n.userId}, 'new_report', ${JSON.stringify({ reportId: n.reportId })}, ${n.day}::date)`.execute(trx);
}

export async function reportOfCaseSql(trx: DB, orgId: string, incidentId: string): Promise<{ id: string; received_on: string } | null> {
  const r = await sql<{ id: string; received_on: string }>`SELECT id, received_on FROM intake_report WHERE organisation_id = ${orgId} AND case_id = ${incidentId}`.execute(trx);
  const row = r.rows[0];
  return row ? { id: row.id, received_on: dateText(row.received_on) } : null;
}

export async function evidenceOfIncidentSql(trx: DB, orgId: string, incidentId: string): Promise<{ id: string; sha256: string }[]> {
  const r = await sql<{ id: string; sha256: string }>`SELECT id, sha256 FROM evidence WHERE organisation_id = ${orgId} AND incident_id = ${incidentId}`.execute(trx);
  return r.rows;
}

export async function acceptingOrganisationSql(db: DB, slug: string): Promise<{ id: string; slug: string; name: string; country: string | null } | null> {
  const r = await sql<{ id: string; slug: string; name: string; country: string | null }>`SELECT o.id, o.slug, o.name, o.country
    FROM organisation o JOIN intake_setting s ON s.organisation_id = o.id
    WHERE o.slug = ${slug} AND s.accepts_reports AND o.locked_at IS NULL AND o.sealed_at IS NULL`.execute(db);
  return r.rows[0] ?? null;
}

export async function organisationSlugSql(db: DB, orgId: string): Promise<string> {
  const r = await sql<{ slug: string }>`SELECT slug FROM organisation WHERE id = ${orgId}`.execute(db);
  return r.rows[0]?.slug ?? '';
}
