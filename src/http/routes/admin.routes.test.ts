import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createCoalition } from '../../access/organisations.js';
import { createRecord } from '../../records/index.js';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.js';
import { axeViolations } from '../../../test/support/axe.js';
import { browserAvailable, browserSignIn, launchBrowser, newContext, screenshot } from '../../../test/support/browser.js';
import { makeOrg, makeUser, type TestUser } from '../../../test/support/factories.js';

function formToken(html: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
}

describe('administration pages', () => {
  let s: TestApp;
  let org: string;
  let admin: TestUser;
  let doc: TestUser;
  let coalitionId: string;
  let incidentId: string;

  beforeAll(async () => {
    s = await startTestApp('pglite');
    org = await makeOrg(s.t);
    const partner = await makeOrg(s.t);
    coalitionId = (await createCoalition(s.t.db, { slug: `c-${Date.now()}`, name: 'Coalición de prueba', members: [org, partner] })).id;
    admin = await makeUser(s.t, org, 'admin', [coalitionId]);
    doc = await makeUser(s.t, org, 'documenter', [coalitionId]);
    incidentId = (await createRecord(s.t, doc, 'incident', { title: 'Caso para compartir' })).id;
  });
  afterAll(async () => s?.close());

  it('refuses non-admins and sends anonymous visitors to sign in', async () => {
    const anon = await new Client(s.url).request('GET', '/admin/users');
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toContain('/login');
    const c = new Client(s.url);
    await c.login(doc);
    expect((await c.request('GET', '/admin/users')).status).toBe(403);
    expect((await c.request('POST', `/admin/users/${admin.userId}/role`, { role: 'viewer' }, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(403);
  });

  it('invites a person by e-mail (no password anyone else knows), changes a role (ending their sessions), shares an incident, shows an intact audit log', async () => {
    const c = new Client(s.url, 'en');
    await c.login(admin);
    const page = await (await c.request('GET', '/admin/users')).text();
    const token = formToken(page);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const added = await c.request('POST', '/admin/users', { _csrf: token, email: 'nueva@example.org', role: 'analyst' }, form);
    expect(added.headers.get('location')).toBe('/admin/users?done=invitation_sent');
    const listed = await (await c.request('GET', '/admin/users?done=invitation_sent')).text();
    expect(listed).toContain('Invitation sent');
    expect(listed).toContain('nueva@example.org');
    expect(listed).not.toContain('One-time password');
    const docClient = new Client(s.url);
    await docClient.login(doc);
    expect((await docClient.json('GET', '/api/incidents')).status).toBe(200);
    const changed = await c.request('POST', `/admin/users/${doc.userId}/role`, { _csrf: token, role: 'viewer' }, form);
    expect(changed.status).toBe(303);
    expect((await docClient.json('GET', '/api/incidents')).status).toBe(401);
    const shared = await c.request('POST', '/admin/sharing', { _csrf: token, incidentId, coalitionId, fields: 'place_names' }, form);
    expect(shared.status).toBe(303);
    const sharing = await (await c.request('GET', '/admin/sharing')).text();
    expect(sharing).toContain('Caso para compartir');
    expect(sharing).toContain('place names');
    const audit = await (await c.request('GET', '/admin/audit')).text();
    expect(audit).toContain('The audit chain is intact');
    expect(audit).toContain('record.share');
    expect(audit).toContain('user.role');
    const csv = await (await c.request('GET', '/admin/audit.csv')).text();
    expect(csv.split('\n')[0]).toBe('seq,at,user,action,object_table,object_id,outcome');
    // The last administrator cannot demote themselves.
    const last = await (await c.request('POST', `/admin/users/${admin.userId}/role`, { _csrf: token, role: 'viewer' }, form)).text();
    expect(last).toContain('at least one administrator');
  });

  it('shows a vocabulary in both languages and records a proposed term without creating it', async () => {
    const c = new Client(s.url, 'en');
    await c.login(admin);
    const page = await (await c.request('GET', '/vocabularies/act_type')).text();
    expect(page).toContain('Frozen bank accounts');
    expect(page).toContain('040101000000');
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const bad = await c.request('POST', '/vocabularies/act_type/proposals', { _csrf: formToken(page), labelEs: 'Cierre de cuentas', labelEn: 'Account closure', parentCode: 'nope' }, form);
    expect(bad.status).toBe(422);
    const ok = await c.request('POST', '/vocabularies/act_type/proposals', { _csrf: formToken(page), labelEs: 'Cierre forzoso de cuentas', labelEn: 'Forced account closure', parentCode: 'attacks_on_organisations' }, form);
    expect(ok.status).toBe(303);
    expect(await (await c.request('GET', '/vocabularies/act_type')).text()).toContain('Forced account closure');
    const refused = await c.json('POST', '/api/acts', { incidentId, victimId: incidentId, actType: 'forced_account_closure' });
    expect(refused.status).toBe(422);
  });

  it.skipIf(!browserAvailable())('passes axe on every admin page at 390 px', async () => {
    const browser: Browser = await launchBrowser();
    try {
      const ctx = await newContext(browser, { width: 390, lang: 'es' });
      const page = await ctx.newPage();
      await browserSignIn(page, s.url, admin);
      for (const path of ['/admin/users', '/admin/sharing', '/admin/audit', '/admin/security', '/vocabularies', '/vocabularies/act_type']) {
        await page.goto(s.url + path);
        expect(await axeViolations(page), path).toEqual([]);
        await screenshot(page, `admin-${path.split('/').pop()}-390`);
      }
    } finally {
      await browser.close();
    }
  });
});
