/**
 * Import throughput: `npm run bench -- import [--rows N] [--engine pglite|postgres] [--no-reimport]`.
 * Generates a Spanish spreadsheet of N cases (several victims per case, misspelt act types mapped
 * by the profile), imports it through the full path (read, map, validate, stage encrypted, apply
 * with encryption of names, history and audit), and prints rows/s, the time of each phase, the CPU
 * seconds of this process and (on a local server) of the PostgreSQL backends, and the peak RSS.
 * With DATABASE_URL set it first times a plain PostgreSQL COPY of the same file into a bare table
 * of text columns (the physical limit) and prints the ratio. A progress line every tenth of the
 * rows gives rows/s and RSS so far, so a run stopped early still says something.
 *
 * Figures of 2026-11-28 (2 cores shared with other benchmarks, CPU pressure ~95%, load average
 * 7–17 throughout, so wall times are 2–4x what the CPU seconds alone would give):
 *
 *   PostgreSQL 15, 100,000 rows (commit bc30073, with the trend-count triggers of migration 043):
 *     import 779 s = 128 rows/s (read+map+stage 102 s, apply 677 s); CPU: Node 65 s, backend 108 s;
 *     plain COPY 0.85 s = 118,000 rows/s, ratio 0.0011; re-import (100,000 unchanged) 90 s;
 *     peak RSS 456 MB (peak heap 203 MB). Load 15 → 8.
 *   Same without migration 043: 595 s = 168 rows/s (apply 482 s); CPU: Node 62 s, backend 87 s.
 *   PGlite, 100,000 rows: 968 s = 103 rows/s (stage 97 s, apply 871 s); CPU 216 s; peak RSS 885 MB,
 *     of which PGlite itself takes ~540 MB once opened (801 MB peak while migrating, before any import).
 *   PostgreSQL, 1,000,000 rows (bc30073, old 043 triggers, load 9 → 1.3 → 5.5): import 3,230 s = 310 rows/s
 *     (stage 235 s = 4,255 rows/s; apply 2,995 s, each 100,000 rows 162–471 s); CPU: Node 505 s,
 *     backend 1,748 s; peak RSS 483 MB (heap 211 MB); plain COPY 5.13 s = 194,759 rows/s; ratio 0.0016.
 *   PostgreSQL, 100,000 rows after migrations 047 and 048 (2026-11-29, nothing else running, load 1.3-1.8):
 *     import 276 s = 362 rows/s (read+map+stage 24.6 s, apply 251.5 s); CPU: Node 88 s, backend 192 s;
 *     peak RSS 452 MB (heap 209 MB); ratio to COPY 0.0016. 1,000,000 rows not re-measured.
 *   Before/after the unnest rewrite (20,000 rows, PostgreSQL, no 043, both runs side by side, load 9):
 *     before 114 s = 175 rows/s, CPU Node 26.6 s + backend 16.7 s;
 *     after   85 s = 234 rows/s, CPU Node 14.3 s + backend 13.0 s.
 *
 *   New machine (2026-11-29, same kind, nothing else running, load 1.1-2.6), PostgreSQL, 1,000,000 rows;
 *   plain COPY ~710,000-810,000 rows/s here:
 *     with migration 051 (act trigger without the quadratic anti join), row by row: 964 s = 1,037 rows/s
 *       (stage 57 s, apply 907 s); CPU Node 200 s, backend 734 s; peak RSS 497 MB; ratio 0.0013.
 *       (20,000 rows: 1,447 rows/s before 051, 1,890 after, the latter with auto_explain logging on.)
 *     + bulk apply of a first release (indexes rebuilt, trend counts recounted once): 531 s = 1,882 rows/s;
 *       CPU Node 202 s, backend 340 s; peak RSS 487 MB.
 *     + one batch written while the next is prepared, pages of 5,000 / batches of 2,500: 447 s = 2,237 rows/s,
 *       but peak RSS 561 MB (over the 500 MB bound); pages of 2,500 / batches of 1,250:
 *       454 s = 2,203 rows/s (stage 59 s, apply 395 s); CPU Node 223 s, backend 298 s; peak RSS 475 MB;
 *       ratio to COPY 0.0031.
 *     100,000 rows with 051, row by row: 54 s = 1,850 rows/s.
 *
 *   Third machine (2026-11-29, later session, same kind, ~3.5x slower: 1,000,000 SHA-256 digests of
 *   short strings take 4.0 s, the test suite 718 s instead of 235 s), PostgreSQL 15, bulk apply:
 *     30,000 rows: peak RSS 455 MB; 403 MB once exceljs, age and sharp are loaded only on use.
 *     100,000 rows: 144-159 s = 629-694 rows/s; CPU Node 78-91 s, backend 87-91 s; peak RSS 467-486 MB
 *       before the lazy loading, 392 MB after. Plain COPY 246,760 rows/s (ratio 0.0026).
 *     1,000,000 rows (lazy loading): 1,688 s = 592 rows/s (stage 226 s, apply 1,463 s); CPU Node 861 s,
 *       backend 1,022 s; peak RSS 407 MB; plain COPY 4.06 s = 246,067 rows/s, ratio 0.0024.
 *   The second floor on that machine: a plain COPY of the rows the import stored (15 per input row)
 *   into bare tables took 24.6 s for 100,000 input rows and 251 s for 1,000,000 (~4,000 input
 *   rows/s, 1.6 % of the CSV's COPY), of which the history rows (jsonb) 18.0 s and 180 s. The import
 *   is at 0.15 of it. Half of the CSV's COPY is thus 30 times faster than writing the import's output
 *   alone, before mapping, encryption, full-text vectors or indexes.
 *
 *   Fourth machine (2026-12-08, 2 cores shared with 4 other helpers, load 12-20 throughout, so wall
 *   times are ~4x the CPU seconds), PostgreSQL, 100,000 rows, bulk apply:
 *     every version in record_history (before 081): 530 s = 189 rows/s (stage 38 s, apply 492 s);
 *       CPU Node 57.1 s, backend 62.5 s; peak RSS 442 MB. Floor: plain COPY of the stored rows 35.9 s,
 *       of which record_history 24.5 s (700,000 rows with a jsonb copy each); ratio 0.068.
 *     history keeps only superseded versions (081; a creation's row carries no copy): 425 s = 236 rows/s
 *       (stage 70 s, apply 354 s); CPU Node 58.0 s, backend 50.0 s (-20 %); peak RSS 424 MB. Floor 25.6 s,
 *       of which record_history 9.8 s (the same 700,000 rows, narrow now); ratio 0.060: the floor
 *       shrank with the import's output, so the ratio moves little although the import does less.
 *     1,000,000 rows after 081 (load 13-16 while staging and for the first half of the apply, 3-5 for
 *     the rest, 1-3 during the floor's COPY): 2,009 s = 498 rows/s (stage 530 s, apply 1,479 s;
 *     each 100,000 rows 200 s at load 11, 80-100 s at load 4); CPU Node 472.7 s, backend 575.9 s;
 *     peak RSS 430 MB (heap 203 MB). Floor, with incident_word now counted (8.1 million word rows):
 *     63.4 s for 23.1 million rows (record_history 7.0 million narrow rows in 21.7 s); ratio 0.032
 *     (0.027 against the floor without incident_word). Plain COPY of the CSV 9.9 s.
 *
 * Where the time goes (EXPLAIN ANALYZE of the apply's statements, per 5,000 rows, loaded machine):
 * the incident INSERT ~2.7 s (its generated search vector: two to_tsvector + unaccent per text
 * column, and the GIN index), each act INSERT ~1.4 s (six indexes, three foreign-key checks of
 * ~0.06 ms each) plus the statement trigger of 043 (4–8 s per 2,000–5,000 acts: nested loops over
 * the transition table, quadratic in the statement's rows, and a scan of every live act), history
 * rows 0.5–0.7 s per table (before 081 made a creation's history row carry no copy of the row).
 * An input row becomes ~15 stored rows (incident, ~2 victims, ~2 acts, ~2 involvements, 7 history
 * rows, 1 import key) with ~40 index entries and ~25 foreign-key checks,
 * plus 4 AES-GCM encryptions and 1 decryption in Node: COPY of the 9 text columns is ~100x less work,
 * so half of COPY is out of reach with encryption, history and these indexes.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { cpuUsage, memoryUsage, resourceUsage } from 'node:process';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { Keyring, createOrganisation } from '../src/access/index.js';
import { masterKeyId } from '../src/access/crypto/master-key.js';
import { runImport, type ImportProgress } from '../src/interop/index.js';
import { sheetCsv } from '../src/interop/testing/spanish-sheet.js';
import { sheetProfile } from '../src/interop/testing/spanish-sheet.js';
import { migrate, openDatabase } from '../src/store/index.js';
import { createServerDatabase } from '../test/support/db.js';

function arg(args: string[], name: string, fallback: string): string {
  const k = args.indexOf(`--${name}`);
  return k >= 0 && args[k + 1] ? args[k + 1]! : fallback;
}
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** CPU seconds used so far by the server backends of one database (local server only; null elsewhere). */
async function backendCpu(url: string): Promise<number | null> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const pids = (await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows;
    let ticks = 0;
    for (const { pid } of pids) {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    }
    return ticks / 100;
  } catch {
    return null;
  } finally {
    await c.end();
  }
}

/**
 * Tables an import writes, in the order a loader would fill them. incident_word (the keyed word
 * index of encrypted narratives, migration 066; imports encrypt narratives unless the profile says
 * otherwise) was missing until 2026-12-08: the floor was then short of ~8 rows per input row.
 */
const storedTables = ['incident', 'incident_word', 'actor', 'act', 'involvement', 'record_history', 'import_key'];

/**
 * A second floor: a plain COPY of exactly the rows the import stored (every record table, the
 * history and the keys, as stored: ciphertexts, blind indexes, the search vector as a value) into
 * bare copies of those tables, without indexes, constraints, triggers or generated columns. It is
 * what writing the import's output costs before any work of the import itself (mapping,
 * encryption, history, full-text vectors, indexes). The tables are read out to files first; only
 * the COPY into the bare tables is timed.
 */
async function storedRowsCopy(url: string, dir: string, rows: number, importSecs: number): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    let stored = 0;
    let secs = 0;
    const parts: string[] = [];
    for (const table of storedTables) {
      const file = join(dir, `${table}.copy`);
      await pipeline(c.query(copyTo(`COPY (SELECT * FROM ${table}) TO STDOUT`)), createWriteStream(file));
      await c.query(`CREATE TABLE bench_bare_${table} (LIKE ${table})`);
      const t = performance.now();
      const n = await new Promise<number>((ok, fail) => {
        const stream = c.query(copyFrom(`COPY bench_bare_${table} FROM STDIN`));
        pipeline(createReadStream(file), stream).then(() => ok(Number(stream.rowCount)), fail);
      });
      const took = (performance.now() - t) / 1000;
      secs += took;
      stored += n;
      parts.push(`${table} ${n} in ${took.toFixed(2)} s`);
      await c.query(`DROP TABLE bench_bare_${table}`);
      rmSync(file, { force: true });
    }
    console.log(`  plain COPY of the rows the import stored (${parts.join(', ')}; ${stored} rows, ${(stored / rows).toFixed(1)} per input row)`);
    console.log(
      `    into bare tables: ${secs.toFixed(2)} s = ${(rows / secs).toFixed(0)} input rows/s; ratio import/this COPY: ${(secs / importSecs).toFixed(4)}`,
    );
  } finally {
    await c.end();
  }
}

export default async function importBench(args: string[]): Promise<void> {
  const rows = Number(arg(args, 'rows', '10000'));
  const engine = arg(args, 'engine', process.env.DATABASE_URL ? 'postgres' : 'pglite') as 'pglite' | 'postgres';
  const reimport = !args.includes('--no-reimport');
  const dir = mkdtempSync(join(tmpdir(), 'atalaya-bench-import-'));
  const file = join(dir, 'casos.csv');
  // Written in slices so that generating a million rows does not hold them all in memory.
  writeFileSync(file, sheetCsv(0));
  for (let from = 1; from <= rows; from += 10_000) {
    const n = Math.min(10_000, rows - from + 1);
    appendFileSync(file, sheetCsv(n, 1, from).split('\r\n').slice(1).join('\r\n'));
  }
  const size = statSync(file).size;
  console.log(`import bench: ${rows} rows, ${(size / 1024 / 1024).toFixed(1)} MB CSV, engine ${engine}, load ${load()}`);

  let server: { url: string; drop: () => Promise<void> } | null = null;
  if (engine === 'postgres') {
    if (!process.env.DATABASE_URL) throw new Error('--engine postgres needs DATABASE_URL');
    server = await createServerDatabase(process.env.DATABASE_URL);
  }
  let copySecs: number | null = null;
  if (server) {
    // First, so that the import's tables and WAL do not slow it down.
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    await c.query('CREATE TABLE bench_copy (c1 text, c2 text, c3 text, c4 text, c5 text, c6 text, c7 text, c8 text, c9 text)');
    const tc = performance.now();
    await pipeline(createReadStream(file), c.query(copyFrom(`COPY bench_copy FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)`)));
    copySecs = (performance.now() - tc) / 1000;
    await c.query('DROP TABLE bench_copy');
    await c.end();
    console.log(`  plain COPY into a bare table: ${copySecs.toFixed(2)} s, ${(rows / copySecs).toFixed(0)} rows/s (load ${load()}, peak RSS so far ${mb(resourceUsage().maxRSS)})`);
  }
  const handle = await openDatabase({ dataDir: join(dir, 'data'), databaseUrl: server?.url, statementTimeoutMs: 3_600_000 });
  try {
    await migrate(handle.db);
    const key = randomBytes(32);
    const ctx = { db: handle.db, keys: new Keyring({ key, id: masterKeyId(key), source: 'environment' }), dataDir: dir };
    const org = (await createOrganisation(ctx, { slug: 'bench', name: 'Bench' })).id;
    const phases: Record<string, number> = {};
    let last = performance.now();
    let phase = 'read';
    let nextReport = 0;
    let peakHeap = 0;
    const t0 = performance.now();
    const cpu0 = cpuUsage();
    const pg0 = server ? await backendCpu(server.url) : null;
    const onProgress = (p: ImportProgress) => {
      const now = performance.now();
      if (p.phase !== phase) {
        phases[phase] = (phases[phase] ?? 0) + (now - last);
        last = now;
        phase = p.phase;
        nextReport = 0;
      }
      peakHeap = Math.max(peakHeap, memoryUsage().heapUsed);
      if (p.rows >= nextReport && p.phase !== 'done') {
        nextReport = p.rows + Math.max(1, Math.floor(rows / 10));
        const s = (now - t0) / 1000;
        console.log(`  … ${p.phase} ${p.rows}/${p.total ?? '?'} at ${s.toFixed(0)} s, RSS ${mb(memoryUsage.rss() / 1024)} (peak ${mb(resourceUsage().maxRSS)}), load ${load()}`);
      }
    };
    const r = await runImport(ctx, { kind: 'system', organisationId: org }, { profile: sheetProfile('bench'), file, lang: 'en', mode: 'valid-rows', onProgress });
    phases[phase] = (phases[phase] ?? 0) + (performance.now() - last);
    const secs = (performance.now() - t0) / 1000;
    const cpu = cpuUsage(cpu0);
    const pgCpu = server && pg0 !== null ? await backendCpu(server.url) : null;
    const acts = Number((await handle.db.selectFrom('act').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    console.log(`  created ${r.created} incidents, ${acts} acts; rejected ${r.rejected}; applied ${r.bulk ? 'as a bulk load (indexes rebuilt once)' : 'row by row'}`);
    console.log(
      `  import: ${secs.toFixed(1)} s, ${(rows / secs).toFixed(0)} rows/s (read+map+stage ${((phases.read ?? 0) / 1000).toFixed(1)} s, apply ${((phases.apply ?? 0) / 1000).toFixed(1)} s), load ${load()}`,
    );
    console.log(
      `  CPU: this process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s` +
        (pgCpu !== null && pg0 !== null ? `, PostgreSQL backends ${(pgCpu - pg0).toFixed(1)} s` : engine === 'pglite' ? ' (PGlite runs inside it)' : ''),
    );
    console.log(`  peak RSS: ${mb(resourceUsage().maxRSS)}, peak heap seen at progress: ${(peakHeap / 1024 / 1024).toFixed(0)} MB`);
    if (copySecs !== null) console.log(`  ratio import/COPY: ${(copySecs / secs).toFixed(4)} (aim: 0.5)`);
    else console.log('  (set DATABASE_URL to compare with a plain PostgreSQL COPY)');
    if (server) await storedRowsCopy(server.url, dir, rows, secs);
    if (reimport) {
      const again = performance.now();
      const r2 = await runImport(ctx, { kind: 'system', organisationId: org }, { profile: sheetProfile('bench'), file, lang: 'en' });
      console.log(`  re-import of the same file: ${r2.unchanged} unchanged in ${((performance.now() - again) / 1000).toFixed(1)} s, load ${load()}`);
      console.log(`  peak RSS after re-import: ${mb(resourceUsage().maxRSS)}`);
    }
  } finally {
    await handle.close();
    await server?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
