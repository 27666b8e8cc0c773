/**
 * "Done means", over HTTP: a coordinator drafts in English, a translator adds Spanish, five
 * organisations sign through links read from the outbox, the statement publishes at its embargo
 * time, and the public page, its Spanish twin, the feed and the PDF show the same signatories.
 * On the way: every bad link and early request gets a clear page in the reader's language and
 * changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOutbox } from '../shared/mail.js';
import { verifyAudit } from '../store/index.js';
import { Client, startTestApp, type TestApp } from '../../test/support/app.js';
import { engines } from '../../test/support/db.js';
import { makeOrg, makeUser } from '../../test/support/factories.js';
import { pdfTextOf, publishDue, setStatementClock } from './index.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const T0 = Date.parse('2030-03-02T10:00:00Z');
const hour = 3600_000;
const day = 24 * hour;

const orgs = [
  { email: 'press@amnesty.example', en: 'Amnesty International', es: 'Amnistía Internacional' },
  { email: 'info@wola.example', en: 'WOLA', es: 'WOLA' },
  { email: 'sign@icj.example', en: 'International Commission of Jurists', es: 'Comisión Internacional de Juristas' },
  { email: 'x@civicus.example', en: 'CIVICUS', es: 'CIVICUS' },
  { email: 'y@cejil.example', en: 'CEJIL', es: 'CEJIL' },
  { email: 'z@pin.example', en: 'People in Need', es: 'People in Need' },
  { email: 'no@decline.example', en: 'Declining Org', es: 'Org que declina' },
  { email: 'late@late.example', en: 'Late Org', es: 'Org tardía' },
];

function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token in page');
  return m[1]!;
}

describe.each(engines)('joint statement end to end on %s', (engine) => {
  let s: TestApp;
  let now = T0;
  let coordinator: Client;
  let translator: Client;
  let statementId = '';
  const links = new Map<string, string>();
  const withdrawLinks = new Map<string, string>();

  async function userClient(orgId: string, role: 'admin' | 'documenter', lang: 'en' | 'es') {
    const user = await makeUser(s.t, orgId, role);
    const c = new Client(s.url, lang);
    await c.login(user);
    return c;
  }

  async function post(c: Client, path: string, fields: Record<string, string>) {
    return c.request('POST', path, fields, form);
  }

  async function signatoryStates(): Promise<Record<string, string>> {
    const rows = await s.t.ownerDb.selectFrom('statement_signatory').select(['id', 'status']).where('statement_id', '=', statementId).execute();
    return Object.fromEntries(rows.map((r) => [r.id, r.status]));
  }

  /** Opens a sign-on link as an anonymous visitor and answers it. */
  async function sign(token: string, names: Record<string, string>, lang = 'en') {
    const c = new Client(s.url, lang);
    const page = await c.request('GET', `/sign/${token}`);
    const html = await page.text();
    if (page.status !== 200) return { status: page.status, html };
    const fields: Record<string, string> = { _csrf: csrfFrom(html), authority: 'on', signerName: 'Signer Person' };
    for (const [l, n] of Object.entries(names)) fields[`name_${l}`] = n;
    const r = await post(c, `/sign/${token}`, fields);
    return { status: r.status, html: await r.text() };
  }

  beforeAll(async () => {
    s = await startTestApp(engine);
    setStatementClock(s.t, () => new Date(now));
    const org = await makeOrg(s.t, 'coordinadora');
    coordinator = await userClient(org, 'admin', 'en');
    translator = await userClient(org, 'documenter', 'es');
  });
  afterAll(async () => s?.close());

  it('a coordinator drafts in English and a translator adds the Spanish version; a newer source flags it', async () => {
    const r = await post(coordinator, '/coordinate/statements', {
      sourceLang: 'en',
      title: 'Venezuela | Standing with defenders of civic space',
      lead: 'We stand with the organisations that defend rights in Venezuela.',
      body: 'First paragraph of the text.\n\n**We call on** the authorities to stop reprisals.',
      countries: 'VE',
      themes: 'solidarity',
      statementDate: '2030-03-07',
      pressName: 'Press office (fictional)',
      pressEmail: 'press@example.org',
    });
    expect(r.status).toBe(303);
    statementId = r.headers.get('location')!.split('/').pop()!;
    const t1 = await post(translator, `/coordinate/statements/${statementId}/versions/es`, {
      title: 'Venezuela | Junto a quienes defienden el espacio cívico',
      lead: 'Acompañamos a las organizaciones que defienden derechos en Venezuela.',
      body: 'Primer párrafo del texto.\n\n**Pedimos** a las autoridades que cesen las represalias.',
      translator: 'Equipo de traducción',
    });
    expect(t1.status).toBe(303);
    let page = await (await coordinator.request('GET', `/coordinate/statements/${statementId}`)).text();
    expect(page).not.toContain('Needs translation update');
    const version = /name="version" value="(\d+)"/.exec(page)![1]!;
    expect(version).toBe('1');
    // The coordinator revises the English source: the Spanish version is now older than its source.
    await post(coordinator, `/coordinate/statements/${statementId}/versions/en`, {
      title: 'Venezuela | Standing with defenders of civic space',
      lead: 'We stand with the organisations that defend rights and deliver aid in Venezuela.',
      body: 'First paragraph of the text.\n\n**We call on** the authorities to stop reprisals.',
    });
    page = await (await coordinator.request('GET', `/coordinate/statements/${statementId}`)).text();
    expect(page).toContain('Needs translation update: made from source revision 1, the source is now at revision 2');
    await post(translator, `/coordinate/statements/${statementId}/versions/es`, {
      title: 'Venezuela | Junto a quienes defienden el espacio cívico',
      lead: 'Acompañamos a las organizaciones que defienden derechos y prestan ayuda en Venezuela.',
      body: 'Primer párrafo del texto.\n\n**Pedimos** a las autoridades que cesen las represalias.',
      translator: 'Equipo de traducción',
    });
    page = await (await coordinator.request('GET', `/coordinate/statements/${statementId}`)).text();
    expect(page).not.toContain('Needs translation update');
    // A translator may not publish.
    const denied = await post(translator, `/coordinate/statements/${statementId}/status`, { to: 'published' });
    expect(denied.status).toBe(403);
  });

  it('opens for signatures and invites organisations by e-mail with single-use links', async () => {
    expect((await post(coordinator, `/coordinate/statements/${statementId}/status`, { to: 'open' })).status).toBe(303);
    for (const o of orgs) {
      const r = await post(coordinator, `/coordinate/statements/${statementId}/invite`, { email: o.email, name: o.en, lang: 'en' });
      expect(r.status).toBe(303);
    }
    const box = readOutbox(s.t.dataDir);
    for (const o of orgs) {
      const m = box.find((x) => x.to === o.email)!;
      expect(m.subject).toBe('Invitation to sign: Venezuela | Standing with defenders of civic space');
      const token = /\/sign\/([A-Za-z0-9_-]{20,})/.exec(m.text)![1]!;
      links.set(o.email, token);
    }
    // Tokens are stored only as hashes.
    const stored = await s.t.ownerDb.selectFrom('statement_signatory').select(['token_hash']).where('statement_id', '=', statementId).execute();
    for (const r of stored) expect(r.token_hash!.toString('hex')).not.toContain(Buffer.from(links.get(orgs[0]!.email)!).toString('hex'));
  });

  it('six organisations sign through their links (names per language), one declines, one withdraws before publication', async () => {
    now = T0 + hour;
    for (const o of orgs.slice(0, 6)) {
      const r = await sign(links.get(o.email)!, { en: o.en, es: o.es });
      expect(r.status).toBe(200);
      expect(r.html).toContain('Thank you for signing');
    }
    const decline = new Client(s.url, 'en');
    const page = await (await decline.request('GET', `/sign/${links.get(orgs[6]!.email)}`)).text();
    expect((await post(decline, `/sign/${links.get(orgs[6]!.email)}/decline`, { _csrf: csrfFrom(page) })).status).toBe(200);
    for (const m of readOutbox(s.t.dataDir).filter((x) => x.subject.startsWith('Signature received'))) {
      withdrawLinks.set(m.to, /\/sign\/withdraw\/([A-Za-z0-9_-]{20,})/.exec(m.text)![1]!);
    }
    expect(withdrawLinks.size).toBe(6);
    // People in Need withdraws before publication.
    const w = new Client(s.url, 'en');
    const wp = await (await w.request('GET', `/sign/withdraw/${withdrawLinks.get(orgs[5]!.email)}`)).text();
    expect((await post(w, `/sign/withdraw/${withdrawLinks.get(orgs[5]!.email)}`, { _csrf: csrfFrom(wp) })).status).toBe(200);
    const editor = await (await coordinator.request('GET', `/coordinate/statements/${statementId}`)).text();
    expect(editor.match(/<td data-label="Status">signed<\/td>/g)?.length).toBe(5);
    expect(editor).toContain('<td data-label="Status">declined</td>');
    expect(editor).toContain('<td data-label="Status">withdrew</td>');
    expect(editor).toContain('<td data-label="Status">invited</td>');
  });

  it('a reused link, a withdrawn signatory and a declined link each get a clear page and change nothing', async () => {
    const before = await signatoryStates();
    const reused = await sign(links.get(orgs[0]!.email)!, { en: 'Hijacked name' });
    expect(reused.status).toBe(410);
    expect(reused.html).toContain('This link has already been used');
    const withdrawn = await sign(links.get(orgs[5]!.email)!, { en: 'People in Need' });
    expect(withdrawn.status).toBe(410);
    expect(withdrawn.html).toContain('This signature was withdrawn');
    const declinedEs = await sign(links.get(orgs[6]!.email)!, { es: 'Otra vez' }, 'es');
    expect(declinedEs.status).toBe(410);
    expect(declinedEs.html).toContain('Esta invitación fue declinada');
    expect(declinedEs.html).toContain('<html lang="es"');
    const forged = await sign('A'.repeat(43), { en: 'x' });
    expect(forged.status).toBe(404);
    expect(forged.html).toContain('This link does not work');
    // A POST straight to a used link, skipping the page, is refused too.
    const c = new Client(s.url, 'en');
    const p = await (await c.request('GET', '/sign/confirm/' + 'B'.repeat(43))).text();
    expect((await post(c, `/sign/${links.get(orgs[0]!.email)}`, { _csrf: csrfFrom(p), authority: 'on', signerName: 'x', name_en: 'Hijacked name' })).status).toBe(410);
    expect(await signatoryStates()).toEqual(before);
    const names = await s.t.ownerDb.selectFrom('statement_signatory').select('display_names').where('statement_id', '=', statementId).where('status', '=', 'signed').execute();
    expect(names.flatMap((n) => Object.values(n.display_names))).not.toContain('Hijacked name');
  });

  it('is scheduled; before the embargo time the public gets the 404 page of a missing statement', async () => {
    const editor = await (await coordinator.request('GET', `/coordinate/statements/${statementId}`)).text();
    const version = /name="version" value="(\d+)"/.exec(editor)![1]!;
    // Signatures close two days after T0; the embargo ends three days after T0.
    expect((await post(coordinator, `/coordinate/statements/${statementId}`, { version, countries: 'VE', themes: 'solidarity', statementDate: '2030-03-07', signDeadline: new Date(T0 + 2 * day).toISOString().slice(0, 16), pressName: 'Press office (fictional)', pressEmail: 'press@example.org' })).status).toBe(303);
    const bad = await post(coordinator, `/coordinate/statements/${statementId}/status`, { to: 'scheduled', embargoUntil: new Date(T0 - day).toISOString().slice(0, 16) });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('embargo time must be in the future');
    const ok = await post(coordinator, `/coordinate/statements/${statementId}/status`, { to: 'scheduled', embargoUntil: new Date(T0 + 3 * day).toISOString().slice(0, 16) });
    expect(ok.status).toBe(303);
    now = T0 + 2 * day + hour;
    for (const [lang, slugLang, text] of [['en', 'en', 'Statement not found'], ['es', 'es', 'Pronunciamiento no encontrado']] as const) {
      const r = await new Client(s.url, lang).request('GET', `/statements/venezuela-standing-with-defenders-of-civic-space-2030-${slugLang}`);
      expect(r.status).toBe(404);
      const html = await r.text();
      expect(html).toContain(text);
      expect(html).not.toMatch(/civic space|espacio cívico|Amnesty|WOLA/i);
    }
    const pdf = await new Client(s.url).request('GET', '/statements/venezuela-standing-with-defenders-of-civic-space-2030-en.pdf');
    expect(pdf.status).toBe(404);
    const api = await new Client(s.url).json<{ items: unknown[] }>('GET', '/api/statements');
    expect(api.body.items).toEqual([]);
    expect(await (await new Client(s.url).request('GET', '/statements.atom')).text()).not.toContain('civic space');
    expect(await (await new Client(s.url).request('GET', '/sitemap.xml')).text()).not.toContain('civic-space');
  });

  it('a signature after the deadline gets a clear page and changes nothing', async () => {
    const before = await signatoryStates();
    const late = await sign(links.get(orgs[7]!.email)!, { en: 'Late Org' });
    expect(late.status).toBe(409);
    expect(late.html).toContain('The deadline for signatures has passed');
    // Withdrawal links still work before publication, but not this one: it is not ours to test here.
    expect(await signatoryStates()).toEqual(before);
  });

  it('publishes at the embargo time; page, Spanish twin, feed, JSON and PDF show the same five signatories', async () => {
    now = T0 + 3 * day + 1000;
    const en = await new Client(s.url, 'en').request('GET', '/statements/venezuela-standing-with-defenders-of-civic-space-2030-en');
    expect(en.status).toBe(200);
    const enHtml = await en.text();
    const es = await (await new Client(s.url, 'es').request('GET', '/statements/venezuela-standing-with-defenders-of-civic-space-2030-es')).text();
    const published = await s.t.ownerDb.selectFrom('statement').select(['status', 'published_at']).where('id', '=', statementId).executeTakeFirstOrThrow();
    expect(published.status).toBe('published');
    expect(published.published_at!.toISOString()).toBe(new Date(T0 + 3 * day).toISOString());
    const expectedEn = ['Amnesty International', 'CEJIL', 'CIVICUS', 'International Commission of Jurists', 'WOLA'];
    const expectedEs = ['Amnistía Internacional', 'CEJIL', 'CIVICUS', 'Comisión Internacional de Juristas', 'WOLA'];
    const listed = (html: string) => [...html.matchAll(/<section class="signatories"[\s\S]*?<\/section>/g)][0]![0].match(/<li>([^<]+)<\/li>/g)!.map((x) => x.slice(4, -5));
    expect(listed(enHtml)).toEqual(expectedEn);
    expect(listed(es)).toEqual(expectedEs);
    expect(enHtml).not.toContain('People in Need');
    expect(enHtml).not.toContain('Declining Org');
    expect(enHtml).toContain('<link rel="alternate" hreflang="es" href="http://localhost:0/statements/venezuela-standing-with-defenders-of-civic-space-2030-es"/>');
    expect(es).toContain('hreflang="en"');
    expect(enHtml).toContain('"@type":"NewsArticle"');
    expect(enHtml).toContain('<strong>We call on</strong>');
    const feed = await (await new Client(s.url, 'en').request('GET', '/statements.atom?country=VE&lang=es')).text();
    for (const n of expectedEs) expect(feed).toContain(n.replace(/&/g, '&amp;'));
    expect(feed).toContain('/statements/venezuela-standing-with-defenders-of-civic-space-2030-es');
    const json = await new Client(s.url).json<{ signatories: string[]; individuals: number }>('GET', '/api/statements/venezuela-standing-with-defenders-of-civic-space-2030-en');
    expect(json.body.signatories).toEqual(expectedEn);
    for (const [slug, names] of [['en', expectedEn], ['es', expectedEs]] as const) {
      const pdf = await new Client(s.url).request('GET', `/statements/venezuela-standing-with-defenders-of-civic-space-2030-${slug}.pdf`);
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      const text = pdfTextOf(Buffer.from(await pdf.arrayBuffer()));
      const i = text.indexOf(slug === 'en' ? 'Signatory organisations' : 'Organizaciones firmantes');
      expect(i).toBeGreaterThan(0);
      expect(text.slice(i + 1, i + 1 + names.length)).toEqual(names.map((n) => n.replace('í', '\u00ed')));
      expect(text.join(' ')).toContain('press@example.org');
    }
    const bare = await new Client(s.url, 'es').request('GET', '/statements/venezuela-standing-with-defenders-of-civic-space-2030');
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe('/statements/venezuela-standing-with-defenders-of-civic-space-2030-es');
    const index = await (await new Client(s.url, 'es').request('GET', '/statements?country=VE&lang=es')).text();
    expect(index).toContain('/statements/venezuela-standing-with-defenders-of-civic-space-2030-es');
    const none = await (await new Client(s.url, 'es').request('GET', '/statements?country=CO')).text();
    expect(none).not.toContain('2030-es');
    const searched = await (await new Client(s.url, 'en').request('GET', '/statements?q=represalias')).text();
    expect(searched).toContain('2030-es');
  });

  it('after publication a signature can no longer be withdrawn, and the expired link says so', async () => {
    const before = await signatoryStates();
    const w = new Client(s.url, 'en');
    const r = await w.request('GET', `/sign/withdraw/${withdrawLinks.get(orgs[1]!.email)}`);
    expect(r.status).toBe(409);
    expect(await r.text()).toContain('The statement has already been published');
    now = T0 + 31 * day;
    const expired = await sign(links.get(orgs[7]!.email)!, { en: 'Late Org' });
    expect(expired.status).toBe(410);
    expect(expired.html).toContain('This link has expired');
    expect(await signatoryStates()).toEqual(before);
  });

  it('a correction and then a withdrawal are shown publicly with dated notes; every step is in the history and the audit chain holds', async () => {
    now = T0 + 32 * day;
    expect((await post(coordinator, `/coordinate/statements/${statementId}/correction`, { note_en: 'A date in the second paragraph was corrected.', note_es: 'Se corrigió una fecha del segundo párrafo.' })).status).toBe(303);
    let page = await (await new Client(s.url).request('GET', '/statements/venezuela-standing-with-defenders-of-civic-space-2030-es')).text();
    expect(page).toContain('Correcciones');
    expect(page).toContain('Se corrigió una fecha del segundo párrafo.');
    expect(page).toContain('<time datetime="2030-04-03">');
    now = T0 + 33 * day;
    expect((await post(coordinator, `/coordinate/statements/${statementId}/withdraw`, { note: 'Withdrawn at the request of the signatories.' })).status).toBe(303);
    page = await (await new Client(s.url).request('GET', '/statements/venezuela-standing-with-defenders-of-civic-space-2030-en')).text();
    expect(page).toContain('This statement was withdrawn on April 4, 2030.');
    expect(page).toContain('Withdrawn at the request of the signatories.');
    const events = await s.t.ownerDb.selectFrom('statement_event').select(['event', 'from_status', 'to_status']).where('statement_id', '=', statementId).orderBy('at').orderBy('id').execute();
    const steps = events.filter((e) => e.to_status).map((e) => `${e.from_status}->${e.to_status}`);
    expect(steps).toEqual(['draft->open', 'open->scheduled', 'scheduled->published', 'published->corrected', 'corrected->withdrawn']);
    expect(events.filter((e) => e.event === 'sign')).toHaveLength(6);
    // The audit log is read as its owner: under row-level security the application sees no unscoped rows.
    const auditDb = s.t.ownerDb ?? s.t.db;
    const audit = await verifyAudit(auditDb);
    expect(audit.problems).toEqual([]);
    expect(audit.entries).toBeGreaterThan(events.length);
    const statementAudit = await auditDb.selectFrom('audit_log').select('action').where('object_id', '=', statementId).execute();
    expect(statementAudit.length).toBe(events.length);
    expect(await publishDue(s.t)).toBe(0);
  });
});
