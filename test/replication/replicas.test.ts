/**
 * Read replicas and failover on a real PostgreSQL primary with a real streaming standby (both made
 * here with initdb and pg_basebackup -R). Which server answered is read from each server's own
 * pg_stat_activity, not from Atalaya's word for it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keyring } from '../../src/access/crypto/keyring.js';
import { masterKeyId, type MasterKey } from '../../src/access/crypto/master-key.js';
import type { Ctx } from '../../src/access/index.js';
import { loadConfig } from '../../src/config/index.js';
import { main } from '../../src/cli/main.js';
import { buildApp } from '../../src/http/app.js';
import { migrate, openDatabase, ReadRouter, type DatabaseHandle } from '../../src/store/index.js';
import { Client } from '../support/app.js';
import { makeOrg, makeUser, type TestUser } from '../support/factories.js';
import { pgBinDir, startReplicatedPair, type ReplicatedPair } from '../support/pg-cluster.js';

const bin = pgBinDir();
if (!bin) console.log('replica tests skipped: no PostgreSQL server binaries (pg_basebackup, initdb) under /usr/lib/postgresql');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!bin)('read replicas on a real primary and standby', () => {
  let pair: ReplicatedPair;
  let owner: DatabaseHandle;
  let handle: DatabaseHandle;
  let reads: ReadRouter;
  let app: FastifyInstance;
  let base: string;
  let user: TestUser;
  let dataDir: string;
  let master: MasterKey;
  const DB = 'atalaya';
  const MAX_LAG = 1_500;

  /** Statements the standby ran for Atalaya's reads (not its health checks), from its own log. */
  const replicaStatements = () =>
    pair.standby
      .log()
      .split('\n')
      .filter((l) => l.startsWith('atalaya-replica-1|') && /statement:|execute/.test(l));

  /** `atalaya doctor` as an operator runs it, with the server's environment. */
  async function doctor(): Promise<{ code: number; lines: string[] }> {
    const lines: string[] = [];
    const env = {
      ATALAYA_DATA: dataDir,
      DATABASE_URL: pair.primary.url(DB),
      ATALAYA_READ_URL: pair.standby.url(DB),
      ATALAYA_READ_MAX_LAG_MS: String(MAX_LAG),
      ATALAYA_MASTER_KEY: master.key.toString('base64'),
      ATALAYA_LOG_LEVEL: 'silent',
    };
    const code = await main(['doctor'], { out: (l) => lines.push(l), err: (l) => lines.push(l), lang: 'en', env, tty: false });
    return { code, lines };
  }

  beforeAll(async () => {
    pair = await startReplicatedPair();
    await pair.primary.query(`CREATE DATABASE ${DB}`);
    dataDir = mkdtempSync(join(tmpdir(), 'atalaya-replica-'));
    owner = await openDatabase({ dataDir, databaseUrl: pair.primary.url(DB) });
    await migrate(owner.db);
    const key = randomBytes(32);
    master = { key, id: masterKeyId(key), source: 'environment' };
    const ownerCtx: Ctx & { master: MasterKey } = { db: owner.db, keys: new Keyring(master), dataDir, master };
    const org = await makeOrg(ownerCtx, 'obs-replica');
    user = await makeUser(ownerCtx, org, 'documenter');
    handle = await openDatabase({ dataDir, databaseUrl: pair.primary.url(DB), appRole: 'atalaya_app' });
    await pair.caughtUp();
    reads = await ReadRouter.open(handle.db, [pair.standby.url(DB)], { maxLagMs: MAX_LAG, intervalMs: 200, role: 'atalaya_app' });
    const config = loadConfig({ ATALAYA_DATA: dataDir, ATALAYA_LOG_LEVEL: 'silent', PORT: '0', DATABASE_URL: pair.primary.url(DB), ATALAYA_READ_URL: pair.standby.url(DB), ATALAYA_READ_MAX_LAG_MS: String(MAX_LAG) });
    app = await buildApp({ ctx: { db: handle.db, keys: new Keyring(master), dataDir }, config, secret: randomBytes(32), engine: 'postgres', master, reads });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const a = app.server.address();
    base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await reads?.close();
    await handle?.close();
    await owner?.close();
    pair?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads dashboards and search from the standby, as the application role under row-level security', async () => {
    await reads.check();
    expect(reads.status().replicas[0]).toMatchObject({ name: 'replica 1', state: 'healthy' });
    const before = replicaStatements().length;
    const anon = new Client(base);
    expect((await anon.request('GET', '/dashboards/VE')).status).toBe(200);
    const c = new Client(base);
    await c.login(user);
    // Signing in is a write: this browser reads the primary until the standby has replayed it.
    await pair.caughtUp();
    await reads.check();
    expect((await c.request('GET', '/api/incidents')).status).toBe(200);
    const seen = replicaStatements().slice(before);
    // The dashboard's counts and the search's list were read on the standby…
    expect(seen.some((l) => /date_trunc\(\$1, i\.start_date/.test(l))).toBe(true);
    expect(seen.some((l) => /FROM incident t WHERE t\.organisation_id/.test(l))).toBe(true);
    // Exports read the standby too (their audit entry is written on the primary).
    const beforeExport = replicaStatements().length;
    const exported = await c.request('GET', '/incidents/export?format=json');
    expect(exported.status).toBe(200);
    await exported.text();
    expect(replicaStatements().slice(beforeExport).some((l) => /FROM incident t WHERE t\.organisation_id/.test(l))).toBe(true);
    // …and pg_stat_activity of the standby shows Atalaya's read connections.
    const conns = await pair.standby.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'atalaya-replica-1' AND datname = '${DB}'`);
    expect(conns.length).toBeGreaterThan(0);
    // The standby's connections work as the unprivileged role, like the primary's.
    const who = await sql<{ u: string; rec: boolean }>`SELECT current_user AS u, pg_is_in_recovery() AS rec`.execute(reads.pick()!);
    expect(who.rows[0]).toEqual({ u: 'atalaya_app', rec: true });
    const r = await (await c.request('GET', '/healthz')).json();
    expect(r).toMatchObject({ ok: true, primary: 'up', replicas: [{ name: 'replica 1', state: 'healthy' }] });
    expect(JSON.stringify(r)).not.toContain('127.0.0.1');
  });

  it('row-level security holds on the standby: the application role without a scope reads no incident', async () => {
    const c = new Client(base);
    await c.login(user);
    expect((await c.json('POST', '/api/incidents', { title: 'Detención de un defensor en Lara', startDate: '2021-01', country: 'VE', subdivision: 'VE-K' })).status).toBe(201);
    await pair.caughtUp();
    const asOwner = await pair.standby.query<{ n: string }>('SELECT count(*) AS n FROM incident', DB);
    expect(Number(asOwner[0]!.n)).toBeGreaterThan(0);
    // The same server, as the application role with no scope set: nothing.
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: pair.standby.url(DB) });
    await client.connect();
    try {
      await client.query('SET ROLE atalaya_app');
      const n = await client.query<{ n: string }>('SELECT count(*) AS n FROM incident');
      expect(Number(n.rows[0]!.n)).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('reads one’s own write back at once, from the primary, while the standby has not replayed it', async () => {
    const writer = new Client(base);
    await writer.login(user);
    await pair.standby.query('SELECT pg_wal_replay_pause()');
    try {
      const title = `Allanamiento ${randomBytes(3).toString('hex')}`;
      const created = await writer.json<{ id: string }>('POST', '/api/incidents', { title, startDate: '2021-02', country: 'VE', subdivision: 'VE-A' });
      expect(created.status).toBe(201);
      expect([...writer.cookies.keys()]).toContain('atalaya_wal');
      // The standby does not have it…
      const onStandby = await pair.standby.query<{ n: string }>(`SELECT count(*) AS n FROM incident WHERE id = '${created.body.id}'`, DB);
      expect(Number(onStandby[0]!.n)).toBe(0);
      // …yet the writer sees it, because its reads go to the primary until the standby has it.
      const mine = await writer.json<{ items: { id: string }[] }>('GET', '/api/incidents');
      expect(mine.body.items.map((i) => i.id)).toContain(created.body.id);
      // Someone who did not write is served by the standby (still within the lag limit) and does not see it yet.
      const other = new Client(base);
      await other.login(user);
      other.cookies.delete('atalaya_wal');
      await reads.check();
      if (reads.status().replicas[0]!.state === 'healthy') {
        const theirs = await other.json<{ items: { id: string }[] }>('GET', '/api/incidents');
        expect(theirs.body.items.map((i) => i.id)).not.toContain(created.body.id);
      }
    } finally {
      await pair.standby.query('SELECT pg_wal_replay_resume()');
    }
    await pair.caughtUp();
    await reads.check();
    expect(reads.status().replicas[0]!.state).toBe('healthy');
  });

  it('takes a standby that lags beyond the limit out of rotation and puts it back when it catches up', async () => {
    await pair.standby.query('SELECT pg_wal_replay_pause()');
    try {
      await pair.primary.query(`CREATE TABLE IF NOT EXISTS lag_probe (n int); INSERT INTO lag_probe VALUES (1)`, DB);
      await reads.check();
      await sleep(MAX_LAG + 500);
      await pair.primary.query(`INSERT INTO lag_probe VALUES (2)`, DB);
      await reads.check();
      const st = reads.status().replicas[0]!;
      expect(st.state).toBe('lagging');
      expect(st.lagMs).toBeGreaterThan(MAX_LAG);
      expect(reads.pick()).toBeNull();
      const h = (await (await fetch(`${base}/healthz`)).json()) as { replicas: { state: string }[] };
      expect(h.replicas[0]!.state).toBe('lagging');
      const lagging = await doctor();
      expect(lagging.lines.join('\n')).toMatch(/✗ Read replica 1 is \d+ ms behind the primary \(limit 1500 ms\)/);
      expect(lagging.code).toBe(1);
      // Reads still work: they go to the primary.
      expect((await new Client(base).request('GET', '/dashboards/VE')).status).toBe(200);
    } finally {
      await pair.standby.query('SELECT pg_wal_replay_resume()');
    }
    await pair.caughtUp();
    await reads.check();
    expect(reads.status().replicas[0]!.state).toBe('healthy');
    expect(reads.pick()).not.toBeNull();
    const healthy = await doctor();
    expect(healthy.lines.join('\n')).toMatch(/✓ Read replica 1: healthy, \d+ ms behind the primary/);
  });

  it('keeps serving from the primary when the standby stops, and takes it back when it returns', async () => {
    pair.standby.stop('fast');
    try {
      await reads.check();
      expect(reads.status().replicas[0]!.state).toBe('down');
      const c = new Client(base);
      await c.login(user);
      expect((await c.request('GET', '/api/incidents')).status).toBe(200);
      expect((await new Client(base).request('GET', '/dashboards/VE')).status).toBe(200);
      expect(((await (await fetch(`${base}/healthz`)).json()) as { replicas: { state: string }[] }).replicas[0]!.state).toBe('down');
    } finally {
      pair.standby.start();
    }
    for (let i = 0; i < 50 && reads.status().replicas[0]!.state !== 'healthy'; i++) {
      await sleep(200);
      await reads.check();
    }
    expect(reads.status().replicas[0]!.state).toBe('healthy');
  });

  it('follows a promotion: no acknowledged write is lost and no write reaches a read-only server', async () => {
    // A second server process' view: DATABASE_URL names both hosts, "whichever is primary".
    const both = `postgres://postgres@127.0.0.1:${pair.primary.port},127.0.0.1:${pair.standby.port}/${DB}?target_session_attrs=read-write`;
    const h2 = await openDatabase({ dataDir, databaseUrl: both, appRole: 'atalaya_app', switchTimeoutMs: 1_500 });
    const config = loadConfig({ ATALAYA_DATA: dataDir, ATALAYA_LOG_LEVEL: 'silent', PORT: '0', DATABASE_URL: both });
    const app2 = await buildApp({ ctx: { db: h2.db, keys: new Keyring(master), dataDir }, config, secret: randomBytes(32), engine: 'postgres', master });
    await app2.listen({ port: 0, host: '127.0.0.1' });
    const a = app2.server.address();
    const base2 = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    try {
      const c = new Client(base2);
      await c.login(user);
      const acknowledged: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await c.json<{ id: string }>('POST', '/api/incidents', { title: `Antes del relevo ${i}`, startDate: '2021-02', country: 'VE', subdivision: 'VE-A' });
        expect(r.status).toBe(201);
        acknowledged.push(r.body.id);
      }
      // A clean stop sends all WAL to the standby before the primary goes away.
      pair.primary.stop('fast');
      // During the switch: a clear 503, never a 500, and nothing written to the standby.
      const during = await c.json<{ code: string }>('POST', '/api/incidents', { title: 'Durante el relevo', startDate: '2021-02', country: 'VE', subdivision: 'VE-A' });
      expect(during.status).toBe(503);
      expect(during.body.code).toBe('unavailable');
      pair.standby.promote();
      let after: { status: number; body: { id: string } } | undefined;
      for (let i = 0; i < 20; i++) {
        after = await c.json<{ id: string }>('POST', '/api/incidents', { title: 'Después del relevo', startDate: '2021-02', country: 'VE', subdivision: 'VE-A' });
        if (after.status === 201) break;
        expect(after.status).toBe(503);
        await sleep(250);
      }
      expect(after!.status).toBe(201);
      acknowledged.push(after!.body.id);
      const onNew = await pair.standby.query<{ id: string }>(`SELECT id FROM incident WHERE id IN (${acknowledged.map((id) => `'${id}'`).join(',')})`, DB);
      expect(onNew.map((r) => r.id).sort()).toEqual([...acknowledged].sort());
    } finally {
      await app2.close();
      await h2.close();
    }
  });
});
