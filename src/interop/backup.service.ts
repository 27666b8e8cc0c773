/**
 * Backups: one file, encrypted with a passphrase (age format, scrypt; `age -d` opens it too),
 * holding a logical dump of every table (JSON lines, one row per line as PostgreSQL's to_jsonb
 * writes it, so the same dump loads into PGlite and into a PostgreSQL server), the files of the
 * data folder (evidence), and a manifest with the SHA-256 of every part, the schema migrations,
 * the audit chain heads and the ids of the master keys that wrap the organisation keys. The
 * wrapped organisation keys travel in the dump; the master key never does, so a stolen backup
 * and its passphrase still open no identifying field without the master key.
 *
 * Inside the encryption the archive is a sequence of entries: a line
 * `{"name":…,"size":N}` then N bytes. Tables are written in chunks of rows so memory stays bounded.
 * The dump is read in one REPEATABLE READ transaction: a consistent snapshot.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { AppError } from '../shared/errors.js';
import { entryHash, GENESIS_HASH, type StoredAuditEntry } from '../store/audit.js';
import { listMigrations, setScope, SYSTEM_ORG, type DB } from '../store/index.js';

export interface BackupManifest {
  format: 'atalaya-backup';
  version: 1;
  createdAt: string;
  engine: string;
  migrations: string[];
  masterKeyIds: string[];
  tables: { name: string; rows: number; sha256: string; columns: string[] }[];
  files: { path: string; size: number; sha256: string }[];
  auditHeads: Record<string, { seq: string; hash: string }>;
}

interface EntryHeader {
  name: string;
  size: number;
}

const CHUNK_ROWS = 2000;
// The outbox holds mail as sent (live password-reset and signing links, addresses): it is
// delivery, not a record, and must not travel in backups.
const skipDirs = new Set(['db', 'keys', 'imports', 'tmp', 'outbox']);

function bad(key: string, values?: Record<string, string | number>): AppError {
  return new AppError('bad_input', { issues: [{ path: ['backup'], key, ...(values ? { values } : {}) }] });
}

/** Tables of the public schema in an order that satisfies foreign keys (parents first). */
export async function tableOrder(db: DB): Promise<string[]> {
  const tables = (
    await sql<{ t: string }>`SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migration' AND NOT c.relispartition ORDER BY c.relname`.execute(db)
  ).rows.map((r) => r.t);
  const deps = (
    await sql<{ child: string; parent: string }>`SELECT cc.relname AS child, pc.relname AS parent FROM pg_constraint k
      JOIN pg_class cc ON cc.oid = k.conrelid JOIN pg_class pc ON pc.oid = k.confrelid
      JOIN pg_namespace n ON n.oid = cc.relnamespace WHERE k.contype = 'f' AND n.nspname = 'public'`.execute(db)
  ).rows;
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set()]));
  for (const d of deps) if (d.child !== d.parent && parents.has(d.child)) parents.get(d.child)!.add(d.parent);
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: string) => {
    if (state.get(t) === 'done' || state.get(t) === 'visiting') return;
    state.set(t, 'visiting');
    for (const p of parents.get(t) ?? []) if (parents.has(p)) visit(p);
    state.set(t, 'done');
    out.push(t);
  };
  tables.forEach(visit);
  return out;
}

async function generatedColumns(db: DB, table: string): Promise<string[]> {
  return (
    await sql<{ c: string }>`SELECT column_name AS c FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = ${table} AND is_generated = 'ALWAYS'`.execute(db)
  ).rows.map((r) => r.c);
}

async function tableColumns(db: DB, table: string): Promise<string[]> {
  return (
    await sql<{ c: string }>`SELECT column_name AS c FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = ${table} AND is_generated <> 'ALWAYS' ORDER BY ordinal_position`.execute(db)
  ).rows.map((r) => r.c);
}

async function primaryKey(db: DB, table: string): Promise<string[]> {
  return (
    await sql<{ col: string }>`SELECT a.attname AS col FROM pg_index i JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = ${table}::regclass AND i.indisprimary ORDER BY k.ord`.execute(db)
  ).rows.map((r) => r.col);
}

function listFiles(root: string, exclude: string[]): string[] {
  const out: string[] = [];
  if (!existsSync(root)) return out;
  const walk = (dir: string, top: boolean) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (top && (skipDirs.has(e.name) || e.name === 'atalaya.lock')) continue;
      if (exclude.some((x) => resolve(x) === resolve(p))) continue;
      if (e.isDirectory()) walk(p, false);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(root, true);
  return out.sort();
}

function header(name: string, size: number): Buffer {
  return Buffer.from(JSON.stringify({ name, size }) + '\n');
}

/** The plaintext archive as a stream of buffers. */
/** Progress of a backup or restore: rows of the database, then files of the data folder. */
export interface BackupProgress {
  phase: 'rows' | 'files';
  done: number;
  /** Null when not known before the end (a backup's row count). */
  total: number | null;
}

async function* archive(
  db: DB,
  engine: string,
  dataDir: string,
  exclude: string[],
  manifestOut: { m?: BackupManifest },
  onProgress?: (p: BackupProgress) => void,
): AsyncGenerator<Buffer> {
  let rowsDone = 0;
  const order = await tableOrder(db);
  const manifest: BackupManifest = {
    format: 'atalaya-backup',
    version: 1,
    createdAt: new Date().toISOString(),
    engine,
    migrations: (await sql<{ id: string }>`SELECT id FROM schema_migration ORDER BY id`.execute(db)).rows.map((r) => r.id),
    masterKeyIds: [],
    tables: [],
    files: [],
    auditHeads: {},
  };
  // The dump runs inside one REPEATABLE READ transaction (a consistent snapshot, read through a
  // cursor in chunks); its chunks reach the encrypting stream through a small bounded queue.
  const queue: (Buffer | null | Error)[] = [];
  let wake: (() => void) | null = null;
  let paused: (() => void) | null = null;
  const push = async (b: Buffer | null | Error) => {
    queue.push(b);
    wake?.();
    if (queue.length > 8) await new Promise<void>((r) => (paused = r));
  };
  const producer = db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      // Row-level security (FORCE) filters even the tables' owner on a server: the dump asks for every organisation.
      const orgs = (await sql<{ id: string }>`SELECT id FROM organisation`.execute(trx)).rows.map((r) => r.id);
      await setScope(trx, { organisationIds: [SYSTEM_ORG, ...orgs], coalitionIds: [], userId: null });
      for (const table of order) {
        const gen = await generatedColumns(trx, table);
        const columns = await tableColumns(trx, table);
        const hash = createHash('sha256');
        let rows = 0;
        const drop = gen.length ? sql` - ${sql.lit(`{${gen.join(',')}}`)}::text[]` : sql``;
        // Primary-key order: deterministic dumps, and audit entries in chain order for the verifier.
        const pk = await primaryKey(trx, table);
        const order = pk.length ? sql` ORDER BY ${sql.join(pk.map((c) => sql.ref(`t.${c}`)))}` : sql``;
        await sql`DECLARE atalaya_dump NO SCROLL CURSOR FOR SELECT (to_jsonb(t)${drop})::text AS j FROM ${sql.table(table)} t${order}`.execute(trx);
        for (;;) {
          const r = await sql<{ j: string }>`FETCH ${sql.lit(CHUNK_ROWS)} FROM atalaya_dump`.execute(trx);
          if (!r.rows.length) break;
          const body = Buffer.from(r.rows.map((x) => x.j).join('\n') + '\n');
          hash.update(body);
          rows += r.rows.length;
          rowsDone += r.rows.length;
          onProgress?.({ phase: 'rows', done: rowsDone, total: null });
          await push(Buffer.concat([header(`db/${table}.jsonl`, body.length), body]));
          if (table === 'organisation_key') {
            for (const x of r.rows) {
              const k = JSON.parse(x.j) as { master_key_id: string };
              if (!manifest.masterKeyIds.includes(k.master_key_id)) manifest.masterKeyIds.push(k.master_key_id);
            }
          }
        }
        await sql`CLOSE atalaya_dump`.execute(trx);
        manifest.tables.push({ name: table, rows, sha256: hash.digest('hex'), columns });
      }
      const heads = await sql<{ organisation_id: string; seq: string; hash: string }>`SELECT DISTINCT ON (a.organisation_id) a.organisation_id, a.seq::text AS seq, a.hash
        FROM audit_log a ORDER BY a.organisation_id, a.seq DESC`.execute(trx);
      for (const h of heads.rows) manifest.auditHeads[h.organisation_id] = { seq: h.seq, hash: h.hash };
    })
    .then(
      () => push(null),
      (e: unknown) => push(e instanceof Error ? e : new Error(String(e))),
    );
  for (;;) {
    while (!queue.length) await new Promise<void>((r) => (wake = r));
    const item = queue.shift()!;
    if (queue.length <= 8 && paused) {
      const p = paused as () => void;
      paused = null;
      p();
    }
    if (item === null) break;
    if (item instanceof Error) throw item;
    yield item;
  }
  await producer;
  const files = listFiles(dataDir, exclude);
  let filesDone = 0;
  for (const f of files) {
    const rel = relative(dataDir, f).split(sep).join('/');
    const size = statSync(f).size;
    const hash = createHash('sha256');
    yield header(`files/${rel}`, size);
    let seen = 0;
    for await (const chunk of createReadStream(f)) {
      const b = chunk as Buffer;
      hash.update(b);
      seen += b.length;
      yield b;
    }
    if (seen !== size) throw new AppError('unavailable', { message: `The file ${rel} changed while it was being backed up.` });
    manifest.files.push({ path: rel, size, sha256: hash.digest('hex') });
    onProgress?.({ phase: 'files', done: ++filesDone, total: files.length });
  }
  const m = Buffer.from(JSON.stringify(manifest, null, 1));
  yield Buffer.concat([header('manifest.json', m.length), m]);
  manifestOut.m = manifest;
}

function toWeb(gen: AsyncGenerator<Buffer>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await gen.next();
      if (done) controller.close();
      else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    },
    async cancel() {
      await gen.return(undefined);
    },
  });
}

export interface BackupOptions {
  out: string;
  passphrase: string;
  dataDir: string;
  engine: string;
  /** scrypt work factor (log2 N); age's default 18 takes about a second. Tests use less. */
  workFactor?: number;
  onProgress?: (p: BackupProgress) => void;
}

export async function createBackup(db: DB, opts: BackupOptions): Promise<BackupManifest> {
  if (opts.passphrase.length < 12) throw bad('interop:backup.weak_passphrase');
  // Loaded on use (~15 MB resident): only backups and restores need it.
  const { Encrypter } = await import('age-encryption');
  const enc = new Encrypter();
  enc.setPassphrase(opts.passphrase);
  if (opts.workFactor) enc.setScryptWorkFactor(opts.workFactor);
  const holder: { m?: BackupManifest } = {};
  const cipher = await enc.encrypt(toWeb(archive(db, opts.engine, opts.dataDir, [opts.out], holder, opts.onProgress)));
  mkdirSync(dirname(resolve(opts.out)), { recursive: true });
  const out = createWriteStream(opts.out, { mode: 0o600 });
  const src = Readable.fromWeb(cipher as unknown as import('node:stream/web').ReadableStream<Uint8Array>);
  try {
    await pipeline(src, out);
  } catch (e) {
    rmSync(opts.out, { force: true });
    throw e;
  }
  return holder.m!;
}

/** Decrypts and walks the archive, calling `onEntry` with each entry's bytes (in pieces). */
async function readArchive(
  file: string,
  passphrase: string,
  onEntry: (h: EntryHeader, piece: Buffer, last: boolean) => Promise<void> | void,
): Promise<void> {
  if (!existsSync(file)) throw bad('interop:backup.no_file', { file });
  const { Decrypter } = await import('age-encryption');
  const dec = new Decrypter();
  dec.addPassphrase(passphrase);
  let plain: ReadableStream<Uint8Array>;
  try {
    const input = Readable.toWeb(createReadStream(file)) as unknown as ReadableStream<Uint8Array>;
    plain = await dec.decrypt(input);
  } catch (e) {
    throw bad('interop:backup.cannot_open', { reason: (e as Error).message.slice(0, 200) });
  }
  let buf = Buffer.alloc(0);
  let cur: EntryHeader | null = null;
  let left = 0;
  try {
    for await (const chunk of plain as unknown as AsyncIterable<Uint8Array>) {
      buf = buf.length ? Buffer.concat([buf, Buffer.from(chunk)]) : Buffer.from(chunk);
      for (;;) {
        if (!cur) {
          const nl = buf.indexOf(10);
          if (nl < 0) {
            if (buf.length > 4096) throw new Error('entry header too long');
            break;
          }
          cur = JSON.parse(buf.subarray(0, nl).toString('utf8')) as EntryHeader;
          if (typeof cur.name !== 'string' || !Number.isInteger(cur.size) || cur.size < 0) throw new Error('bad entry header');
          left = cur.size;
          buf = buf.subarray(nl + 1);
          if (left === 0) {
            await onEntry(cur, Buffer.alloc(0), true);
            cur = null;
          }
          continue;
        }
        if (!buf.length) break;
        const take = Math.min(left, buf.length);
        left -= take;
        const piece = buf.subarray(0, take);
        buf = buf.subarray(take);
        const h: EntryHeader = cur;
        if (left === 0) cur = null;
        await onEntry(h, piece, left === 0);
      }
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw bad('interop:backup.damaged', { reason: (e as Error).message.slice(0, 200) });
  }
  if (cur || buf.length) throw bad('interop:backup.damaged', { reason: 'truncated' });
}

export interface VerifyResult {
  ok: boolean;
  manifest: BackupManifest | null;
  problems: { part: string; key: string }[];
}

/** Decrypts the backup and checks every part against the manifest, and the audit chains against their heads. */
export async function verifyBackup(file: string, passphrase: string): Promise<VerifyResult> {
  const sums = new Map<string, ReturnType<typeof createHash>>();
  const rows = new Map<string, number>();
  let manifestText = '';
  // Audit chains are re-walked from the dumped rows: hash, sequence and link of every entry.
  const chains = new Map<string, { prev: string; seq: bigint; broken: boolean }>();
  let auditRest = Buffer.alloc(0);
  await readArchive(file, passphrase, (h, piece) => {
    if (h.name === 'manifest.json') {
      manifestText += piece.toString('utf8');
      return;
    }
    let s = sums.get(h.name);
    if (!s) sums.set(h.name, (s = createHash('sha256')));
    s.update(piece);
    if (h.name.startsWith('db/')) {
      const text = piece.toString('latin1');
      let n = 0;
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
      rows.set(h.name, (rows.get(h.name) ?? 0) + n);
    }
    if (h.name === 'db/audit_log.jsonl') {
      // Split on newline bytes before decoding: a piece may end inside a multi-byte character.
      const buf = Buffer.concat([auditRest, piece]);
      const end = buf.lastIndexOf(10);
      auditRest = end < 0 ? buf : buf.subarray(end + 1);
      const lines = end < 0 ? [] : buf.subarray(0, end).toString('utf8').split('\n');
      for (const l of lines) {
        if (!l) continue;
        const e = JSON.parse(l) as StoredAuditEntry;
        const c = chains.get(e.organisation_id) ?? { prev: GENESIS_HASH, seq: 0n, broken: false };
        if (!c.broken) {
          const seq = BigInt(e.seq);
          if (entryHash({ ...e, seq: String(e.seq) }) !== e.hash || e.prev_hash !== c.prev || seq !== c.seq + 1n) c.broken = true;
          c.prev = e.hash;
          c.seq = seq;
        }
        chains.set(e.organisation_id, c);
      }
    }
  });
  const problems: VerifyResult['problems'] = [];
  let manifest: BackupManifest | null = null;
  try {
    manifest = JSON.parse(manifestText) as BackupManifest;
  } catch {
    return { ok: false, manifest: null, problems: [{ part: 'manifest.json', key: 'interop:backup.no_manifest' }] };
  }
  for (const tb of manifest.tables) {
    const name = `db/${tb.name}.jsonl`;
    const got = sums.get(name)?.digest('hex') ?? createHash('sha256').digest('hex');
    if (got !== tb.sha256) problems.push({ part: name, key: 'interop:backup.sum_mismatch' });
    if ((rows.get(name) ?? 0) !== tb.rows) problems.push({ part: name, key: 'interop:backup.count_mismatch' });
    sums.delete(name);
  }
  for (const f of manifest.files) {
    const name = `files/${f.path}`;
    if (sums.get(name)?.digest('hex') !== f.sha256) problems.push({ part: name, key: 'interop:backup.sum_mismatch' });
    sums.delete(name);
  }
  for (const extra of sums.keys()) problems.push({ part: extra, key: 'interop:backup.not_in_manifest' });
  for (const [org, head] of Object.entries(manifest.auditHeads)) {
    const c = chains.get(org);
    if (!c || c.broken || c.prev !== head.hash || String(c.seq) !== String(head.seq)) problems.push({ part: `audit:${org}`, key: 'interop:backup.audit_broken' });
  }
  return { ok: problems.length === 0, manifest, problems };
}

export interface RestoreOptions {
  file: string;
  passphrase: string;
  dataDir: string;
  /** Id of the master key this server will use; must be one the backup's organisation keys were wrapped by. */
  masterKeyId: string;
  /** Called as rows and files are restored (after the backup is verified), with the manifest's totals. */
  onProgress?: (p: BackupProgress) => void;
}

/**
 * Restores into an EMPTY database (migrated to this version of Atalaya) and data folder, in one
 * transaction: either the whole backup is there afterwards, or nothing. Verifies the backup first.
 */
export async function restoreBackup(db: DB, opts: RestoreOptions): Promise<BackupManifest> {
  const check = await verifyBackup(opts.file, opts.passphrase);
  if (!check.ok || !check.manifest) {
    throw new AppError('bad_input', { issues: check.problems.map((p) => ({ path: [p.part], key: p.key })) });
  }
  const m = check.manifest;
  const known = new Set(listMigrations().map((x) => x.id));
  const unknown = m.migrations.filter((id) => !known.has(id));
  if (unknown.length) throw bad('interop:backup.newer', { list: unknown.join(', ') });
  if (m.masterKeyIds.length && !m.masterKeyIds.includes(opts.masterKeyId)) throw bad('interop:backup.other_master_key', { ids: m.masterKeyIds.join(', ') });
  // Empty means no row anywhere: an installation only initialised (its administrator, no
  // organisation yet) would otherwise end up with both installations' accounts.
  const holding = await tablesWithRows(db);
  if (holding.length) throw bad('interop:backup.not_empty', { tables: holding.slice(0, 5).join(', ') + (holding.length > 5 ? ', …' : '') });
  for (const f of m.files) {
    if (existsSync(join(opts.dataDir, f.path))) throw bad('interop:backup.file_exists', { file: f.path });
  }
  const order = m.tables.map((t) => t.name);
  const totalRows = m.tables.reduce((n, x) => n + x.rows, 0);
  let rowsDone = 0;
  let filesDone = 0;
  // Files are written while the transaction is open; if anything fails, the ones written go too.
  const written: string[] = [];
  const restoring = db.transaction().execute(async (trx) => {
    const present = new Set(await tableOrder(trx));
    const selfRefs = new Map<string, string[]>();
    for (const r of (
      await sql<{ t: string; col: string }>`SELECT c.relname AS t, a.attname AS col FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY(k.conkey)
        WHERE k.contype = 'f' AND k.conrelid = k.confrelid AND n.nspname = 'public'`.execute(trx)
    ).rows) {
      if (r.col === 'organisation_id') continue;
      selfRefs.set(r.t, [...(selfRefs.get(r.t) ?? []), r.col]);
    }
    const columnsOf = new Map<string, string[]>();
    for (const t of order) {
      if (!present.has(t)) throw bad('interop:backup.unknown_table', { table: t });
      columnsOf.set(t, await tableColumns(trx, t));
    }
    const later: { table: string; rows: string[] }[] = [];
    const insert = async (table: string, lines: string[]) => {
      if (!lines.length) return;
      const dumped = new Set(m.tables.find((x) => x.name === table)!.columns);
      const own = selfRefs.get(table) ?? [];
      const cols = columnsOf.get(table)!.filter((c) => dumped.has(c) && !own.includes(c));
      const json = `[${lines.join(',')}]`;
      await sql`INSERT INTO ${sql.table(table)} (${sql.join(cols.map((c) => sql.ref(c)))}) OVERRIDING SYSTEM VALUE
        SELECT ${sql.join(cols.map((c) => sql.ref(`r.${c}`)))} FROM jsonb_populate_recordset(NULL::${sql.table(table)}, ${json}::jsonb) r`.execute(trx);
      if (own.length) later.push({ table, rows: lines });
      if (table === 'organisation') {
        // Row-level security checks every later insert against the scope: give it every restored organisation.
        const orgs = (await sql<{ id: string }>`SELECT id FROM organisation`.execute(trx)).rows.map((r) => r.id);
        await setScope(trx, { organisationIds: [SYSTEM_ORG, ...orgs], coalitionIds: [], userId: null });
      }
    };
    let curTable = '';
    let pending: Buffer[] = [];
    await readArchive(opts.file, opts.passphrase, async (h, piece, last) => {
      if (h.name.startsWith('db/')) {
        const table = h.name.slice(3, -'.jsonl'.length);
        if (table !== curTable) {
          pending = [];
          curTable = table;
        }
        pending.push(piece);
        if (last) {
          const lines = Buffer.concat(pending).toString('utf8').split('\n').filter(Boolean);
          pending = [];
          await insert(table, lines);
          rowsDone += lines.length;
          opts.onProgress?.({ phase: 'rows', done: rowsDone, total: totalRows });
        }
      } else if (h.name.startsWith('files/')) {
        const rel = h.name.slice(6);
        const target = resolve(opts.dataDir, rel);
        if (!target.startsWith(resolve(opts.dataDir) + sep)) throw bad('interop:backup.damaged', { reason: 'path' });
        try {
          mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
          writeFileSync(target, piece, { flag: 'a', mode: 0o600 });
          if (written.at(-1) !== target) written.push(target);
        } catch (e) {
          throw new AppError('unavailable', { message: 'interop:backup.cannot_write', values: { file: rel, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message } });
        }
        if (last) opts.onProgress?.({ phase: 'files', done: ++filesDone, total: m.files.length });
      }
    });
    // Self-references (an actor's affiliation, a derived evidence file) once every row exists.
    for (const { table, rows } of later) {
      const own = selfRefs.get(table)!;
      const pk = await primaryKey(trx, table);
      await sql`UPDATE ${sql.table(table)} t SET ${sql.join(own.map((c) => sql`${sql.ref(c)} = r.${sql.ref(c)}`))}
        FROM jsonb_populate_recordset(NULL::${sql.table(table)}, ${`[${rows.join(',')}]`}::jsonb) r
        WHERE ${sql.join(pk.map((c) => sql`t.${sql.ref(c)} = r.${sql.ref(c)}`), sql` AND `)}`.execute(trx);
    }
    // Serial and identity columns continue after the restored values.
    const seqs = await sql<{ t: string; c: string; s: string }>`SELECT table_name AS t, column_name AS c, pg_get_serial_sequence(quote_ident(table_name), column_name) AS s
      FROM information_schema.columns WHERE table_schema = 'public' AND (column_default LIKE 'nextval%' OR is_identity = 'YES')`.execute(trx);
    for (const s of seqs.rows) {
      if (!s.s) continue;
      await sql`SELECT setval(${s.s}, coalesce((SELECT max(${sql.ref(s.c)}) FROM ${sql.table(s.t)}), 0) + 1, false)`.execute(trx);
    }
  });
  try {
    await restoring;
  } catch (e) {
    removeWritten(opts.dataDir, written);
    throw e;
  }
  return m;
}

/** Tables holding at least one row, read with every organisation in scope (row-level security filters even the owner). */
async function tablesWithRows(db: DB): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const orgs = (await sql<{ id: string }>`SELECT id FROM organisation`.execute(trx)).rows.map((r) => r.id);
    await setScope(trx, { organisationIds: [SYSTEM_ORG, ...orgs], coalitionIds: [], userId: null });
    const out: string[] = [];
    for (const t of await tableOrder(trx)) {
      if ((await sql<{ x: boolean }>`SELECT EXISTS (SELECT 1 FROM ${sql.table(t)}) AS x`.execute(trx)).rows[0]!.x) out.push(t);
    }
    return out;
  });
}

/** Removes the files a failed restore wrote, and the folders made for them that are left empty. */
function removeWritten(dataDir: string, files: string[]): void {
  const root = resolve(dataDir);
  const dirs = new Set<string>();
  for (const f of files) {
    try {
      rmSync(f, { force: true });
    } catch {
      // already gone with its folder
    }
    for (let d = dirname(f); d.startsWith(root + sep); d = dirname(d)) dirs.add(d);
  }
  // Deepest first; a folder that still holds anything (the operator's own files) stays.
  for (const d of [...dirs].sort((x, y) => y.length - x.length)) {
    try {
      rmdirSync(d);
    } catch {
      // not empty, or already gone
    }
  }
}
