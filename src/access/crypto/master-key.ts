/**
 * The master key wraps every organisation's data keys. It comes from ATALAYA_MASTER_KEY or from a
 * key file created on first start with mode 0600; it is never written to the database, so a dump
 * of the database alone decrypts nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors.js';

export interface MasterKey {
  key: Buffer;
  /** Names the key without revealing it: which master wrapped which data key. */
  id: string;
  source: 'environment' | 'file';
}

export function masterKeyId(key: Buffer): string {
  return createHash('sha256').update('atalaya-master-key-id').update(key).digest('hex').slice(0, 16);
}

export function keyFilePath(dataDir: string): string {
  return join(dataDir, 'keys', 'master.key');
}

export function loadMasterKey(opts: { masterKey: Buffer | undefined; dataDir: string; create: boolean }): MasterKey {
  if (opts.masterKey) return { key: opts.masterKey, id: masterKeyId(opts.masterKey), source: 'environment' };
  const file = keyFilePath(opts.dataDir);
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new AppError('config', { message: `The key file ${file} does not hold a 32-byte key.` });
    return { key, id: masterKeyId(key), source: 'file' };
  }
  if (!opts.create) throw new AppError('config', { message: 'access:no_master_key', values: { file } });
  mkdirSync(join(opts.dataDir, 'keys'), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { key, id: masterKeyId(key), source: 'file' };
}
