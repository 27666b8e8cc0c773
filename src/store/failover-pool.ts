/**
 * A connection pool for "whichever server is the primary". node-postgres understands neither a
 * list of hosts nor `target_session_attrs` (libpq does), so Atalaya does what libpq would: it keeps
 * one pg.Pool per host, hands out connections from the host that last answered as a writable
 * primary, and when that host refuses connections or turns out to be a standby, tries the others
 * until one is a primary or the switch deadline passes (then a clear "unavailable", never a write
 * on a read-only server).
 *
 * Every new connection is prepared before it is used: the primary check, and the switch to the
 * unprivileged application role. A connection that could not take the role is destroyed, never
 * used: a silent failure there would run the web server's queries as the owner, without row-level
 * security.
 */
import pg from 'pg';
import { AppError } from '../shared/errors.js';

export interface HostPort {
  host: string;
  port: number;
}

export interface ParsedServerUrl {
  hosts: HostPort[];
  /** One connection string per host, in the order given, without `target_session_attrs`. */
  urls: string[];
  /** `target_session_attrs=read-write` (or several hosts): connect only to a server not in recovery. */
  readWrite: boolean;
}

const URL_RE = /^(postgres(?:ql)?:\/\/)([^@/?#]*@)?([^/?#]*)(.*)$/i;

/** Splits a libpq-style URL with `host1:port1,host2:port2` into one URL per host. */
export function parseServerUrl(url: string): ParsedServerUrl {
  const m = URL_RE.exec(url.trim());
  if (!m) return { hosts: [], urls: [url], readWrite: false };
  const [, scheme, auth = '', hostPart = '', rest = ''] = m;
  let readWrite = false;
  // Keep every other parameter; drop the one node-postgres does not know.
  const [path, query = ''] = rest.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  const attrs = params.get('target_session_attrs');
  if (attrs) {
    readWrite = attrs === 'read-write' || attrs === 'primary';
    params.delete('target_session_attrs');
  }
  const q = params.toString();
  const hosts: HostPort[] = [];
  for (const h of hostPart.split(',').filter(Boolean)) {
    const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(h);
    if (v6) hosts.push({ host: v6[1]!, port: Number(v6[2] ?? 5432) });
    else {
      const [host, port] = h.split(':');
      hosts.push({ host: host!, port: Number(port ?? 5432) });
    }
  }
  if (hosts.length === 0) return { hosts, urls: [url], readWrite };
  const urls = hostPart
    .split(',')
    .filter(Boolean)
    .map((h) => `${scheme}${auth}${h}${path}${q ? `?${q}` : ''}`);
  return { hosts, urls, readWrite: readWrite || hosts.length > 1 };
}

/** SQLSTATEs and socket errors that mean "this server is gone or switching", not a bad query. */
const CONNECTION_STATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '25006', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH']);

export function isConnectionError(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_STATES.has(code)) return true;
  const msg = (e as { message?: unknown }).message;
  return typeof msg === 'string' && /Connection terminated|connection timeout|terminating connection|the database system is (starting up|shutting down|in recovery)/i.test(msg);
}

export class RoleError extends Error {}

/** Switches a new server connection to `role` and checks it took: it throws otherwise. */
export async function takeRole(client: pg.ClientBase, role: string): Promise<void> {
  try {
    await client.query(`SET ROLE ${pg.escapeIdentifier(role)}`);
    const r = await client.query<{ u: string }>('SELECT current_user AS u');
    if (r.rows[0]?.u !== role) throw new Error(`current_user is ${r.rows[0]?.u ?? 'unknown'}`);
  } catch (e) {
    throw new RoleError(`The connection could not take the role ${role}: ${(e as Error).message}`, { cause: e });
  }
}

class NotPrimary extends Error {
  code = 'NOT_PRIMARY';
}

export interface FailoverPoolOptions {
  urls: string[];
  readWrite: boolean;
  max: number;
  statementTimeoutMs: number;
  connectionTimeoutMs: number;
  /** How long a checkout may keep looking for a primary before it gives up with "unavailable". */
  switchTimeoutMs: number;
  role?: string | undefined;
  applicationName: string;
}

/** The part of pg.Pool that Kysely's PostgresDialect uses. */
export class FailoverPool {
  private readonly pools: (pg.Pool | null)[];
  private readonly prepared = new WeakSet<pg.PoolClient>();
  private current = 0;
  private ended = false;

  constructor(private readonly opts: FailoverPoolOptions) {
    this.pools = opts.urls.map(() => null);
  }

  private pool(i: number): pg.Pool {
    let p = this.pools[i];
    if (!p) {
      p = new pg.Pool({
        connectionString: this.opts.urls[i],
        max: this.opts.max,
        connectionTimeoutMillis: this.opts.connectionTimeoutMs,
        statement_timeout: this.opts.statementTimeoutMs,
        application_name: this.opts.applicationName,
      });
      // A connection the server drops (restart, failover, DROP DATABASE) is discarded by the pool
      // and the next checkout reconnects; without a listener the error would end the process.
      p.on('error', () => {});
      this.pools[i] = p;
    }
    return p;
  }

  private async prepare(client: pg.PoolClient): Promise<void> {
    if (this.opts.readWrite) {
      const r = await client.query<{ rec: boolean }>('SELECT pg_is_in_recovery() AS rec');
      if (r.rows[0]?.rec) throw new NotPrimary('the server is a standby');
    }
    if (this.opts.role) await takeRole(client, this.opts.role);
  }

  /** `switchTimeoutMs` 0: one round over the hosts (start-up checks say at once what is wrong). */
  async connect(switchTimeoutMs = this.opts.switchTimeoutMs): Promise<pg.PoolClient> {
    if (this.ended) throw new AppError('unavailable', { message: 'The database pool is closed.' });
    const n = this.opts.urls.length;
    const deadline = Date.now() + switchTimeoutMs;
    let last: unknown;
    for (;;) {
      for (let k = 0; k < n; k++) {
        const i = (this.current + k) % n;
        let client: pg.PoolClient | undefined;
        try {
          client = await this.pool(i).connect();
          if (!this.prepared.has(client)) {
            // A server that goes away while this connection is checked out between two queries (in
            // a transaction) emits 'error' on it; without a listener that would end the process. The
            // pending or next query fails instead, and the pool discards the dead connection.
            client.on('error', () => {});
            await this.prepare(client);
            this.prepared.add(client);
          }
          this.current = i;
          return client;
        } catch (e) {
          last = e;
          // Destroy, never reuse: it may be on a standby, or without the application role.
          client?.release(e instanceof Error ? e : true);
          // A role that cannot be taken is a configuration error, not a switch: say so at once.
          if (!(e instanceof NotPrimary) && !isConnectionError(e)) throw e;
          if (e instanceof NotPrimary) await this.drain(i);
        }
      }
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new AppError('unavailable', {
      message: last instanceof NotPrimary ? 'No PostgreSQL server in DATABASE_URL accepts writes (all are standbys).' : `The PostgreSQL server cannot be reached: ${(last as Error)?.message ?? 'unknown error'}`,
      cause: last,
    });
  }

  /** Idle connections to a server that is no longer the primary must not be handed out again. */
  private async drain(i: number): Promise<void> {
    const p = this.pools[i];
    if (!p) return;
    this.pools[i] = null;
    await p.end().catch(() => {});
  }

  async end(): Promise<void> {
    this.ended = true;
    await Promise.all(this.pools.map((p) => p?.end().catch(() => {})));
  }
}
