/**
 * The documentation workspace as a documenter uses it, in Chromium with JavaScript on: sign in,
 * document an incident with two acts and a photo, find it again with an accent-less word, edit it
 * from two browsers at once and merge, read its history. Every page is checked with axe, weighed,
 * and photographed at 390 and 1280 px under artifacts/screenshots/.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadDemo } from '../../records/index.js';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { axeViolations } from '../../../test/support/axe.js';
import { browserAvailable, browserSignIn, launchBrowser, newContext, screenshot } from '../../../test/support/browser.js';

/** Horizontal overflow of the page in CSS pixels (runs in the browser). */
function overflowX(): number {
  const el = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
  return el.scrollWidth - el.clientWidth;
}

describe.skipIf(!browserAvailable())('documentation workspace in Chromium', () => {
  let s: TestApp;
  let browser: Browser;
  let login: { email: string; password: string };
  let secret = '';
  const thirdParty: string[] = [];

  beforeAll(async () => {
    s = await startTestApp('pglite');
    login = (await loadDemo(s.t)).admin;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  async function context(width: number, lang = 'es'): Promise<BrowserContext> {
    const ctx = await newContext(browser, { width, lang });
    await ctx.route('**/*', (route) => {
      if (route.request().url().startsWith(s.url)) return route.continue();
      thirdParty.push(route.request().url());
      return route.abort();
    });
    return ctx;
  }

  /** Bytes transferred for the page: the document and every same-origin sub-resource it loads. */
  function weigh(page: Page): () => number {
    let total = 0;
    page.on('response', (r) => {
      void r.body().then(
        (b) => (total += b.length + 300),
        () => undefined,
      );
    });
    return () => total;
  }

  async function check(page: Page, name: string) {
    expect(await axeViolations(page), name).toEqual([]);
    await screenshot(page, name);
  }

  async function go(page: Page, url: string): Promise<number> {
    let total = 0;
    const on = (r: { body(): Promise<Buffer> }) => void r.body().then((b) => (total += b.length), () => undefined);
    page.on('response', on);
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForTimeout(150);
    page.off('response', on);
    return total;
  }

  it('documents an incident with two acts and a photo, finds it without accents, merges a conflict and shows the history', async () => {
    const ctx = await context(390);
    const page = await ctx.newPage();
    weigh(page);
    secret = await browserSignIn(page, s.url, login);
    expect(new URL(page.url()).pathname).toBe('/incidents');
    expect(await go(page, s.url + '/incidents')).toBeLessThan(100_000);
    await check(page, 'ws-incidents-390');

    // Intake
    await page.click('header >> text=Documentar un incidente');
    await page.click('main button[type=submit]');
    await page.waitForURL('**/incident');
    await check(page, 'ws-intake-incident-390');
    await page.fill('#title', 'Detención de dos defensoras en Maracaibo');
    await page.fill('#startDate', '2024-03');
    await page.check('#startDateApprox');
    await page.selectOption('#subdivision', 'VE-V');
    await page.fill('#placeName', 'Maracaibo');
    await page.fill('#narrative', 'Funcionarios policiales detuvieron a dos defensoras y allanaron la sede del colectivo.');
    await Promise.all([page.waitForURL('**/victims'), page.click('button[value=next]')]);
    await page.fill('#v0_name', 'Carmen Elena Duarte');
    await page.click('.sectors summary >> nth=0');
    await page.check('#v0_sectors_women_defenders');
    await Promise.all([page.waitForLoadState('load'), page.click('button[value=add]')]);
    await page.fill('#v1_name', 'Luisa Paredes');
    await check(page, 'ws-intake-victims-390');
    await Promise.all([page.waitForURL('**/acts'), page.click('button[value=next]')]);
    await page.selectOption('#a0_victim', { label: 'Carmen Elena Duarte' });
    await page.selectOption('#a0_actType', 'detention');
    await page.fill('#a0_startDate', '2024-03-05');
    await Promise.all([page.waitForLoadState('load'), page.click('button[value=add]')]);
    await page.selectOption('#a1_victim', { label: 'Luisa Paredes' });
    await page.selectOption('#a1_actType', 'raid');
    await page.fill('#a1_startDate', '2024-03');
    await check(page, 'ws-intake-acts-390');
    await Promise.all([page.waitForURL('**/perpetrators'), page.click('button[value=next]')]);
    await page.selectOption('#p0_act', { index: 1 });
    await page.selectOption('#p0_perpetratorType', 'police');
    await Promise.all([page.waitForURL('**/sources'), page.click('button[value=next]')]);
    await page.selectOption('#s0_sourceType', 'testimony_relative');
    await page.fill('#s0_identity', 'Hermana de una de las defensoras');
    await Promise.all([page.waitForURL('**/evidence'), page.click('button[value=next]')]);
    const photo = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#884422' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'PhoneCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '10/1 39/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '71/1 38/1 0/1' } })
      .toBuffer();
    await page.fill('#description', 'Foto de la patrulla');
    await page.setInputFiles('#file', { name: 'IMG_2024.jpg', mimeType: 'image/jpeg', buffer: photo });
    await Promise.all([page.waitForURL('**/evidence'), page.click('form.upload button[type=submit]')]);
    const { createHash } = await import('node:crypto');
    expect(await page.textContent('main')).toContain(createHash('sha256').update(photo).digest('hex'));
    await check(page, 'ws-intake-evidence-390');
    await Promise.all([page.waitForURL('**/review'), page.click('button[value=next]')]);
    expect(await page.textContent('main')).toContain('Carmen Elena Duarte');
    await check(page, 'ws-intake-review-390');
    await Promise.all([page.waitForURL(/\/incidents\/[0-9a-f-]{36}\?saved=1$/), page.click('form.finish button')]);
    const caseUrl = page.url().split('?')[0]!;
    expect(await page.textContent('main')).toContain('Luisa Paredes');
    expect(await page.textContent('main')).toContain('copia sin metadatos');
    await check(page, 'ws-case-390');

    // Found again with an accent-less word
    await page.goto(s.url + '/incidents');
    await page.fill('#q', 'detencion maracaibo');
    await Promise.all([page.waitForLoadState('load'), page.click('form.list-search button[type=submit]')]);
    expect(await page.textContent('.results')).toContain('Detención de dos defensoras en Maracaibo');
    await check(page, 'ws-search-390');

    // Evidence file page and actor page
    await page.goto(caseUrl);
    await page.click('ul.evidence a >> nth=0');
    expect(await page.textContent('main')).toContain('Cadena de custodia');
    await check(page, 'ws-evidence-390');
    await page.goto(caseUrl);
    await page.click('text=Carmen Elena Duarte >> nth=0');
    expect(await page.textContent('main')).toContain('Detención');
    await check(page, 'ws-actor-390');

    // Two browsers edit at once
    const ctx2 = await context(1280);
    const other = await ctx2.newPage();
    await browserSignIn(other, s.url, { ...login, totpSecret: secret });
    await page.goto(caseUrl + '/edit');
    await other.goto(caseUrl + '/edit');
    await check(page, 'ws-edit-390');
    await other.fill('#title', 'Detención de dos defensoras (Maracaibo, Zulia)');
    await other.fill('#reason', 'título con el estado');
    await Promise.all([other.waitForURL(/version=/), other.click('main button[type=submit]')]);
    await page.fill('#placeName', 'Sede del colectivo, Maracaibo');
    await page.fill('#reason', 'lugar exacto');
    await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit]')]);
    expect(await page.textContent('h1')).toContain('Otra persona guardó este registro antes');
    await check(page, 'ws-conflict-390');
    await page.check('#title__c');
    await Promise.all([page.waitForURL(/version=/), page.click('main button[type=submit]')]);
    const merged = await page.textContent('main');
    expect(merged).toContain('Detención de dos defensoras (Maracaibo, Zulia)');
    expect(merged).toContain('Sede del colectivo, Maracaibo');

    // History with reasons and a readable diff
    await page.click('text=Historial de versiones');
    const history = await page.textContent('main');
    expect(history).toContain('título con el estado');
    expect(history).toContain('lugar exacto');
    expect(history).toContain('Sede del colectivo, Maracaibo');
    await check(page, 'ws-history-390');

    // Wide screen, English
    await other.goto(s.url + '/incidents?lang=en');
    expect(await other.textContent('h1')).toBe('Incidents');
    await check(other, 'ws-incidents-1280');
    await other.goto(caseUrl);
    await check(other, 'ws-case-1280');
    await other.goto(caseUrl + '/history');
    await check(other, 'ws-history-1280');
    await other.goto(s.url + '/incidents/new');
    await Promise.all([other.waitForURL('**/incident'), other.click('main button[type=submit]')]);
    await check(other, 'ws-intake-1280');

    expect(thirdParty).toEqual([]);
    await ctx.close();
    await ctx2.close();
  }, 180_000);

  it('keeps every workspace page under 100 KB at 320 px without horizontal scrolling', async () => {
    const ctx = await context(320);
    const page = await ctx.newPage();
    await browserSignIn(page, s.url, { ...login, totpSecret: secret });
    const paths = ['/incidents', '/incidents/new'];
    for (const p of paths) {
      const bytes = await go(page, s.url + p);
      expect(bytes, p).toBeLessThan(100_000);
      const overflow = await page.evaluate(overflowX);
      expect(overflow, p).toBeLessThanOrEqual(0);
    }
    await Promise.all([page.waitForURL('**/incident'), page.click('main button[type=submit]')]);
    // With JavaScript the draft is saved while typing: a reload (or a dropped connection) loses nothing.
    await page.fill('#title', 'Amenazas a un sindicalista en Guayana');
    await page.locator('.autosave-status', { hasText: 'Borrador guardado a las' }).waitFor({ timeout: 10_000 });
    await page.reload();
    expect(await page.inputValue('#title')).toBe('Amenazas a un sindicalista en Guayana');
    const bytes = await go(page, page.url().replace(/incident$/, 'acts'));
    expect(bytes).toBeLessThan(100_000);
    expect(await page.evaluate(overflowX)).toBeLessThanOrEqual(0);
    await screenshot(page, 'ws-intake-acts-320');
    await ctx.close();
  }, 120_000);
});
