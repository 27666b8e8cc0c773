/**
 * The whole set-up journey of issue 16 ("Done means"), in one real browser, in Spanish at 390 px,
 * without JavaScript (axe runs in a scripted twin of each context): an empty data folder and no
 * demo → `init` prints a set-up link → the installation administrator creates two organisations
 * and invites their administrators by e-mail (read from the outbox) → they and their colleagues set
 * their own passwords and enrol the second factor → one administrator creates a coalition on the
 * web and invites the other organisation, whose administrator accepts and names its focal point →
 * a documenter records a case and shares it from its page with one extra field → the partner sees
 * it with only the shared fields → a statement in two languages is opened for signatures with an
 * invitation to the partner, whose focal point is notified (page and e-mail), reads the full text
 * of both versions and signs → the statement is published (after the confirmation page) and shows
 * the partner among its signatories.
 *
 * Each person signs in once (through their invitation) and keeps their browser context: a further
 * sign-in would wait for a fresh 30-second code step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { initInstallation } from '../../src/cli/init.command.js';
import type { CliIO } from '../../src/cli/cli-io.js';
import { readOutbox } from '../../src/shared/mail.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { axeViolations } from '../support/axe.js';
import { engines } from '../support/db.js';
import { browserAvailable, launchBrowser, screenshot, type SignedIn } from '../support/browser.js';
import { totpCode } from '../support/totp.js';

// On each engine: PGlite, and (with DATABASE_URL) PostgreSQL as the unprivileged application role,
// so row-level security is on along the whole journey.
describe.skipIf(!browserAvailable()).each(engines)('set-up journey (issue 16) on %s: es, 390 px, no JavaScript', (engine) => {
  let s: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // No demo data: a fresh, migrated, empty database and data folder.
    s = await startTestApp(engine, {}, { rls: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await s?.close();
  });

  const context = async (js: boolean, signedIn?: SignedIn): Promise<BrowserContext> => {
    const c = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'es-VE',
      extraHTTPHeaders: { 'accept-language': 'es' },
      javaScriptEnabled: js,
      ...(signedIn ? { storageState: signedIn } : {}),
    });
    contexts.push(c);
    return c;
  };

  /** axe on the page `from` is on (or `url`), in a scripted twin with the same cookies; a screenshot of it. */
  const axe = async (from: BrowserContext, url: string, name: string) => {
    const twin = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'es-VE', extraHTTPHeaders: { 'accept-language': 'es' }, storageState: await from.storageState() });
    try {
      const p = await twin.newPage();
      await p.goto(url);
      expect(await axeViolations(p), name).toEqual([]);
      await screenshot(p, `journey-${engine}-${name}-390`);
    } finally {
      await twin.close();
    }
  };

  const submit = (page: Page, selector = 'main button[type=submit]') => Promise.all([page.waitForLoadState('load'), page.click(selector)]);
  const path = (page: Page) => new URL(page.url()).pathname;

  /** The newest invitation link e-mailed to `to` (the outbox of the data folder). */
  async function linkFor(to: string, after = 0): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const mails = readOutbox(s.t.dataDir).filter((m) => m.to.includes(to));
      if (mails.length > after) return /\/invitations\/[A-Za-z0-9_%-]+/.exec(mails[mails.length - 1]!.text)![0];
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no mail to ${to}`);
  }

  /** The path of the newest statement invitation e-mailed to `to`. */
  async function linkToInvitation(to: string): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const m = readOutbox(s.t.dataDir).filter((x) => x.to.includes(to)).map((x) => /\/coordinate\/invitations\/[0-9a-f-]{36}/.exec(x.text)?.[0]).filter(Boolean);
      if (m.length) return m[m.length - 1]!;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no statement invitation mailed to ${to}`);
  }

  /** Follows an invitation link in a new context: name, own password, second factor; returns the signed-in page. */
  async function accept(link: string, name: string, password: string, shot?: string, home = '/incidents'): Promise<Page> {
    const c = await context(false);
    const p = await c.newPage();
    await p.goto(s.url + link);
    if (shot) await axe(c, s.url + link, shot);
    await p.fill('#invite-name', name);
    await p.fill('#invite-password', password);
    await submit(p);
    expect(path(p)).toBe('/account/totp');
    const secret = ((await p.textContent('code.secret')) ?? '').replace(/\s/g, '');
    await p.fill('#code', await totpCode(secret));
    await submit(p);
    await submit(p, 'main a.button');
    expect(path(p)).toBe(home);
    return p;
  }

  /** An organisation administrator invites a colleague with a role from /admin/users. */
  async function invite(admin: Page, email: string, role: string) {
    await admin.goto(`${s.url}/admin/users`);
    await admin.fill('#add-email', email);
    await admin.selectOption('#add-role', role);
    await submit(admin, 'main form[action="/admin/users"] button[type=submit]');
    expect(await admin.textContent('[role=status]')).toContain('Invitación enviada');
  }

  it("from an empty installation to a joint statement signed by the partner's focal point and published", async () => {
    // `atalaya init`: the installation administrator and a one-time set-up link (no password printed).
    const printed: string[] = [];
    const io: CliIO = { out: (l) => printed.push(l), err: (l) => printed.push(l), lang: 'es', env: {}, tty: false };
    expect(await initInstallation(s.t.db, s.url, io, 'instalacion@example.org')).toBe(true);
    const setupUrl = /https?:\/\/\S+\/password\/reset\?token=\S+/.exec(printed.join('\n'))?.[0];
    expect(setupUrl, printed.join('\n')).toBeTruthy();

    const inst = await context(false);
    const ip = await inst.newPage();
    await ip.goto(setupUrl!);
    await axe(inst, setupUrl!, 'setup-link');
    await ip.fill('#password', 'un faro sobre la costa 2026');
    await submit(ip);
    await ip.goto(`${s.url}/login`);
    await ip.fill('#email', 'instalacion@example.org');
    await ip.fill('#password', 'un faro sobre la costa 2026');
    await submit(ip);
    expect(path(ip)).toBe('/account/totp');
    const instSecret = ((await ip.textContent('code.secret')) ?? '').replace(/\s/g, '');
    await ip.fill('#code', await totpCode(instSecret));
    await submit(ip);
    await submit(ip, 'main a.button');
    expect(path(ip)).toBe('/installation');

    // Two organisations, each with its administrator invited by e-mail.
    for (const [name, slug, email] of [
      ['Red Zulia', 'red-zulia', 'directora@zulia.example.org'],
      ['Red Andina', 'red-andina', 'director@andina.example.org'],
    ] as const) {
      await ip.goto(`${s.url}/installation`);
      await ip.fill('#org-name', name);
      await ip.fill('#org-slug', slug);
      await ip.selectOption('#org-zone', 'America/Caracas');
      await submit(ip);
      expect(await ip.textContent('[role=status]')).toContain('Organización creada');
      expect(path(ip)).toMatch(/^\/installation\/organisations\/[0-9a-f-]{36}$/);
      await ip.fill('#invite-email', email);
      await submit(ip, 'main form[action$="/invitations"] button[type=submit]');
      expect(await ip.textContent('[role=status]')).toContain('Invitación enviada');
    }
    await axe(inst, `${s.url}/installation`, 'installation');

    const zulia = await accept(await linkFor('directora@zulia.example.org'), 'Directora Zulia', 'una frase larga que solo yo sé', 'invitation');
    expect(await zulia.textContent('header .who')).toContain('Red Zulia · administración');
    const andina = await accept(await linkFor('director@andina.example.org'), 'Director Andina', 'otra frase larga de la cordillera');
    expect(await andina.textContent('header .who')).toContain('Red Andina · administración');

    // Colleagues: a documenter in Red Zulia, an analyst in Red Andina.
    await invite(zulia, 'documentadora@zulia.example.org', 'documenter');
    await axe(zulia.context(), `${s.url}/admin/users`, 'admin-users');
    await invite(andina, 'analista@andina.example.org', 'analyst');
    const doc = await accept(await linkFor('documentadora@zulia.example.org'), 'Documentadora Zulia', 'mi cuaderno de campo en maracaibo');
    const analyst = await accept(await linkFor('analista@andina.example.org'), 'Analista Andina', 'los datos hablan desde los andes');

    // The coalition, on the web: Red Zulia's administrator creates it and invites Red Andina…
    await zulia.goto(`${s.url}/coalitions`);
    await axe(zulia.context(), `${s.url}/coalitions`, 'coalitions');
    await zulia.fill('#c-name', 'Coalición Occidente');
    await zulia.fill('#c-desc', 'Documentación conjunta en el occidente del país');
    await submit(zulia, 'main form[action="/coalitions"] button[type=submit]');
    expect(path(zulia)).toMatch(/^\/coalitions\/[0-9a-f-]{36}$/);
    const coalitionUrl = zulia.url().split('?')[0]!;
    await zulia.selectOption('#inv-org', { label: 'Red Andina' });
    await submit(zulia, 'main form[action$="/invite"] button[type=submit]');
    expect(path(zulia)).toBe(new URL(coalitionUrl).pathname);
    // …whose administrator accepts from its own workspace, then names its focal point.
    await andina.goto(`${s.url}/coalitions`);
    expect(await andina.textContent('main')).toContain('Coalición Occidente');
    await axe(andina.context(), `${s.url}/coalitions`, 'coalition-invited');
    await submit(andina, 'main form[action^="/coalitions/invitations/"] button[value=accept]');
    expect(andina.url().split('?')[0]).toBe(coalitionUrl);
    await invite(andina, 'enlace@andina.example.org', 'signatory');
    const focal = await accept(await linkFor('enlace@andina.example.org'), 'Enlace Andina', 'firmamos juntas desde merida', undefined, '/coordinate/invitations');
    await andina.goto(coalitionUrl);
    await andina.getByLabel('Enlace Andina', { exact: false }).check();
    await submit(andina, 'main form[action$="/focal-points"] button[type=submit]');
    const members = (await andina.textContent('main')) ?? '';
    expect(members).toContain('Red Zulia');
    expect(members).toContain('Red Andina');
    await axe(andina.context(), coalitionUrl, 'coalition');

    // The documenter records a case through the intake pages.
    await doc.goto(`${s.url}/incidents/new`);
    await submit(doc);
    await doc.waitForURL('**/incident');
    await doc.fill('#title', 'Detención de dos defensoras en Maracaibo');
    await doc.fill('#startDate', '2026-11-05');
    await doc.selectOption('#subdivision', 'VE-V');
    await doc.fill('#placeName', 'Sector Santa Lucía');
    await doc.fill('#narrative', 'Funcionarios policiales detuvieron a dos defensoras frente a la sede del colectivo.');
    await Promise.all([doc.waitForURL('**/victims'), doc.click('button[value=next]')]);
    await doc.fill('#v0_name', 'Carmen Elena Duarte');
    await Promise.all([doc.waitForURL('**/acts'), doc.click('button[value=next]')]);
    await doc.selectOption('#a0_victim', { label: 'Carmen Elena Duarte' });
    await doc.selectOption('#a0_actType', 'detention');
    await doc.fill('#a0_startDate', '2026-11-05');
    await Promise.all([doc.waitForURL('**/perpetrators'), doc.click('button[value=next]')]);
    await Promise.all([doc.waitForURL('**/sources'), doc.click('button[value=next]')]);
    await Promise.all([doc.waitForURL('**/evidence'), doc.click('button[value=next]')]);
    await Promise.all([doc.waitForURL('**/review'), doc.click('button[value=next]')]);
    await Promise.all([doc.waitForURL(/\/incidents\/[0-9a-f-]{36}\?saved=1$/), doc.click('form.finish button')]);
    const caseUrl = doc.url().split('?')[0]!;

    // …and shares it from its page with the coalition, adding only the place names.
    expect(await doc.textContent('#sharing')).toContain('No se comparte con ninguna coalición');
    await doc.check('#sharing input[name=coalition]');
    await doc.check('#sharing input[name^=fields_][value=place_names]');
    await submit(doc, '#sharing button[type=submit]');
    const sharing = (await doc.textContent('#sharing')) ?? '';
    expect(sharing).toContain('Coalición Occidente');
    expect(sharing).toContain('Red Andina');
    expect(sharing).not.toContain('No se comparte con ninguna coalición');
    await axe(doc.context(), caseUrl, 'case-shared');

    // The partner sees it, with only the shared fields.
    await analyst.goto(`${s.url}/incidents`);
    expect(await analyst.textContent('main')).toContain('Detención de dos defensoras en Maracaibo');
    await analyst.goto(caseUrl);
    const seen = (await analyst.textContent('main')) ?? '';
    expect(seen).toContain('Detención de dos defensoras en Maracaibo');
    expect(seen).toContain('Sector Santa Lucía'); // the one extra field shared
    expect(seen).not.toContain('Funcionarios policiales detuvieron');
    expect(seen).not.toContain('Carmen Elena Duarte');
    expect(seen).not.toContain('Historial');
    expect(await analyst.locator('#sharing').count()).toBe(0);
    await axe(analyst.context(), caseUrl, 'case-partner');

    // A statement citing the case, in Spanish and English, opened for signatures by inviting Red Andina.
    await zulia.goto(`${s.url}/coordinate/statements/new`);
    await axe(zulia.context(), `${s.url}/coordinate/statements/new`, 'statement-new');
    await zulia.fill('#slug', 'libertad-defensoras-maracaibo');
    await zulia.fill('#title', 'Exigimos la libertad de las defensoras detenidas en Maracaibo');
    await zulia.fill('#lead', 'Las organizaciones firmantes rechazan la detención.');
    await zulia.fill('#body', 'Pedimos su liberación inmediata y el cese del hostigamiento contra el colectivo.');
    await zulia.fill('#countries', 'VE');
    await zulia.fill('#signDeadline', '2026-12-20T18:00');
    await submit(zulia, 'main form[action="/coordinate/statements"] button[type=submit]');
    expect(path(zulia)).toMatch(/^\/coordinate\/statements\/[0-9a-f-]{36}$/);
    const statementUrl = zulia.url().split('?')[0]!;
    // The case it is built on, found with the editor's case picker by a word of its title.
    await zulia.fill('#caseQ', 'Maracaibo');
    await submit(zulia, 'main form.case-search button[type=submit]');
    await submit(zulia, 'main form[action$="/cases"] button[type=submit]');
    expect(await zulia.locator('#cases').textContent()).toContain('Detención de dos defensoras en Maracaibo');
    // The editor's "add a language" form (it once switched the whole interface to English).
    await zulia.fill('#newLang', 'en');
    await submit(zulia, 'main form[action$="/versions/new"] button');
    expect(path(zulia)).toBe(`${new URL(statementUrl).pathname}/versions/en`);
    expect(await zulia.textContent('header')).toContain('Pronunciamientos conjuntos');
    await zulia.fill('#title', 'We demand the release of the defenders detained in Maracaibo');
    await zulia.fill('#lead', 'The signing organisations reject the detention.');
    await zulia.fill('#body', 'We call for their immediate release and an end to the harassment of the collective.');
    await submit(zulia, 'main form button[type=submit]');
    await zulia.goto(statementUrl);
    await zulia.selectOption('#inv-org', { label: 'Red Andina' });
    expect(await zulia.isChecked('#inv-open')).toBe(true);
    await submit(zulia, 'main form[action$="/invite"] button[type=submit]');
    await axe(zulia.context(), statementUrl, 'statement-editor');

    // The focal point is told: a notice on /notifications and an e-mail with the link.
    const mailed = await linkToInvitation('enlace@andina.example.org');
    await focal.goto(`${s.url}/notifications`);
    await axe(focal.context(), `${s.url}/notifications`, 'notifications');
    const invitationLink = focal.locator('main a[href^="/coordinate/invitations/"]').first();
    expect(await invitationLink.count()).toBe(1);
    await Promise.all([focal.waitForLoadState('load'), invitationLink.click()]);
    expect(path(focal)).toBe(mailed);
    // It reads the full text of both versions (and nothing of the case: a focal point sees no cases).
    const letter = (await focal.textContent('main')) ?? '';
    expect(letter).toContain('Pedimos su liberación inmediata y el cese del hostigamiento contra el colectivo.');
    expect(letter).toContain('We call for their immediate release and an end to the harassment of the collective.');
    expect(letter).toContain('America/Caracas');
    expect(letter).not.toContain('Detención de dos defensoras');
    await axe(focal.context(), focal.url(), 'statement-invitation');
    await focal.check('#authority');
    await submit(focal, 'main button[value=sign]');
    expect(await focal.textContent('main')).toContain('firmó');

    // Red Zulia publishes, after the confirmation page; the public page lists Red Andina.
    await zulia.goto(statementUrl);
    await Promise.all([zulia.waitForLoadState('load'), zulia.click(`main a[href$="/publish"]`)]);
    await axe(zulia.context(), `${statementUrl}/publish`, 'statement-publish');
    await submit(zulia, 'main form[action$="/status"] button[type=submit]');
    expect(await zulia.textContent('main')).toContain('Publicado');
    const pub = await context(false);
    const pp = await pub.newPage();
    expect((await pp.goto(`${s.url}/statements/libertad-defensoras-maracaibo`))?.status()).toBe(200);
    const published = (await pp.textContent('main')) ?? '';
    expect(published).toContain('Exigimos la libertad de las defensoras detenidas en Maracaibo');
    expect(published).toContain('Red Andina');
    await axe(pub, pp.url(), 'statement-public');
  }, 300_000);
});
