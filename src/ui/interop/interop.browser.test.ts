/**
 * The import and export pages in Chromium, as a documenter on a phone uses them: upload a Spanish
 * spreadsheet, map its columns, resolve the values that match no vocabulary term, preview, import,
 * follow the job, and export the same cases again — with axe on every page.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sheetCsv, sheetHeaders, sheetProfile } from '../../interop/testing/spanish-sheet.js';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { axeViolations } from '../../../test/support/axe.js';
import { browserAvailable, browserSignIn, launchBrowser, newContext, screenshot } from '../../../test/support/browser.js';
import { makeOrg, makeUser, type TestUser } from '../../../test/support/factories.js';

const N = 60;

async function submit(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.click(selector)]);
}

describe.skipIf(!browserAvailable())('import and export pages in Chromium', () => {
  let s: TestApp;
  let browser: Browser;
  let user: TestUser;
  let csv: string;

  beforeAll(async () => {
    s = await startTestApp('pglite');
    const org = await makeOrg(s.t);
    user = await makeUser(s.t, org, 'documenter');
    csv = join(s.t.dataDir, 'registro-de-casos.csv');
    writeFileSync(csv, sheetCsv(N, 3));
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('spreadsheet in, mapped, previewed, imported and exported again at 390 px, in Spanish, without axe violations', async () => {
    const ctx = await newContext(browser, { width: 390, lang: 'es' });
    const page = await ctx.newPage();
    await browserSignIn(page, s.url, user);

    await page.goto(s.url + '/import');
    expect(await page.textContent('h1')).toMatch(/Importar/i);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'import-home-390');
    await page.setInputFiles('#import-file', csv);
    await submit(page, 'form[action="/import"] button[type=submit]');
    expect(page.url()).toMatch(/\/import\/u\/[\w-]+\/map$/);

    // Mapping: the page guessed some columns; the user sets each one as their profile has it.
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'import-map-390');
    const profile = sheetProfile('registro-navegador');
    const fieldOf = new Map(Object.entries(profile.columns).map(([field, column]) => [column, field]));
    for (let i = 0; i < sheetHeaders.length; i++) await page.selectOption(`#col-${i}`, fieldOf.get(sheetHeaders[i]!) ?? '');
    await page.fill('#dataset', profile.dataset);
    await page.fill('#separator', profile.separator);
    await page.fill('#formats', profile.dates.formats.join(', '));
    await submit(page, 'form[action$="/map"] button[type=submit]');
    expect(page.url()).toMatch(/\/preview$/);

    // Preview: the act types written in the sheet's own way that match no term are listed with
    // suggestions; nothing is created. The group term "Hostigamiento judicial" is mapped by hand.
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'import-preview-390');
    const unmatched = await page.locator('form[action$="/values"] tbody th[scope=row]').allTextContents();
    expect(unmatched.length).toBeGreaterThan(0);
    expect(unmatched).toContain('alanamiento');
    for (let i = 0; i < unmatched.length; i++) {
      if (unmatched[i] === 'Hostigamiento judicial') await page.selectOption(`#map-${i}`, 'criminal_charges');
    }
    await submit(page, 'form[action$="/values"] button[type=submit]');
    expect(await page.locator('form[action$="/values"]').count()).toBe(0);
    expect(await page.isChecked('#mode-aon')).toBe(true);
    await submit(page, 'form[action$="/run"] button[type=submit]');
    expect(page.url()).toMatch(/\/import\/jobs\/[0-9a-f-]{36}$/);

    // The job page refreshes itself (no script) until the import is complete.
    await page.locator('[role=status]', { hasText: /completa|complete/i }).waitFor({ timeout: 60_000 });
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'import-job-390');
    expect(await page.textContent('main')).toContain(String(N));

    // Export what the case list shows, from the export page's link, and count the rows.
    await page.goto(s.url + '/export?country=VE');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'export-390');
    const href = await page.locator('.export-links a[href*="format=csv"]').first().getAttribute('href');
    expect(href).toContain('country=VE');
    const res = await page.request.get(s.url + href);
    expect(res.status()).toBe(200);
    const rows = parse(await res.text(), { columns: true, bom: true }) as Record<string, string>[];
    expect(new Set(rows.map((r) => r.id ?? r.incident_id ?? Object.values(r)[0])).size).toBe(N);
    await ctx.close();
  }, 300_000);

  it('the import page in English at 1280 px names the fields in English', async () => {
    const ctx = await newContext(browser, { width: 1280, lang: 'en' });
    const page = await ctx.newPage();
    await browserSignIn(page, s.url, user);
    await page.goto(s.url + '/import');
    expect(await page.textContent('h1')).toMatch(/Import/);
    expect(await page.textContent('main')).toMatch(/registro-navegador/);
    expect(await axeViolations(page)).toEqual([]);
    await ctx.close();
  }, 120_000);
});
