import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { loadDemo } from '../../records/index.js';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { axeViolations } from '../../../test/support/axe.js';
import { browserAvailable, launchBrowser, newContext, screenshot } from '../../../test/support/browser.js';

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
    await page.fill('#email', login.email);
    await page.fill('#password', login.password);
    await page.click('button[type=submit]');
    await page.waitForURL('**/incidents');
    expect(await page.textContent('main')).toContain('Investigación penal contra una periodista');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'incidents-390');
    await page.click('text=Detención de cinco integrantes de una ONG de salud y VIH en Zulia');
    expect(await page.textContent('main')).toContain('Cinco integrantes de Azul Positivo');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'case-390');
    await ctx.close();
  });
});
