/**
 * The installation administrator on the web (issue 16 §1): signs in with password and second
 * factor outside any organisation, manages organisations with the CLI's rules and audit entries,
 * and reads no organisation's records; organisation members are refused the installation's pages.
 * Menus show what a role may do, and an error page seen while signed in keeps the signed-in header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstallationAdmin } from '../../access/installation.js';
import { resetPasswordWithToken } from '../../access/password-reset.js';
import { createRecord } from '../../records/index.js';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.js';
import { engines } from '../../../test/support/db.js';
import { enrolTotp, makeOrg, makeUser, testPassword, type TestUser } from '../../../test/support/factories.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe.each(engines)('the installation administrator on the web (%s)', (engine) => {
  let s: TestApp;
  let orgA: string;
  let inst: { email: string; password: string; totpSecret: string; userId: string };
  let instClient: Client;
  let admin: TestUser;
  let viewer: TestUser;
  let documenter: TestUser;

  beforeAll(async () => {
    s = await startTestApp(engine, {}, { rls: true });
    orgA = await makeOrg(s.t);
    admin = await makeUser(s.t, orgA, 'admin');
    viewer = await makeUser(s.t, orgA, 'viewer');
    documenter = await makeUser(s.t, orgA, 'documenter');
    await createRecord(s.t, documenter, 'incident', { title: 'CANARIO-INSTALACION caso privado', narrative: 'NARRATIVA-CANARIO' });
    const made = await createInstallationAdmin(s.t.ownerDb, { email: 'instalacion@example.org' });
    await resetPasswordWithToken(s.t.ownerDb, made.token, testPassword);
    const totpSecret = await enrolTotp({ ...s.t, db: s.t.ownerDb }, made.userId);
    inst = { email: 'instalacion@example.org', password: testPassword, totpSecret, userId: made.userId };
    instClient = new Client(s.url, 'en');
    await instClient.login(inst);
  });
  afterAll(async () => s?.close());

  it('signs in with password and second factor outside any organisation and lands on /installation', async () => {
    const c = new Client(s.url, 'en');
    c.csrf = (await c.json<{ csrfToken: string }>('GET', '/api/session')).body.csrfToken;
    const r = await c.request('POST', '/login', { email: inst.email, password: inst.password }, form);
    expect(r.status).toBe(303);
    // The second factor comes first, then the installation's page.
    expect(r.headers.get('location')).toBe('/login?next=%2Finstallation');
    expect((await c.request('GET', '/installation')).status).toBe(303);
    const home = await instClient.request('GET', '/');
    expect(home.headers.get('location')).toBe('/installation');
    const page = await (await instClient.request('GET', '/installation')).text();
    expect(page).toContain('Organisations of this installation');
    expect(page).toContain('installation administrator');
  });

  it('creates, renames and archives an organisation with the CLI\'s rules and audit entries', async () => {
    const bad = await instClient.request('POST', '/installation/organisations', { slug: 'Mal Slug', name: 'x', lang: 'es', timeZone: 'Mars/Base' }, form);
    expect(bad.status).toBe(422);
    const badText = await bad.text();
    expect(badText).toContain('role="alert"');
    expect(badText).toContain('Mal Slug');
    const created = await instClient.request('POST', '/installation/organisations', { slug: 'red-zulia', name: 'Red Zulia', lang: 'en', timeZone: 'America/Caracas' }, form);
    expect(created.status).toBe(303);
    const orgPath = created.headers.get('location')!.split('?')[0]!;
    const id = orgPath.split('/').pop()!;
    const row = await s.t.ownerDb.selectFrom('organisation').select(['slug', 'name', 'languages', 'time_zone', 'default_lang']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ slug: 'red-zulia', name: 'Red Zulia', languages: ['en', 'es'], time_zone: 'America/Caracas', default_lang: 'en' });
    expect(await s.t.ownerDb.selectFrom('organisation_key').select('organisation_id').where('organisation_id', '=', id).execute()).not.toHaveLength(0);
    const list = await (await instClient.request('GET', '/installation')).text();
    // Languages are named in the page's language, not each in its own.
    expect(list).toMatch(/Red Zulia[\s\S]*red-zulia[\s\S]*English and Spanish[\s\S]*America\/Caracas[\s\S]*Active/);
    expect(await (await instClient.request('GET', '/installation?lang=es')).text()).toContain('Inglés y español');
    await instClient.request('GET', '/installation?lang=en');
    const taken = await instClient.request('POST', '/installation/organisations', { slug: 'red-zulia', name: 'Otra', lang: 'es', timeZone: 'UTC' }, form);
    expect(taken.status).toBe(422);

    expect((await instClient.request('POST', `${orgPath}/rename`, { name: 'Red Zuliana' }, form)).status).toBe(303);
    const confirm = await instClient.request('GET', `${orgPath}/archive`);
    const confirmText = await confirm.text();
    expect(confirmText).toContain('Nobody can sign in to it any more');
    expect(confirmText).toContain('nothing is deleted');
    // Without the confirmation step's field, nothing is archived.
    const unconfirmed = await instClient.request('POST', `${orgPath}/archive`, {}, form);
    expect(unconfirmed.headers.get('location')).toBe(`${orgPath}/archive`);
    expect((await s.t.ownerDb.selectFrom('organisation').select('archived_at').where('id', '=', id).executeTakeFirstOrThrow()).archived_at).toBeNull();
    expect((await instClient.request('POST', `${orgPath}/archive`, { confirm: 'yes' }, form)).status).toBe(303);
    const after = await s.t.ownerDb.selectFrom('organisation').select(['name', 'archived_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(after.name).toBe('Red Zuliana');
    expect(after.archived_at).not.toBeNull();
    const audit = await s.t.ownerDb.selectFrom('audit_log').select(['action', 'user_id']).where('organisation_id', '=', id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['org.create', 'org.rename', 'org.archive']);
    expect(audit.every((a) => a.user_id === inst.userId)).toBe(true);
    expect(await (await instClient.request('GET', '/installation')).text()).toContain('Archived on');
  });

  it('reads no organisation\'s records: 403/404 everywhere, and the error page keeps the signed-in header', async () => {
    for (const path of ['/incidents', '/incidents/new', '/analysis', '/admin/users', '/import', '/coordinate/statements', '/linkage']) {
      const r = await instClient.request('GET', path);
      expect([403, 404], path).toContain(r.status);
      const text = await r.text();
      expect(text, path).not.toContain('CANARIO');
      expect(text, path).toContain('Sign out');
      expect(text, path).toContain('href="/installation"');
    }
    for (const path of ['/api/incidents', '/api/incidents?q=CANARIO']) {
      const r = await instClient.json('GET', path);
      expect([403, 404], path).toContain(r.status);
      expect(JSON.stringify(r.body)).not.toContain('CANARIO');
    }
    const write = await instClient.json('POST', '/api/incidents', { title: 'intruso' });
    expect([403, 404]).toContain(write.status);
    expect(await s.t.ownerDb.selectFrom('incident').select('id').where('title', '=', 'intruso').execute()).toEqual([]);
  });

  it('refuses the installation\'s pages to organisation members (403) and sends anonymous visitors to sign in', async () => {
    const c = new Client(s.url, 'en');
    await c.login(admin);
    for (const [method, path] of [['GET', '/installation'], ['GET', `/installation/organisations/${orgA}`], ['POST', '/installation/organisations'], ['POST', `/installation/organisations/${orgA}/archive`]] as const) {
      const r = await c.request(method, path, method === 'POST' ? { slug: 'intrusa', name: 'Intrusa', confirm: 'yes' } : undefined, form);
      expect(r.status, `${method} ${path}`).toBe(403);
    }
    expect((await s.t.ownerDb.selectFrom('organisation').select('archived_at').where('id', '=', orgA).executeTakeFirstOrThrow()).archived_at).toBeNull();
    expect(await s.t.ownerDb.selectFrom('organisation').select('id').where('slug', '=', 'intrusa').execute()).toEqual([]);
    const anon = await new Client(s.url).request('GET', '/installation');
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toContain('/login');
  });

  it('shows in the menus only what the role may do, and keeps the header on a signed-in error page', async () => {
    const nav = (html: string) => html.slice(html.indexOf('<nav'), html.indexOf('</nav>'));
    const v = new Client(s.url, 'en');
    await v.login(viewer);
    const vNav = nav(await (await v.request('GET', '/incidents')).text());
    expect(vNav).toContain('href="/incidents"');
    for (const href of ['/incidents/new', '/import', '/admin', '/linkage', '/intake/reports', '/installation']) expect(vNav).not.toContain(`href="${href}"`);
    const d = new Client(s.url, 'en');
    await d.login(documenter);
    const dNav = nav(await (await d.request('GET', '/incidents')).text());
    expect(dNav).toContain('href="/incidents/new"');
    expect(dNav).toContain('href="/import"');
    expect(dNav).not.toContain('href="/admin"');
    const a = new Client(s.url, 'en');
    await a.login(admin);
    expect(nav(await (await a.request('GET', '/incidents')).text())).toContain('href="/admin"');
    const iNav = nav(await (await instClient.request('GET', '/installation')).text());
    expect(iNav).toContain('href="/installation"');
    expect(iNav).not.toContain('href="/incidents"');

    const missing = await d.request('GET', '/no-such-page');
    expect(missing.status).toBe(404);
    const missingText = await missing.text();
    expect(nav(missingText)).toContain('Sign out');
    expect(nav(missingText)).toContain('href="/incidents/new"');
    const denied = await d.request('GET', '/admin/users');
    expect(denied.status).toBe(403);
    expect(nav(await denied.text())).toContain('Sign out');
  });
});
