/**
 * A real PostgreSQL primary and a streaming hot standby on this machine, for the replica and failover
 * tests: `initdb` into a temporary folder, `pg_basebackup -R` for the standby, each started with
 * `pg_ctl` on its own loopback port. PostgreSQL refuses to run as root, so as root the binaries run as
 * the `postgres` system user. `pgBinDir()` is null where the binaries are not installed (the tests
 * then skip with a line saying so).
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export function pgBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'pg_basebackup')) && existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0]!, 'bin') : null;
}

const asRoot = process.getuid?.() === 0;

function systemUser(): { uid: number; gid: number } | null {
  if (!asRoot) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

function run(bin: string, args: string[]): string {
  const dir = pgBinDir()!;
  const cmd = join(dir, bin);
  const argv = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  return execFileSync(argv[0] as string, argv[1] as string[], { stdio: ['ignore', 'pipe', 'pipe'], cwd: '/tmp', timeout: 120_000 }).toString();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface PgServer {
  port: number;
  dir: string;
  url(db?: string): string;
  start(): void;
  stop(mode?: 'fast' | 'immediate'): void;
  promote(): void;
  /** The server's log so far. */
  log(): string;
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, db?: string): Promise<T[]>;
}

function server(dir: string, port: number): PgServer {
  const log = join(dir, 'server.log');
  return {
    port,
    dir,
    url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
    start: () => void run('pg_ctl', ['-D', dir, '-l', log, '-w', '-t', '60', '-o', `-p ${port} -k ${dir}`, 'start']),
    stop: (mode = 'fast') => void run('pg_ctl', ['-D', dir, '-m', mode, '-w', '-t', '60', 'stop']),
    promote: () => void run('pg_ctl', ['-D', dir, '-w', '-t', '60', 'promote']),
    log: () => (existsSync(log) ? readFileSync(log, 'utf8') : ''),
    query: async <T extends pg.QueryResultRow>(text: string, db = 'postgres') => {
      const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/${db}` });
      await c.connect();
      try {
        return (await c.query<T>(text)).rows;
      } finally {
        await c.end();
      }
    },
  };
}

export interface ReplicatedPair {
  primary: PgServer;
  standby: PgServer;
  /** Waits until the standby has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  destroy(): void;
}

export async function startReplicatedPair(): Promise<ReplicatedPair> {
  const root = mkdtempSync(join(tmpdir(), 'atalaya-pg-'));
  const user = systemUser();
  if (user) chownSync(root, user.uid, user.gid);
  const pdir = join(root, 'primary');
  const sdir = join(root, 'standby');
  run('initdb', ['-D', pdir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  const [pport, sport] = [await freePort(), await freePort()];
  appendFileSync(
    join(pdir, 'postgresql.conf'),
    [
      `listen_addresses = '127.0.0.1'`,
      `wal_level = replica`,
      `max_wal_senders = 5`,
      `hot_standby = on`,
      // Test clusters: speed over durability (the data is thrown away).
      `fsync = off`,
      `synchronous_commit = on`,
      `full_page_writes = off`,
      `shared_buffers = 32MB`,
      `max_connections = 60`,
      // Which server ran a statement, and for which client: the tests read it back from the log.
      `log_statement = 'all'`,
      `log_line_prefix = '%a|'`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(pdir, 'pg_hba.conf'), ['local all all trust', 'host all all 127.0.0.1/32 trust', 'host replication all 127.0.0.1/32 trust', ''].join('\n'));
  const primary = server(pdir, pport);
  primary.start();
  run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(pport), '-U', 'postgres', '-D', sdir, '-R', '-X', 'stream', '--no-sync']);
  const standby = server(sdir, sport);
  standby.start();
  const pair: ReplicatedPair = {
    primary,
    standby,
    caughtUp: async (timeoutMs = 30_000) => {
      const [{ lsn }] = (await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')) as [{ lsn: string }];
      const end = Date.now() + timeoutMs;
      for (;;) {
        const [{ ok }] = (await standby.query<{ ok: boolean }>(`SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS ok`)) as [{ ok: boolean }];
        if (ok) return;
        if (Date.now() > end) throw new Error('the standby did not catch up');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    destroy: () => {
      for (const s of [standby, primary]) {
        try {
          s.stop('immediate');
        } catch {
          // already stopped
        }
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  return pair;
}
