/**
 * Figures that do not mislead, in Chromium at 390 px: chart text is at least 12 CSS px as rendered
 * (the SVG is not shrunk below its own width; it scrolls in its box, the page does not), the public
 * dashboard never tells a hidden cell as zero or as a maximum, /analysis explains why the bars add
 * up to more than the incidents, and counting victims says when a few incidents make the change.
 * axe finds nothing on any of these pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadDemo } from '../../records/index.js';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { axeViolations } from '../../../test/support/axe.js';
import { browserAvailable, browserSignIn, launchBrowser, newContext, type SignedIn } from '../../../test/support/browser.js';
import { makeUser, type TestUser } from '../../../test/support/factories.js';

/** Runs in the browser: the smallest rendered font size (CSS px) of the text in each chart, and the page's horizontal overflow. */
function measure(): { smallest: number; texts: number; overflow: number } {
  // DOM types are not in this project's lib: the few members used are typed here.
  type El = { textContent: string | null; getScreenCTM(): { a: number; b: number } | null };
  const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El>; documentElement: { scrollWidth: number; clientWidth: number } } }).document;
  const win = globalThis as unknown as { getComputedStyle: (e: El) => { fontSize: string } };
  let smallest = Infinity;
  let texts = 0;
  for (const el of Array.from(doc.querySelectorAll('.chart-svg svg text'))) {
    if (!el.textContent?.trim()) continue;
    const ctm = el.getScreenCTM();
    if (!ctm) continue;
    const scale = Math.hypot(ctm.a, ctm.b);
    smallest = Math.min(smallest, parseFloat(win.getComputedStyle(el).fontSize) * scale);
    texts++;
  }
  const root = doc.documentElement;
  return { smallest, texts, overflow: root.scrollWidth - root.clientWidth };
}

describe.skipIf(!browserAvailable())('figures at 390 px in Chromium', () => {
  let s: TestApp;
  let browser: Browser;
  let analyst: TestUser;
  // The analyst signs in once: each further sign-in would wait for a fresh second-factor code.
  let signedIn: SignedIn;

  beforeAll(async () => {
    s = await startTestApp('pglite');
    const demo = await loadDemo(s.t);
    analyst = await makeUser(s.t, demo.organisations.observatorio, 'analyst', [demo.coalitionId]);
    browser = await launchBrowser();
    const ctx = await newContext(browser, { width: 390 });
    await browserSignIn(await ctx.newPage(), s.url, analyst);
    signedIn = await ctx.storageState();
    await ctx.close();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  async function open(path: string, signIn: boolean, lang = 'es'): Promise<Page> {
    const ctx = await newContext(browser, { width: 390, lang, ...(signIn ? { signedIn } : {}) });
    const page = await ctx.newPage();
    await page.goto(s.url + path);
    return page;
  }

  it.each([
    ['/analysis?country=VE', true],
    ['/analysis?country=VE&unit=victims', true],
    ['/dashboards/VE', false],
  ])('%s: chart text is at least 12 CSS px, the page does not scroll sideways, axe finds nothing', async (path, signIn) => {
    const page = await open(path, signIn);
    const m = await page.evaluate(measure);
    expect(m.texts).toBeGreaterThan(5);
    expect(m.smallest).toBeGreaterThanOrEqual(11.95);
    expect(m.overflow).toBeLessThanOrEqual(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('/analysis?unit=victims says when a few incidents with many victims make the trend (demo: a group of 50)', async () => {
    const page = await open('/analysis?country=VE&unit=victims', true);
    const text = await page.locator('#unit-dominance').innerText();
    expect(text).toMatch(/pocos incidentes con muchas víctimas/);
    expect(text).toMatch(/incidentes suman \d+ víctimas|un solo incidente suma/);
    await page.context().close();
  });

  it('/analysis explains why the bars can add up to more than the incidents, in both languages', async () => {
    for (const lang of ['es', 'en']) {
      const page = await open(`/analysis?country=VE&lang=${lang}`, true, lang);
      const note = await page.locator('#by-type-note').innerText();
      expect(note).toMatch(lang === 'es' ? /cuenta una vez en cada tipo/ : /counts once in each type/);
      await page.context().close();
    }
  });

  it('the public dashboard never tells a hidden cell as zero or as a maximum', async () => {
    const page = await open('/dashboards/VE', false);
    const descs = await page.locator('.chart-desc').allInnerTexts();
    expect(descs.length).toBeGreaterThan(0);
    for (const d of descs) {
      expect(d).not.toMatch(/Máximo: 0|Total mostrado: 0/);
      if (/ocult/.test(d)) expect(d).toMatch(/menor que|menos de/);
    }
    await page.context().close();
  });
});
