/**
 * SECURITY.md S16 and S18: after writing canaries into every encrypted field through the real server,
 * the raw bytes of the embedded database folder (and, on the server, a pg_dump) hold none of them —
 * as UTF-8, UTF-16LE or base64 — and neither do the server's logs, which also hold no session cookie.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Keyring } from '../../src/access/crypto/keyring.js';
import { masterKeyId } from '../../src/access/crypto/master-key.js';
import { loadConfig } from '../../src/config/index.js';
import { buildApp, loggerOptions } from '../../src/http/app.js';
import { createBackup } from '../../src/interop/backup.service.js';
import { migrate, openDatabase } from '../../src/store/index.js';
import { Client } from '../support/app.js';
import { createServerDatabase } from '../support/db.js';
import { makeOrg, makeUser } from '../support/factories.js';

function forms(canary: string): Buffer[] {
  return [
    Buffer.from(canary, 'utf8'),
    Buffer.from(canary, 'utf16le'),
    Buffer.from(Buffer.from(canary).toString('base64').slice(0, 16), 'utf8'),
  ];
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

async function writeCanaries(engine: 'pglite' | 'postgres') {
  const dataDir = mkdtempSync(join(tmpdir(), 'atalaya-dump-'));
  let databaseUrl: string | undefined;
  let drop = async () => {};
  if (engine === 'postgres') {
    const created = await createServerDatabase(process.env.DATABASE_URL!);
    databaseUrl = created.url;
    drop = created.drop;
  }
  const handle = await openDatabase({ dataDir, databaseUrl });
  await migrate(handle.db);
  const key = randomBytes(32);
  const master = { key, id: masterKeyId(key), source: 'environment' as const };
  const ctx = { db: handle.db, keys: new Keyring(master), dataDir, master };
  const logs: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, cb) => (logs.push(String(chunk)), cb()) });
  const config = loadConfig({ ATALAYA_DATA: dataDir, ATALAYA_LOG_LEVEL: 'info' });
  const opts = loggerOptions('info');
  const app = await buildApp(
    { ctx, config, secret: randomBytes(32), engine, master },
    { logger: { ...(opts as object), stream } as never },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const org = await makeOrg(ctx);
  const user = await makeUser(ctx, org, 'documenter');
  const c = new Client(url);
  await c.login(user);
  const tag = randomBytes(6).toString('hex');
  const canaries = {
    name: `CANARYNAME${tag}`,
    alias: `CANARYALIAS${tag}`,
    contact: `CANARYCONTACT${tag}`,
    narrative: `CANARYNARRATIVE${tag}`,
    // Every word of an encrypted narrative, as written and as the word index folds it.
    narrativeWord: `Canarypalabra${tag}`,
    narrativeWordFolded: `canarypalabra${tag}`,
    narrativeWordAccented: `Cañaryvoz${tag}`,
    narrativeWordAccentedFolded: `canaryvoz${tag}`,
    source: `CANARYSOURCE${tag}`,
    notes: `CANARYNOTES${tag}`,
    // Issue 19, point 11: free text that was stored in clear until migration 073.
    actNotes: `CANARYACTNOTES${tag}`,
    remarks: `CANARYREMARKS${tag}`,
    evidenceDescription: `CANARYEVIDENCEDESC${tag}`,
  };
  const inc = await c.json<{ id: string }>('POST', '/api/incidents', {
    title: 'Caso con canarios',
    narrative: `${canaries.narrative} ${canaries.narrativeWord}, ${canaries.narrativeWordAccented}.`,
    narrativeSensitive: true,
  });
  const actor = await c.json<{ id: string }>('POST', '/api/actors', {
    kind: 'person',
    name: canaries.name,
    aliases: [canaries.alias],
    contact: canaries.contact,
  });
  const act = await c.json<{ id: string; version: number }>('POST', '/api/acts', {
    incidentId: inc.body.id,
    victimId: actor.body.id,
    actType: 'detention',
    notes: `Lo llevaron a la sede de ${canaries.actNotes}`,
  });
  expect(act.status).toBe(201);
  // Edited once, so the history keeps two versions of the note.
  const edited = await c.json('PATCH', `/api/acts/${act.body.id}`, { version: act.body.version, notes: `${canaries.actNotes} (corregido)` });
  expect(edited.status).toBe(200);
  const inv = await c.json<{ id: string }>('POST', '/api/involvements', {
    actId: act.body.id,
    perpetratorType: 'police',
    remarks: `Reconocido por ${canaries.remarks}`,
  });
  expect(inv.status).toBe(201);
  const fd = new FormData();
  fd.append('_csrf', c.csrf);
  fd.append('description', `Foto tomada por ${canaries.evidenceDescription}`);
  fd.append('file', new Blob(['Testimonio\n'], { type: 'text/plain' }), 'testimonio.txt');
  const up = await fetch(`${url}/incidents/${inc.body.id}/evidence`, { method: 'POST', body: fd, redirect: 'manual', headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
  expect(up.status).toBe(303);
  // Each reads back in clear for the user.
  expect((await c.json<{ notes: string }>('GET', `/api/acts/${act.body.id}`)).body.notes).toContain(canaries.actNotes);
  expect((await c.json<{ remarks: string }>('GET', `/api/involvements/${inv.body.id}`)).body.remarks).toContain(canaries.remarks);
  expect(await (await c.request('GET', up.headers.get('location')!)).text()).toContain(canaries.evidenceDescription);
  await c.json('POST', '/api/sources', {
    incidentId: inc.body.id,
    sourceType: 'testimony_witness',
    identity: canaries.source,
    notes: canaries.notes,
  });
  // Reading them back works (and is itself audited and logged).
  const read = await c.json<{ name: string }>('GET', `/api/actors/${actor.body.id}`);
  expect(read.body.name).toBe(canaries.name);
  await c.json('GET', `/api/actors?name=${encodeURIComponent(canaries.name)}`);
  // The keyed word index finds a whole word of the encrypted narrative (accents and case folded).
  const found = await (await c.request('GET', `/incidents?q=${encodeURIComponent(canaries.narrativeWordAccentedFolded.toUpperCase())}`)).text();
  expect(found).toContain('Caso con canarios');
  await app.close();
  // A backup, decrypted with its passphrase (what an operator coerced into opening it would see).
  const backup = join(dataDir, 'canaries.age');
  await createBackup(handle.db, { out: backup, passphrase: 'frase-de-respaldo-larga', dataDir, engine, workFactor: 10 });
  const { Decrypter } = await import('age-encryption');
  const dec = new Decrypter();
  dec.addPassphrase('frase-de-respaldo-larga');
  const backupPlain = Buffer.from(await dec.decrypt(readFileSync(backup)));
  await handle.close();
  return { dataDir, databaseUrl, drop, canaries, logs, cookies: [...c.cookies.values()], backupPlain };
}

describe('a stolen database dump names no one', () => {
  it('PGlite: the raw data folder holds no canary', async () => {
    const r = await writeCanaries('pglite');
    try {
      const files = filesUnder(join(r.dataDir, 'db'));
      expect(files.length).toBeGreaterThan(10);
      const hits: string[] = [];
      for (const f of files) {
        const bytes = readFileSync(f);
        for (const [field, canary] of Object.entries(r.canaries))
          for (const form of forms(canary)) if (bytes.includes(form)) hits.push(`${field} in ${f}`);
      }
      expect(hits).toEqual([]);
      expect(r.backupPlain.length).toBeGreaterThan(1000);
      for (const [field, canary] of Object.entries(r.canaries))
        for (const form of forms(canary)) expect(r.backupPlain.includes(form), `${field} in the backup`).toBe(false);
      const log = r.logs.join('');
      expect(log.length).toBeGreaterThan(100);
      for (const canary of Object.values(r.canaries)) expect(log).not.toContain(canary);
      for (const cookie of r.cookies) expect(log).not.toContain(cookie);
      // Client addresses and passwords never appear (the server announcing its own address is fine).
      expect(
        r.logs.filter((l) => !l.includes('Server listening') && /password|127\.0\.0\.1/i.test(l)),
      ).toEqual([]);
      for (const line of r.logs.join('').trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      rmSync(r.dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it.skipIf(!process.env.DATABASE_URL)(
    'PostgreSQL: pg_dump holds no canary',
    async () => {
      const r = await writeCanaries('postgres');
      try {
        const dump = execFileSync('pg_dump', ['--no-owner', r.databaseUrl!], {
          maxBuffer: 256 * 1024 * 1024,
        });
        expect(dump.length).toBeGreaterThan(1000);
        for (const [field, canary] of Object.entries(r.canaries))
          for (const form of forms(canary)) expect(dump.includes(form), field).toBe(false);
        for (const [field, canary] of Object.entries(r.canaries))
          for (const form of forms(canary)) expect(r.backupPlain.includes(form), `${field} in the backup`).toBe(false);
      } finally {
        await r.drop();
        rmSync(r.dataDir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
