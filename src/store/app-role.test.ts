/**
 * On a PostgreSQL server every connection of the web server switches to the unprivileged role
 * atalaya_app before it is used; a connection that cannot take the role is never handed out (it
 * would run with the owner's rights, past row-level security).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/support/db.js';
import { openDatabase } from './index.js';

describe.skipIf(!process.env.DATABASE_URL)('the application role on each connection', () => {
  let t: TestDb;
  const outsider = `atalaya_t_outsider_${randomBytes(4).toString('hex')}`;
  const member = `atalaya_t_member_${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    t = await openTestDb('postgres');
    // A login role that may connect but is not a member of atalaya_app.
    await sql`CREATE ROLE ${sql.id(outsider)} LOGIN NOINHERIT`.execute(t.ownerDb);
    // One that is, until the test takes the membership away.
    await sql`CREATE ROLE ${sql.id(member)} LOGIN NOINHERIT IN ROLE atalaya_app`.execute(t.ownerDb);
  });
  afterAll(async () => {
    await t?.cleanup();
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    for (const r of [outsider, member]) await c.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(r)}`);
    await c.end();
  });

  it('works as atalaya_app on every connection of the pool', async () => {
    const h = await openDatabase({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, appRole: 'atalaya_app', maxConnections: 3 });
    try {
      // Three transactions at once hold three distinct connections.
      const users = await Promise.all(
        [0, 1, 2].map(() =>
          h.db.transaction().execute(async (trx) => {
            const r = await sql<{ u: string; pid: number }>`SELECT current_user AS u, pg_backend_pid() AS pid, pg_sleep(0.05)`.execute(trx);
            return r.rows[0]!;
          }),
        ),
      );
      expect(new Set(users.map((u) => u.pid)).size).toBe(3);
      for (const u of users) expect(u.u).toBe('atalaya_app');
    } finally {
      await h.close();
    }
  });

  it('refuses to open when the connecting role cannot take atalaya_app, and runs no query as that role', async () => {
    const u = new URL(t.databaseUrl!);
    u.username = outsider;
    u.password = '';
    await expect(openDatabase({ dataDir: t.dataDir, databaseUrl: u.toString(), appRole: 'atalaya_app', maxConnections: 2 })).rejects.toThrow(
      /could not take the role atalaya_app/,
    );
  });

  it('never hands out a connection whose switch failed, even after the pool opened', async () => {
    const u = new URL(t.databaseUrl!);
    u.username = member;
    u.password = '';
    const h = await openDatabase({ dataDir: t.dataDir, databaseUrl: u.toString(), appRole: 'atalaya_app', maxConnections: 2 });
    try {
      let release = () => {};
      const held = new Promise<void>((r) => (release = r));
      // The first connection stays busy, so the next query needs a new connection.
      const busy = h.db.transaction().execute(async (trx) => {
        await sql`SELECT 1`.execute(trx);
        await held;
      });
      await sql`REVOKE atalaya_app FROM ${sql.id(member)}`.execute(t.ownerDb);
      await expect(sql`SELECT current_user AS u`.execute(h.db)).rejects.toThrow(/could not take the role atalaya_app/);
      release();
      await busy;
    } finally {
      await h.close();
    }
  });
});
