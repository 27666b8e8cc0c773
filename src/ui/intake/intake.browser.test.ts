/**
 * Issue 21's "done means", in Chromium at 390 px in Spanish, once with JavaScript off and once on:
 * an anonymous reporter sends a report with a GPS-tagged photo and gets a code; a documenter sees
 * it in the queue with a clean copy of the photo and replies; the reporter reads the reply with the
 * code and adds a detail; the documenter turns it into a case. axe on every page; no request leaves
 * the app; nothing overflows at 320 px.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp } from '../../../test/support/app.js';
import { axeViolations } from '../../../test/support/axe.js';
import { browserAvailable, browserSignIn, launchBrowser, screenshot } from '../../../test/support/browser.js';
import { makeOrg, makeUser, type TestUser } from '../../../test/support/factories.js';
import { gpsPhoto, hasGps, startIntakeApp } from '../../../test/support/intake.js';
import { setIntakeSetting } from '../../intake/index.js';

function overflowX(): number {
  const el = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
  return el.scrollWidth - el.clientWidth;
}

describe.skipIf(!browserAvailable())('report an attack in Chromium', () => {
  let s: TestApp;
  let browser: Browser;
  let documenter: TestUser;
  let org: string;
  const slug = `observa-${randomBytes(3).toString('hex')}`;
  const thirdParty: string[] = [];

  beforeAll(async () => {
    s = await startIntakeApp('pglite', { stamps: { difficulty: 12, minSecondsWithProof: 0, minSecondsWithoutProof: 2 } });
    org = await makeOrg(s.t, slug);
    await setIntakeSetting(s.t, await makeUser(s.t, org, 'admin'), true, 100);
    documenter = await makeUser(s.t, org, 'documenter');
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  async function context(js: boolean): Promise<BrowserContext> {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 900 }, locale: 'es-VE', javaScriptEnabled: js, extraHTTPHeaders: { 'accept-language': 'es' } });
    await ctx.route('**/*', (route) => {
      if (route.request().url().startsWith(s.url)) return route.continue();
      thirdParty.push(route.request().url());
      return route.abort();
    });
    return ctx;
  }

  /** axe and layout checks run scripts in the page, so they run in the pass with JavaScript on (same HTML). */
  async function check(page: Page, name: string) {
    if (name.endsWith('js-false')) return screenshot(page, `intake-${name}`);
    expect(await axeViolations(page), name).toEqual([]);
    expect(await page.evaluate(overflowX), `${name} overflows at 390 px`).toBeLessThanOrEqual(0);
    await screenshot(page, `intake-${name}`);
  }

  const submit = (page: Page, selector: string) => Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);

  for (const js of [false, true]) {
    it(`works end to end with JavaScript ${js ? 'on' : 'off'}`, async () => {
      const tag = randomBytes(4).toString('hex');
      const reporterCtx = await context(js);
      const reporter = await reporterCtx.newPage();
      await reporter.goto(`${s.url}/report`);
      await check(reporter, `list-js-${js}`);
      // Taken before the form is asked for: the server stamps it later than this, never earlier.
      const formServedAt = Date.now();
      await submit(reporter, `a[href="/report/${slug}"]`);
      await check(reporter, `form-js-${js}`);
      if (js) {
        await reporter.setViewportSize({ width: 320, height: 900 });
        expect(await reporter.evaluate(overflowX)).toBeLessThanOrEqual(0);
        await reporter.setViewportSize({ width: 390, height: 900 });
      }
      await reporter.fill('#f-what', `Allanaron la sede de la asociación HECHO${tag} sin orden judicial.`);
      await reporter.selectOption('#f-year', String(new Date().getUTCFullYear() - 1));
      await reporter.selectOption('#f-month', '5');
      await reporter.selectOption('#f-subdivision', 'VE-V');
      await reporter.check('#f-to-organisation');
      await reporter.setInputFiles('#f-files', { name: 'foto.jpg', mimeType: 'image/jpeg', buffer: await gpsPhoto(tag) });
      await submit(reporter, 'form[data-stamp] button[type=submit]');
      // Without a proof of work the server holds the report until its stamp is 2 s old (the slower path).
      if (!js) expect(Date.now() - formServedAt).toBeGreaterThanOrEqual(1800);
      expect(await reporter.textContent('h1')).toBe('Denuncia recibida');
      const code = ((await reporter.textContent('.code code')) ?? '').trim();
      expect(code.split(' ')).toHaveLength(8);
      await check(reporter, `receipt-js-${js}`);

      // The documenter: queue, report with a clean photo, reply.
      const staffCtx = await context(js);
      const staff = await staffCtx.newPage();
      documenter.totpSecret = await browserSignIn(staff, s.url, documenter);
      await staff.goto(`${s.url}/incidents`);
      expect(await staff.textContent('main')).toContain('denuncia');
      await staff.goto(`${s.url}/intake/reports`);
      await check(staff, `queue-js-${js}`);
      expect(await staff.textContent('main')).toContain(`HECHO${tag}`);
      const link = staff.locator('main a[href^="/intake/reports/"]', { hasText: 'Recibida' }).first();
      await Promise.all([staff.waitForNavigation({ waitUntil: 'load' }), link.click()]);
      await check(staff, `report-js-${js}`);
      const img = staff.locator('img.report-photo');
      expect(await img.count()).toBe(1);
      const clean = await staffCtx.request.get(s.url + ((await img.getAttribute('src')) ?? ''));
      const cleanBytes = Buffer.from(await clean.body());
      expect(await hasGps(cleanBytes)).toBe(false);
      expect(cleanBytes.includes(Buffer.from(`ARTIST${tag}`))).toBe(false);
      await staff.fill('#answer', `Gracias. ¿Cuántas personas entraron? RESPUESTA${tag}`);
      await submit(staff, 'button[name=kind][value=request]');
      expect(await staff.textContent('main')).toContain('Respuesta enviada.');

      // The reporter reads the reply with the code and adds a detail.
      await reporter.goto(`${s.url}/report/follow-up`);
      await check(reporter, `follow-js-${js}`);
      await reporter.fill('#f-code', code);
      await submit(reporter, 'main form button[type=submit]');
      expect(await reporter.textContent('main')).toContain(`RESPUESTA${tag}`);
      await check(reporter, `thread-js-${js}`);
      await reporter.fill('#f-message', `Entraron seis personas DETALLE${tag}`);
      await submit(reporter, 'form[action="/report/follow-up/add"] button[type=submit]');
      expect(await reporter.textContent('main')).toContain('Su información fue añadida.');

      // The documenter sees the detail and turns the report into a case.
      await staff.reload();
      expect(await staff.textContent('main')).toContain(`DETALLE${tag}`);
      await submit(staff, 'form[action$="/case"] button[type=submit]');
      expect(staff.url()).toMatch(/\/incidents\/new\/[0-9a-f-]{36}\/incident$/);
      expect(await staff.inputValue('#title')).toContain(`HECHO${tag}`);
      const draft = staff.url().split('/')[5]!;
      // The steps the report could not fill (a victim and an act), posted as the wizard's forms do.
      const csrf = (await staff.getAttribute('input[name=_csrf]', 'value')) ?? '';
      await staffCtx.request.post(`${s.url}/incidents/new/${draft}/victims`, { form: { _csrf: csrf, rows: '1', v0_key: 'vk', v0_kind: 'organisation', v0_name: `Asociación ${tag}`, v0_use: 'new' } });
      await staffCtx.request.post(`${s.url}/incidents/new/${draft}/acts`, { form: { _csrf: csrf, rows: '1', a0_key: 'ak', a0_victim: 'vk', a0_actType: 'raid' } });
      await staff.goto(`${s.url}/incidents/new/${draft}/review`);
      await submit(staff, `form[action="/incidents/new/${draft}/save"] button[type=submit]`);
      expect(staff.url()).toMatch(/\/incidents\/[0-9a-f-]{36}\?saved=1$/);
      const incidentId = /\/incidents\/([0-9a-f-]{36})/.exec(staff.url())![1]!;
      const rep = await sql<{ status: string }>`SELECT status FROM intake_report WHERE organisation_id = ${org} AND case_id = ${incidentId}`.execute(s.t.ownerDb);
      expect(rep.rows.map((r) => r.status)).toEqual(['case']);
      await reporterCtx.close();
      await staffCtx.close();
      expect(thirdParty).toEqual([]);
    }, 180_000);
  }
});
