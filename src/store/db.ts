/**
 * Opens the one database Atalaya uses: embedded PGlite in `<data>/db` by default, or a PostgreSQL
 * server when DATABASE_URL is set. Both are driven through node-postgres and Kysely's
 * PostgresDialect, so the same SQL and the same result types serve both engines.
 */
import { mkdirSync, accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { AppError } from '../shared/errors.js';
import { FailoverPool, parseServerUrl, RoleError } from './failover-pool.js';
export { takeRole } from './failover-pool.js';
import type { Database } from './schema.js';
import { acquireFolderLock, restrictUmask, secureDataFolder } from './data-folder.js';

// Dates stay 'YYYY-MM-DD' strings: a JS Date would shift a day across time zones.
pg.types.setTypeParser(1082, (v: string) => v);

export type DB = Kysely<Database>;
export type Engine = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: DB;
  engine: Engine;
  /** On PostgreSQL: true when queries run as the unprivileged app role (row-level security applies). */
  rls: boolean;
  close(): Promise<void>;
}

export interface OpenOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  statementTimeoutMs?: number;
  /** On a server: switch each connection to this role (created by migrations). */
  appRole?: string | undefined;
  /** PGlite only: keep the database in memory (tests). */
  inMemory?: boolean;
  maxConnections?: number;
  /** On a server: how long a checkout keeps looking for a writable primary during a failover. */
  switchTimeoutMs?: number;
  /** On a server: shown in pg_stat_activity. */
  applicationName?: string;
}

export function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new AppError('unavailable', {
      message: `The data folder ${dir} is not writable (${(e as NodeJS.ErrnoException).code ?? 'error'}). Set ATALAYA_DATA to a folder Atalaya may write.`,
      cause: e,
    });
  }
}

/**
 * PostgreSQL's 128 MB of shared buffers live inside PGlite's WebAssembly memory, which never shrinks:
 * a small NGO's database fits in a fraction of that, and the operating system's file cache holds the
 * rest. 32 MB took an idle server from ~500 MB to the figure in the README without a slower bench.
 */
const PGLITE_CONF = ['shared_buffers=32MB'];

async function openPglite(opts: OpenOptions): Promise<{ pool: pg.Pool; close: () => Promise<void> }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  const ext = {
    unaccent: (await import('@electric-sql/pglite/contrib/unaccent')).unaccent,
    pg_trgm: (await import('@electric-sql/pglite/contrib/pg_trgm')).pg_trgm,
    citext: (await import('@electric-sql/pglite/contrib/citext')).citext,
    fuzzystrmatch: (await import('@electric-sql/pglite/contrib/fuzzystrmatch')).fuzzystrmatch,
    btree_gin: (await import('@electric-sql/pglite/contrib/btree_gin')).btree_gin,
    pgcrypto: (await import('@electric-sql/pglite/contrib/pgcrypto')).pgcrypto,
  };
  let release = () => {};
  let dataDir: string | undefined;
  if (!opts.inMemory) {
    ensureWritableDir(opts.dataDir);
    release = acquireFolderLock(opts.dataDir);
    // PGlite creates its files 0666: the umask keeps them the owner's (data-folder.ts).
    restrictUmask();
    dataDir = join(opts.dataDir, 'db');
  }
  try {
    const lite = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: ext, postgresqlconf: PGLITE_CONF });
    const pool = new pg.Pool(createPgConfig(lite) as unknown as pg.PoolConfig);
    return {
      pool,
      close: async () => {
        await lite.close();
        // PGlite rewrites a few files (relation caches) 0644 whatever the umask; the folders are
        // 0700, so no one else reaches them meanwhile, and on close they are set straight.
        if (dataDir) secureDataFolder(dataDir);
        release();
      },
    };
  } catch (e) {
    release();
    throw new AppError('unavailable', { message: `The embedded database could not be opened: ${(e as Error).message}`, cause: e });
  }
}

function causeMessage(e: unknown): string {
  const cause = (e as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : (e as Error).message;
}

export async function openDatabase(opts: OpenOptions): Promise<DatabaseHandle> {
  const timeout = opts.statementTimeoutMs ?? 15_000;
  if (opts.databaseUrl) {
    const parsed = parseServerUrl(opts.databaseUrl);
    const pool = new FailoverPool({
      urls: parsed.urls,
      readWrite: parsed.readWrite,
      max: opts.maxConnections ?? 10,
      statementTimeoutMs: timeout,
      connectionTimeoutMs: 5_000,
      switchTimeoutMs: opts.switchTimeoutMs ?? 10_000,
      // Every connection drops to the unprivileged role, so row-level security filters its queries;
      // a connection that cannot take it is destroyed, never used.
      role: opts.appRole,
      applicationName: opts.applicationName ?? 'atalaya',
    });
    try {
      const c = await pool.connect(0);
      c.release();
    } catch (e) {
      await pool.end().catch(() => {});
      throw new AppError('unavailable', {
        message:
          e instanceof RoleError
            ? `${e.message}. Run the migrations (atalaya migrate) as a role that may create roles and grant them.`
            : `The PostgreSQL server in DATABASE_URL cannot be reached: ${causeMessage(e)}`,
        cause: e,
      });
    }
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', rls: Boolean(opts.appRole), close: () => db.destroy() };
  }
  const { pool, close } = await openPglite(opts);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await pool.query(`SET statement_timeout = ${Math.floor(timeout)}`);
  return {
    db,
    engine: 'pglite',
    rls: false,
    close: async () => {
      // Kysely's destroy ends the pool; PGlite itself must be closed after it.
      await db.destroy().catch(() => {});
      await close();
    },
  };
}
