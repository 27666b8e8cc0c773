/**
 * Opens what a running Atalaya needs, in order: the data folder, the database (migrated), the
 * master key and the keyring. Used by the server and by every CLI command that touches data.
 */
import type { Config } from '../config/index.js';
import { ensureWritableDir, secureDataFolder, migrate, openDatabase, pendingMigrations, ReadRouter, type DatabaseHandle } from '../store/index.js';
import { AppError } from '../shared/errors.js';
import type { Ctx } from './context.js';
import { Keyring } from './crypto/keyring.js';
import { loadMasterKey, type MasterKey } from './crypto/master-key.js';
import { moveClearText } from './clear-text-move.js';

export interface Runtime {
  ctx: Ctx;
  handle: DatabaseHandle;
  master: MasterKey;
  config: Config;
  migrated: string[];
  /** Read replicas (ATALAYA_READ_URL), when the server runs with them. */
  reads: ReadRouter | null;
  close(): Promise<void>;
}

export const APP_ROLE = 'atalaya_app';

/**
 * `rowSecurity`: on a PostgreSQL server, migrate as the connecting (owner) role, then work as the
 * unprivileged application role so row-level security filters every query (the web server does
 * this; administrative commands run as the owner).
 */
export async function openRuntime(
  config: Config,
  opts: { migrate?: boolean; createKey?: boolean; rowSecurity?: boolean; readReplicas?: boolean } = {},
): Promise<Runtime> {
  ensureWritableDir(config.dataDir);
  // Owner-only, also for folders written by versions that left the database's files 0666.
  secureDataFolder(config.dataDir);
  const master = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir, create: opts.createKey ?? true });
  const base = { dataDir: config.dataDir, databaseUrl: config.databaseUrl, statementTimeoutMs: config.statementTimeoutMs };
  let handle = await openDatabase(base);
  try {
    let migrated: string[] = [];
    if (opts.migrate ?? true) migrated = (await migrate(handle.db)).applied;
    // Checked as the owner: the application role may not read schema_migration (003 revokes it).
    const pending = await pendingMigrations(handle.db);
    if (pending.length) {
      throw new AppError('unavailable', { message: `The database schema is not up to date (pending: ${pending.join(', ')}). Run: atalaya migrate` });
    }
    const reload = () => loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir, create: false });
    const keys = new Keyring(master, master.source === 'file' ? reload : undefined);
    // Migration 073's data half: needs the keys, and the owner role (it rewrites record_history).
    await moveClearText(handle.db, keys);
    if (opts.rowSecurity && config.dbRowSecurity && handle.engine === 'postgres') {
      // Refuses to start rather than run without the second wall when the role cannot be taken.
      const owner = handle;
      handle = await openDatabase({ ...base, appRole: APP_ROLE });
      await owner.close();
    }
    const ctx: Ctx = { db: handle.db, keys, dataDir: config.dataDir };
    const reads =
      opts.readReplicas && handle.engine === 'postgres' && config.readUrls.length
        ? await ReadRouter.open(handle.db, config.readUrls, {
            maxLagMs: config.readMaxLagMs,
            role: handle.rls ? APP_ROLE : undefined,
            statementTimeoutMs: config.statementTimeoutMs,
          })
        : null;
    const h = handle;
    return {
      ctx,
      handle,
      master,
      config,
      migrated,
      reads,
      close: async () => {
        await reads?.close();
        await h.close();
      },
    };
  } catch (e) {
    await handle.close();
    throw e;
  }
}
