/**
 * Statements built from cases, over HTTP: the coordinator finds cases by title, place and date,
 * adds and removes them, and the saved draft shows their titles with links (never bare ids); a
 * case page offers "use in a statement" (an existing draft or a new one); only the organisation's
 * own cases can be found or cited; and adding a language version keeps the interface language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecord } from '../records/index.js';
import { Client, startTestApp, type TestApp } from '../../test/support/app.js';
import { engines } from '../../test/support/db.js';
import { makeOrg, makeUser, type TestUser } from '../../test/support/factories.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe.each(engines)('statement case picker on %s', (engine) => {
  let s: TestApp;
  let c: Client;
  let user: TestUser;
  let statementId = '';
  const cases: Record<string, string> = {};
  let foreignCase = '';

  const post = (path: string, fields: Record<string, string>) => c.request('POST', path, { _csrf: c.csrf, ...fields }, form);
  const page = async (path: string) => {
    const r = await c.request('GET', path);
    expect(r.status).toBe(200);
    return r.text();
  };

  beforeAll(async () => {
    s = await startTestApp(engine);
    const org = await makeOrg(s.t, 'coordinadora');
    const other = await makeOrg(s.t, 'otra');
    user = await makeUser(s.t, org, 'documenter');
    const otherUser = await makeUser(s.t, other, 'documenter', [], { totp: false });
    cases.maracay = (await createRecord(s.t, user, 'incident', { title: 'Detención de defensora en Maracay', country: 'VE', subdivision: 'VE-D', startDate: '2021-02-10' })).id;
    cases.caracas = (await createRecord(s.t, user, 'incident', { title: 'Allanamiento de oficina', country: 'VE', subdivision: 'VE-A', placeName: 'Chacao', startDate: '2019-05-03' })).id;
    cases.old = (await createRecord(s.t, user, 'incident', { title: 'Detención antigua', country: 'VE', startDate: '2015-01-01' })).id;
    foreignCase = (await createRecord(s.t, otherUser, 'incident', { title: 'Detención ajena secreta', country: 'VE', startDate: '2021-02-11' })).id;
    c = new Client(s.url, 'es');
    await c.login(user);
    const r = await post('/coordinate/statements', { sourceLang: 'es', title: 'Declaración conjunta sobre detenciones', lead: 'Resumen', body: 'Texto' });
    expect(r.status).toBe(303);
    statementId = /\/coordinate\/statements\/([0-9a-f-]{36})/.exec(r.headers.get('location') ?? '')![1]!;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('finds the organisation’s cases by title words, place and dates, with their titles', async () => {
    const html = await page(`/coordinate/statements/${statementId}?caseQ=detención&caseFrom=2020&caseTo=`);
    expect(html).toContain('Detención de defensora en Maracay');
    expect(html).not.toContain('Detención antigua'); // before 2020
    expect(html).not.toContain('Detención ajena secreta'); // another organisation's case
    const byPlace = await page(`/coordinate/statements/${statementId}?caseQ=Chacao`);
    expect(byPlace).toContain('Allanamiento de oficina');
    expect(byPlace).not.toContain('Maracay');
    // No textarea of pasted ids any more.
    expect(html).not.toMatch(/<textarea[^>]*name="incidentIds"/);
  });

  it('adds and removes cases; the saved draft shows titles with links, not bare ids', async () => {
    expect((await post(`/coordinate/statements/${statementId}/cases`, { incidentId: cases.maracay! })).status).toBe(303);
    expect((await post(`/coordinate/statements/${statementId}/cases`, { incidentId: cases.caracas! })).status).toBe(303);
    let html = await page(`/coordinate/statements/${statementId}`);
    expect(html).toContain(`<a href="/incidents/${cases.maracay}">Detención de defensora en Maracay</a>`);
    expect(html).toContain(`<a href="/incidents/${cases.caracas}">Allanamiento de oficina</a>`);
    // The id appears only inside links and hidden fields, never as text.
    const text = html.replace(/<[^>]+>/g, ' ');
    expect(text).not.toContain(cases.maracay);
    expect((await post(`/coordinate/statements/${statementId}/cases/remove`, { incidentId: cases.caracas! })).status).toBe(303);
    html = await page(`/coordinate/statements/${statementId}`);
    expect(html).not.toContain('Allanamiento de oficina');
    const rows = await s.t.ownerDb.selectFrom('statement_incident').select('incident_id').where('statement_id', '=', statementId).execute();
    expect(rows.map((r) => r.incident_id)).toEqual([cases.maracay]);
  });

  it('refuses to cite another organisation’s case, with the field named', async () => {
    const r = await post(`/coordinate/statements/${statementId}/cases`, { incidentId: foreignCase });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    const rows = await s.t.ownerDb.selectFrom('statement_incident').select('incident_id').where('statement_id', '=', statementId).execute();
    expect(rows.map((r) => r.incident_id)).not.toContain(foreignCase);
  });

  it('a case page offers "use in a statement": an existing draft, or a new statement that starts with it', async () => {
    const html = await page(`/incidents/${cases.caracas}`);
    expect(html).toContain('Usar en un pronunciamiento');
    expect(html).toContain(`<option value="${statementId}">Declaración conjunta sobre detenciones`);
    let r = await post('/coordinate/statements/cite', { incidentId: cases.caracas!, statementId });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(`/coordinate/statements/${statementId}#cases`);
    expect(await page(`/coordinate/statements/${statementId}`)).toContain('Allanamiento de oficina');
    r = await post('/coordinate/statements/cite', { incidentId: cases.old!, statementId: 'new' });
    expect(r.status).toBe(303);
    const to = r.headers.get('location')!;
    expect(to).toBe(`/coordinate/statements/new?incident=${cases.old}`);
    const fresh = await page(to);
    expect(fresh).toContain('Detención antigua');
    expect(fresh).toContain(`<input type="hidden" name="incidentIds" value="${cases.old}"/>`);
    r = await post('/coordinate/statements', { sourceLang: 'es', title: 'Otra declaración', incidentIds: cases.old! });
    const newId = /\/coordinate\/statements\/([0-9a-f-]{36})/.exec(r.headers.get('location') ?? '')![1]!;
    expect(await page(`/coordinate/statements/${newId}`)).toContain(`<a href="/incidents/${cases.old}">Detención antigua</a>`);
    // Starting from another organisation's case is refused.
    expect((await c.request('GET', `/coordinate/statements/new?incident=${foreignCase}`)).status).toBeGreaterThanOrEqual(400);
  });

  it('adding a language version keeps the interface language', async () => {
    const editor = await page(`/coordinate/statements/${statementId}`);
    expect(editor).toContain('name="versionLang"');
    expect(editor).not.toMatch(/<input id="newLang" name="lang"/);
    const r = await c.request('GET', `/coordinate/statements/${statementId}/versions/new?versionLang=en`);
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(`/coordinate/statements/${statementId}/versions/en`);
    expect(r.headers.getSetCookie().join(';')).not.toContain('atalaya_lang');
    const version = await page(r.headers.get('location')!);
    expect(version).toMatch(/<html lang="es"/);
    expect(version).toContain('Texto en Inglés');
  });
});
