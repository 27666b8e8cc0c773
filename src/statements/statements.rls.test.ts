/**
 * Row-level security on joint statements (issue 16 §6, migration 055): as the application role on
 * a PostgreSQL server, a transaction without a scope sees no row of any statement table; the public
 * scope sees published statements only (never a draft's title, body or press contacts); an
 * organisation sees its own statements and those it was invited to sign, nothing else.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser, type TestUser } from '../../test/support/factories.js';
import { inTransaction, publicScope, systemScope, type DB, type Scope } from '../store/index.js';
import { addCorrection, changeStatus, createStatement, inviteSignatory, type MailSettings } from './index.js';

const tables = ['statement', 'statement_version', 'statement_incident', 'statement_signatory', 'statement_correction', 'statement_event', 'public_release'] as const;

describe.skipIf(!process.env.DATABASE_URL)('row-level security on statement tables (PostgreSQL)', () => {
  let t: TestDb;
  let coord: TestUser;
  let orgA: string;
  let orgB: string;
  let orgC: string;
  let draft: string;
  let published: string;
  let mail: MailSettings;

  const count = (db: DB, table: string) => sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(table)}`.execute(db).then((r) => Number(r.rows[0]!.n));
  const inScope = <T,>(scope: Scope, fn: (trx: DB) => Promise<T>) => inTransaction(t.db, scope, fn);

  beforeAll(async () => {
    t = await openTestDb('postgres', { rls: true });
    mail = { publicUrl: 'http://127.0.0.1', smtpUrl: undefined, mailFrom: 'atalaya@example.org', dataDir: t.dataDir };
    orgA = await makeOrg(t);
    orgB = await makeOrg(t);
    orgC = await makeOrg(t);
    coord = await makeUser(t, orgA, 'admin', [], { totp: false });
    const d = await createStatement(t, coord, { sourceLang: 'es', title: 'Borrador secreto', lead: 'Entrada', body: 'Cuerpo reservado', pressName: 'Prensa A', pressEmail: 'prensa@a.example' });
    draft = d.id;
    // Inviting opens it for signatures (a draft cannot be signed); it stays unpublished.
    await inviteSignatory(t, coord, draft, { organisationId: orgB, lang: 'es', openNow: 'on' }, mail);
    await inviteSignatory(t, coord, draft, { email: 'firma@c.example', lang: 'es', name: 'C' }, mail);
    const p = await createStatement(t, coord, { sourceLang: 'es', title: 'Pronunciamiento publicado', lead: 'Entrada', body: 'Texto público' });
    published = p.id;
    await changeStatus(t, coord, published, { to: 'published' });
    await addCorrection(t, coord, published, { notes: { es: 'Corrige una fecha' } });
    await t.ownerDb.insertInto('public_release').values({ id: crypto.randomUUID(), table_key: 'test', k: 5, categories: '[]', published: '[]', total: null }).execute();
  });
  afterAll(async () => t?.cleanup());

  it('works as the application role, and every statement table has rows for its owner', async () => {
    const r = await sql<{ u: string }>`SELECT current_user AS u`.execute(t.db);
    expect(r.rows[0]!.u).toBe('atalaya_app');
    for (const table of tables) {
      if (table === 'statement_incident') continue;
      expect([table, await count(t.ownerDb, table)]).not.toEqual([table, 0]);
    }
  });

  it('enables and forces row-level security on every statement table', async () => {
    const r = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
      SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = ANY(${[...tables]}) AND relkind = 'r'`.execute(t.ownerDb);
    expect(r.rows.map((x) => [x.relname, x.relrowsecurity, x.relforcerowsecurity]).sort()).toEqual([...tables].sort().map((x) => [x, true, true]));
  });

  it('returns no row of any statement table without a scope, in or out of a transaction', async () => {
    for (const table of tables) {
      expect([table, await count(t.db, table)]).toEqual([table, 0]);
      expect([table, await inScope(systemScope([]), (trx) => count(trx, table))]).toEqual([table, 0]);
    }
  });

  it('shows the public published statements only: no draft title, body or press contact', async () => {
    await inScope(publicScope, async (trx) => {
      const sts = await trx.selectFrom('statement').select(['id', 'press_email']).execute();
      expect(sts.map((s) => s.id)).toEqual([published]);
      const vs = await trx.selectFrom('statement_version').select(['title', 'body']).execute();
      expect(vs.map((v) => v.title)).toEqual(['Pronunciamiento publicado']);
      expect(await count(trx, 'statement_signatory')).toBe(0);
      expect(await count(trx, 'statement_event')).toBe(0);
      expect(await count(trx, 'statement_correction')).toBe(1);
      expect(await count(trx, 'public_release')).toBe(1);
    });
  });

  it('shows an invited organisation the statement it is asked to sign and its own invitation, and an unrelated one nothing', async () => {
    await inScope(systemScope([orgB]), async (trx) => {
      expect((await trx.selectFrom('statement').select('id').execute()).map((s) => s.id)).toEqual([draft]);
      expect((await trx.selectFrom('statement_version').select('title').execute()).map((v) => v.title)).toEqual(['Borrador secreto']);
      const sig = await trx.selectFrom('statement_signatory').select(['invited_org_id']).execute();
      expect(sig).toEqual([{ invited_org_id: orgB }]);
      expect(await count(trx, 'statement_event')).toBe(0);
    });
    await inScope(systemScope([orgC]), async (trx) => {
      for (const table of tables) expect([table, await count(trx, table)]).toEqual([table, 0]);
    });
  });

  it('refuses writes into another organisation and into the release register outside the public scope', async () => {
    await expect(
      inScope(systemScope([orgC]), (trx) => trx.insertInto('statement').values({ organisation_id: orgA, id: crypto.randomUUID(), slug: 'intrusa', source_lang: 'es' }).execute()),
    ).rejects.toThrow(/row-level security/);
    await expect(
      inScope(systemScope([orgA]), (trx) => trx.insertInto('public_release').values({ id: crypto.randomUUID(), table_key: 'x', k: 5, categories: '[]', published: '[]', total: null }).execute()),
    ).rejects.toThrow(/row-level security/);
    // Another organisation's draft cannot be changed either: the update matches no row.
    const r = await inScope(systemScope([orgC]), (trx) => trx.updateTable('statement').set({ press_email: 'x@x.example' }).where('id', '=', draft).executeTakeFirst());
    expect(Number(r.numUpdatedRows)).toBe(0);
  });
});
