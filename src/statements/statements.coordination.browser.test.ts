/**
 * The coordination page of a statement in Chromium at 390 px: the signatory table reflows (no
 * horizontal overflow; it used to reach 544 px), the case picker and its results fit, axe finds
 * nothing, and adding a language version through the form leaves the interface in Spanish.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecord, loadDemo } from '../records/index.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { axeViolations } from '../../test/support/axe.js';
import { browserAvailable, browserSignIn, launchBrowser, newContext, screenshot, type SignedIn } from '../../test/support/browser.js';
import { makeUser } from '../../test/support/factories.js';
import { loadDemoStatement } from './index.js';

describe.skipIf(!browserAvailable())('statement coordination page in Chromium at 390 px', () => {
  let s: TestApp;
  let browser: Browser;
  let statementId = '';
  let signedIn: SignedIn;

  beforeAll(async () => {
    s = await startTestApp('pglite');
    const demo = await loadDemo(s.t);
    statementId = await loadDemoStatement(s.t, demo);
    const user = await makeUser(s.t, demo.organisations.observatorio, 'admin');
    await createRecord(s.t, user, 'incident', { title: 'Hostigamiento a periodista en Barquisimeto', country: 'VE', subdivision: 'VE-K', startDate: '2021-01-20' });
    browser = await launchBrowser();
    const ctx = await newContext(browser, { width: 390, lang: 'es' });
    const page = await ctx.newPage();
    await browserSignIn(page, s.url, user);
    signedIn = await ctx.storageState();
    await ctx.close();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('fits 390 px with its signatories and case search results, with no axe violation', async () => {
    const ctx = await newContext(browser, { width: 390, lang: 'es', signedIn });
    const page = await ctx.newPage();
    const r = await page.goto(`${s.url}/coordinate/statements/${statementId}?caseQ=&caseFrom=2010`);
    expect(r!.status()).toBe(200);
    expect(await page.locator('table.reflow tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('.case-results li').count()).toBeGreaterThan(0);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'statement-coordination-390');
    // Add a case through the picker: it then shows as a link with its title.
    const item = page.locator('.case-results li:has(button)').first();
    const title = (await item.locator('a').textContent())!;
    await Promise.all([page.waitForLoadState('load'), item.locator('button').click()]);
    expect(await page.locator('.cited-cases a', { hasText: title }).count()).toBe(1);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await ctx.close();
  }, 60_000);

  it('adding a language version keeps the interface in Spanish', async () => {
    const ctx = await newContext(browser, { width: 390, lang: 'es', signedIn });
    const page = await ctx.newPage();
    await page.goto(`${s.url}/coordinate/statements/${statementId}`);
    await page.fill('#newLang', 'fr');
    await Promise.all([page.waitForLoadState('load'), page.locator('#newLang ~ button').click()]);
    expect(new URL(page.url()).pathname).toBe(`/coordinate/statements/${statementId}/versions/fr`);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await page.textContent('h1')).toContain('Texto en');
    await page.goto(`${s.url}/coordinate/statements`);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await axeViolations(page)).toEqual([]);
    await ctx.close();
  }, 60_000);
});
