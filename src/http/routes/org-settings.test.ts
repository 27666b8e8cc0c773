/**
 * An organisation's own settings (issue 16 §1): its administrator sets its languages, time zone and
 * the visibility new cases start with; a new case in the intake wizard then starts with it; a wrong
 * value is named and nothing is saved; no other role reaches the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.js';
import { engines } from '../../../test/support/db.js';
import { makeOrg, makeUser, type TestUser } from '../../../test/support/factories.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe.each(engines)('organisation settings (%s)', (engine) => {
  let s: TestApp;
  let org: string;
  let admin: TestUser;
  let documenter: TestUser;
  const adminClient = () => new Client(s.url, 'es');
  let ac: Client;
  let dc: Client;

  beforeAll(async () => {
    s = await startTestApp(engine, {}, { rls: true });
    org = await makeOrg(s.t);
    admin = await makeUser(s.t, org, 'admin');
    documenter = await makeUser(s.t, org, 'documenter');
    ac = adminClient();
    await ac.login(admin);
    dc = new Client(s.url, 'es');
    await dc.login(documenter);
  });
  afterAll(async () => s?.close());

  const row = () => s.t.ownerDb.selectFrom('organisation').select(['languages', 'default_lang', 'time_zone', 'default_visibility']).where('id', '=', org).executeTakeFirstOrThrow();

  it('is saved by the administrator, audited, and a new case starts with its visibility', async () => {
    const page = await ac.request('GET', '/admin/organisation');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('America/Caracas');
    const r = await ac.request('POST', '/admin/organisation', new URLSearchParams([['languages', 'es'], ['languages', 'en'], ['defaultLang', 'en'], ['timeZone', 'America/Caracas'], ['defaultVisibility', 'public']]).toString(), form);
    expect(r.status).toBe(303);
    expect(await row()).toEqual({ languages: ['en', 'es'], default_lang: 'en', time_zone: 'America/Caracas', default_visibility: 'public' });
    const audit = await s.t.ownerDb.selectFrom('audit_log').select(['action', 'detail']).where('organisation_id', '=', org).where('action', '=', 'org.settings').execute();
    expect(audit.at(-1)!.detail).toMatchObject({ timeZone: 'America/Caracas', defaultVisibility: 'public' });
    const started = await dc.request('POST', '/incidents/new', {}, form);
    expect(started.status).toBe(303);
    const step = await dc.request('GET', started.headers.get('location')!);
    expect(await step.text()).toMatch(/<option value="public" selected/);
  });

  it('names each wrong field in the user\'s language and saves nothing', async () => {
    const before = await row();
    const r = await ac.request('POST', '/admin/organisation', new URLSearchParams([['timeZone', 'Marte/Base'], ['defaultVisibility', 'coalition']]).toString(), form);
    expect(r.status).toBe(422);
    const text = await r.text();
    expect(text).toContain('Marque al menos un idioma');
    expect(text).toContain('Marte/Base');
    expect(text).toContain('Elija privada o pública');
    expect(await row()).toEqual(before);
    const notTicked = await ac.request('POST', '/admin/organisation', new URLSearchParams([['languages', 'es'], ['defaultLang', 'en'], ['timeZone', 'UTC'], ['defaultVisibility', 'private']]).toString(), form);
    expect(notTicked.status).toBe(422);
    expect(await notTicked.text()).toContain('El idioma principal debe ser uno de los idiomas marcados');
    expect(await row()).toEqual(before);
  });

  it('is the administrator\'s only', async () => {
    expect((await dc.request('GET', '/admin/organisation')).status).toBe(403);
    const r = await dc.request('POST', '/admin/organisation', new URLSearchParams([['languages', 'es'], ['defaultLang', 'es'], ['timeZone', 'UTC'], ['defaultVisibility', 'private']]).toString(), form);
    expect(r.status).toBe(403);
  });
});
