/**
 * Public pages and search with 0 and 1 read replica, side by side, on a real primary and streaming
 * standby made here (initdb, pg_basebackup -R), with the demo data.
 *   npm run bench -- replicas [--seconds 10] [--connections 10]
 *
 * What it can show on this machine: that reads really move to the standby (the primary's share of
 * the statements is printed) and what the routing costs per request. What it cannot show: more
 * throughput. Primary, standby and the one Node process share the same two cores, so a second
 * server adds no CPU; on separate machines a standby takes the read queries' CPU off the primary.
 */
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '../src/access/crypto/keyring.js';
import { masterKeyId, type MasterKey } from '../src/access/crypto/master-key.js';
import { loadConfig } from '../src/config/index.js';
import { buildApp } from '../src/http/app.js';
import { loadDemo } from '../src/records/index.js';
import { loadDemoStatement, setPublicCacheEnabled } from '../src/statements/index.js';
import { migrate, openDatabase, ReadRouter } from '../src/store/index.js';
import { Client } from '../test/support/app.js';
import { enrolTotp } from '../test/support/factories.js';
import { pgBinDir, startReplicatedPair } from '../test/support/pg-cluster.js';

type Autocannon = (opts: { url: string; duration: number; connections: number; pipelining: number; headers?: Record<string, string> }) => Promise<{
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
}>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function arg(args: string[], name: string, fallback: number): number {
  const k = args.indexOf(`--${name}`);
  const v = k >= 0 ? Number(args[k + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
}

export default async function replicasBench(args: string[]): Promise<void> {
  if (!pgBinDir()) {
    console.log('replicas bench skipped: no PostgreSQL server binaries under /usr/lib/postgresql');
    return;
  }
  const seconds = arg(args, 'seconds', 10);
  const connections = arg(args, 'connections', 10);
  const pair = await startReplicatedPair();
  const dataDir = mkdtempSync(join(tmpdir(), 'atalaya-bench-replicas-'));
  const DB = 'atalaya';
  try {
    await pair.primary.query(`CREATE DATABASE ${DB}`);
    const owner = await openDatabase({ dataDir, databaseUrl: pair.primary.url(DB) });
    await migrate(owner.db);
    const key = randomBytes(32);
    const master: MasterKey = { key, id: masterKeyId(key), source: 'environment' };
    const ownerCtx = { db: owner.db, keys: new Keyring(master), dataDir, master };
    const demo = await loadDemo(ownerCtx);
    await loadDemoStatement(ownerCtx, demo);
    const totp = await enrolTotp(ownerCtx, demo.admin.userId);
    await owner.close();
    await pair.caughtUp();
    const handle = await openDatabase({ dataDir, databaseUrl: pair.primary.url(DB), appRole: 'atalaya_app' });
    console.log(`replicas bench: ${seconds} s per run, ${connections} connections, PostgreSQL primary + 1 streaming standby on this machine (${(await import('node:os')).cpus().length} cores), Node ${process.version}`);
    const paths = ['/statements', '/dashboards/VE', '/api/incidents?q=detenci%C3%B3n'];
    const results: Record<string, Record<number, { rps: number; p99: number; non2xx: number }>> = {};
    for (const replicas of [0, 1]) {
      const reads = replicas ? await ReadRouter.open(handle.db, [pair.standby.url(DB)], { maxLagMs: 5_000, role: 'atalaya_app' }) : null;
      const config = loadConfig({ ATALAYA_DATA: dataDir, ATALAYA_LOG_LEVEL: 'silent', PORT: '0', ATALAYA_RATE_LIMIT_PER_MINUTE: '1000000' });
      const ctx = { db: handle.db, keys: new Keyring(master), dataDir };
      const app = await buildApp({ ctx, config, secret: randomBytes(32), engine: 'postgres', master, reads });
      // Every request reads the database: the statement cache would hide the replica.
      setPublicCacheEnabled(ctx, false);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const a = app.server.address();
      const base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
      const c = new Client(base);
      await c.login(demo.admin.email, demo.admin.password, totp);
      const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      try {
        for (const path of paths) {
          const headers: Record<string, string> = path.startsWith('/api/') ? { cookie } : {};
          await autocannon({ url: base + path, duration: 1, connections, pipelining: 1, headers }); // warm-up
          const r = await autocannon({ url: base + path, duration: seconds, connections, pipelining: 1, headers });
          (results[path] ??= {})[replicas] = { rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx };
        }
      } finally {
        await app.close();
        await reads?.close();
      }
    }
    for (const path of paths) {
      const [z, o] = [results[path]![0]!, results[path]![1]!];
      console.log(
        `${path.padEnd(30)} 0 replicas ${z.rps.toFixed(0).padStart(6)} req/s p99 ${String(z.p99).padStart(4)} ms | 1 replica ${o.rps.toFixed(0).padStart(6)} req/s p99 ${String(o.p99).padStart(4)} ms | ratio ${(o.rps / Math.max(1, z.rps)).toFixed(2)}${z.non2xx + o.non2xx ? ` (non-2xx ${z.non2xx}/${o.non2xx})` : ''}`,
      );
    }
    await handle.close();
  } finally {
    pair.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
