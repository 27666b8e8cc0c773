/**
 * The one audit writer. Entries are appended per organisation, each holding the SHA-256 of the
 * previous entry, so an edited, removed or reordered entry breaks the chain at a place the
 * verifier can name. Call it with the transaction handle of the write it records, so the write and
 * its audit entry commit or fail together.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { DB } from './db.js';
import { canonicalJson } from './canonical-json.js';

export const SYSTEM_ORG = '00000000-0000-0000-0000-000000000000';
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  organisationId: string | null;
  userId: string | null;
  action: string;
  objectTable?: string | null;
  objectId?: string | null;
  outcome?: 'ok' | 'denied' | 'failed';
  requestId?: string | null;
  /** A keyed hash of the client address, never the address itself (SECURITY.md T2). */
  clientHash?: string | null;
  /** Non-identifying facts only: field names changed, counts, codes — never names or narratives. */
  detail?: Record<string, unknown>;
}

export interface StoredAuditEntry {
  organisation_id: string;
  seq: string;
  at: Date;
  user_id: string | null;
  action: string;
  object_table: string | null;
  object_id: string | null;
  outcome: string;
  request_id: string | null;
  client_hash: string | null;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export function entryHash(e: Omit<StoredAuditEntry, 'hash'>): string {
  const body = canonicalJson({
    organisation_id: e.organisation_id,
    seq: String(e.seq),
    at: new Date(e.at).toISOString(),
    user_id: e.user_id,
    action: e.action,
    object_table: e.object_table,
    object_id: e.object_id,
    outcome: e.outcome,
    request_id: e.request_id,
    client_hash: e.client_hash,
    detail: e.detail,
    prev_hash: e.prev_hash,
  });
  return createHash('sha256').update(body).digest('hex');
}

function lockKey(orgId: string): bigint {
  return createHash('sha256').update(orgId).digest().readBigInt64BE(0);
}

export async function appendAudit(trx: DB, entry: AuditEntry): Promise<void> {
  const org = entry.organisationId ?? SYSTEM_ORG;
  // Serialises appends per organisation for the rest of the transaction.
  await sql`SELECT pg_advisory_xact_lock(${lockKey(org).toString()}::bigint)`.execute(trx);
  const last = (await sql<{ seq: string; hash: string }>`SELECT seq, hash FROM atalaya_audit_head(${org}::uuid)`.execute(trx)).rows[0];
  const seq = last ? String(BigInt(last.seq) + 1n) : '1';
  const row: Omit<StoredAuditEntry, 'hash'> = {
    organisation_id: org,
    seq,
    at: new Date(),
    user_id: entry.userId,
    action: entry.action,
    object_table: entry.objectTable ?? null,
    object_id: entry.objectId ?? null,
    outcome: entry.outcome ?? 'ok',
    request_id: entry.requestId ?? null,
    client_hash: entry.clientHash ?? null,
    detail: entry.detail ?? {},
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  await trx
    .insertInto('audit_log')
    .values({ ...row, detail: JSON.stringify(row.detail), hash: entryHash(row) })
    .execute();
}

export interface AuditProblem {
  organisationId: string;
  seq: string;
  problem: 'altered' | 'broken_link' | 'gap' | 'out_of_order';
}

/** Walks each organisation's chain in order and names the first entry where it breaks. */
export async function verifyAudit(db: DB, organisationId?: string): Promise<{ entries: number; problems: AuditProblem[] }> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('organisation_id').orderBy('seq');
  if (organisationId) q = q.where('organisation_id', '=', organisationId);
  const rows = (await q.execute()) as StoredAuditEntry[];
  const problems: AuditProblem[] = [];
  let prevOrg = '';
  let prevHash = GENESIS_HASH;
  let expectSeq = 1n;
  let prevAt = 0;
  let broken = false;
  for (const r of rows) {
    if (r.organisation_id !== prevOrg) {
      prevOrg = r.organisation_id;
      prevHash = GENESIS_HASH;
      expectSeq = 1n;
      prevAt = 0;
      broken = false;
    }
    if (broken) continue;
    const seq = BigInt(r.seq);
    const at = new Date(r.at).getTime();
    const report = (problem: AuditProblem['problem']) => {
      problems.push({ organisationId: r.organisation_id, seq: r.seq, problem });
      broken = true;
    };
    if (entryHash(r) !== r.hash) report('altered');
    else if (seq !== expectSeq) report('gap');
    else if (r.prev_hash !== prevHash) report('broken_link');
    else if (at < prevAt) report('out_of_order');
    prevHash = r.hash;
    expectSeq = seq + 1n;
    prevAt = at;
  }
  return { entries: rows.length, problems };
}

/** The latest hash of an organisation's chain, to print in exports and backup manifests. */
export async function auditHead(db: DB, organisationId: string): Promise<{ seq: string; hash: string } | null> {
  const r = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .where('organisation_id', '=', organisationId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ?? null;
}
