import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { loadDemo } from '../../records/index.js';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { axeViolations } from '../../../test/support/axe.js';
import { browserAvailable, browserSignIn, launchBrowser, newContext, screenshot } from '../../../test/support/browser.js';
import { totpCode } from '../../../test/support/totp.js';

describe.skipIf(!browserAvailable())('home and sign-in pages in Chromium', () => {
  let s: TestApp;
  let browser: Browser;
  let login: { email: string; password: string };

  beforeAll(async () => {
    s = await startTestApp('pglite');
    login = (await loadDemo(s.t)).admin;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('shows published demo incidents, signs in without JavaScript and lists the organisation\'s incidents', async () => {
    const ctx = await newContext(browser, { width: 390, lang: 'es' });
    await ctx.route('**/*', (route) => (route.request().url().startsWith(s.url) ? route.continue() : route.abort()));
    const page = await ctx.newPage();
    await page.goto(s.url + '/');
    expect(await page.textContent('main')).toContain('Detención de cinco integrantes');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'home-390');
    await page.click('text=Iniciar sesión');
    expect(await axeViolations(page)).toEqual([]);
    // The demo admin has no second factor yet: sign-in leads through enrolment.
    await page.fill('#email', login.email);
    await page.fill('#password', login.password);
    await page.click('main button[type=submit]');
    await page.waitForURL('**/account/totp**');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'totp-enrol-390');
    const secret = ((await page.textContent('code.secret')) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await page.fill('#code', '000000');
    await page.click('main button[type=submit]');
    expect(await page.textContent('[role=alert]')).toContain('El código no es válido');
    await page.fill('#code', await totpCode(secret));
    await page.click('main button[type=submit]');
    expect(await page.locator('ul.codes li').count()).toBe(10);
    await page.click('main a.button');
    await page.waitForURL('**/incidents');
    expect(await page.textContent('main')).toContain('Investigación penal contra una periodista');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'incidents-390');
    // The demo holds more than one page of cases (25 a page); the first-entered is on the second.
    await page.goto(s.url + '/incidents?limit=50');
    await page.click('text=Detención de cinco integrantes de una ONG de salud y VIH en Zulia');
    expect(await page.textContent('main')).toContain('Cinco integrantes de Azul Positivo');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'case-390');
    await ctx.close();
    // A second sign-in asks for the code, not for enrolment.
    const ctx2 = await newContext(browser, { width: 1280, lang: 'en' });
    const page2 = await ctx2.newPage();
    await browserSignIn(page2, s.url, { ...login, totpSecret: secret });
    expect(new URL(page2.url()).pathname).toBe('/incidents');
    await ctx2.close();
  });
});
