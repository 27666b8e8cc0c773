/**
 * Signing as a focal point (issue 16 §5): an organisation invited on the platform is told (a
 * notification and an e-mail to its focal points); its invitation page shows the full text of every
 * language version, the cited cases it may see and the deadline in its own time zone; the signer's
 * name comes from the account; a draft cannot be invited to sign unless the invitation opens it;
 * "Publish now" asks for confirmation; the signatory role signs and sees nothing of the cases.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoalitionFor, inviteOrganisation, answerCoalitionInvitation } from '../coalitions/index.js';
import { createRecord, setCaseSharing } from '../records/index.js';
import { readOutbox } from '../shared/mail.js';
import { Client, startTestApp, type TestApp } from '../../test/support/app.js';
import { engines } from '../../test/support/db.js';
import { makeOrg, makeUser, type TestUser } from '../../test/support/factories.js';
import { createStatement, getStatementForEditor, inviteSignatory, saveVersion } from './index.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe.each(engines)('signing on the platform as a focal point on %s', (engine) => {
  let s: TestApp;
  let coord: TestUser, adminB: TestUser, signB: TestUser, analystB: TestUser;
  let statementId = '';
  let sharedCase = '', privateCase = '', ownCaseB = '';
  let signatoryId = '';
  const mail = () => ({ smtpUrl: undefined, mailFrom: 'a@example.org', dataDir: s.t.dataDir, publicUrl: 'https://atalaya.example.org' });
  const clients: Record<string, Client> = {};

  beforeAll(async () => {
    s = await startTestApp(engine, { ATALAYA_RATE_LIMIT_PER_MINUTE: '1000000' }, { rls: true });
    const a = await makeOrg(s.t, `coord-${Date.now()}`);
    const b = await makeOrg(s.t);
    await s.t.ownerDb.updateTable('organisation').set({ time_zone: 'America/Caracas' }).where('id', '=', b).execute();
    coord = await makeUser(s.t, a, 'admin');
    adminB = await makeUser(s.t, b, 'admin');
    signB = await makeUser(s.t, b, 'signatory');
    await s.t.ownerDb.updateTable('app_user').set({ display_name: 'Marta Focal Rangel' }).where('id', '=', signB.userId).execute();
    analystB = await makeUser(s.t, b, 'analyst');
    const coal = await createCoalitionFor(s.t, coord, { name: 'Plataforma Sur' });
    const inv = await inviteOrganisation(s.t, coord, coal.id, { organisationId: b }, null);
    await answerCoalitionInvitation(s.t, adminB, inv.id, 'accept');
    sharedCase = (await createRecord(s.t, coord, 'incident', { title: 'Detención CASO-COMPARTIDO', startDate: '2025-03-14', country: 'VE' })).id;
    privateCase = (await createRecord(s.t, coord, 'incident', { title: 'Amenaza CASO-PRIVADO' })).id;
    await setCaseSharing(s.t, coord, sharedCase, { shares: [{ coalitionId: coal.id, fields: [] }] });
    ownCaseB = (await createRecord(s.t, { ...adminB, role: 'documenter' }, 'incident', { title: 'Caso propio CASO-B' })).id;
    const st = await createStatement(s.t, coord, { sourceLang: 'es', title: 'Solidaridad con defensoras', lead: 'Entrada.', body: 'TEXTO-COMPLETO-ES párrafo.', countries: ['VE'], incidentIds: [sharedCase, privateCase], signDeadline: '2030-05-01T18:00:00Z' });
    statementId = st.id;
    await saveVersion(s.t, coord, statementId, 'en', { title: 'Solidarity with defenders', lead: 'Lead.', body: 'FULL-TEXT-EN paragraph.' });
    for (const [k, u] of Object.entries({ coord, signB, analystB })) {
      clients[k] = new Client(s.url);
      await clients[k]!.login(u);
    }
  }, 300_000);
  afterAll(async () => s?.close());

  it('a draft is not sent for signatures unless the invitation opens it, and the sender is told', async () => {
    await expect(inviteSignatory(s.t, coord, statementId, { organisationId: adminB.organisationId, lang: 'es' }, mail())).rejects.toMatchObject({
      code: 'validation',
      issues: [{ path: ['openNow'], key: 'statements:platform.not_open' }],
    });
    const r = await clients.coord!.request('POST', `/coordinate/statements/${statementId}/invite`, new URLSearchParams({ organisationId: adminB.organisationId, lang: 'es' }).toString(), form);
    expect(r.status).toBe(422);
    expect(await r.text()).toContain('nadie puede firmar un borrador');
    const ok = await clients.coord!.request('POST', `/coordinate/statements/${statementId}/invite`, new URLSearchParams({ organisationId: adminB.organisationId, lang: 'es', openNow: 'on' }).toString(), form);
    expect(ok.status).toBe(303);
    const st = await getStatementForEditor(s.t, coord, statementId);
    expect(st.status).toBe('open');
    signatoryId = st.signatories[0]!.id;
  });

  it('tells the invited organisation: a notification and an e-mail to its focal points', async () => {
    const n = await sql<{ user_id: string; kind: string }>`SELECT user_id, kind FROM invitation_notice WHERE organisation_id = ${adminB.organisationId} AND kind = 'statement_invitation'`.execute(s.t.ownerDb);
    expect(n.rows).toEqual([{ user_id: signB.userId, kind: 'statement_invitation' }]);
    const mails = readOutbox(s.t.dataDir).filter((m) => m.to === signB.email);
    expect(mails.length).toBe(1);
    expect(mails[0]!.subject).toContain('Solidaridad con defensoras');
    expect(mails[0]!.text).toContain(`/coordinate/invitations/${signatoryId}`);
    expect(mails[0]!.text).toContain('America/Caracas');
    const page = await (await clients.signB!.request('GET', '/notifications')).text();
    // It names the statement and who asks (the notice itself stores ids only).
    expect(page).toMatch(/invita a su organización a firmar la declaración conjunta «Solidaridad con defensoras/);
    expect(page).toContain(`/coordinate/invitations/${signatoryId}`);
  });

  it('the invitation page shows every version in full, the cases it may see and the deadline in its zone', async () => {
    const r = await clients.signB!.request('GET', `/coordinate/invitations/${signatoryId}`);
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain('TEXTO-COMPLETO-ES');
    expect(html).toContain('FULL-TEXT-EN');
    // 18:00 UTC is 14:00 in Caracas: the deadline is shown in the organisation's zone, named.
    expect(html).toMatch(/Plazo para firmar: 1 may\. 2030, 2:00\s*p\.\s*m\. America\/Caracas/);
    expect(html).toContain('Marta Focal Rangel');
    expect(html).not.toContain('name="signerName"');
    // A focal point sees nothing of the cases: neither the shared nor the private one.
    expect(html).not.toContain('CASO-COMPARTIDO');
    expect(html).not.toContain('CASO-PRIVADO');
    expect(html).toContain('cita además 2 casos');
    // Someone of the same organisation who reads cases sees the shared one (as a partner), never the private one.
    const a = await (await clients.analystB!.request('GET', `/coordinate/invitations/${signatoryId}`)).text();
    expect(a).toContain('CASO-COMPARTIDO');
    expect(a).toContain(`/incidents/${sharedCase}`);
    expect(a).not.toContain('CASO-PRIVADO');
    expect(a).toContain('cita además 1 caso que');
  });

  it('the signatory role sees nothing of the cases (403/404), on pages and the API', async () => {
    const c = clients.signB!;
    for (const path of ['/incidents', `/incidents/${ownCaseB}`, `/incidents/${sharedCase}`, '/api/incidents', `/api/incidents/${ownCaseB}`, `/api/incidents/${sharedCase}/case`, '/actors', '/analysis', '/incidents/new', '/incidents/export']) {
      const r = await c.request('GET', path);
      expect([403, 404], `${path} answered ${r.status}`).toContain(r.status);
      const body = await r.text();
      expect(body).not.toContain('CASO-B');
      expect(body).not.toContain('CASO-COMPARTIDO');
    }
    const w = await c.request('POST', '/api/incidents', { title: 'No' });
    expect([403, 404]).toContain(w.status);
    expect((await c.request('GET', '/')).headers.get('location')).toBe('/coordinate/invitations');
  });

  it('signs with the name of the account', async () => {
    const r = await clients.signB!.request('POST', `/coordinate/invitations/${signatoryId}`, new URLSearchParams({ answer: 'sign', authority: 'on', signerName: 'Otro Nombre', name_es: 'Organización B', name_en: 'Organisation B' }).toString(), form);
    expect(r.status).toBe(303);
    const st = await getStatementForEditor(s.t, coord, statementId);
    expect(st.signatories[0]!.status).toBe('signed');
    expect(st.signatories[0]!.signerName).toBe('Marta Focal Rangel');
  });

  it('"Publicar ahora" asks for confirmation (no JavaScript needed), then publishes', async () => {
    const c = clients.coord!;
    const editor = await (await c.request('GET', `/coordinate/statements/${statementId}`)).text();
    expect(editor).toContain(`href="/coordinate/statements/${statementId}/publish"`);
    const direct = await c.request('POST', `/coordinate/statements/${statementId}/status`, new URLSearchParams({ to: 'published' }).toString(), form);
    expect(direct.status).toBe(303);
    expect(direct.headers.get('location')).toBe(`/coordinate/statements/${statementId}/publish`);
    expect((await getStatementForEditor(s.t, coord, statementId)).status).toBe('open');
    const confirm = await (await c.request('GET', `/coordinate/statements/${statementId}/publish`)).text();
    expect(confirm).toContain('¿Publicar ahora «Solidaridad con defensoras»?');
    expect(confirm).toContain('name="confirm" value="yes"');
    const done = await c.request('POST', `/coordinate/statements/${statementId}/status`, new URLSearchParams({ to: 'published', confirm: 'yes' }).toString(), form);
    expect(done.status).toBe(303);
    expect((await getStatementForEditor(s.t, coord, statementId)).status).toBe('published');
  });
});
