/**
 * Opens what a running Atalaya needs, in order: the data folder, the database (migrated), the
 * master key and the keyring. Used by the server and by every CLI command that touches data.
 */
import type { Config } from '../config/index.js';
import { ensureWritableDir, migrate, openDatabase, pendingMigrations, type DatabaseHandle } from '../store/index.js';
import { AppError } from '../shared/errors.js';
import type { Ctx } from './context.js';
import { Keyring } from './crypto/keyring.js';
import { loadMasterKey, type MasterKey } from './crypto/master-key.js';

export interface Runtime {
  ctx: Ctx;
  handle: DatabaseHandle;
  master: MasterKey;
  config: Config;
  migrated: string[];
  close(): Promise<void>;
}

export async function openRuntime(config: Config, opts: { migrate?: boolean; createKey?: boolean } = {}): Promise<Runtime> {
  ensureWritableDir(config.dataDir);
  const master = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir, create: opts.createKey ?? true });
  const handle = await openDatabase({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    statementTimeoutMs: config.statementTimeoutMs,
  });
  try {
    let migrated: string[] = [];
    if (opts.migrate ?? true) migrated = (await migrate(handle.db)).applied;
    const pending = await pendingMigrations(handle.db);
    if (pending.length) {
      throw new AppError('unavailable', { message: `The database schema is not up to date (pending: ${pending.join(', ')}). Run: atalaya migrate` });
    }
    const reload = () => loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir, create: false });
    const ctx: Ctx = { db: handle.db, keys: new Keyring(master, master.source === 'file' ? reload : undefined), dataDir: config.dataDir };
    return { ctx, handle, master, config, migrated, close: () => handle.close() };
  } catch (e) {
    await handle.close();
    throw e;
  }
}
