/**
 * Key administration: rotating the master key (re-wrapping every organisation's keys), the
 * passphrase-protected offline backup of one organisation's keys, sealing an organisation in an
 * emergency (its keys are deleted from this server, so its data cannot be read here) and unsealing
 * it from that backup.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { chmodSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { sql } from 'kysely';
import { AppError } from '../shared/errors.js';
import { appendAudit, inTransaction, setScope, type DB } from '../store/index.js';
import { open, seal } from './crypto/aead.js';
import { keyFilePath, masterKeyId, type MasterKey } from './crypto/master-key.js';
import { Keyring, ROTATION_LOCK } from './crypto/keyring.js';
import { endOrganisationSessions } from './sessions.js';

export interface RotationResult {
  rewrapped: number;
  newKey: MasterKey;
  /** Where the new key was written, or null when it came from ATALAYA_MASTER_KEY (print it for the operator). */
  file: string | null;
}

/**
 * Generates a new master key and re-wraps every organisation key under it in one transaction. With a
 * key file, the new key is written next to it first and moved into place after the commit.
 */
export async function rotateMasterKey(db: DB, current: MasterKey, dataDir: string): Promise<RotationResult> {
  const key = randomBytes(32);
  const next: MasterKey = { key, id: masterKeyId(key), source: current.source };
  const file = current.source === 'file' ? keyFilePath(dataDir) : null;
  const staged = file ? `${file}.new` : null;
  if (staged) {
    writeFileSync(staged, key.toString('base64') + '\n', { mode: 0o600 });
    chmodSync(staged, 0o600);
  }
  const keyring = new Keyring(current);
  let rewrapped = 0;
  // Exclusive against new organisations' key wrapping (keyring.ts, ROTATION_LOCK) until the new key
  // file is in place: none can be wrapped by the retiring key after the re-wrap has read the keys.
  await db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${ROTATION_LOCK})`.execute(conn);
    try {
      await conn.transaction().execute(async (trx) => {
        const all = await trx.selectFrom('organisation').select('id').execute();
        await setScope(trx, { organisationIds: all.map((o) => o.id), coalitionIds: [], userId: null });
        rewrapped = await keyring.rewrapAll(trx, next);
        for (const o of all) await appendAudit(trx, { organisationId: o.id, userId: null, action: 'keys.rotate_master', detail: { masterKeyId: next.id } });
      });
      if (staged && file) renameSync(staged, file);
    } finally {
      await sql`SELECT pg_advisory_unlock(${ROTATION_LOCK})`.execute(conn);
    }
  });
  return { rewrapped, newKey: next, file };
}

const EXPORT_FORMAT = 'atalaya-organisation-keys-v1';
// scrypt N = 2^17, r = 8: about 128 MiB and a few hundred ms, so a stolen backup resists guessing.
const SCRYPT = { N: 1 << 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 };

function passphraseKey(passphrase: string, salt: Buffer): Buffer {
  if ([...passphrase].length < 12) throw new AppError('validation', { issues: [{ path: ['passphrase'], key: 'access:password_too_short' }] });
  return scryptSync(passphrase.normalize('NFC'), salt, 32, SCRYPT);
}

/** The organisation's keys (unwrapped) sealed under a passphrase, as a JSON document to keep offline. */
export async function exportOrganisationKeys(db: DB, master: MasterKey, organisationId: string, passphrase: string): Promise<string> {
  const org = await db.selectFrom('organisation').select(['id', 'slug']).where('id', '=', organisationId).executeTakeFirst();
  if (!org) throw new AppError('not_found');
  const scope = { organisationIds: [organisationId], coalitionIds: [], userId: null };
  const rows = await inTransaction(db, scope, (trx) => trx.selectFrom('organisation_key').selectAll().where('organisation_id', '=', organisationId).execute());
  if (!rows.length) throw new AppError('locked', { message: 'access:keys_absent' });
  const keys = rows.map((r) => ({
    purpose: r.purpose,
    version: r.key_version,
    key: open(master.key, r.wrapped, `atalaya:key:${organisationId}:${r.purpose}:${r.key_version}`).toString('base64'),
  }));
  const salt = randomBytes(16);
  const body = seal(passphraseKey(passphrase, salt), Buffer.from(JSON.stringify(keys)), `${EXPORT_FORMAT}:${organisationId}`);
  await inTransaction(db, scope, (trx) => appendAudit(trx, { organisationId, userId: null, action: 'keys.export' }));
  return JSON.stringify(
    { format: EXPORT_FORMAT, organisation: { id: org.id, slug: org.slug }, kdf: { name: 'scrypt', N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, salt: salt.toString('base64') }, sealed: body.toString('base64') },
    null,
    2,
  );
}

/** Restores an organisation's keys from its offline backup (after a seal, or onto a new server). */
export async function importOrganisationKeys(db: DB, master: MasterKey, document: string, passphrase: string): Promise<{ organisationId: string; keys: number }> {
  let doc: { format?: string; organisation?: { id?: string }; kdf?: { salt?: string }; sealed?: string };
  try {
    doc = JSON.parse(document) as typeof doc;
  } catch {
    throw new AppError('bad_input', { message: 'access:keys_file_bad' });
  }
  const orgId = doc.organisation?.id;
  if (doc.format !== EXPORT_FORMAT || !orgId || !doc.kdf?.salt || !doc.sealed) throw new AppError('bad_input', { message: 'access:keys_file_bad' });
  let keys: { purpose: 'data' | 'blind_index'; version: number; key: string }[];
  try {
    keys = JSON.parse(open(passphraseKey(passphrase, Buffer.from(doc.kdf.salt, 'base64')), Buffer.from(doc.sealed, 'base64'), `${EXPORT_FORMAT}:${orgId}`).toString()) as typeof keys;
  } catch (e) {
    if (e instanceof AppError && e.code === 'validation') throw e;
    throw new AppError('unauthenticated', { message: 'access:keys_passphrase_wrong' });
  }
  await inTransaction(db, { organisationIds: [orgId], coalitionIds: [], userId: null }, async (trx) => {
    const org = await trx.selectFrom('organisation').select('id').where('id', '=', orgId).executeTakeFirst();
    if (!org) throw new AppError('not_found');
    await trx.deleteFrom('organisation_key').where('organisation_id', '=', orgId).execute();
    for (const k of keys) {
      await trx
        .insertInto('organisation_key')
        .values({
          organisation_id: orgId,
          purpose: k.purpose,
          key_version: k.version,
          wrapped: seal(master.key, Buffer.from(k.key, 'base64'), `atalaya:key:${orgId}:${k.purpose}:${k.version}`),
          master_key_id: master.id,
        })
        .execute();
    }
    await trx.updateTable('organisation').set({ sealed_at: null, locked_at: null }).where('id', '=', orgId).execute();
    await appendAudit(trx, { organisationId: orgId, userId: null, action: 'keys.import', detail: { keys: keys.length } });
  });
  return { organisationId: orgId, keys: keys.length };
}

/**
 * Emergency: ends every session of the organisation and deletes its keys from this server, so its
 * encrypted fields and evidence cannot be read here until the offline key backup is imported.
 * Refused unless the caller confirms that backup exists.
 */
export async function sealOrganisation(db: DB, organisationId: string, byUserId: string | null, opts: { backupConfirmed: boolean }): Promise<void> {
  if (!opts.backupConfirmed) throw new AppError('invalid_state', { message: 'access:seal_needs_backup' });
  await inTransaction(db, { organisationIds: [organisationId], coalitionIds: [], userId: byUserId }, async (trx) => {
    await trx.deleteFrom('organisation_key').where('organisation_id', '=', organisationId).execute();
    await trx.updateTable('organisation').set({ sealed_at: new Date(), locked_at: new Date() }).where('id', '=', organisationId).execute();
    await appendAudit(trx, { organisationId, userId: byUserId, action: 'org.seal' });
  });
  await endOrganisationSessions(db, organisationId);
}

/** Ends every session of the organisation's members (lost phone, raid in progress). */
export async function endAllOrganisationSessions(db: DB, organisationId: string, byUserId: string | null): Promise<number> {
  const n = await endOrganisationSessions(db, organisationId);
  await inTransaction(db, { organisationIds: [organisationId], coalitionIds: [], userId: byUserId }, (trx) =>
    appendAudit(trx, { organisationId, userId: byUserId, action: 'org.end_sessions', detail: { sessions: n } }),
  );
  return n;
}

export function keyFileExists(dataDir: string): boolean {
  return existsSync(keyFilePath(dataDir));
}
