/**
 * Issue 19, point 12 — a backup of one installation restored on another, and seal and restore,
 * through the real `atalaya backup` and `atalaya restore` commands. The README promises a restore
 * "into an empty data folder or database (with ATALAYA_MASTER_KEY or the key file of the original
 * server), in one transaction". So, on installation B:
 *   - B in use (its own key, its own organisation) refuses, says why in the operator's language,
 *     and B is byte for byte as before (rows, files, key file);
 *   - B only initialised (an installation administrator, no organisation yet) is not empty either;
 *   - an empty folder without A's key, or with another key, refuses and stays empty;
 *   - a flipped byte or a truncated file is refused as damaged, nothing restored;
 *   - a failure while the files are being written leaves none of them behind;
 *   - an empty folder with A's key gets everything: the open organisation reads as before, the
 *     sealed one stays sealed (no keys, locked, its records unreadable, its members reading
 *     nothing over HTTP) until its offline key backup is imported, after which its evidence opens
 *     with the SHA-256 it was recorded with; the archived one stays archived, no session, no access.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveOrganisation, exportOrganisationKeys, importOrganisationKeys, openRuntime, sealOrganisation } from '../../src/access/index.js';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/cli-io.js';
import { loadConfig } from '../../src/config/index.js';
import { tableOrder } from '../../src/interop/backup.service.js';
import { createRecord, getCaseFile, openEvidence, uploadEvidence } from '../../src/records/index.js';
import { openDatabase } from '../../src/store/index.js';
import { createServerDatabase, engines } from '../support/db.js';
import { makeOrg, makeUser, type TestUser } from '../support/factories.js';
import { Client } from '../support/app.js';
import { buildApp } from '../../src/http/app.js';

const passphrase = 'una frase de respaldo larga y segura';
const keysPassphrase = 'frase de las claves sin conexión';

interface Installation {
  dir: string;
  env: Record<string, string>;
}

describe.each(engines)('restore of a backup from another installation (%s)', (engine) => {
  const cleanups: (() => Promise<void>)[] = [];
  const root = mkdtempSync(join(tmpdir(), 'atalaya-restore-elsewhere-'));
  let a: Installation;
  let backupFile: string;
  let passFile: string;
  let aKey: string;
  const people: Record<'open' | 'sealed' | 'archived', TestUser> = {} as Record<'open' | 'sealed' | 'archived', TestUser>;
  let ids: { open: string; sealed: string; archived: string; openCase: string; sealedCase: string; archivedCase: string; sealedEvidence: string; openEvidence: string; sha: Record<string, string> };
  let keysDoc: string;

  async function installation(name: string): Promise<Installation> {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    const env: Record<string, string> = { ATALAYA_DATA: dir, ATALAYA_PUBLIC_URL: 'https://atalaya.example.org', ATALAYA_LOG_LEVEL: 'silent' };
    if (engine === 'postgres') {
      const created = await createServerDatabase(process.env.DATABASE_URL!);
      cleanups.push(created.drop);
      env.DATABASE_URL = created.url;
    }
    return { dir, env };
  }

  async function cli(env: Record<string, string>, lang: 'es' | 'en', ...argv: string[]) {
    const lines: string[] = [];
    const io: CliIO = { out: (l) => lines.push(l), err: (l) => lines.push(l), lang, env, tty: false };
    const code = await main(argv, io);
    return { code, text: lines.join('\n') };
  }

  /** Rows per table, and every file of the data folder (the database's own files aside) with its SHA-256. */
  async function snapshot(inst: Installation): Promise<{ rows: Record<string, number>; files: Record<string, string> }> {
    const files: Record<string, string> = {};
    const walk = (d: string) => {
      if (!existsSync(d)) return;
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        const rel = relative(inst.dir, p);
        if (rel === 'db' || rel === 'atalaya.lock') continue;
        if (e.isDirectory()) walk(p);
        else files[rel] = createHash('sha256').update(readFileSync(p)).digest('hex');
      }
    };
    walk(inst.dir);
    const rows: Record<string, number> = {};
    if (engine === 'pglite' && !existsSync(join(inst.dir, 'db'))) return { rows, files };
    const h = await openDatabase({ dataDir: inst.dir, databaseUrl: inst.env.DATABASE_URL });
    try {
      const present = (await sql<{ n: string }>`SELECT count(*)::text AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = 'organisation'`.execute(h.db)).rows[0]!.n;
      if (present !== '0') {
        for (const t of await tableOrder(h.db)) rows[t] = Number((await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(t)}`.execute(h.db)).rows[0]!.n);
      }
    } finally {
      await h.close();
    }
    return { rows, files };
  }

  const nonEmpty = (rows: Record<string, number>) => Object.fromEntries(Object.entries(rows).filter(([, n]) => n > 0));

  beforeAll(async () => {
    a = await installation('a');
    expect((await cli(a.env, 'en', 'init', '--email', 'admin-a@example.org')).code).toBe(0);
    const rt = await openRuntime(loadConfig(a.env));
    try {
      aKey = rt.master.key.toString('base64');
      const open = await makeOrg(rt.ctx, 'abierta');
      const sealed = await makeOrg(rt.ctx, 'sellada');
      const archived = await makeOrg(rt.ctx, 'archivada');
      const sha: Record<string, string> = {};
      const caseWithEvidence = async (org: string, text: string) => {
        // Enrolled in the second factor (under A's master key), as every member is.
        const user = await makeUser({ ...rt.ctx, master: rt.master }, org, 'admin');
        people[org === open ? 'open' : org === sealed ? 'sealed' : 'archived'] = user;
        const c = await createRecord(rt.ctx, user, 'incident', { title: 'Allanamiento', narrative: text, narrativeSensitive: true });
        const bytes = Buffer.from(`${text}\n`.repeat(400));
        const ev = await uploadEvidence(rt.ctx, user, c.id, Readable.from(bytes), { originalName: 'testimonio.txt', description: 'Testimonio' });
        sha[ev.original.id as string] = createHash('sha256').update(bytes).digest('hex');
        return { caseId: c.id, evidenceId: ev.original.id as string };
      };
      const o = await caseWithEvidence(open, 'Narración de la organización abierta');
      const s = await caseWithEvidence(sealed, 'Narración de la organización sellada');
      const ar = await caseWithEvidence(archived, 'Narración de la organización archivada');
      ids = { open, sealed, archived, openCase: o.caseId, sealedCase: s.caseId, archivedCase: ar.caseId, openEvidence: o.evidenceId, sealedEvidence: s.evidenceId, sha };
      keysDoc = await exportOrganisationKeys(rt.ctx.db, rt.master, sealed, keysPassphrase);
      await sealOrganisation(rt.ctx.db, sealed, null, { backupConfirmed: true });
      await archiveOrganisation(rt.ctx.db, 'archivada');
    } finally {
      await rt.close();
    }
    passFile = join(root, 'pass.txt');
    writeFileSync(passFile, passphrase + '\n', { mode: 0o600 });
    backupFile = join(root, 'a.age');
    const b = await cli(a.env, 'en', 'backup', '--out', backupFile, '--passphrase-file', passFile, '--quiet');
    expect(b.code, b.text).toBe(0);
  }, 240_000);

  afterAll(async () => {
    for (const c of cleanups) await c();
    rmSync(root, { recursive: true, force: true });
  });

  it('an installation in use (its own key and organisation) refuses, says why in Spanish, and is left exactly as it was', async () => {
    const b = await installation('b-in-use');
    expect((await cli(b.env, 'es', 'init', '--email', 'admin-b@example.org')).code).toBe(0);
    expect((await cli(b.env, 'es', 'org', 'create', 'propia', '--name', 'Organización de B')).code).toBe(0);
    const before = await snapshot(b);
    expect(before.rows.organisation).toBe(1);
    const r = await cli(b.env, 'es', 'restore', backupFile, '--passphrase-file', passFile);
    expect(r.code).not.toBe(0);
    expect(r.text).toMatch(/otra clave maestra/);
    // With A's key given, B is still not empty.
    const r2 = await cli({ ...b.env, ATALAYA_MASTER_KEY: aKey }, 'es', 'restore', backupFile, '--passphrase-file', passFile);
    expect(r2.code).not.toBe(0);
    expect(r2.text).toMatch(/ya tiene datos/);
    expect(await snapshot(b)).toEqual(before);
  }, 120_000);

  it('an installation only initialised (an administrator, no organisation) is not empty either', async () => {
    const b = await installation('b-initialised');
    const init = await cli(b.env, 'en', 'init', '--email', 'admin-b@example.org');
    expect(init.code).toBe(0);
    const before = await snapshot(b);
    expect(before.rows.app_user).toBe(1);
    const r = await cli({ ...b.env, ATALAYA_MASTER_KEY: aKey }, 'en', 'restore', backupFile, '--passphrase-file', passFile);
    expect(r.code).not.toBe(0);
    expect(r.text).toMatch(/already holds data/);
    expect(await snapshot(b)).toEqual(before);
  }, 120_000);

  it('an empty folder without A’s key, or with another key, refuses in the operator’s language and stays empty', async () => {
    const c = await installation('c-no-key');
    const r = await cli(c.env, 'es', 'restore', backupFile, '--passphrase-file', passFile);
    expect(r.code).not.toBe(0);
    expect(r.text).toMatch(/clave maestra/);
    expect(r.text).toMatch(/ATALAYA_MASTER_KEY/);
    const other = randomBytes(32).toString('base64');
    const r2 = await cli({ ...c.env, ATALAYA_MASTER_KEY: other }, 'en', 'restore', backupFile, '--passphrase-file', passFile);
    expect(r2.code).not.toBe(0);
    expect(r2.text).toMatch(/another master key/);
    const after = await snapshot(c);
    expect(nonEmpty(after.rows)).toEqual({});
    expect(after.files).toEqual({});
  }, 120_000);

  it('a flipped byte or a truncated backup is refused as damaged, and nothing is restored', async () => {
    const bytes = readFileSync(backupFile);
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(bytes.length / 2)]! ^= 0x01;
    const cases = [
      ['flipped', flipped],
      ['truncated', bytes.subarray(0, bytes.length - 1000)],
      ['cut-early', bytes.subarray(0, Math.floor(bytes.length / 3))],
    ] as const;
    for (const [name, b] of cases) {
      const c = await installation(`c-${name}`);
      const f = join(root, `${name}.age`);
      writeFileSync(f, b);
      const r = await cli({ ...c.env, ATALAYA_MASTER_KEY: aKey }, 'es', 'restore', f, '--passphrase-file', passFile);
      expect([name, r.code]).toEqual([name, 2]);
      expect(r.text).toMatch(/respaldo está dañado|no se pudo abrir el respaldo/i);
      const after = await snapshot(c);
      expect([name, nonEmpty(after.rows)]).toEqual([name, {}]);
      expect([name, after.files]).toEqual([name, {}]);
    }
  }, 180_000);

  it('a failure while the files are written leaves none of them behind and names the file', async () => {
    const c = await installation('c-write-fails');
    // The archived organisation's evidence folder is taken by a plain file: its files cannot be
    // written, after the open organisation's (earlier in the archive) already were.
    const [first, second] = [ids.open, ids.archived].sort();
    mkdirSync(join(c.dir, 'evidence'), { recursive: true });
    writeFileSync(join(c.dir, 'evidence', second!), 'not a folder');
    const before = await snapshot(c);
    const r = await cli({ ...c.env, ATALAYA_MASTER_KEY: aKey }, 'en', 'restore', backupFile, '--passphrase-file', passFile);
    expect(r.code, r.text).toBe(1);
    expect(r.text).toContain(`evidence/${second}`);
    expect(r.text).toMatch(/nothing was restored/);
    const after = await snapshot(c);
    expect(nonEmpty(after.rows)).toEqual({});
    expect(after.files).toEqual(before.files);
    expect(existsSync(join(c.dir, 'evidence', first!))).toBe(false);
  }, 120_000);

  it('an empty folder with A’s key gets everything; the sealed organisation stays sealed until its keys are imported, its evidence keeping its hash', async () => {
    const c = await installation('c-restored');
    const r = await cli({ ...c.env, ATALAYA_MASTER_KEY: aKey }, 'en', 'restore', backupFile, '--passphrase-file', passFile);
    expect(r.code, r.text).toBe(0);
    const restored = await snapshot(c);
    const original = await snapshot(a);
    expect(restored.rows).toEqual(original.rows);
    for (const [f, sum] of Object.entries(original.files)) if (f.startsWith('evidence/')) expect([f, restored.files[f]]).toEqual([f, sum]);

    const rt = await openRuntime(loadConfig({ ...c.env, ATALAYA_MASTER_KEY: aKey }), { createKey: false });
    try {
      const orgs = await rt.ctx.db.selectFrom('organisation').select(['id', 'sealed_at', 'locked_at', 'archived_at']).execute();
      const of = (id: string) => orgs.find((o) => o.id === id)!;
      expect(of(ids.sealed).sealed_at).not.toBeNull();
      expect(of(ids.sealed).locked_at).not.toBeNull();
      expect(of(ids.archived).archived_at).not.toBeNull();
      expect(of(ids.open)).toMatchObject({ sealed_at: null, locked_at: null, archived_at: null });
      const keys = await sql<{ organisation_id: string }>`SELECT organisation_id FROM organisation_key`.execute(rt.ctx.db);
      expect(keys.rows.filter((k) => k.organisation_id === ids.sealed)).toEqual([]);
      const sessions = await sql<{ n: string }>`SELECT count(*)::text AS n FROM app_session WHERE organisation_id IN (${ids.sealed}, ${ids.archived})`.execute(rt.ctx.db);
      expect(sessions.rows[0]!.n).toBe('0');

      const openCase = await getCaseFile(rt.ctx, { kind: 'system', organisationId: ids.open }, ids.openCase);
      expect(openCase.incident.narrative).toBe('Narración de la organización abierta');
      // Sealed: nothing encrypted opens, neither the narrative nor the evidence.
      await expect(getCaseFile(rt.ctx, { kind: 'system', organisationId: ids.sealed }, ids.sealedCase)).rejects.toThrow();
      await expect(openEvidence(rt.ctx, { kind: 'system', organisationId: ids.sealed }, ids.sealedEvidence)).rejects.toThrow();

      // The restored server, over HTTP: the open organisation's member works; the sealed and the
      // archived organisations' members read nothing, not even their own cases.
      const config = loadConfig({ ...c.env, ATALAYA_MASTER_KEY: aKey, PORT: '0' });
      const app = await buildApp({ ctx: rt.ctx, config, secret: randomBytes(32), engine: rt.handle.engine, master: rt.master });
      try {
        await app.listen({ port: 0, host: '127.0.0.1' });
        const addr = app.server.address();
        const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
        const statusFor = async (who: 'open' | 'sealed' | 'archived') => {
          const cl = new Client(base, 'es');
          try {
            await cl.login(people[who]);
          } catch {
            return 401; // refused at the door
          }
          return (await cl.request('GET', `/api/incidents/${{ open: ids.openCase, sealed: ids.sealedCase, archived: ids.archivedCase }[who]}`)).status;
        };
        expect(await statusFor('open')).toBe(200);
        expect(await statusFor('sealed')).toBeGreaterThanOrEqual(400);
        expect(await statusFor('archived')).toBeGreaterThanOrEqual(400);
      } finally {
        await app.close();
      }

      // Importing the offline key backup is how a sealed organisation is opened again.
      await importOrganisationKeys(rt.ctx.db, rt.master, keysDoc, keysPassphrase);
      rt.ctx.keys.forget(ids.sealed);
      const sealedCase = await getCaseFile(rt.ctx, { kind: 'system', organisationId: ids.sealed }, ids.sealedCase);
      expect(sealedCase.incident.narrative).toBe('Narración de la organización sellada');
      for (const id of [ids.sealedEvidence, ids.openEvidence]) {
        const org = id === ids.sealedEvidence ? ids.sealed : ids.open;
        const { stream } = await openEvidence(rt.ctx, { kind: 'system', organisationId: org }, id);
        const h = createHash('sha256');
        for await (const chunk of stream) h.update(chunk as Buffer);
        expect(h.digest('hex')).toBe(ids.sha[id]);
      }
    } finally {
      await rt.close();
    }
    expect(statSync(join(c.dir, 'evidence')).mode & 0o077).toBe(0);
  }, 180_000);
});
