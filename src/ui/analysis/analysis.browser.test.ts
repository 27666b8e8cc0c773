import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { generateSynthetic } from '../../trends/index.js';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { axeViolations } from '../../../test/support/axe.js';
import { browserAvailable, browserSignIn, launchBrowser, newContext, screenshot } from '../../../test/support/browser.js';
import { makeOrg, makeUser, type TestUser } from '../../../test/support/factories.js';

describe.skipIf(!browserAvailable())('analysis and dashboard pages in Chromium', () => {
  let s: TestApp;
  let browser: Browser;
  let user: TestUser;

  beforeAll(async () => {
    s = await startTestApp('pglite');
    const org = await makeOrg(s.t);
    await generateSynthetic(s.t, {
      organisationId: org,
      n: 900,
      seed: 5,
      from: '2019-01',
      to: '2022-12',
      changePoint: { period: '2020-11', ratio: 3 },
      venezuelaShare: 1,
      visibility: { private: 0.5, coalition: 0, public: 0.5 },
    });
    user = await makeUser(s.t, org, 'analyst');
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('analysis page: chart, sentence, filter to raids on NGO offices, no third-party requests, no axe violations', async () => {
    const ctx = await newContext(browser, { width: 1280, lang: 'es' });
    const foreign: string[] = [];
    await ctx.route('**/*', (route) => {
      if (route.request().url().startsWith(s.url)) return route.continue();
      foreign.push(route.request().url());
      return route.abort();
    });
    const page = await ctx.newPage();
    await browserSignIn(page, s.url, user);
    await page.goto(s.url + '/analysis?country=VE');
    expect(await page.textContent('#escalation-sentence')).toMatch(/2020/);
    expect(await page.locator('.chart-svg svg').count()).toBeGreaterThanOrEqual(2);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'analysis-ve-1280');
    await page.selectOption('#act_type', 'raid');
    await page.selectOption('#victim_kind', 'organisation');
    await Promise.all([page.waitForLoadState('load'), page.click('.analysis-form button[type=submit]')]);
    expect(page.url()).toContain('act_type=raid');
    expect(await page.textContent('h1')).toBeTruthy();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'analysis-raids-1280');
    expect(foreign).toEqual([]);
    await ctx.close();
  });

  it('public dashboard at phone width: protected figures, captions, no axe violations', async () => {
    const ctx = await newContext(browser, { width: 390, lang: 'en' });
    const foreign: string[] = [];
    await ctx.route('**/*', (route) => {
      if (route.request().url().startsWith(s.url)) return route.continue();
      foreign.push(route.request().url());
      return route.abort();
    });
    const page = await ctx.newPage();
    await page.goto(s.url + '/dashboards/VE');
    expect(await page.textContent('main')).toContain('No victim is named on this page.');
    expect(await page.locator('.chart-svg svg').count()).toBeGreaterThanOrEqual(1);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'dashboard-ve-390');
    expect(foreign).toEqual([]);
    await ctx.close();
  });
});
