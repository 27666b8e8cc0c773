/**
 * The case history holds every change (issue 17 §2): a change to an act (the victim's status,
 * detained → released) shows on /incidents/<id>/history with its diff and reason, and the act's
 * own history is reachable from there and from the case page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoalition } from '../../access/organisations.js';
import { createRecord } from '../../records/index.js';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.js';
import { engines } from '../../../test/support/db.js';
import { makeOrg, makeUser, type TestUser } from '../../../test/support/factories.js';

describe.each(engines)('case history on %s', (engine) => {
  let s: TestApp;
  let doc: TestUser;
  let partner: TestUser;
  let incidentId: string;
  let otherIncidentId: string;
  let actId: string;
  let victimId: string;
  let sourceId: string;

  beforeAll(async () => {
    s = await startTestApp(engine, {}, { rls: true });
    const org = await makeOrg(s.t);
    const orgB = await makeOrg(s.t);
    const coalition = (await createCoalition(s.t.db, { slug: `hist-${Date.now()}`, name: 'Coalición', members: [org, orgB] })).id;
    doc = await makeUser(s.t, org, 'documenter', [coalition]);
    partner = await makeUser(s.t, orgB, 'documenter', [coalition]);
    incidentId = (await createRecord(s.t, doc, 'incident', { title: 'Detención de Johan' })).id;
    otherIncidentId = (await createRecord(s.t, doc, 'incident', { title: 'Otro caso' })).id;
    victimId = (await createRecord(s.t, doc, 'actor', { kind: 'person', name: 'Johan León Reyes' })).id;
    actId = (await createRecord(s.t, doc, 'act', { incidentId, victimId, actType: 'detention', victimStatus: 'held' })).id;
    sourceId = (await createRecord(s.t, doc, 'source', { incidentId, sourceType: 'testimony_witness' })).id;
  }, 300_000);
  afterAll(async () => s?.close());

  it('lists a change to an act, with its diff and reason, and links to the act’s own history', async () => {
    const c = new Client(s.url);
    await c.login(doc);
    const act = await c.json<{ version: number }>('GET', `/api/acts/${actId}`);
    const r = await c.json('PATCH', `/api/acts/${actId}`, { version: act.body.version, victimStatus: 'released', reason: 'Liberado el 3 de marzo según su abogada' });
    expect(r.status).toBe(200);
    const victim = await c.json<{ version: number }>('GET', `/api/actors/${victimId}`);
    await c.json('PATCH', `/api/actors/${victimId}`, { version: victim.body.version, aliases: ['Johancito'], reason: 'alias confirmado' });

    const page = await c.request('GET', `/incidents/${incidentId}/history`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Acto «Detención');
    expect(html).toContain('<del>Detenida actualmente</del>');
    expect(html).toContain('<ins>En libertad</ins>');
    expect(html).toContain('Liberado el 3 de marzo según su abogada');
    // The victim's change and the source's creation are there too.
    expect(html).toContain('alias confirmado');
    expect(html).toContain('Fuente «');
    // Newest first: the act's change comes before the incident's creation.
    expect(html.indexOf('Liberado el 3 de marzo')).toBeLessThan(html.indexOf('Incidente «Detención de Johan»'));
    const href = `/incidents/${incidentId}/history/act/${actId}`;
    expect(html).toContain(`href="${href}"`);

    const own = await c.request('GET', href);
    expect(own.status).toBe(200);
    const ownHtml = await own.text();
    expect(ownHtml).toContain('<ins>En libertad</ins>');
    expect(ownHtml).not.toContain('Incidente «');

    // Reachable from the record itself on the case page.
    const casePage = await (await c.request('GET', `/incidents/${incidentId}`)).text();
    expect(casePage).toContain(`href="${href}"`);
    // The act's and the victim's links on one card say whose history each is.
    expect(casePage).toMatch(new RegExp(`href="${href}">Historial del acto<`));
    expect(casePage).toMatch(/history\/actor\/[0-9a-f-]{36}">Historial de la víctima</);
    expect(casePage).toContain(`href="/incidents/${incidentId}/history/source/${sourceId}"`);
  });

  it('answers 404 for a record of another case, an unknown kind, and for partners', async () => {
    const c = new Client(s.url);
    await c.login(doc);
    expect((await c.request('GET', `/incidents/${otherIncidentId}/history/act/${actId}`)).status).toBe(404);
    expect((await c.request('GET', `/incidents/${incidentId}/history/app_user/${actId}`)).status).toBe(404);
    const p = new Client(s.url);
    await p.login(partner);
    expect((await p.request('GET', `/incidents/${incidentId}/history`)).status).toBe(404);
    expect((await p.request('GET', `/incidents/${incidentId}/history/act/${actId}`)).status).toBe(404);
  });
});
