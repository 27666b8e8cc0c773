/**
 * Import throughput: `npm run bench -- import [--rows N] [--engine pglite|postgres]`.
 * Generates a Spanish spreadsheet of N cases (several victims per case, misspelt act types mapped
 * by the profile), imports it through the full path (read, map, validate, stage encrypted, apply
 * with encryption of names, history and audit), and prints rows/s, the time of each phase and the
 * peak RSS. With DATABASE_URL set it also times a plain PostgreSQL COPY of the same file into a
 * bare table of text columns (the physical limit) and prints the ratio.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { resourceUsage } from 'node:process';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Keyring, createOrganisation } from '../src/access/index.js';
import { masterKeyId } from '../src/access/crypto/master-key.js';
import { runImport } from '../src/interop/index.js';
import { sheetCsv } from '../src/interop/testing/spanish-sheet.js';
import { sheetProfile } from '../src/interop/testing/spanish-sheet.js';
import { migrate, openDatabase } from '../src/store/index.js';
import { createServerDatabase } from '../test/support/db.js';

function arg(args: string[], name: string, fallback: string): string {
  const k = args.indexOf(`--${name}`);
  return k >= 0 && args[k + 1] ? args[k + 1]! : fallback;
}
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

export default async function importBench(args: string[]): Promise<void> {
  const rows = Number(arg(args, 'rows', '10000'));
  const engine = arg(args, 'engine', process.env.DATABASE_URL ? 'postgres' : 'pglite') as 'pglite' | 'postgres';
  const dir = mkdtempSync(join(tmpdir(), 'atalaya-bench-import-'));
  const file = join(dir, 'casos.csv');
  // Written in slices so that generating a million rows does not hold them all in memory.
  writeFileSync(file, sheetCsv(0));
  for (let from = 1; from <= rows; from += 10_000) {
    const n = Math.min(10_000, rows - from + 1);
    appendFileSync(file, sheetCsv(n, 1, from).split('\r\n').slice(1).join('\r\n'));
  }
  const size = statSync(file).size;
  console.log(`import bench: ${rows} rows, ${(size / 1024 / 1024).toFixed(1)} MB CSV, engine ${engine}`);

  let server: { url: string; drop: () => Promise<void> } | null = null;
  if (engine === 'postgres') {
    if (!process.env.DATABASE_URL) throw new Error('--engine postgres needs DATABASE_URL');
    server = await createServerDatabase(process.env.DATABASE_URL);
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
    const t0 = performance.now();
    const r = await runImport(ctx, { kind: 'system', organisationId: org }, {
      profile: sheetProfile('bench'),
      file,
      lang: 'en',
      mode: 'valid-rows',
      onProgress: (p) => {
        if (p.phase !== phase) {
          const now = performance.now();
          phases[phase] = (phases[phase] ?? 0) + (now - last);
          last = now;
          phase = p.phase;
        }
      },
    });
    phases[phase] = (phases[phase] ?? 0) + (performance.now() - last);
    const secs = (performance.now() - t0) / 1000;
    const acts = Number((await handle.db.selectFrom('act').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    console.log(`  created ${r.created} incidents, ${acts} acts; rejected ${r.rejected}`);
    console.log(`  import: ${secs.toFixed(1)} s, ${(rows / secs).toFixed(0)} rows/s (read+stage ${(phases.read! / 1000).toFixed(1)} s, apply ${((phases.apply ?? 0) / 1000).toFixed(1)} s)`);
    const again = performance.now();
    const r2 = await runImport(ctx, { kind: 'system', organisationId: org }, { profile: sheetProfile('bench'), file, lang: 'en' });
    console.log(`  re-import of the same file: ${r2.unchanged} unchanged in ${((performance.now() - again) / 1000).toFixed(1)} s`);
    console.log(`  peak RSS: ${mb(resourceUsage().maxRSS)}`);

    if (engine === 'postgres' && server) {
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      await c.query('CREATE TABLE bench_copy (c1 text, c2 text, c3 text, c4 text, c5 text, c6 text, c7 text, c8 text, c9 text)');
      const tc = performance.now();
      await pipeline(createReadStream(file), c.query(copyFrom(`COPY bench_copy FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)`)));
      const copySecs = (performance.now() - tc) / 1000;
      await c.end();
      console.log(`  plain COPY into a bare table: ${copySecs.toFixed(2)} s, ${(rows / copySecs).toFixed(0)} rows/s`);
      console.log(`  ratio import/COPY: ${(copySecs / secs).toFixed(4)} (aim: 0.5)`);
    } else {
      console.log('  (set DATABASE_URL to compare with a plain PostgreSQL COPY)');
    }
  } finally {
    await handle.close();
    await server?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
