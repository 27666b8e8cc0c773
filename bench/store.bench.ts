/**
 * `npm run bench -- store [--records N]`: insert and read throughput of the documentation model on
 * PGlite and on PostgreSQL (when DATABASE_URL is set, in a fresh database), side by side, through the
 * same commands the API uses (validation, encryption of names, history and audit in one transaction),
 * and the same inserts as raw SQL for the ratio.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { Keyring } from '../src/access/crypto/keyring.js';
import { masterKeyId } from '../src/access/crypto/master-key.js';
import { createOrganisation, type Actor } from '../src/access/index.js';
import { createRecord, getCaseFile, listIncidents, recordInput } from '../src/records/index.js';
import { migrate, openDatabase, type Engine } from '../src/store/index.js';
import { createServerDatabase } from '../test/support/db.js';

interface Figures {
  engine: Engine;
  insertsPerSecond: number;
  rawInsertsPerSecond: number;
  readsPerSecond: number;
  listsPerSecond: number;
}

async function measure(engine: Engine, n: number): Promise<Figures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atalaya-bench-'));
  let databaseUrl: string | undefined;
  let drop = async () => {};
  if (engine === 'postgres') {
    const c = await createServerDatabase(process.env.DATABASE_URL!);
    databaseUrl = c.url;
    drop = c.drop;
  }
  // PGlite on disk, as `npm start` runs it.
  const h = await openDatabase({ dataDir, databaseUrl });
  try {
    await migrate(h.db);
    const key = randomBytes(32);
    const ctx = { db: h.db, keys: new Keyring({ key, id: masterKeyId(key), source: 'environment' }), dataDir };
    const org = (await createOrganisation(ctx, { slug: `bench-${engine}`, name: 'Bench' })).id;
    const actor: Actor = { kind: 'system', organisationId: org };
    const ids: string[] = [];
    let t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const inc = await createRecord(ctx, actor, 'incident', {
        title: `Detención de integrantes de una ONG ${i}`,
        narrative: 'Funcionarios detuvieron a integrantes de la organización.',
        startDate: `2021-${String((i % 12) + 1).padStart(2, '0')}`,
        country: 'VE',
        subdivision: 'VE-V',
      });
      const victim = await createRecord(ctx, actor, 'actor', { kind: 'person', name: `Persona ficticia ${i}` });
      await createRecord(ctx, actor, 'act', { incidentId: inc.id, victimId: victim.id, actType: 'detention', startDate: '2021-01' });
      ids.push(inc.id);
    }
    const insertSeconds = (performance.now() - t0) / 1000;
    // The physical floor: the same three rows per case as plain INSERTs, one transaction per case.
    t0 = performance.now();
    for (let i = 0; i < n; i++) {
      await h.db.transaction().execute(async (trx) => {
        await sql`INSERT INTO incident (organisation_id, id, title, status) VALUES (${org}, gen_random_uuid(), ${`raw ${i}`}, 'open')`.execute(trx);
        await sql`INSERT INTO actor (organisation_id, id, kind, name_enc, name_bidx) VALUES (${org}, gen_random_uuid(), 'person', ${randomBytes(48)}, ${randomBytes(16)})`.execute(trx);
        await sql`INSERT INTO record_history (organisation_id, id, record_table, record_id, version, action, row_data) VALUES (${org}, gen_random_uuid(), 'incident', gen_random_uuid(), 1, 'create', '{}')`.execute(trx);
      });
    }
    const rawSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const reads = Math.min(n, 200);
    for (let i = 0; i < reads; i++) await getCaseFile(ctx, actor, ids[i]!);
    const readSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const lists = 50;
    for (let i = 0; i < lists; i++) await listIncidents(ctx, actor, recordInput.listQuery.parse({ q: 'detencion', limit: 50 }));
    const listSeconds = (performance.now() - t0) / 1000;
    return {
      engine,
      insertsPerSecond: n / insertSeconds,
      rawInsertsPerSecond: n / rawSeconds,
      readsPerSecond: reads / readSeconds,
      listsPerSecond: lists / listSeconds,
    };
  } finally {
    await h.close();
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export default async function (args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { records: { type: 'string', default: '300' } }, strict: true });
  const n = Number(values.records);
  const engines: Engine[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
  if (!process.env.DATABASE_URL) console.log('(set DATABASE_URL to a PostgreSQL server to measure it side by side)');
  const rows: Figures[] = [];
  for (const e of engines) rows.push(await measure(e, n));
  const f = (x: number) => x.toFixed(1).padStart(9);
  console.log(`\nstore benchmark: ${n} cases (incident + victim + act each, through the commands)\n`);
  console.log('engine     cases/s   raw SQL/s  ratio   case reads/s  searches/s');
  for (const r of rows) {
    console.log(`${r.engine.padEnd(9)}${f(r.insertsPerSecond)}  ${f(r.rawInsertsPerSecond)}  ${(r.insertsPerSecond / r.rawInsertsPerSecond).toFixed(2).padStart(5)}  ${f(r.readsPerSecond)}     ${f(r.listsPerSecond)}`);
  }
  if (rows.length === 2) {
    const [a, b] = rows as [Figures, Figures];
    console.log(`\nPostgreSQL / PGlite: inserts ×${(b.insertsPerSecond / a.insertsPerSecond).toFixed(2)}, reads ×${(b.readsPerSecond / a.readsPerSecond).toFixed(2)}, searches ×${(b.listsPerSecond / a.listsPerSecond).toFixed(2)}`);
  }
}
