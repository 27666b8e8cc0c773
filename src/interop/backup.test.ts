import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser } from '../../test/support/factories.js';
import { Keyring } from '../access/index.js';
import { masterKeyId } from '../access/crypto/master-key.js';
import { getCaseFile, listIncidents, recordInput } from '../records/index.js';
import { AppError } from '../shared/errors.js';
import { verifyAudit, type DB } from '../store/index.js';
import { createBackup, restoreBackup, tableOrder, verifyBackup } from './backup.service.js';
import { runImport } from './import.service.js';
import { sheetCsv, sheetProfile } from './testing/spanish-sheet.js';

const pass = 'correct horse battery staple';
const key = randomBytes(32);
const withKey = (t: TestDb): TestDb => Object.assign(t, { keys: new Keyring({ key, id: masterKeyId(key), source: 'environment' }) });

async function counts(db: DB): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of await tableOrder(db)) out[t] = Number((await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(t)}`.execute(db)).rows[0]!.n);
  return out;
}

describe('backup and restore', () => {
  let src: TestDb;
  let file: string;
  let caseId: string;
  beforeAll(async () => {
    src = withKey(await openTestDb('pglite'));
    const org = await makeOrg(src);
    const user = await makeUser(src, org, 'admin');
    const f = join(src.dataDir, 'casos.csv');
    writeFileSync(f, sheetCsv(120, 4));
    await runImport(src, user, { profile: sheetProfile('bk'), file: f, lang: 'es' });
    caseId = (await listIncidents(src, user, recordInput.listQuery.parse({ limit: 1 }))).items[0]!.id;
    mkdirSync(join(src.dataDir, 'evidence', org), { recursive: true });
    writeFileSync(join(src.dataDir, 'evidence', org, 'photo.bin'), randomBytes(5000));
    // Mail as sent (live reset links) is not a record: the manifest below must not list it.
    mkdirSync(join(src.dataDir, 'outbox'), { recursive: true });
    writeFileSync(join(src.dataDir, 'outbox', '2030-01-01-reset.eml'), 'https://atalaya.example.org/password/reset?token=live');
    file = join(src.dataDir, 'backup.age');
  }, 120_000);
  afterAll(async () => src.cleanup());

  it('writes an encrypted archive with a manifest that verifies', async () => {
    const m = await createBackup(src.db, { out: file, passphrase: pass, dataDir: src.dataDir, engine: 'pglite', workFactor: 10 });
    expect(readFileSync(file).subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    expect(readFileSync(file).toString('latin1')).not.toMatch(/Municipio|Zulia|organisation_key/);
    expect(m.tables.find((x) => x.name === 'incident')!.rows).toBe(120);
    expect(m.files.map((f) => f.path)).toEqual(['casos.csv', expect.stringMatching(/^evidence\/.+\/photo\.bin$/)]);
    expect(m.masterKeyIds).toEqual([masterKeyId(key)]);
    expect(Object.keys(m.auditHeads).length).toBeGreaterThan(0);
    const v = await verifyBackup(file, pass);
    expect(v).toMatchObject({ ok: true, problems: [] });
  });

  it('refuses a wrong passphrase and a tampered file', async () => {
    await expect(verifyBackup(file, 'not the passphrase at all')).rejects.toBeInstanceOf(AppError);
    const bytes = readFileSync(file);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 1;
    const bad = join(src.dataDir, 'tampered.age');
    writeFileSync(bad, bytes);
    await expect(verifyBackup(bad, pass)).rejects.toBeInstanceOf(AppError);
    writeFileSync(bad, bytes.subarray(0, bytes.length - 3000));
    await expect(verifyBackup(bad, pass)).rejects.toBeInstanceOf(AppError);
  });

  it('restores into an empty database and data folder: same rows, files, readable names, intact audit chain', async () => {
    const dst = withKey(await openTestDb('pglite'));
    try {
      await restoreBackup(dst.db, { file, passphrase: pass, dataDir: dst.dataDir, masterKeyId: masterKeyId(key) });
      expect(await counts(dst.db)).toEqual(await counts(src.db));
      expect((await verifyAudit(dst.db)).problems).toEqual([]);
      const org = (await dst.db.selectFrom('incident').select('organisation_id').executeTakeFirstOrThrow()).organisation_id;
      const cf = await getCaseFile(dst, { kind: 'system', organisationId: org }, caseId);
      expect(cf.acts[0]!.victim!.name).toMatch(/\p{L}+ \p{L}+/u);
      const ev = (await import('node:fs')).readdirSync(join(dst.dataDir, 'evidence', org));
      expect(ev).toEqual(['photo.bin']);
      await expect(restoreBackup(dst.db, { file, passphrase: pass, dataDir: dst.dataDir, masterKeyId: masterKeyId(key) })).rejects.toMatchObject({ code: 'bad_input' });
    } finally {
      await dst.cleanup();
    }
  }, 120_000);

  it('refuses to restore where another master key would be needed', async () => {
    const dst = await openTestDb('pglite');
    try {
      await expect(restoreBackup(dst.db, { file, passphrase: pass, dataDir: dst.dataDir, masterKeyId: 'other' })).rejects.toMatchObject({ code: 'bad_input' });
      expect((await counts(dst.db)).incident).toBe(0);
    } finally {
      await dst.cleanup();
    }
  });

  it.runIf(Boolean(process.env.DATABASE_URL))('goes from PGlite to PostgreSQL and back', async () => {
    const pg = withKey(await openTestDb('postgres'));
    const back = withKey(await openTestDb('pglite'));
    try {
      // The command line backs up and restores as the owner (no appRole), past row-level security.
      await restoreBackup(pg.ownerDb, { file, passphrase: pass, dataDir: pg.dataDir, masterKeyId: masterKeyId(key) });
      const want = await counts(src.db);
      expect(await counts(pg.ownerDb)).toEqual(want);
      const file2 = join(pg.dataDir, 'from-pg.age');
      await createBackup(pg.ownerDb, { out: file2, passphrase: pass, dataDir: pg.dataDir, engine: 'postgres', workFactor: 10 });
      await restoreBackup(back.db, { file: file2, passphrase: pass, dataDir: back.dataDir, masterKeyId: masterKeyId(key) });
      expect(await counts(back.db)).toEqual(want);
      expect((await verifyAudit(back.db)).problems).toEqual([]);
      const org = (await back.db.selectFrom('incident').select('organisation_id').executeTakeFirstOrThrow()).organisation_id;
      const a = await getCaseFile(src, { kind: 'system', organisationId: org }, caseId);
      const b = await getCaseFile(back, { kind: 'system', organisationId: org }, caseId);
      expect(b.incident).toEqual(a.incident);
      // Acts of one import share their creation time, so their order within a case is not fixed.
      expect(b.acts.map((x) => x.victim!.name).sort()).toEqual(a.acts.map((x) => x.victim!.name).sort());
    } finally {
      await pg.cleanup();
      await back.cleanup();
    }
  }, 180_000);
});
