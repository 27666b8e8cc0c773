/**
 * Schema checks on both engines: every tenant-owned table leads its primary key and foreign keys with
 * organisation_id (Citus distribution column); the two engines end with the same schema; on the
 * server, row-level security is the second wall (SECURITY.md S8).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecord } from '../records/index.js';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser } from '../../test/support/factories.js';
import { migrate, openDatabase, setScope } from './index.js';

// Read as the owner: under ATALAYA_TEST_RLS the application role sees only the columns it may use.
async function tableColumns(t: TestDb) {
  const r = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>`
    SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
    WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`.execute(t.ownerDb);
  return r.rows;
}

async function keyColumns(t: TestDb) {
  const r = await sql<{ table_name: string; constraint_name: string; constraint_type: string; first_column: string; references: string | null }>`
    SELECT c.conrelid::regclass::text AS table_name, c.conname AS constraint_name, c.contype AS constraint_type,
      (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = c.conkey[1]) AS first_column,
      CASE WHEN c.contype = 'f' THEN c.confrelid::regclass::text END AS references
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE n.nspname = 'public' AND c.contype IN ('p', 'f') ORDER BY 1, 2`.execute(t.ownerDb);
  return r.rows;
}

describe.each(engines)('schema on %s', (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(engine);
  });
  afterAll(async () => t?.cleanup());

  it('leads every primary and foreign key of tenant-owned tables with organisation_id', async () => {
    const cols = await tableColumns(t);
    // Tenant-owned: rows belong to one organisation (a NOT NULL organisation_id). Sessions carry the
    // organisation a user is working in but belong to the user, like the reference tables.
    // Look-up tables kept on the Citus coordinator (docs/scale.md) are keyed by what the caller holds
    // before any organisation is known: a public reporter's receipt locator.
    const coordinatorOnly = new Set(['intake_receipt']);
    const tenantTables = new Set(
      cols.filter((c) => c.column_name === 'organisation_id' && c.is_nullable === 'NO' && !coordinatorOnly.has(c.table_name)).map((c) => c.table_name),
    );
    expect(tenantTables.size).toBeGreaterThan(10);
    const keys = await keyColumns(t);
    const offenders = keys
      .filter((k) => tenantTables.has(k.table_name))
      // Foreign keys to reference tables (users, coalitions, the organisation itself) are allowed in Citus.
      .filter((k) => k.constraint_type === 'p' || (k.references !== null && tenantTables.has(k.references)))
      .filter((k) => k.first_column !== 'organisation_id');
    expect(offenders).toEqual([]);
    for (const table of tenantTables) {
      expect(keys.some((k) => k.table_name === table && k.constraint_type === 'p'), `${table} has a primary key`).toBe(true);
    }
  });

  it('migrates twice without change', async () => {
    const before = await tableColumns(t);
    // Migrations run as the owner (the application role may not even read schema_migration).
    const again = await migrate(t.ownerDb);
    expect(again.applied).toEqual([]);
    expect(await tableColumns(t)).toEqual(before);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('PGlite and PostgreSQL', () => {
  it('end with the same schema after migration', async () => {
    const a = await openTestDb('pglite');
    const b = await openTestDb('postgres');
    try {
      const [ca, cb] = [await tableColumns(a), await tableColumns(b)];
      expect(ca).toEqual(cb);
      expect(await keyColumns(a)).toEqual(await keyColumns(b));
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  });
});

describe.skipIf(!process.env.DATABASE_URL)('row-level security on the PostgreSQL server (S8)', () => {
  let t: TestDb;
  let app: Awaited<ReturnType<typeof openDatabase>>;
  let orgA: string;
  let orgB: string;
  beforeAll(async () => {
    t = await openTestDb('postgres');
    orgA = await makeOrg(t);
    orgB = await makeOrg(t);
    const doc = await makeUser(t, orgA, 'documenter');
    await createRecord(t, doc, 'incident', { title: 'Registro privado de A' });
    app = await openDatabase({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, appRole: 'atalaya_app', maxConnections: 2 });
  });
  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
  });

  it('enables and forces row-level security on every foundation tenant table', async () => {
    const r = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
      SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
      WHERE relname = ANY(${['incident', 'act', 'actor', 'involvement', 'source', 'evidence', 'intervention', 'incident_link', 'record_share', 'record_history', 'audit_log', 'membership', 'coalition_member', 'organisation_key']})`.execute(t.db);
    expect(r.rows).toHaveLength(14);
    for (const row of r.rows) expect([row.relname, row.relrowsecurity, row.relforcerowsecurity]).toEqual([row.relname, true, true]);
  });

  it('works as a role that owns nothing, is no superuser and cannot bypass row-level security', async () => {
    const r = await sql<{ rolsuper: boolean; rolbypassrls: boolean; owned: string }>`
      SELECT rolsuper, rolbypassrls, (SELECT count(*) FROM pg_tables WHERE tableowner = current_user)::text AS owned
      FROM pg_roles WHERE rolname = current_user`.execute(app.db);
    expect(r.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, owned: '0' });
  });

  it('returns no rows without a scope, only the scoped organisation with one, and refuses cross-tenant inserts', async () => {
    const none = await sql<{ n: string }>`SELECT count(*)::text AS n FROM incident`.execute(app.db);
    expect(none.rows[0]?.n).toBe('0');
    const own = await app.db.transaction().execute(async (trx) => {
      await setScope(trx, { organisationIds: [orgA], coalitionIds: [], userId: null });
      return (await sql<{ title: string }>`SELECT title FROM incident`.execute(trx)).rows;
    });
    expect(own.map((r) => r.title)).toEqual(['Registro privado de A']);
    const other = await app.db.transaction().execute(async (trx) => {
      await setScope(trx, { organisationIds: [orgB], coalitionIds: [], userId: null });
      return (await sql<{ title: string }>`SELECT title FROM incident`.execute(trx)).rows;
    });
    expect(other).toEqual([]);
    await expect(
      app.db.transaction().execute(async (trx) => {
        await setScope(trx, { organisationIds: [orgB], coalitionIds: [], userId: null });
        await sql`INSERT INTO incident (organisation_id, id, title, status) VALUES (${orgA}, gen_random_uuid(), 'intruso', 'open')`.execute(trx);
      }),
    ).rejects.toThrow(/row-level security/);
    await expect(sql`UPDATE audit_log SET action = 'x'`.execute(app.db)).rejects.toThrow(/permission denied/);
  });
});

