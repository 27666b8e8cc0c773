/**
 * Issue 19, point 12 — a PostgreSQL connection killed mid-transaction (SECURITY.md R5): while a
 * request's transaction waits inside the server, its backend is ended with pg_terminate_backend.
 * The user gets a clear 503 ("try again"), not a 500; nothing of the request is stored (no row, no
 * history, no audit entry); and the next request works without restarting anything.
 */
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startTestApp, type TestApp } from '../support/app.js';
import { makeOrg, makeUser } from '../support/factories.js';

describe.skipIf(!process.env.DATABASE_URL)('a database connection killed mid-transaction', () => {
  let s: TestApp;
  let c: Client;
  beforeAll(async () => {
    s = await startTestApp('postgres');
    const org = await makeOrg(s.t);
    c = new Client(s.url, 'en');
    await c.login(await makeUser(s.t, org, 'documenter'));
  }, 60_000);
  afterAll(async () => s?.close());

  it('rolls back, answers 503 with a clear message, and the next request succeeds', async () => {
    const blocker = new pg.Client({ connectionString: s.t.databaseUrl });
    await blocker.connect();
    try {
      // Hold the incident table so the request's transaction stops inside its INSERT.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE incident IN ACCESS EXCLUSIVE MODE');
      const pending = c.json<{ type: string; title: string; status: number }>('POST', '/api/incidents', { title: 'KILLEDTX caso a medias' });
      let pid: number | null = null;
      for (let i = 0; i < 100 && pid === null; i++) {
        const r = await blocker.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        );
        pid = r.rows[0]?.pid ?? null;
        if (pid === null) await new Promise((r2) => setTimeout(r2, 50));
      }
      expect(pid).not.toBeNull();
      await blocker.query('SELECT pg_terminate_backend($1)', [pid]);
      const res = await pending;
      await blocker.query('ROLLBACK');
      expect(res.status).toBe(503);
      expect(JSON.stringify(res.body)).not.toMatch(/terminat|pg_|SQLSTATE|at .*\.ts/);
      expect(res.body.title).toMatch(/not available right now/i);
    } finally {
      await blocker.end();
    }
    const left = await sql<{ n: string }>`SELECT (SELECT count(*) FROM incident WHERE title LIKE 'KILLEDTX%')
      + (SELECT count(*) FROM record_history h WHERE record_table = 'incident'
          AND NOT EXISTS (SELECT 1 FROM incident i WHERE i.id = h.record_id)) AS n`.execute(s.t.ownerDb);
    expect(Number(left.rows[0]!.n)).toBe(0);
    const audits = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_log WHERE object_table = 'incident'`.execute(s.t.ownerDb);
    expect(Number(audits.rows[0]!.n)).toBe(0);
    const again = await c.json<{ id: string }>('POST', '/api/incidents', { title: 'Después del corte' });
    expect(again.status).toBe(201);
  }, 60_000);
});
