/**
 * Coalition and sign-on pages in Chromium at 390 px, in Spanish, with JavaScript off (they are
 * plain forms; axe itself needs JavaScript, so it runs with it on): the coalition list and page, the confirmation before leaving, the confirmation
 * before publishing at once, the invitations addressed to an organisation, one invitation (full
 * text, deadline in the organisation's zone) and /notifications. axe finds nothing on any of them.
 * Each of the two people signs in once; every page reuses that browser state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { answerCoalitionInvitation, createCoalitionFor, inviteOrganisation } from '../../coalitions/index.js';
import { createRecord, setCaseSharing } from '../../records/index.js';
import { createStatement, getStatementForEditor, inviteSignatory } from '../../statements/index.js';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { axeViolations } from '../../../test/support/axe.js';
import { browserAvailable, browserSignIn, launchBrowser, type SignedIn } from '../../../test/support/browser.js';
import { makeOrg, makeUser, type TestUser } from '../../../test/support/factories.js';

describe.skipIf(!browserAvailable())('coalition and sign-on pages at 390 px in Chromium', () => {
  let s: TestApp;
  let browser: Browser;
  let adminA: TestUser, signB: TestUser;
  const state: Record<string, SignedIn> = {};
  let coalitionId = '';
  let statementId = '';
  let signatoryId = '';

  beforeAll(async () => {
    s = await startTestApp('pglite', { ATALAYA_RATE_LIMIT_PER_MINUTE: '1000000' });
    const a = await makeOrg(s.t);
    const b = await makeOrg(s.t);
    await makeOrg(s.t);
    await s.t.ownerDb.updateTable('organisation').set({ time_zone: 'America/Caracas' }).where('id', '=', b).execute();
    adminA = await makeUser(s.t, a, 'admin');
    const adminB = await makeUser(s.t, b, 'admin', [], { totp: false });
    signB = await makeUser(s.t, b, 'signatory');
    const coal = await createCoalitionFor(s.t, adminA, { name: 'Red Andina de Defensoras', description: 'Coordinación regional' });
    coalitionId = coal.id;
    const inv = await inviteOrganisation(s.t, adminA, coalitionId, { organisationId: b }, null);
    await answerCoalitionInvitation(s.t, adminB, inv.id, 'accept');
    const shared = await createRecord(s.t, adminA, 'incident', { title: 'Detención en Maracaibo', startDate: '2025-03-14', country: 'VE' });
    await setCaseSharing(s.t, adminA, shared.id, { shares: [{ coalitionId, fields: ['narrative'] }] });
    const st = await createStatement(s.t, adminA, { sourceLang: 'es', title: 'Solidaridad con defensoras', lead: 'Entrada.', body: 'Primer párrafo.\n\n**Pedimos** el cese de las represalias.', countries: ['VE'], incidentIds: [shared.id], signDeadline: '2030-05-01T18:00:00Z' });
    statementId = st.id;
    const mail = { smtpUrl: undefined, mailFrom: 'a@example.org', dataDir: s.t.dataDir, publicUrl: s.url };
    await inviteSignatory(s.t, adminA, statementId, { organisationId: b, lang: 'es', openNow: 'on' }, mail);
    signatoryId = (await getStatementForEditor(s.t, adminA, statementId)).signatories[0]!.id;
    browser = await launchBrowser();
    for (const [k, u] of Object.entries({ adminA, signB })) {
      const ctx = await browser.newContext({ viewport: { width: 390, height: 900 }, locale: 'es-VE', extraHTTPHeaders: { 'accept-language': 'es' } });
      await browserSignIn(await ctx.newPage(), s.url, u);
      state[k] = await ctx.storageState();
      await ctx.close();
    }
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  /** A page as `who`, at 390 px, in Spanish; with JavaScript off unless axe must run in it. */
  async function open(who: string, path: string, js = true): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 900 }, locale: 'es-VE', extraHTTPHeaders: { 'accept-language': 'es' }, javaScriptEnabled: js, storageState: state[who] });
    const page = await ctx.newPage();
    const r = await page.goto(s.url + path);
    expect(r?.status(), path).toBe(200);
    return page;
  }

  async function check(page: Page): Promise<void> {
    const overflow = await page.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow, page.url()).toBeLessThanOrEqual(0);
    expect(await axeViolations(page), page.url()).toEqual([]);
    await page.context().close();
  }

  it.each([['/coalitions'], ['/coalitions/:c'], ['/coalitions/:c/leave'], ['/coordinate/statements/:s/publish']])('administrator: %s passes axe at 390 px', async (path) => {
    await check(await open('adminA', path.replace(':c', coalitionId).replace(':s', statementId)));
  });

  it.each([['/coordinate/invitations'], ['/coordinate/invitations/:g'], ['/notifications'], ['/coalitions/:c']])('focal point: %s passes axe at 390 px', async (path) => {
    await check(await open('signB', path.replace(':c', coalitionId).replace(':g', signatoryId)));
  });

  it('a focal point reads the full text and signs without JavaScript; its name comes from its account', async () => {
    const page = await open('signB', `/coordinate/invitations/${signatoryId}`, false);
    const text = await page.textContent('main');
    expect(text).toContain('Pedimos el cese de las represalias');
    expect(text).toMatch(/Plazo para firmar: 1 may\. 2030, 2:00\s*p\.\s*m\. America\/Caracas/);
    expect(text).not.toContain('Detención en Maracaibo');
    await page.check('#authority');
    await Promise.all([page.waitForURL(`**/coordinate/invitations/${signatoryId}`), page.click('button[value=sign]')]);
    expect(await page.textContent('main')).toContain('firmó');
    await page.context().close();
    expect((await getStatementForEditor(s.t, adminA, statementId)).signatories[0]!.signerName).toBe('Test user');
  });
});
