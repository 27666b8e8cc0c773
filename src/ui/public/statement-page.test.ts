/**
 * The public statement page as the February 2021 statement shows it: the coordinating organisation
 * named as publisher, the photo credit labelled, other versions named in lowercase in Spanish, and
 * a public home that leads to the statements and whose cards link somewhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../records/index.js';
import { loadDemoStatement } from '../../statements/index.js';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { engines } from '../../../test/support/db.js';

describe.each(engines)('public statement page on %s', (engine) => {
  let s: TestApp;
  beforeAll(async () => {
    s = await startTestApp(engine);
    const demo = await loadDemo(s.t);
    await loadDemoStatement(s.t, demo);
  }, 120_000);
  afterAll(async () => s?.close());

  const page = async (url: string, lang = 'es') => (await s.app.inject({ url, headers: { 'accept-language': lang } })).body;

  it('names the coordinating organisation as publisher and labels the photo credit, in each language', async () => {
    const es = await page('/statements/venezuela-solidarity-2021-es');
    expect(es).toMatch(/class="publisher"> · Publica: [^<]*\(demo\)</);
    expect(es).toMatch(/<figcaption>Foto: Atalaya demo/);
    const en = await page('/statements/venezuela-solidarity-2021-en', 'en');
    expect(en).toMatch(/class="publisher"> · Published by [^<]*\(demo\)</);
    expect(en).toMatch(/<figcaption>Photo: Atalaya demo/);
  });

  it('names the other version as a sentence does: "Versión en español", "Version in English"', async () => {
    expect(await page('/statements/venezuela-solidarity-2021-en', 'en')).toContain('>Versión en español</a>');
    expect(await page('/statements/venezuela-solidarity-2021-es')).toContain('>Version in English</a>');
  });

  it('gives every Atom entry its author', async () => {
    const atom = await page('/statements.atom');
    const entries = atom.split('<entry>').slice(1);
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) expect(e).toMatch(/<author>\s*<name>[^<]+<\/name>\s*<\/author>/);
  });

  it('the public home leads to the statements and its cards link to the figures that count them', async () => {
    const home = await page('/');
    expect(home).toContain('href="/statements"');
    const cards = home.split('<li class="card">').slice(1);
    expect(cards.length).toBeGreaterThan(0);
    for (const c of cards) expect(c).toMatch(/<h3><a href="\/dashboards\/VE">/);
  });
});
