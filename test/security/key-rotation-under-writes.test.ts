/**
 * Issue 19, point 12 — key rotation while writes go on: `atalaya keys rotate` (another process)
 * re-wraps every organisation key under a new master key while the server keeps encrypting fields
 * and creating organisations with the key it loaded at start. Afterwards, with only the new master
 * key, every organisation's keys open and every field written during the rotation decrypts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keyring, loadMasterKey, rotateMasterKey, type Ctx } from '../../src/access/index.js';
import { inTransaction, systemScope } from '../../src/store/index.js';
import { engines, openTestDb, type TestDb } from '../support/db.js';
import { makeOrg } from '../support/factories.js';

describe.each(engines)('master key rotation under writes on %s', (engine) => {
  let t: TestDb;
  let dataDir: string;
  beforeAll(async () => {
    t = await openTestDb(engine);
    dataDir = mkdtempSync(join(tmpdir(), 'atalaya-rotate-'));
  }, 60_000);
  afterAll(async () => {
    await t?.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('no organisation key and no field written during the rotation is left unreadable', async () => {
    const load = () => loadMasterKey({ masterKey: undefined, dataDir, create: false });
    const first = loadMasterKey({ masterKey: undefined, dataDir, create: true });
    // The server: keys loaded at start, re-read from the key file when a wrap names another key.
    const server: Ctx = { db: t.db, keys: new Keyring(first, load), dataDir };
    const orgs = [await makeOrg(server), await makeOrg(server)];
    const written: { org: string; id: string; sealed: Buffer; plain: string }[] = [];
    const write = async (org: string, i: number) => {
      const plain = `Nombre ${i} ${org.slice(0, 4)}`;
      const id = `r${i}`;
      const sealed = await inTransaction(t.db, systemScope([org]), (trx) => server.keys.encrypt(trx, org, `actor.name_enc:${id}`, plain));
      written.push({ org, id, sealed, plain });
    };
    let i = 0;
    const writes = (async () => {
      for (let round = 0; round < 8; round++) {
        await Promise.all([...orgs.map((o) => write(o, i++)), makeOrg(server).then((o) => void orgs.push(o))]);
      }
    })();
    const rotation = rotateMasterKey(t.ownerDb, first, dataDir);
    await Promise.all([writes, rotation]);
    // Writes after the rotation too, by the same server process.
    await Promise.all([...orgs.map((o) => write(o, i++)), makeOrg(server).then((o) => void orgs.push(o))]);

    const now = load();
    expect(now.id).not.toBe(first.id);
    const stale = await inTransaction(t.ownerDb, systemScope(orgs), (trx) =>
      sql<{ organisation_id: string }>`SELECT organisation_id FROM organisation_key WHERE master_key_id <> ${now.id}`.execute(trx),
    );
    expect(stale.rows).toEqual([]);
    const fresh = new Keyring(now);
    for (const w of written) {
      expect(await inTransaction(t.db, systemScope([w.org]), (trx) => fresh.decrypt(trx, w.org, `actor.name_enc:${w.id}`, w.sealed))).toBe(w.plain);
    }
    expect(orgs.length).toBe(2 + 9);
    expect(written.length).toBe(54);
  }, 120_000);
});
