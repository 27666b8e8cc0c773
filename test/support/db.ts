/**
 * Test databases: a fresh in-memory PGlite, or, when DATABASE_URL is set, a fresh database created
 * on that server for this test file (and dropped after), so suites never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Keyring } from '../../src/access/crypto/keyring.js';
import { masterKeyId } from '../../src/access/crypto/master-key.js';
import type { Ctx } from '../../src/access/context.js';
import type { MasterKey } from '../../src/access/crypto/master-key.js';
import { migrate, openDatabase, type DatabaseHandle, type Engine } from '../../src/store/index.js';

export interface TestDb extends Ctx {
  handle: DatabaseHandle;
  /** The owner's handle, for inspecting or tampering with raw tables; the same as `db` on PGlite. */
  ownerDb: DatabaseHandle['db'];
  engine: Engine;
  databaseUrl: string | undefined;
  master: MasterKey;
  cleanup(): Promise<void>;
}

export const engines: Engine[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export async function createServerDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `atalaya_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * `rls`: on PostgreSQL, work as the unprivileged application role (row-level security applies), as
 * the web server does; the owner's handle stays available as `ownerDb`.
 */
export async function openTestDb(engine: Engine = 'pglite', opts: { rls?: boolean } = {}): Promise<TestDb> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atalaya-test-'));
  let databaseUrl: string | undefined;
  let drop = async () => {};
  if (engine === 'postgres') {
    const base = process.env.DATABASE_URL;
    if (!base) throw new Error('DATABASE_URL is not set');
    const created = await createServerDatabase(base);
    databaseUrl = created.url;
    drop = created.drop;
  }
  const owner = await openDatabase({ dataDir, databaseUrl, inMemory: engine === 'pglite', maxConnections: 4 });
  await migrate(owner.db);
  const rls = opts.rls ?? process.env.ATALAYA_TEST_RLS === '1';
  const handle = engine === 'postgres' && rls ? await openDatabase({ dataDir, databaseUrl, appRole: 'atalaya_app', maxConnections: 4 }) : owner;
  const key = randomBytes(32);
  const master: MasterKey = { key, id: masterKeyId(key), source: 'environment' };
  const keys = new Keyring(master);
  return {
    db: handle.db,
    ownerDb: owner.db,
    keys,
    dataDir,
    handle,
    engine,
    databaseUrl,
    master,
    cleanup: async () => {
      if (handle !== owner) await handle.close();
      await owner.close();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
