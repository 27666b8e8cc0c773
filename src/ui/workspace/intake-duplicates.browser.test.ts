/**
 * "Possible duplicate" in Chromium at 390 px in Spanish (issue 17 §1): re-entering the demo's Azul
 * Positivo detention warns at the incident step; "different" goes on to the victims step; on a
 * second draft "same case: add to it" shows the banner and saves the new victim into the existing
 * case. axe finds nothing on the warning and the banner, and nothing overflows 390 px.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadDemo } from '../../records/index.js';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { axeViolations } from '../../../test/support/axe.js';
import { browserAvailable, browserSignIn, launchBrowser, newContext, screenshot, type SignedIn } from '../../../test/support/browser.js';

function overflowX(): number {
  const el = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
  return el.scrollWidth - el.clientWidth;
}

describe.skipIf(!browserAvailable())('possible duplicates in the intake, Chromium at 390 px', () => {
  let s: TestApp;
  let browser: Browser;
  let zulia: string;
  let signedIn: SignedIn;

  beforeAll(async () => {
    s = await startTestApp('pglite');
    const demo = await loadDemo(s.t);
    zulia = demo.incidentIds.zulia!;
    browser = await launchBrowser();
    const ctx = await newContext(browser, { width: 390, lang: 'es' });
    const page = await ctx.newPage();
    await browserSignIn(page, s.url, demo.admin);
    signedIn = await ctx.storageState();
    await ctx.close();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  async function check(page: Page, name: string) {
    expect(await axeViolations(page), name).toEqual([]);
    expect(await page.evaluate(overflowX), name).toBeLessThanOrEqual(0);
    await screenshot(page, name);
  }

  async function reEnter(page: Page) {
    await page.goto(s.url + '/incidents/new');
    await Promise.all([page.waitForURL('**/incident'), page.click('main button[type=submit]')]);
    await page.fill('#title', 'Detienen a integrantes de Azul Positivo');
    await page.fill('#startDate', '2021-01-12');
    await page.selectOption('#subdivision', 'VE-V');
    await Promise.all([page.waitForLoadState('load'), page.click('button[value=next]')]);
    const card = page.locator('#duplicates li.card', { has: page.locator(`a[href="/incidents/${zulia}"]`) });
    expect(await card.count()).toBe(1);
    return card;
  }

  it('warns, and takes both answers', async () => {
    const ctx = await newContext(browser, { width: 390, lang: 'es', signedIn });
    const page = await ctx.newPage();
    const card = await reEnter(page);
    expect(await page.textContent('#duplicates h2')).toMatch(/Posibles? duplicados?/);
    expect(await card.textContent()).toContain('la misma fecha');
    await check(page, 'dup-warning-390');

    // "Different": on to the victims step; the pair is not asked about again.
    await Promise.all([page.waitForLoadState('load'), card.locator('button[value=different]').click()]);
    expect(new URL(page.url()).pathname).toMatch(/\/victims$/);
    await page.goto(page.url().replace(/\/victims(\?.*)?$/, '/incident'));
    await Promise.all([page.waitForLoadState('load'), page.click('button[value=next]')]);
    expect(new URL(page.url()).pathname).toMatch(/\/victims$/);

    // "Same case: add to it", on a new draft.
    const again = await reEnter(page);
    await Promise.all([page.waitForURL('**/victims'), again.locator('button[value=same]').click()]);
    expect(await page.textContent('main')).toContain('se agregará al caso existente');
    await check(page, 'dup-adding-to-390');
    await page.fill('#v0_name', 'Yusmary Quintero Bracho');
    await Promise.all([page.waitForURL('**/acts'), page.click('button[value=next]')]);
    await page.selectOption('#a0_victim', { label: 'Yusmary Quintero Bracho' });
    await page.selectOption('#a0_actType', 'detention');
    await Promise.all([page.waitForURL('**/perpetrators'), page.click('button[value=next]')]);
    await page.goto(page.url().replace(/\/perpetrators$/, '/review'));
    await Promise.all([page.waitForURL(`**/incidents/${zulia}?saved=1`), page.click('form.finish button')]);
    expect(await page.textContent('main')).toContain('Yusmary Quintero Bracho');
    await ctx.close();
  }, 120_000);
});
