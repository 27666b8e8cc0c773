/**
 * A real installation from the shell (issue 16 §1): `init` makes the installation administrator and
 * prints a one-time set-up link, never a password; that administrator belongs to no organisation, so
 * reads none of their records; `org create|list|rename|archive` manage organisations, each with its
 * own data keys and time zone. Every command answers --help with exit 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { membershipsOf, resetPasswordWithToken } from '../access/index.js';
import { loadConfig } from '../config/index.js';
import { openRuntime } from '../access/index.js';
import { createServerDatabase, engines } from '../../test/support/db.js';
import type { CliIO } from './cli-io.js';
import { main } from './main.js';

describe.each(engines)('init and org commands (%s)', (engine) => {
  let dataDir: string;
  let env: Record<string, string>;
  let drop = async () => {};

  const run = async (...argv: string[]) => {
    const lines: string[] = [];
    const io: CliIO = { out: (l) => lines.push(l), err: (l) => lines.push(l), lang: 'en', env: { ...env, ATALAYA_LOG_LEVEL: 'silent' }, tty: false };
    const code = await main(argv, io);
    return { code, text: lines.join('\n') };
  };
  const withDb = async <T,>(fn: (rt: Awaited<ReturnType<typeof openRuntime>>) => Promise<T>) => {
    const rt = await openRuntime(loadConfig(env));
    try {
      return await fn(rt);
    } finally {
      await rt.close();
    }
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'atalaya-org-cli-'));
    env = { ATALAYA_DATA: dataDir, ATALAYA_PUBLIC_URL: 'https://atalaya.example.org' };
    if (engine === 'postgres') {
      const created = await createServerDatabase(process.env.DATABASE_URL!);
      drop = created.drop;
      env.DATABASE_URL = created.url;
    }
  });
  afterAll(async () => {
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers --help with exit 0 and a usage error with exit 2', async () => {
    for (const argv of [['init', '--help'], ['org', '--help'], ['org', 'create', '--help'], ['org', 'list', '--help'], ['org', 'rename', '--help'], ['org', 'archive', '--help']]) {
      const r = await run(...argv);
      expect([argv.join(' '), r.code]).toEqual([argv.join(' '), 0]);
      expect(r.text).toMatch(/Usage:/);
    }
    expect((await run('org', 'create', 'sin-nombre')).code).toBe(2);
    expect((await run('init')).code).toBe(2);
    expect((await run('org', 'frobnicate')).code).toBe(2);
  });

  it('init creates the installation administrator and prints a one-time set-up link, never a password', async () => {
    const r = await run('init', '--email', 'instalacion@example.org');
    expect(r.code).toBe(0);
    const link = /https:\/\/atalaya\.example\.org\/password\/reset\?token=([A-Za-z0-9_-]{40,})/.exec(r.text);
    expect(link).not.toBeNull();
    expect(r.text).not.toMatch(/password \S+$/im);
    // A second init changes nothing and prints no link.
    const again = await run('init', '--email', 'otra@example.org');
    expect(again.code).toBe(0);
    expect(again.text).toMatch(/already has its administrator/);
    expect(again.text).not.toMatch(/token=/);
    await withDb(async (rt) => {
      const admins = await rt.ctx.db.selectFrom('app_user').select(['id', 'email', 'installation_admin']).execute();
      expect(admins).toEqual([expect.objectContaining({ email: 'instalacion@example.org', installation_admin: true })]);
      // The administrator chooses a password through the link, once.
      await resetPasswordWithToken(rt.ctx.db, link![1]!, 'un faro sobre la costa 2026');
      await expect(resetPasswordWithToken(rt.ctx.db, link![1]!, 'otra clave muy larga 2027')).rejects.toMatchObject({ code: 'invalid_state' });
    });
  });

  it('creates organisations with their own data keys, language and time zone; refuses a bad zone or slug', async () => {
    const r = await run('org', 'create', 'red-caracas', '--name', 'Red de Caracas', '--lang', 'es', '--time-zone', 'America/Caracas');
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/red-caracas created/);
    expect((await run('org', 'create', 'ong-merida', '--name', 'ONG Mérida')).code).toBe(0);
    const badZone = await run('org', 'create', 'otra', '--name', 'Otra', '--time-zone', 'Mars/Olympus');
    expect(badZone.code).toBe(2);
    expect(badZone.text).toMatch(/Mars\/Olympus.*not a time zone/);
    expect((await run('org', 'create', 'red-caracas', '--name', 'Duplicada')).code).toBe(2);
    expect((await run('org', 'create', 'X', '--name', 'Mayúsculas')).code).toBe(2);
    await withDb(async (rt) => {
      const orgs = await rt.ctx.db.selectFrom('organisation').select(['id', 'slug', 'time_zone', 'default_lang']).orderBy('slug').execute();
      expect(orgs.map((o) => [o.slug, o.time_zone, o.default_lang])).toEqual([
        ['ong-merida', 'UTC', 'es'],
        ['red-caracas', 'America/Caracas', 'es'],
      ]);
      // Each organisation has its own wrapped data keys (read as the owner: keys are scoped tables).
      const keys = await rt.ctx.db.selectFrom('organisation_key').select(['organisation_id', 'wrapped']).where('purpose', '=', 'data').execute();
      expect(new Set(keys.map((k) => k.organisation_id))).toEqual(new Set(orgs.map((o) => o.id)));
      expect(new Set(keys.map((k) => k.wrapped.toString('hex'))).size).toBe(keys.length);
    });
  });

  it('lists, renames and archives organisations; the installation administrator belongs to none', async () => {
    expect((await run('org', 'rename', 'ong-merida', '--name', 'ONG de Mérida')).code).toBe(0);
    expect((await run('org', 'archive', 'ong-merida')).code).toBe(0);
    const missing = await run('org', 'rename', 'no-existe', '--name', 'Nada');
    expect(missing.code).toBe(1);
    expect(missing.text).toMatch(/no organisation "no-existe"/);
    const list = await run('org', 'list');
    expect(list.code).toBe(0);
    expect(list.text).toMatch(/ong-merida {2}ONG de Mérida {2}\(es, UTC\) {2}\[archived\]/);
    expect(list.text).toMatch(/red-caracas {2}Red de Caracas {2}\(es, America\/Caracas\)$/m);
    await withDb(async (rt) => {
      const org = await rt.ctx.db.selectFrom('organisation').select(['archived_at', 'locked_at']).where('slug', '=', 'ong-merida').executeTakeFirstOrThrow();
      expect(org.archived_at).not.toBeNull();
      expect(org.locked_at).not.toBeNull();
      const admin = await rt.ctx.db.selectFrom('app_user').select('id').where('installation_admin', '=', true).executeTakeFirstOrThrow();
      // No membership: the policy module scopes this account to no organisation's records.
      expect(await membershipsOf(rt.ctx.db, admin.id)).toEqual([]);
      const audit = await rt.ctx.db.selectFrom('audit_log').select('action').where('object_table', '=', 'organisation').orderBy('seq').execute();
      expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['org.create', 'org.rename', 'org.archive']));
    });
  });

  it('user create and user reset-password give one-time passwords: the account must change them at its first sign-in', async () => {
    const made = await run('user', 'create', 'colega@example.org', '--org', 'red-caracas', '--role', 'documenter');
    expect(made.code).toBe(0);
    await withDb(async (rt) => {
      const u = await rt.ctx.db.selectFrom('app_user').select(['id', 'must_change_password']).where('email', '=', 'colega@example.org').executeTakeFirstOrThrow();
      expect(u.must_change_password).toBe(true);
      await rt.ctx.db.updateTable('app_user').set({ must_change_password: false }).where('id', '=', u.id).execute();
    });
    expect((await run('user', 'reset-password', 'colega@example.org')).code).toBe(0);
    await withDb(async (rt) => {
      const u = await rt.ctx.db.selectFrom('app_user').select('must_change_password').where('email', '=', 'colega@example.org').executeTakeFirstOrThrow();
      expect(u.must_change_password).toBe(true);
    });
    // Better than any password: an invitation, e-mailed (here to the outbox) as a single-use link.
    const invited = await run('user', 'invite', 'directora@example.org', '--org', 'red-caracas', '--role', 'admin');
    expect(invited.code).toBe(0);
    expect(invited.text).toMatch(/directora@example.org.*outbox/);
    const { readOutbox } = await import('../shared/mail.js');
    const mail = readOutbox(dataDir).find((m) => m.to.includes('directora@example.org'));
    expect(mail?.text).toMatch(/https:\/\/atalaya\.example\.org\/invitations\/[A-Za-z0-9_-]{40,}/);
    expect(invited.text).not.toMatch(/invitations\//);
  });
});
