/**
 * Organisation data keys: one AES-256 key for fields and files (versioned, so rotation can add a
 * new one while old ciphertexts still open) and one HMAC key for blind indexes. Both are stored
 * only wrapped by the master key; unwrapped keys live in this process's memory.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { AppError } from '../../shared/errors.js';
import type { DB } from '../../store/db.js';
import { open, seal } from './aead.js';
import type { MasterKey } from './master-key.js';

interface OrgKeys {
  current: number;
  data: Map<number, Buffer>;
  blindIndex: Buffer;
}

const FORMAT = 1;

/**
 * Master-key rotation holds this advisory lock exclusively from before it reads the keys until the
 * new key file is in place; wrapping a new organisation's keys holds it shared. So a new
 * organisation's keys are either there when the rotation reads them, or wrapped by the key that
 * the file holds after it — never by a key that the rotation has just retired.
 */
export const ROTATION_LOCK = 7_345_118_202;

function wrapAad(orgId: string, purpose: string, version: number): string {
  return `atalaya:key:${orgId}:${purpose}:${version}`;
}

/** Folds a name for equality look-up: case, accents, punctuation and spacing do not matter. */
export function normaliseForIndex(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export class Keyring {
  private cache = new Map<string, OrgKeys>();
  /** `reload` re-reads the master key: after a rotation by another process, keys wrapped by the new
   * master open without restarting this one. */
  constructor(
    private master: MasterKey,
    private reload?: () => MasterKey,
  ) {}

  get masterKeyId(): string {
    return this.master.id;
  }

  /** Creates the keys of a new organisation inside the caller's transaction. */
  async createOrganisationKeys(trx: DB, orgId: string): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock_shared(${ROTATION_LOCK})`.execute(trx);
    // Another process may have rotated the master key since this one loaded it.
    if (this.reload) {
      const fresh = this.reload();
      if (fresh.id !== this.master.id) {
        this.master = fresh;
        this.cache.clear();
      }
    }
    for (const purpose of ['data', 'blind_index'] as const) {
      const key = randomBytes(32);
      await trx
        .insertInto('organisation_key')
        .values({
          organisation_id: orgId,
          purpose,
          key_version: 1,
          wrapped: seal(this.master.key, key, wrapAad(orgId, purpose, 1)),
          master_key_id: this.master.id,
        })
        .execute();
    }
    this.cache.delete(orgId);
  }

  private async load(db: DB, orgId: string): Promise<OrgKeys> {
    const hit = this.cache.get(orgId);
    if (hit) return hit;
    const rows = (
      await sql<{ purpose: 'data' | 'blind_index'; key_version: number; wrapped: Buffer; master_key_id: string }>`
        SELECT purpose, key_version, wrapped, master_key_id FROM atalaya_organisation_keys(${orgId}::uuid)`.execute(db)
    ).rows;
    const data = new Map<number, Buffer>();
    let blindIndex: Buffer | undefined;
    for (const r of rows) {
      if (r.master_key_id !== this.master.id && this.reload) {
        const fresh = this.reload();
        if (fresh.id === r.master_key_id) this.master = fresh;
      }
      if (r.master_key_id !== this.master.id) {
        throw new AppError('unavailable', { message: 'The organisation keys were wrapped by another master key.' });
      }
      const k = open(this.master.key, r.wrapped, wrapAad(orgId, r.purpose, r.key_version));
      if (r.purpose === 'data') data.set(r.key_version, k);
      else blindIndex = k;
    }
    if (data.size === 0 || !blindIndex) {
      throw new AppError('locked', { message: 'The keys of this organisation are not on this server.' });
    }
    const keys = { current: Math.max(...data.keys()), data, blindIndex };
    this.cache.set(orgId, keys);
    return keys;
  }

  forget(orgId?: string): void {
    if (orgId) this.cache.delete(orgId);
    else this.cache.clear();
  }

  /** Encrypts one field value; `where` names its place (table.column:recordId) and is authenticated. */
  async encrypt(db: DB, orgId: string, where: string, plaintext: string | Buffer): Promise<Buffer> {
    const keys = await this.load(db, orgId);
    const key = keys.data.get(keys.current)!;
    const header = Buffer.alloc(3);
    header.writeUInt8(FORMAT, 0);
    header.writeUInt16BE(keys.current, 1);
    const body = seal(key, Buffer.isBuffer(plaintext) ? plaintext : Buffer.from(plaintext, 'utf8'), `${orgId}:${where}`);
    return Buffer.concat([header, body]);
  }

  async decryptBytes(db: DB, orgId: string, where: string, sealed: Buffer): Promise<Buffer> {
    if (sealed.readUInt8(0) !== FORMAT) throw new AppError('internal', { message: 'unknown ciphertext format' });
    const version = sealed.readUInt16BE(1);
    const keys = await this.load(db, orgId);
    const key = keys.data.get(version);
    if (!key) throw new AppError('locked', { message: `Data key version ${version} is not available.` });
    return open(key, sealed.subarray(3), `${orgId}:${where}`);
  }

  async decrypt(db: DB, orgId: string, where: string, sealed: Buffer): Promise<string> {
    return (await this.decryptBytes(db, orgId, where, sealed)).toString('utf8');
  }

  async decryptOptional(db: DB, orgId: string, where: string, sealed: Buffer | null): Promise<string | null> {
    return sealed ? this.decrypt(db, orgId, where, sealed) : null;
  }

  /** Keyed blind index of a name: equal names (after folding) give equal indexes; nothing else leaks. */
  async blindIndex(db: DB, orgId: string, value: string): Promise<Buffer> {
    const keys = await this.load(db, orgId);
    return createHmac('sha256', keys.blindIndex).update(normaliseForIndex(value)).digest().subarray(0, 16);
  }

  /**
   * Keyed tokens of whole words (already normalised) for the word index of encrypted narratives:
   * HMAC under a key derived from the blind-index key, so a word's token never equals a name's
   * blind index. 8 bytes: a collision among an organisation's words is vanishingly rare.
   */
  async wordTokens(db: DB, orgId: string, words: readonly string[]): Promise<Buffer[]> {
    const keys = await this.load(db, orgId);
    const key = createHmac('sha256', keys.blindIndex).update('atalaya:word-token:v1').digest();
    return words.map((w) => createHmac('sha256', key).update(w).digest().subarray(0, 8));
  }

  /** The raw data key for streaming file encryption (evidence). */
  async fileKey(db: DB, orgId: string): Promise<{ version: number; key: Buffer }> {
    const keys = await this.load(db, orgId);
    return { version: keys.current, key: keys.data.get(keys.current)! };
  }

  async fileKeyVersion(db: DB, orgId: string, version: number): Promise<Buffer> {
    const keys = await this.load(db, orgId);
    const key = keys.data.get(version);
    if (!key) throw new AppError('locked', { message: `Data key version ${version} is not available.` });
    return key;
  }

  /** Re-wraps every organisation key under a new master key (the data keys themselves do not change). */
  async rewrapAll(db: DB, next: MasterKey): Promise<number> {
    const rows = await db.selectFrom('organisation_key').selectAll().execute();
    let n = 0;
    for (const r of rows) {
      if (r.master_key_id === next.id) continue;
      const aad = wrapAad(r.organisation_id, r.purpose, r.key_version);
      const plain = open(this.master.key, r.wrapped, aad);
      await db
        .updateTable('organisation_key')
        .set({ wrapped: seal(next.key, plain, aad), master_key_id: next.id })
        .where('organisation_id', '=', r.organisation_id)
        .where('purpose', '=', r.purpose)
        .where('key_version', '=', r.key_version)
        .execute();
      n++;
    }
    this.master = next;
    this.cache.clear();
    return n;
  }
}
