/**
 * The public intake end to end over real HTTP on each engine: a reporter's anonymous report with a
 * GPS-tagged photo, the receipt code, the moderation queue with a clean copy, replies both ways,
 * turning the report into a case; and the refusals (caps, honeypot, files, stamps, wrong codes).
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type TestApp } from '../../test/support/app.js';
import { engines } from '../../test/support/db.js';
import { makeOrg, makeUser, type TestUser } from '../../test/support/factories.js';
import { gpsPhoto, hasGps, sendReport, startIntakeApp } from '../../test/support/intake.js';
import { parseReceipt, receiptWords, secretBits, newReceipt, LOCATOR_WORDS, SECRET_WORDS } from './receipt.js';
import { setIntakeSetting } from './intake.commands.js';

describe('receipt codes', () => {
  it('come from ≥ 2,048 distinct words and keep ≥ 66 bits in the hashed part', () => {
    expect(new Set(receiptWords).size).toBe(receiptWords.length);
    expect(receiptWords.length).toBeGreaterThanOrEqual(2048);
    expect(receiptWords.every((w) => /^[a-z]{3,10}$/.test(w))).toBe(true);
    expect(secretBits()).toBeGreaterThanOrEqual(66);
    const r = newReceipt();
    expect(r.code.split(' ')).toHaveLength(LOCATOR_WORDS + SECRET_WORDS);
  });

  it('read back whatever the case, accents, separators and line breaks', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(' ', '-', '\n', ', ', '  ', '.'), { minLength: 8, maxLength: 8 }), fc.boolean(), (seps, upper) => {
        const r = newReceipt();
        const typed = r.code.split(' ').map((w, i) => (upper ? w.toUpperCase() : w.replace(/a/, 'á')) + seps[i]).join('');
        expect(parseReceipt(typed)).toEqual({ locator: r.locator, secret: r.secret });
      }),
      { numRuns: 200 },
    );
    expect(parseReceipt('uno dos tres')).toBeNull();
    expect(parseReceipt(newReceipt().code + ' extra')).toBeNull();
    expect(parseReceipt(newReceipt().code.replace(/^\w+/, 'zzzzqq'))).toBeNull();
  });
});

describe.each(engines)('public intake on %s', (engine) => {
  let s: TestApp;
  let orgA: string;
  let slugA: string;
  let admin: TestUser;
  let documenter: TestUser;
  const tag = randomBytes(5).toString('hex');
  const minWait = 2;

  beforeAll(async () => {
    s = await startIntakeApp(engine, { stamps: { difficulty: 8, minSecondsWithProof: 0, minSecondsWithoutProof: minWait } });
    slugA = `acoge-${tag}`;
    orgA = await makeOrg(s.t, slugA);
    admin = await makeUser(s.t, orgA, 'admin');
    documenter = await makeUser(s.t, orgA, 'documenter');
    await setIntakeSetting(s.t, admin, true, 50);
  }, 120_000);
  afterAll(async () => s?.close());

  const anonymous = (lang = 'es') => new Client(s.url, lang);
  const staff = async (u: TestUser) => {
    const c = new Client(s.url, 'es');
    await c.login(u);
    return c;
  };
  const baseFields = { what: `Detuvieron a un vecino WHAT${tag} frente a la plaza.`, year: '2025', month: '3', toWhom: 'someone', subdivision: 'VE-V' };

  it('lists only organisations that opted in, and serves a small form without third parties', async () => {
    const other = await makeOrg(s.t, `cerrada-${tag}`);
    const list = await (await anonymous().request('GET', '/report')).text();
    expect(list).toContain(`/report/${slugA}`);
    expect(list).not.toContain(`cerrada-${tag}`);
    expect((await anonymous().request('GET', `/report/cerrada-${tag}`)).status).toBe(404);
    const res = await anonymous().request('GET', `/report/${slugA}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const css = await (await anonymous().request('GET', '/assets/report.css')).text();
    const js = await (await anonymous().request('GET', '/assets/report.js')).text();
    expect(Buffer.byteLength(html) + Buffer.byteLength(css) + Buffer.byteLength(js)).toBeLessThan(50 * 1024);
    expect(html).not.toMatch(/(src|href|action)="(https?:)?\/\//);
    void other;
  });

  it('takes an anonymous report with a GPS photo, shows staff a clean copy, and carries replies both ways', async () => {
    const reporter = anonymous();
    const photo = await gpsPhoto(tag);
    expect(await hasGps(photo)).toBe(true);
    const sent = await sendReport(reporter, slugA, baseFields, [{ name: `foto-${tag}.jpg`, type: 'image/jpeg', bytes: photo }]);
    expect(sent.status).toBe(200);
    expect(sent.code).toMatch(/^([a-z]+ ){7}[a-z]+$/);
    const code = sent.code!;

    // Nothing stored in the clear: the report, its receipt hash and the day only.
    const stored = await sql<{ body_enc: Buffer; received_on: unknown }>`SELECT body_enc, received_on FROM intake_report WHERE organisation_id = ${orgA}`.execute(s.t.ownerDb);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0]!.body_enc.includes(Buffer.from(`WHAT${tag}`))).toBe(false);
    const receipts = await sql<{ locator: string; secret_hash: string }>`SELECT locator, secret_hash FROM intake_receipt WHERE organisation_id = ${orgA}`.execute(s.t.ownerDb);
    expect(receipts.rows[0]!.secret_hash).toMatch(/^\$argon2id\$/);
    expect(receipts.rows[0]!.secret_hash).not.toContain(code.split(' ')[2]!);

    // The documenter is told, sees it in the queue, and sees a copy of the photo without EXIF.
    const doc = await staff(documenter);
    const notices = await sql<{ kind: string; created_at: Date }>`SELECT kind, created_at FROM notification WHERE organisation_id = ${orgA} AND user_id = ${documenter.userId}`.execute(s.t.ownerDb);
    expect(notices.rows.map((n) => n.kind)).toEqual(['new_report']);
    const home = await (await doc.request('GET', '/incidents')).text();
    expect(home).toContain('Hay 1 denuncia abierta.');
    const queue = await (await doc.request('GET', '/intake/reports')).text();
    const id = /\/intake\/reports\/([0-9a-f-]{36})/.exec(queue)![1]!;
    expect(queue).toContain(`WHAT${tag}`);
    const page = await (await doc.request('GET', `/intake/reports/${id}`)).text();
    expect(page).toContain(`WHAT${tag}`);
    const fileId = /\/files\/([0-9a-f-]{36})\/clean/.exec(page)![1]!;
    const clean = Buffer.from(await (await doc.request('GET', `/intake/reports/${id}/files/${fileId}/clean`)).arrayBuffer());
    expect(await hasGps(clean)).toBe(false);
    expect(clean.includes(Buffer.from(`ARTIST${tag}`))).toBe(false);
    const original = Buffer.from(await (await doc.request('GET', `/intake/reports/${id}/files/${fileId}/original`)).arrayBuffer());
    expect(original.equals(photo)).toBe(true);

    // Staff reply; the reporter reads it with the code and adds a detail.
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await doc.request('POST', `/intake/reports/${id}/answer`, { message: `Gracias REPLY${tag}`, kind: 'request' }, form)).status).toBe(303);
    reporter.csrf = sent.csrf;
    const follow = await reporter.request('POST', '/report/follow-up', { code: code.toUpperCase(), _csrf: sent.csrf }, form);
    const followHtml = await follow.text();
    expect(follow.status).toBe(200);
    expect(followHtml).toContain(`REPLY${tag}`);
    expect(followHtml).not.toContain(`WHAT${tag}`);
    const added = await reporter.request('POST', '/report/follow-up/add', { code, message: `Eran dos patrullas MORE${tag}`, _csrf: sent.csrf }, form);
    expect(added.status).toBe(200);
    expect(await (await doc.request('GET', `/intake/reports/${id}`)).text()).toContain(`MORE${tag}`);

    // Every staff look and action is audited.
    const audit = await sql<{ action: string }>`SELECT action FROM audit_log WHERE organisation_id = ${orgA} AND object_id = ${id} ORDER BY seq`.execute(s.t.ownerDb);
    expect(audit.rows.map((a) => a.action)).toEqual(expect.arrayContaining(['report.view', 'report.file_view', 'report.file_original', 'report.request']));

    // Turning it into a case: the wizard opens pre-filled with the files as evidence.
    const toCase = await doc.request('POST', `/intake/reports/${id}/case`, { _csrf: doc.csrf }, form);
    expect(toCase.status).toBe(303);
    const draftUrl = toCase.headers.get('location')!;
    expect(draftUrl).toMatch(/^\/incidents\/new\/[0-9a-f-]{36}\/incident$/);
    const wizard = await (await doc.request('GET', draftUrl)).text();
    expect(wizard).toContain(`WHAT${tag}`);
    const draftId = draftUrl.split('/')[3]!;
    // The documenter adds what a case needs and the report did not say (a victim and an act).
    await doc.request('POST', `/incidents/new/${draftId}/victims`, { _csrf: doc.csrf, rows: '1', v0_key: 'vk1', v0_kind: 'person', v0_name: 'Vecino', v0_use: 'new' }, form);
    await doc.request('POST', `/incidents/new/${draftId}/acts`, { _csrf: doc.csrf, rows: '1', a0_key: 'ak1', a0_victim: 'vk1', a0_actType: 'detention' }, form);
    const saved = await doc.request('POST', `/incidents/new/${draftId}/save`, { _csrf: doc.csrf }, form);
    expect(saved.status).toBe(303);
    const incidentId = /\/incidents\/([0-9a-f-]{36})/.exec(saved.headers.get('location')!)![1]!;
    const rep = await sql<{ status: string; case_id: string }>`SELECT status, case_id FROM intake_report WHERE organisation_id = ${orgA} AND id = ${id}`.execute(s.t.ownerDb);
    expect(rep.rows[0]).toEqual({ status: 'case', case_id: incidentId });
    expect(await (await doc.request('GET', `/incidents/${incidentId}`)).text()).toContain(`href="/intake/reports/${id}"`);
    const ev = await sql<{ id: string; sha256: string; derivation: string | null }>`SELECT id, sha256, derivation FROM evidence WHERE organisation_id = ${orgA} AND incident_id = ${incidentId}`.execute(s.t.ownerDb);
    expect(ev.rows).toHaveLength(2);
    const files = await sql<{ sha256: string }>`SELECT sha256 FROM intake_file WHERE organisation_id = ${orgA} AND report_id = ${id}`.execute(s.t.ownerDb);
    expect(ev.rows.map((e) => e.sha256)).toContain(files.rows[0]!.sha256);
    for (const e of ev.rows) {
      const custody = await sql<{ action: string; detail: Record<string, unknown> }>`SELECT action, detail FROM audit_log WHERE organisation_id = ${orgA} AND object_id = ${e.id} ORDER BY seq`.execute(s.t.ownerDb);
      const fromReport = custody.rows.find((c) => c.action === 'evidence.from_report');
      expect(fromReport?.detail.report).toBe(id);
    }
  }, 120_000);

  it('answers a wrong code with nothing, and locks a locator after repeated wrong secrets', async () => {
    const sent = await sendReport(anonymous(), slugA, baseFields);
    const code = sent.code!;
    const words = code.split(' ');
    const c = anonymous();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const page = await (await c.request('GET', '/report/follow-up')).text();
    // The form's token is bound to the cookie (an HMAC under the server's secret): read it from the form.
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    c.csrf = csrf;
    const wrongSecret = [...words.slice(0, 2), ...words.slice(2).reverse()].join(' ');
    for (let i = 0; i < 5; i++) {
      const r = await c.request('POST', '/report/follow-up', { code: wrongSecret, _csrf: csrf }, form);
      expect(r.status).toBe(404);
      const body = await r.text();
      expect(body).toContain('Ningún recibo coincide');
      expect(body).not.toContain('Denuncia recibida el');
    }
    const locked = await c.request('POST', '/report/follow-up', { code, _csrf: csrf }, form);
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain('Demasiados intentos');
  }, 60_000);

  it('refuses with a clear message: honeypot, missing fields, files, reused stamps, daily cap', async () => {
    const hp = await sendReport(anonymous(), slugA, { ...baseFields, website: 'http://spam.example' });
    expect(hp.status).toBe(422);
    expect(hp.html).toContain('Deje este campo vacío»: ese campo debe quedar vacío');
    const missing = await sendReport(anonymous(), slugA, { what: 'corto' });
    expect(missing.status).toBe(422);
    expect(missing.html).toContain('escriba al menos unas palabras');
    expect(missing.html).toContain('indique al menos el año');
    expect(missing.html).toContain('elija una opción');
    const html = { name: 'x.html', type: 'text/html', bytes: Buffer.from('<html><script>alert(1)</script></html>\u0000') };
    const badType = await sendReport(anonymous(), slugA, baseFields, [html]);
    expect(badType.status).toBe(415);
    expect(badType.html).toContain('ese tipo de archivo no se acepta');
    const txt = (i: number) => ({ name: `n${i}.txt`, type: 'text/plain', bytes: Buffer.from(`nota ${i}`) });
    const tooMany = await sendReport(anonymous(), slugA, baseFields, [1, 2, 3, 4, 5, 6].map(txt));
    expect(tooMany.status).toBe(413);
    expect(tooMany.html).toContain('como máximo 5 archivos');
    const first = await sendReport(anonymous(), slugA, baseFields);
    expect(first.status).toBe(200);
    const again = await sendReport(anonymous(), slugA, baseFields, [], { reuse: { stamp: first.stamp, csrf: first.csrf } });
    expect(again.status).toBe(403); // a new client has no matching CSRF cookie
    // Nothing refused was kept.
    const leftovers = await sql<{ n: number }>`SELECT count(*)::int AS n FROM intake_file WHERE organisation_id = ${orgA}`.execute(s.t.ownerDb);
    expect(Number(leftovers.rows[0]!.n)).toBe(1);

    const capped = await makeOrg(s.t, `tope-${tag}`);
    const cappedAdmin = await makeUser(s.t, capped, 'admin');
    await setIntakeSetting(s.t, cappedAdmin, true, 1);
    expect((await sendReport(anonymous(), `tope-${tag}`, baseFields)).status).toBe(200);
    const over = await sendReport(anonymous(), `tope-${tag}`, baseFields);
    expect(over.status).toBe(429);
    expect(over.html).toContain('ya recibió hoy todas las denuncias');
    const en = await sendReport(anonymous('en'), `tope-${tag}`, baseFields);
    expect(en.html).toContain('has received all the reports it can handle today');
  }, 60_000);

  it('uses each stamp once, and without a proof of work takes the slower path', async () => {
    const c = anonymous();
    const first = await sendReport(c, slugA, baseFields);
    expect(first.status).toBe(200);
    const reused = await sendReport(c, slugA, baseFields, [], { reuse: { stamp: first.stamp, csrf: first.csrf } });
    expect(reused.status).toBe(422);
    expect(reused.html).toContain('El formulario caducó');
    const started = Date.now();
    const slow = await sendReport(anonymous(), slugA, baseFields, [], { proof: false });
    expect(slow.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(minWait * 1000 - 200);
  }, 60_000);

  it('keeps reports from everyone but documenters and reviewers of the receiving organisation', async () => {
    await sendReport(anonymous(), slugA, { ...baseFields, what: `Otro hecho SECRET${tag} ocurrido.` });
    const ids = await sql<{ id: string }>`SELECT id FROM intake_report WHERE organisation_id = ${orgA}`.execute(s.t.ownerDb);
    const id = ids.rows[0]!.id;
    const orgB = await makeOrg(s.t);
    for (const [org, role, expected] of [
      [orgA, 'admin', 403],
      [orgA, 'analyst', 403],
      [orgA, 'viewer', 403],
      [orgB, 'documenter', 404],
    ] as const) {
      const c = await staff(await makeUser(s.t, org, role));
      const r = await c.request('GET', `/intake/reports/${id}`);
      expect(r.status, `${role}`).toBe(expected);
      expect(await r.text()).not.toContain(`SECRET${tag}`);
      const q = await (await c.request('GET', '/intake/reports')).text();
      expect(q).not.toContain(`SECRET${tag}`);
    }
    const reviewer = await staff(await makeUser(s.t, orgA, 'reviewer'));
    expect((await reviewer.request('GET', `/intake/reports/${id}`)).status).toBe(200);
    expect(await (await anonymous().request('GET', `/intake/reports/${id}`)).text()).not.toContain(`SECRET${tag}`);
  }, 60_000);
});
