/**
 * Read replicas (PostgreSQL hot standbys, `ATALAYA_READ_URL`). Reads that may be a little behind
 * (public pages, dashboards, analysis, search) go to a healthy standby; everything else stays on
 * the primary. A checker asks every server where it stands once a second:
 *
 * - the primary's WAL position is sampled with the time it was seen;
 * - a standby's lag is the age of the oldest sampled primary position it has not yet replayed
 *   (measured on this server's own clock, so clocks on the database servers do not matter);
 * - a standby behind by more than `maxLagMs`, not answering, or no longer in recovery (promoted)
 *   is out of rotation until a later check finds it healthy again.
 *
 * Read-your-writes: after a write, the caller remembers the primary's WAL position; `pick(lsn)`
 * then only returns a standby whose last checked replay position has reached it, so nobody sees
 * their own change disappear. When no standby qualifies, `pick` returns null: read the primary.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import { FailoverPool, parseServerUrl } from './failover-pool.js';
import type { DB } from './db.js';
import type { Database } from './schema.js';

/** '16/B374D848' → a number that orders like the WAL. */
export function parseLsn(text: string): bigint {
  const [hi, lo] = text.split('/');
  if (hi === undefined || lo === undefined || !/^[0-9A-Fa-f]{1,8}$/.test(hi) || !/^[0-9A-Fa-f]{1,8}$/.test(lo)) throw new Error(`not an LSN: ${text}`);
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

export function formatLsn(n: bigint): string {
  return `${(n >> 32n).toString(16).toUpperCase()}/${(n & 0xffffffffn).toString(16).toUpperCase()}`;
}

export type ReplicaState = 'healthy' | 'lagging' | 'down' | 'promoted' | 'unknown';

export interface ReplicaStatus {
  /** "replica 1", "replica 2": never the host, which the health endpoint must not reveal. */
  name: string;
  state: ReplicaState;
  lagMs: number | null;
  replayLsn: string | null;
  checkedAt: Date | null;
}

export interface RouterStatus {
  primary: { state: 'up' | 'down'; lsn: string | null; checkedAt: Date | null };
  replicas: ReplicaStatus[];
}

interface Replica {
  name: string;
  db: DB;
  /** Its own connection, so that pg_stat_activity tells health checks from reads. */
  checkDb: DB;
  state: ReplicaState;
  lagMs: number | null;
  replay: bigint | null;
  checkedAt: Date | null;
}

export interface ReadRouterOptions {
  maxLagMs: number;
  /** How often every server is asked where it stands. */
  intervalMs?: number;
  /** On each standby, switch to this role (row-level security applies on standbys too). */
  role?: string | undefined;
  statementTimeoutMs?: number;
  maxConnections?: number;
}

/** WAL that ends exactly at a page boundary leaves the write position a page header ahead of replay. */
const PAGE_HEADER_SLACK = 40n;

export class ReadRouter {
  private readonly samples: { t: number; lsn: bigint }[] = [];
  private primaryState: 'up' | 'down' = 'up';
  private primaryCheckedAt: Date | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private next = 0;

  private constructor(
    private readonly primary: DB,
    private readonly replicas: Replica[],
    private readonly opts: Required<Pick<ReadRouterOptions, 'maxLagMs' | 'intervalMs'>>,
  ) {}

  /** Opens a pool per standby (nothing is connected until the first check) and starts checking. */
  static async open(primary: DB, readUrls: readonly string[], opts: ReadRouterOptions): Promise<ReadRouter> {
    const replicas: Replica[] = readUrls.map((url, i) => {
      const open = (max: number, applicationName: string, statementTimeoutMs: number) =>
        new Kysely<Database>({
          dialect: new PostgresDialect({
            pool: new FailoverPool({
              urls: parseServerUrl(url).urls,
              readWrite: false,
              max,
              statementTimeoutMs,
              connectionTimeoutMs: 2_000,
              switchTimeoutMs: 0,
              role: opts.role,
              applicationName,
            }),
          }),
        });
      return {
        name: `replica ${i + 1}`,
        db: open(opts.maxConnections ?? 10, `atalaya-replica-${i + 1}`, opts.statementTimeoutMs ?? 15_000),
        checkDb: open(1, `atalaya-replica-${i + 1}-check`, 2_000),
        state: 'unknown',
        lagMs: null,
        replay: null,
        checkedAt: null,
      };
    });
    const router = new ReadRouter(primary, replicas, { maxLagMs: opts.maxLagMs, intervalMs: opts.intervalMs ?? 1_000 });
    await router.check();
    router.timer = setInterval(() => void router.check(), router.opts.intervalMs);
    router.timer.unref();
    return router;
  }

  /** One round of checks (overlapping calls share the round in progress). */
  check(): Promise<void> {
    this.running ??= this.checkRound().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async checkRound(): Promise<void> {
    try {
      const lsn = await this.currentLsn();
      this.samples.push({ t: Date.now(), lsn });
      this.primaryState = 'up';
    } catch {
      this.primaryState = 'down';
    }
    this.primaryCheckedAt = new Date();
    // Keep enough history to measure a lag well beyond the limit.
    const horizon = Date.now() - Math.max(4 * this.opts.maxLagMs, 60_000);
    while (this.samples.length > 1 && this.samples[0]!.t < horizon) this.samples.shift();
    await Promise.all(this.replicas.map((r) => this.checkReplica(r)));
  }

  private async checkReplica(r: Replica): Promise<void> {
    try {
      const row = (
        await sql<{ rec: boolean; replay: string | null; recv: string | null; since: number | null }>`
          SELECT pg_is_in_recovery() AS rec, pg_last_wal_replay_lsn()::text AS replay, pg_last_wal_receive_lsn()::text AS recv,
                 (extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8 AS since`.execute(r.checkDb)
      ).rows[0]!;
      r.checkedAt = new Date();
      if (!row.rec) {
        // A promoted standby is a primary now: reading it as a replica would hide nothing, but it is
        // no longer following the primary Atalaya writes to.
        r.state = 'promoted';
        r.lagMs = null;
        r.replay = null;
        return;
      }
      const replay = row.replay ? parseLsn(row.replay) : null;
      r.replay = replay;
      r.lagMs = replay === null ? null : this.lagOf(replay, row.recv ? parseLsn(row.recv) : null, row.since);
      r.state = r.lagMs !== null && r.lagMs <= this.opts.maxLagMs ? 'healthy' : 'lagging';
    } catch {
      r.checkedAt = new Date();
      r.state = 'down';
      r.lagMs = null;
    }
  }

  /**
   * Age of the oldest primary position the standby has not replayed (0 when it has replayed all).
   * When the standby is behind every sample taken so far (a checker that has just started, such as
   * `doctor`), the standby's own age of its last replayed transaction is the better estimate.
   */
  private lagOf(replay: bigint, received: bigint | null, sinceLastReplayMs: number | null): number {
    const latest = this.samples.at(-1);
    if (!latest || replay >= latest.lsn) return 0;
    if (received !== null && received === replay && latest.lsn - replay <= PAGE_HEADER_SLACK) return 0;
    const oldest = this.samples[0]!;
    const first = this.samples.find((s) => s.lsn > replay) ?? oldest;
    const measured = Date.now() - first.t;
    if (first === oldest && sinceLastReplayMs !== null) return Math.max(measured, Math.round(sinceLastReplayMs));
    return measured;
  }

  /** The primary's current WAL position: what a reader must wait for to see everything written so far. */
  async currentLsn(): Promise<bigint> {
    const r = await sql<{ lsn: string }>`SELECT pg_current_wal_lsn()::text AS lsn`.execute(this.primary);
    return parseLsn(r.rows[0]!.lsn);
  }

  /**
   * A healthy standby that has replayed `minLsn` (when given), taking turns; null means "read the
   * primary" (none healthy, or none caught up with the caller's own write).
   */
  pick(minLsn: bigint | null = null): DB | null {
    const n = this.replicas.length;
    for (let k = 0; k < n; k++) {
      const r = this.replicas[(this.next + k) % n]!;
      if (r.state !== 'healthy') continue;
      if (minLsn !== null && (r.replay === null || r.replay < minLsn)) continue;
      this.next = (this.next + k + 1) % n;
      return r.db;
    }
    return null;
  }

  status(): RouterStatus {
    const latest = this.samples.at(-1);
    return {
      primary: { state: this.primaryState, lsn: latest ? formatLsn(latest.lsn) : null, checkedAt: this.primaryCheckedAt },
      replicas: this.replicas.map((r) => ({ name: r.name, state: r.state, lagMs: r.lagMs, replayLsn: r.replay === null ? null : formatLsn(r.replay), checkedAt: r.checkedAt })),
    };
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
    await Promise.all(this.replicas.flatMap((r) => [r.db.destroy().catch(() => {}), r.checkDb.destroy().catch(() => {})]));
  }
}
