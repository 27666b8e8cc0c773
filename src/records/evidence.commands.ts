/**
 * Evidence files: streamed in, hashed (SHA-256) and typed (magic bytes against an allowlist) on the
 * way, and written encrypted with the organisation's data key under
 * `<data>/evidence/<org>/<random>`, a server-chosen name outside any served folder. Images also get
 * a re-encoded copy without EXIF/GPS metadata, kept as its own evidence row (`derived_from`), while
 * the original stays byte-exact and sealed: files are created exclusively and never rewritten, and
 * the database refuses changes to what identifies them (migration 010).
 *
 * Chain of custody = the audit entries on the evidence object: added (record.create), viewed
 * (evidence.view), downloaded (evidence.download), exported (evidence.export).
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync, openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromBuffer } from 'file-type';
import { sql } from 'kysely';
import { actorOrganisation, actorUserId, authorize, readScope, writeScope, type Actor, type Ctx } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { isId, newId } from '../shared/ids.js';
import { appendAudit, inTransaction, type DB } from '../store/index.js';
import { decryptStream, encryptStream } from './evidence.stream.js';
import { cleanable, imageCleaner } from './image-clean.js';
import { insertRecord, getRow, type Row, type Who } from './record-store.js';
import { presentRow, type Presented } from './records.present.js';

export const defaultMaxEvidenceBytes = 100 * 1024 * 1024;

/** Media types accepted as evidence, decided from the bytes (never from the name or the browser). */
export const evidenceTypes: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'application/pdf': 'pdf',
  'video/mp4': 'mp4',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/ogg': 'ogg',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'text/plain': 'txt',
};
const SNIFF = 4100;

export interface StoredFile {
  storageKey: string;
  sha256: string;
  sizeBytes: number;
  mediaType: string;
}

function evidenceDir(ctx: Ctx, orgId: string): string {
  return join(ctx.dataDir, 'evidence', orgId);
}
function filePath(ctx: Ctx, orgId: string, storageKey: string): string {
  if (!/^[0-9a-f]{32}$/.test(storageKey) || !isId(orgId)) throw new AppError('internal', { message: 'bad storage key' });
  return join(evidenceDir(ctx, orgId), storageKey);
}
/** Authenticated with every chunk, so a file copied to another name or organisation does not open. */
const aeadName = (orgId: string, storageKey: string) => `${orgId}/${storageKey}`;

/** Plain text: valid UTF-8 without control characters other than tab, newline and carriage return. */
function looksLikeText(sample: Buffer, complete: boolean): boolean {
  // A multi-byte character may be cut at the end of the sample.
  const s = complete ? sample : sample.subarray(0, Math.max(0, sample.length - 4));
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(s);
    return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
  } catch {
    return false;
  }
}

/** Hashes, counts and types the bytes as they pass; holds the first 4 KiB until the type is known. */
function inspector(maxBytes: number, result: { sha256?: string; size: number; mediaType?: string }): Transform {
  const hash = createHash('sha256');
  let head: Buffer[] = [];
  let headLength = 0;
  let typed = false;
  const decide = async (sample: Buffer, complete: boolean): Promise<void> => {
    const ft = await fileTypeFromBuffer(sample);
    let mime = ft?.mime as string | undefined;
    if (!mime && looksLikeText(sample, complete)) mime = 'text/plain';
    if (!mime || !(mime in evidenceTypes)) throw new AppError('unsupported_media', { values: { type: mime ?? '?' } });
    result.mediaType = mime;
    typed = true;
  };
  return new Transform({
    transform(chunk: Buffer, _e, cb: TransformCallback) {
      result.size += chunk.length;
      if (result.size > maxBytes) return cb(new AppError('too_large', { values: { max: maxBytes } }));
      hash.update(chunk);
      if (typed) return cb(null, chunk);
      head.push(chunk);
      headLength += chunk.length;
      if (headLength < SNIFF) return cb();
      const all = Buffer.concat(head);
      head = [];
      decide(all, false).then(() => cb(null, all), (e: unknown) => cb(e as Error));
    },
    flush(cb: TransformCallback) {
      result.sha256 = hash.digest('hex');
      if (typed) return cb();
      const all = Buffer.concat(head);
      if (all.length === 0) return cb(new AppError('bad_input', { issues: [{ path: ['file'], key: 'workspace:evidence.empty' }] }));
      decide(all, true).then(() => cb(null, all), (e: unknown) => cb(e as Error));
    },
  });
}

/**
 * Streams `input` into a new encrypted file of the organisation. Nothing is buffered beyond one
 * 64 KiB chunk and the 4 KiB type sniff. On any failure the partial file is removed.
 */
export async function storeEvidenceFile(ctx: Ctx, orgId: string, input: Readable, maxBytes = defaultMaxEvidenceBytes): Promise<StoredFile> {
  const storageKey = randomBytes(16).toString('hex');
  mkdirSync(evidenceDir(ctx, orgId), { recursive: true, mode: 0o700 });
  const path = filePath(ctx, orgId, storageKey);
  const { version, key } = await ctx.keys.fileKey(ctx.db, orgId);
  const result: { sha256?: string; size: number; mediaType?: string } = { size: 0 };
  // Opened synchronously ('wx': never overwrites; 0400: read-only once written) so that a refusal
  // can always remove it: a stream that opened its file later would leave it behind.
  const fd = openSync(path, 'wx', 0o400);
  // A multipart parser that hits its size limit ends the file stream quietly and only flags it
  // ('limit', `truncated`): the cut-off bytes must never pass for the whole file.
  let cut = false;
  input.once('limit', () => {
    cut = true;
  });
  try {
    await pipeline(input, inspector(maxBytes, result), encryptStream(key, version, aeadName(orgId, storageKey)), createWriteStream(path, { fd }));
    if (cut || (input as { truncated?: boolean }).truncated === true) throw new AppError('too_large', { values: { max: maxBytes } });
  } catch (e) {
    try {
      unlinkSync(path);
    } catch {
      /* never created */
    }
    // The rest of a refused upload must still be drained, or the request hangs.
    input.resume();
    throw e;
  }
  return { storageKey, sha256: result.sha256!, sizeBytes: result.size, mediaType: result.mediaType! };
}

/**
 * Any file sealed with the organisation's file key (evidence, waiting import uploads), decrypted as a
 * stream and authenticated chunk by chunk; `name` is the associated data it was sealed with.
 */
export function openSealedFile(ctx: Ctx, orgId: string, path: string, name: string): Readable {
  const src = createReadStream(path, { highWaterMark: 1 << 16 });
  const out = decryptStream((v) => ctx.keys.fileKeyVersion(ctx.db, orgId, v), name);
  src.on('error', (e) => out.destroy(e));
  return src.pipe(out);
}

/** A writable that seals what it is given into `path` (0600); `done` settles once the last byte is on disk. */
export async function sealedFileWriter(ctx: Ctx, orgId: string, path: string, name: string): Promise<{ stream: Writable; done: Promise<unknown> }> {
  const { version, key } = await ctx.keys.fileKey(ctx.db, orgId);
  const enc = encryptStream(key, version, name);
  const file = createWriteStream(path, { mode: 0o600 });
  enc.on('error', (e) => file.destroy(e));
  // A write that fails (disk full) must fail the writer too, or whoever pipes into it waits forever.
  file.on('error', (e) => enc.destroy(e));
  enc.pipe(file);
  const done = once(file, 'finish');
  done.catch(() => {}); // reported through `stream` as well; awaiting `done` still rejects
  return { stream: enc, done };
}

/** The decrypted bytes of a stored file, as a stream (authenticated chunk by chunk). */
export function readEvidenceFile(ctx: Ctx, orgId: string, storageKey: string): Readable {
  return openSealedFile(ctx, orgId, filePath(ctx, orgId, storageKey), aeadName(orgId, storageKey));
}

/** Makes an image's clean copy from its bytes somewhere else (the public intake's low-priority process). */
export type ImageCleaning = (plain: Buffer, mediaType: string) => Promise<Buffer>;

/**
 * A re-encoded copy of an image without EXIF, GPS, XMP or ICC comments; null for other types.
 * Streamed through sharp here, or, given `elsewhere`, the image's bytes are handed over whole (it
 * is one image, decoded whole by sharp anyway) and the copy that comes back is sealed here.
 */
export async function stripMetadata(ctx: Ctx, orgId: string, original: StoredFile, elsewhere?: ImageCleaning): Promise<StoredFile | null> {
  if (!cleanable(original.mediaType)) return null;
  const src = readEvidenceFile(ctx, orgId, original.storageKey);
  if (elsewhere) {
    const chunks: Buffer[] = [];
    for await (const c of src) chunks.push(c as Buffer);
    const clean = await elsewhere(Buffer.concat(chunks), original.mediaType);
    return storeEvidenceFile(ctx, orgId, Readable.from([clean]), Number.MAX_SAFE_INTEGER);
  }
  const transformer = await imageCleaner(original.mediaType);
  src.on('error', (e) => transformer.destroy(e));
  return storeEvidenceFile(ctx, orgId, src.pipe(transformer), Number.MAX_SAFE_INTEGER);
}

export interface PendingEvidence {
  original: StoredFile;
  stripped: StoredFile | null;
  originalName: string;
  description: string | null;
}

/** Stores an upload (and its stripped copy) before the incident it belongs to exists (intake drafts). */
export async function storeUpload(ctx: Ctx, actor: Actor, input: Readable, meta: { originalName: string; description?: string | null }, maxBytes = defaultMaxEvidenceBytes): Promise<PendingEvidence> {
  authorize(actor, 'evidence.create');
  const orgId = actorOrganisation(actor);
  const original = await storeEvidenceFile(ctx, orgId, input, maxBytes);
  let stripped: StoredFile | null = null;
  try {
    stripped = await stripMetadata(ctx, orgId, original);
  } catch {
    // An image sharp cannot decode is kept as an original without a shareable copy.
    stripped = null;
  }
  return { original, stripped, originalName: meta.originalName.slice(0, 255), description: meta.description?.slice(0, 2000) || null };
}

function whoFor(actor: Actor): Who {
  return { organisationId: actorOrganisation(actor), userId: actorUserId(actor), requestId: actor.requestId, clientHash: actor.kind === 'user' ? actor.clientHash : undefined };
}

async function insertEvidenceRow(ctx: Ctx, trx: DB, who: Who, incidentId: string, actId: string | null, f: StoredFile, extra: { originalName: string; description: string | null; derivedFrom?: string }): Promise<Row> {
  const id = newId();
  return insertRecord(trx, 'evidence', who, id, {
    incident_id: incidentId,
    act_id: actId,
    storage_key: f.storageKey,
    sha256: f.sha256,
    size_bytes: f.sizeBytes,
    media_type: f.mediaType,
    original_name_enc: extra.originalName ? await ctx.keys.encrypt(trx, who.organisationId, `evidence.original_name_enc:${id}`, extra.originalName) : null,
    description_enc: extra.description ? await ctx.keys.encrypt(trx, who.organisationId, `evidence.description_enc:${id}`, extra.description) : null,
    derived_from: extra.derivedFrom ?? null,
    derivation: extra.derivedFrom ? 'metadata_stripped' : null,
  });
}

/** Records stored files as evidence of an incident of the actor's organisation (one transaction). */
export async function attachEvidence(ctx: Ctx, actor: Actor, incidentId: string, pending: PendingEvidence, actId: string | null = null, inTrx?: DB): Promise<{ original: Presented; stripped: Presented | null }> {
  authorize(actor, 'evidence.create');
  const who = whoFor(actor);
  const run = <T,>(fn: (trx: DB) => Promise<T>) => (inTrx ? fn(inTrx) : inTransaction(ctx.db, writeScope(actor), fn));
  return run(async (trx) => {
    if (!isId(incidentId) || !(await getRow(trx, 'incident', who.organisationId, incidentId))) throw new AppError('not_found');
    const o = await insertEvidenceRow(ctx, trx, who, incidentId, actId, pending.original, pending);
    const s = pending.stripped ? await insertEvidenceRow(ctx, trx, who, incidentId, actId, pending.stripped, { ...pending, derivedFrom: o.id }) : null;
    return { original: await presentRow(ctx, trx, 'evidence', o), stripped: s ? await presentRow(ctx, trx, 'evidence', s) : null };
  });
}

/** Upload straight onto an existing incident. */
export async function uploadEvidence(
  ctx: Ctx,
  actor: Actor,
  incidentId: string,
  input: Readable,
  meta: { originalName: string; description?: string | null; actId?: string | null },
  maxBytes = defaultMaxEvidenceBytes,
): Promise<{ original: Presented; stripped: Presented | null }> {
  authorize(actor, 'evidence.create');
  const orgId = actorOrganisation(actor);
  // The incident is checked before a byte is stored: a refused upload must leave nothing on disk.
  const exists = isId(incidentId) && (await inTransaction(ctx.db, writeScope(actor), (trx) => getRow(trx, 'incident', orgId, incidentId)));
  if (!exists) {
    input.resume();
    throw new AppError('not_found');
  }
  const pending = await storeUpload(ctx, actor, input, meta, maxBytes);
  try {
    return await attachEvidence(ctx, actor, incidentId, pending, meta.actId ?? null);
  } catch (e) {
    removeStoredFiles(ctx, orgId, [pending.original, pending.stripped]);
    throw e;
  }
}

function removeStoredFiles(ctx: Ctx, orgId: string, files: readonly (StoredFile | null)[]): void {
  for (const f of files) {
    if (!f) continue;
    try {
      unlinkSync(filePath(ctx, orgId, f.storageKey));
    } catch {
      /* already gone */
    }
  }
}

export interface CustodyEntry {
  at: string;
  action: string;
  userName: string | null;
  outcome: string;
}

/** Owner organisation's evidence row, or not_found (partners never reach evidence files). */
async function ownEvidence(trx: DB, actor: Actor, id: string): Promise<Row> {
  const scope = readScope(actor);
  const org = scope.organisationIds[0];
  if (!org || !isId(id)) throw new AppError('not_found');
  const row = await getRow(trx, 'evidence', org, id);
  if (!row) throw new AppError('not_found');
  return row;
}

async function custodyOf(trx: DB, orgId: string, id: string): Promise<CustodyEntry[]> {
  const r = await sql<{ at: Date; action: string; display_name: string | null; outcome: string }>`SELECT a.at, a.action, u.display_name, a.outcome
    FROM audit_log a LEFT JOIN app_user u ON u.id = a.user_id
    WHERE a.organisation_id = ${orgId} AND a.object_table = 'evidence' AND a.object_id = ${id} ORDER BY a.seq`.execute(trx);
  return r.rows.map((x) => ({ at: new Date(x.at).toISOString(), action: x.action, userName: x.display_name, outcome: x.outcome }));
}

/** The evidence record with its chain of custody; the look is itself recorded (evidence.view). */
export async function getEvidence(ctx: Ctx, actor: Actor, id: string): Promise<{ evidence: Presented; custody: CustodyEntry[]; derivatives: Presented[] }> {
  authorize(actor, 'evidence.read');
  return inTransaction(ctx.db, readScope(actor), async (trx) => {
    const row = await ownEvidence(trx, actor, id);
    await appendAudit(trx, { organisationId: row.organisation_id, userId: actorUserId(actor), action: 'evidence.view', objectTable: 'evidence', objectId: id, requestId: actor.requestId ?? null });
    const der = (await sql<Row>`SELECT * FROM evidence WHERE organisation_id = ${row.organisation_id} AND derived_from = ${id} AND archived_at IS NULL`.execute(trx)).rows;
    return {
      evidence: await presentRow(ctx, trx, 'evidence', row),
      custody: await custodyOf(trx, row.organisation_id, id),
      derivatives: await Promise.all(der.map((d) => presentRow(ctx, trx, 'evidence', d))),
    };
  });
}

/** Opens a file for download or export; the audit entry is written before any byte leaves. */
export async function openEvidence(ctx: Ctx, actor: Actor, id: string, purpose: 'download' | 'export' = 'download'): Promise<{ evidence: Presented; stream: Readable }> {
  authorize(actor, purpose === 'export' ? 'analysis.export' : 'evidence.read');
  const { row, presented } = await inTransaction(ctx.db, readScope(actor), async (trx) => {
    const row = await ownEvidence(trx, actor, id);
    await appendAudit(trx, { organisationId: row.organisation_id, userId: actorUserId(actor), action: `evidence.${purpose}`, objectTable: 'evidence', objectId: id, requestId: actor.requestId ?? null });
    return { row, presented: await presentRow(ctx, trx, 'evidence', row) };
  });
  return { evidence: presented, stream: readEvidenceFile(ctx, row.organisation_id, row.storage_key as string) };
}

/** A safe download name: the type's extension on a neutral stem (original names may identify people). */
export function downloadName(e: Presented): string {
  const ext = evidenceTypes[String(e.mediaType)] ?? 'bin';
  return `evidence-${String(e.sha256).slice(0, 12)}${e.derivation ? '-stripped' : ''}.${ext}`;
}

/** Removes stored files that were never recorded as evidence (a discarded intake draft). */
export async function discardPendingFiles(ctx: Ctx, actor: Actor, files: readonly StoredFile[]): Promise<void> {
  const orgId = actorOrganisation(actor);
  for (const f of files) {
    const used = await ctx.db.selectFrom('evidence').select('id').where('organisation_id', '=', orgId).where('storage_key', '=', f.storageKey).executeTakeFirst();
    if (used) continue;
    try {
      unlinkSync(filePath(ctx, orgId, f.storageKey));
    } catch {
      /* already gone */
    }
  }
}
