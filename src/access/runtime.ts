/**
 * Opens what a running Atalaya needs, in order: the data folder, the database (migrated), the
 * master key and the keyring. Used by the server and by every CLI command that touches data.
 */
import type { Config } from '../config/index.js';
import { sql } from 'kysely';
import { ensureWritableDir, secureDataFolder, migrate, openDatabase, pendingMigrations, type DatabaseHandle } from '../store/index.js';
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

export const APP_ROLE = 'atalaya_app';

/** True when the server's own role may switch to the unprivileged application role. */
async function canUseAppRole(db: DatabaseHandle['db']): Promise<boolean> {
  try {
    await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL ROLE ${sql.id(APP_ROLE)}`.execute(trx);
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * `rowSecurity`: on a PostgreSQL server, migrate as the connecting (owner) role, then work as the
 * unprivileged application role so row-level security filters every query (the web server does
 * this; administrative commands run as the owner).
 */
export async function openRuntime(config: Config, opts: { migrate?: boolean; createKey?: boolean; rowSecurity?: boolean } = {}): Promise<Runtime> {
  ensureWritableDir(config.dataDir);
  // Owner-only, also for folders written by versions that left the database's files 0666.
  secureDataFolder(config.dataDir);
  const master = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir, create: opts.createKey ?? true });
  const base = { dataDir: config.dataDir, databaseUrl: config.databaseUrl, statementTimeoutMs: config.statementTimeoutMs };
  let handle = await openDatabase(base);
  try {
    let migrated: string[] = [];
    if (opts.migrate ?? true) migrated = (await migrate(handle.db)).applied;
    if (opts.rowSecurity && config.dbRowSecurity && handle.engine === 'postgres') {
      if (await canUseAppRole(handle.db)) {
        await handle.close();
        handle = await openDatabase({ ...base, appRole: APP_ROLE });
      } else {
        process.emitWarning(`Cannot switch to the role ${APP_ROLE}: row-level security is not enforced (run the migrations as a role that may create roles).`);
      }
    }
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
