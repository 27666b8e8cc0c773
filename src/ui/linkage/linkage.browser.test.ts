/**
 * Linkage and estimation pages in Chromium: run from the form, review (confirm) without JavaScript
 * needs, estimate; axe-clean in Spanish and English at desktop and phone widths, no third-party requests.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLinkageFixture } from '../../linkage/platform/linkage.fixture.js';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { axeViolations } from '../../../test/support/axe.js';
import { browserAvailable, browserSignIn, launchBrowser, newContext, screenshot } from '../../../test/support/browser.js';
import { makeUser, type TestUser } from '../../../test/support/factories.js';

describe.skipIf(!browserAvailable())('linkage and estimation pages in Chromium', () => {
  let s: TestApp;
  let browser: Browser;
  let reviewer: TestUser;

  beforeAll(async () => {
    s = await startTestApp('pglite');
    const fx = await loadLinkageFixture(s.t);
    reviewer = await makeUser(s.t, fx.orgs[0], 'reviewer', [fx.coalitionId]);
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  async function check(page: Page, name: string) {
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, name);
  }

  for (const [lang, width] of [
    ['es', 1280],
    ['en', 390],
  ] as const) {
    it(`runs, reviews and estimates (${lang}, ${width}px)`, async () => {
      const ctx = await newContext(browser, { width, lang });
      const foreign: string[] = [];
      await ctx.route('**/*', (route) => {
        if (route.request().url().startsWith(s.url)) return route.continue();
        foreign.push(route.request().url());
        return route.abort();
      });
      const page = await ctx.newPage();
      await browserSignIn(page, s.url, reviewer);
      await page.goto(`${s.url}/linkage?lang=${lang}`);
      expect(await page.locator('nav a[href="/linkage"]').count()).toBe(1);
      await check(page, `linkage-index-${lang}-${width}`);
      await Promise.all([page.waitForURL(/\/linkage\/runs\//), page.click('form[action="/linkage/runs"] button[type=submit]')]);
      expect(await page.locator('section.cluster').count()).toBe(1);
      await check(page, `linkage-run-${lang}-${width}`);
      await Promise.all([page.waitForURL(/done=confirmed/), page.click('section.cluster button[value=confirm]')]);
      expect(await page.textContent('.confirmed-attacks')).toMatch(/3/);
      await check(page, `linkage-confirmed-${lang}-${width}`);
      await page.goto(`${s.url}/estimate`);
      await page.selectOption('#year', '2021');
      await Promise.all([page.waitForURL(/\/estimate\/results\//), page.click('form[action="/estimate"][method=post] button[type=submit]')]);
      expect(await page.textContent('#documented')).toMatch(/3/);
      await check(page, `estimate-${lang}-${width}`);
      expect(foreign).toEqual([]);
      await ctx.close();
    }, 120_000);
  }
});
