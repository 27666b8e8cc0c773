/**
 * The set-up pages in a real browser, in Spanish at 390 px and without JavaScript (issue 16 §1–2):
 * the installation administrator's set-up link, sign-in with enrolment, organisations created and
 * archived (after the confirmation page), the first administrator invited by e-mail, who follows the
 * link, chooses a password and enrols the second factor (tap-to-add link on the phone), and later
 * accepts an invitation from a second organisation. Every page passes axe with 0 violations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createInstallationAdmin } from '../../access/installation.js';
import { readOutbox } from '../../shared/mail.js';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { axeViolations } from '../../../test/support/axe.js';
import { browserAvailable, launchBrowser, screenshot, type SignedIn } from '../../../test/support/browser.js';
import { totpCode } from '../../../test/support/totp.js';

async function linkFor(s: TestApp, to: string, after = 0): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const mails = readOutbox(s.t.dataDir).filter((m) => m.to.includes(to));
    if (mails.length > after) return /\/invitations\/[A-Za-z0-9_%-]+/.exec(mails[mails.length - 1]!.text)![0];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no mail to ${to}`);
}

describe.skipIf(!browserAvailable())('set-up pages in a browser (es, 390 px, no JavaScript)', () => {
  let s: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    s = await startTestApp('pglite');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  /** A phone-sized Spanish context; `js: false` is how the flow runs, axe needs a scripted twin. */
  const context = (js: boolean, signedIn?: SignedIn): Promise<BrowserContext> =>
    browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'es-VE', extraHTTPHeaders: { 'accept-language': 'es' }, javaScriptEnabled: js, ...(signedIn ? { storageState: signedIn } : {}) });

  /** Checks the page the no-JS context is on with axe, in a scripted context with the same cookies. */
  const axe = async (from: BrowserContext, url: string, name: string) => {
    const twin = await context(true, await from.storageState());
    try {
      const p = await twin.newPage();
      await p.goto(url);
      expect(await axeViolations(p), name).toEqual([]);
      await screenshot(p, `setup-${name}-390`);
    } finally {
      await twin.close();
    }
  };

  const submit = (page: Page, selector = 'main button[type=submit]') => Promise.all([page.waitForLoadState('load'), page.click(selector)]);

  it('sets up an installation, an organisation and its first administrator', async () => {
    const setup = await createInstallationAdmin(s.t.db, { email: 'instalacion@example.org' });
    const inst = await context(false);
    const ip = await inst.newPage();
    await ip.goto(`${s.url}/password/reset?token=${setup.token}`);
    await ip.fill('#password', 'un faro sobre la costa 2026');
    await submit(ip);
    await ip.goto(`${s.url}/login`);
    await ip.fill('#email', 'instalacion@example.org');
    await ip.fill('#password', 'un faro sobre la costa 2026');
    await submit(ip);
    expect(new URL(ip.url()).pathname).toBe('/account/totp');
    expect(await ip.locator('main a[href^="otpauth://totp/"]').textContent()).toContain('Añadir a la aplicación');
    const secret = ((await ip.textContent('code.secret')) ?? '').replace(/\s/g, '');
    await ip.fill('#code', await totpCode(secret));
    await submit(ip);
    await submit(ip, 'main a.button');
    expect(new URL(ip.url()).pathname).toBe('/installation');
    expect(await ip.textContent('h1')).toBe('Organizaciones de esta instalación');
    await axe(inst, `${s.url}/installation`, 'installation');

    // A wrong entry is named in the user's language; then two organisations.
    await ip.fill('#org-name', 'Red Zulia');
    await ip.fill('#org-slug', 'red-zulia');
    await ip.selectOption('#org-zone', 'America/Caracas');
    await submit(ip);
    expect(new URL(ip.url()).pathname).toMatch(/^\/installation\/organisations\/[0-9a-f-]{36}$/);
    const orgUrl = ip.url().split('?')[0]!;
    expect(await ip.textContent('[role=status]')).toContain('Organización creada');
    await axe(inst, orgUrl, 'organisation');
    await ip.goto(`${s.url}/installation`);
    await ip.fill('#org-name', 'Red Temporal');
    await ip.fill('#org-slug', 'red-temporal');
    await submit(ip);
    const tempUrl = ip.url().split('?')[0]!;
    await ip.click('main a[href$="/archive"]');
    expect(await ip.textContent('main')).toContain('Nadie puede volver a entrar en ella');
    await axe(inst, `${tempUrl}/archive`, 'archive-confirm');
    await submit(ip);
    expect(await ip.textContent('main')).toContain('Archivada el');

    // The first administrator, invited by e-mail.
    await ip.goto(orgUrl);
    await ip.fill('#invite-email', 'directora@example.org');
    await submit(ip);
    expect(await ip.textContent('[role=status]')).toContain('Invitación enviada');
    const link = await linkFor(s, 'directora@example.org');

    const boss = await context(false);
    const bp = await boss.newPage();
    await bp.goto(s.url + link);
    expect(await bp.textContent('h1')).toBe('Invitación a Red Zulia');
    await axe(boss, s.url + link, 'invitation-new');
    await bp.fill('#invite-name', 'La Directora');
    await bp.fill('#invite-password', 'una frase larga que solo yo sé');
    await submit(bp);
    expect(new URL(bp.url()).pathname).toBe('/account/totp');
    await axe(boss, `${s.url}/account/totp`, 'totp-enrol');
    const bossSecret = ((await bp.textContent('code.secret')) ?? '').replace(/\s/g, '');
    await bp.fill('#code', await totpCode(bossSecret));
    await submit(bp);
    await submit(bp, 'main a.button');
    expect(new URL(bp.url()).pathname).toBe('/incidents');
    expect(await bp.textContent('header .who')).toContain('La Directora · Red Zulia · administración');
    await axe(boss, `${s.url}/account/password`, 'account-password');
    await axe(boss, `${s.url}/admin/users`, 'admin-users');

    // The link is spent.
    const stranger = await context(false);
    const sp = await stranger.newPage();
    const spent = await sp.goto(s.url + link);
    expect(spent?.status()).toBe(410);
    await axe(stranger, s.url + link, 'invitation-invalid');

    // A second organisation invites the same address: she accepts after signing in.
    await ip.goto(`${s.url}/installation`);
    await ip.fill('#org-name', 'Red Andina');
    await ip.fill('#org-slug', 'red-andina');
    await submit(ip);
    await ip.fill('#invite-email', 'directora@example.org');
    await submit(ip);
    const second = await linkFor(s, 'directora@example.org', 1);
    await bp.goto(s.url + second);
    expect(await bp.textContent('main')).toContain('¿Acepta participar en Red Andina');
    await axe(boss, s.url + second, 'invitation-answer');
    await submit(bp, 'main form[action$="/accept"] button');
    expect(await bp.textContent('header .who')).toContain('Red Andina');
    await Promise.all([inst.close(), boss.close(), stranger.close()]);
  }, 180_000);
});
