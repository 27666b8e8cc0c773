/**
 * Sharing is one truth (issue 16 §4): a case is shared from its page or from the filtered case
 * list, the partner then sees it with only the shared fields, and its visibility never says
 * "shared" without a share (nor the reverse).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoalition } from '../../access/organisations.js';
import { createRecord } from '../../records/index.js';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.js';
import { engines } from '../../../test/support/db.js';
import { makeOrg, makeUser, type TestUser } from '../../../test/support/factories.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const token = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** Incidents of an organisation whose visibility and shares disagree (must always be none). */
async function disagreements(s: TestApp, org: string): Promise<number> {
  const r = await sql<{ n: string }>`SELECT count(*) AS n FROM incident i WHERE i.organisation_id = ${org} AND i.visibility <> 'public'
    AND (i.visibility = 'coalition') <> EXISTS (SELECT 1 FROM record_share x WHERE x.organisation_id = i.organisation_id AND x.incident_id = i.id)`.execute(s.t.ownerDb);
  return Number(r.rows[0]!.n);
}

describe.each(engines)('sharing from the case page and the case list on %s', (engine) => {
  let s: TestApp;
  let orgA: string;
  let coalitionId: string;
  let doc: TestUser;
  let partner: TestUser;
  let stranger: TestUser;
  let incidentId: string;

  beforeAll(async () => {
    s = await startTestApp(engine, { ATALAYA_RATE_LIMIT_PER_MINUTE: '1000000' }, { rls: true });
    orgA = await makeOrg(s.t);
    const orgB = await makeOrg(s.t);
    const orgC = await makeOrg(s.t);
    coalitionId = (await createCoalition(s.t.db, { slug: `share-${Date.now()}`, name: 'Coalición Andina', members: [orgA, orgB] })).id;
    doc = await makeUser(s.t, orgA, 'documenter', [coalitionId]);
    partner = await makeUser(s.t, orgB, 'analyst', [coalitionId]);
    stranger = await makeUser(s.t, orgC, 'admin');
    // Asked for "shared with coalitions" while no share exists: it is stored as what it is, private.
    const inc = await createRecord(s.t, doc, 'incident', { title: 'Detención en Maracaibo', narrative: 'RELATO-RESERVADO', placeName: 'Barrio Canchancha', visibility: 'coalition' });
    incidentId = inc.id;
    expect(inc.visibility).toBe('private');
    const victim = await createRecord(s.t, doc, 'actor', { kind: 'person', name: 'Yolanda Pérez Quintero' });
    await createRecord(s.t, doc, 'act', { incidentId, victimId: victim.id, actType: 'detention' });
  }, 300_000);
  afterAll(async () => s?.close());

  it('never shows "shared" without a share: an edit to "coalition" keeps a case without shares private', async () => {
    const c = new Client(s.url);
    await c.login(doc);
    const before = await c.json<{ version: number }>('GET', `/api/incidents/${incidentId}`);
    const r = await c.json<{ visibility: string }>('PATCH', `/api/incidents/${incidentId}`, { version: before.body.version, visibility: 'coalition' });
    expect(r.status).toBe(200);
    expect(r.body.visibility).toBe('private');
    const page = await (await c.request('GET', `/incidents/${incidentId}`)).text();
    expect(page).toContain('No se comparte con ninguna coalición: ninguna otra organización lo ve.');
    expect(page).not.toContain('Compartido con coaliciones');
    const p = new Client(s.url);
    await p.login(partner);
    expect((await p.request('GET', `/incidents/${incidentId}`)).status).toBe(404);
    expect(await disagreements(s, orgA)).toBe(0);
  });

  it('shares from the case page: the partner sees the case with only the shared fields; unsharing hides it again; both audited', async () => {
    const c = new Client(s.url);
    await c.login(doc);
    const page = await (await c.request('GET', `/incidents/${incidentId}`)).text();
    expect(page).toContain(`action="/incidents/${incidentId}/sharing"`);
    const body = new URLSearchParams([['_csrf', token(page)], ['coalition', coalitionId], [`fields_${coalitionId}`, 'place_names']]);
    const saved = await c.request('POST', `/incidents/${incidentId}/sharing`, Object.fromEntries(body), form);
    expect(saved.status).toBe(303);
    const after = await (await c.request('GET', `/incidents/${incidentId}?shared=1`)).text();
    expect(after).toContain('Compartido con coaliciones');
    expect(after).toMatch(/La coalición Coalición Andina \(Organisation org-[0-9a-f]+\) ve fechas/);
    expect(after).toContain('Además: los nombres de lugares.');

    const p = new Client(s.url);
    await p.login(partner);
    const seen = await p.request('GET', `/incidents/${incidentId}`);
    expect(seen.status).toBe(200);
    const text = await seen.text();
    expect(text).toContain('Detención en Maracaibo');
    expect(text).toContain('Barrio Canchancha');
    expect(text).not.toContain('RELATO-RESERVADO');
    expect(text).not.toContain('Yolanda');
    const o = new Client(s.url);
    await o.login(stranger);
    expect((await o.request('GET', `/incidents/${incidentId}`)).status).toBe(404);
    expect(await disagreements(s, orgA)).toBe(0);

    // The change of visibility is a version with its reason in the history.
    const history = await (await c.request('GET', `/incidents/${incidentId}/history`)).text();
    expect(history).toContain('shared with a coalition');

    const again = await (await c.request('GET', `/incidents/${incidentId}`)).text();
    expect((await c.request('POST', `/incidents/${incidentId}/sharing`, { _csrf: token(again) }, form)).status).toBe(303);
    expect((await p.request('GET', `/incidents/${incidentId}`)).status).toBe(404);
    expect(await disagreements(s, orgA)).toBe(0);
    const audit = await sql<{ action: string }>`SELECT action FROM audit_log WHERE organisation_id = ${orgA} AND object_id = ${incidentId}
      AND action IN ('record.share', 'record.unshare') ORDER BY seq`.execute(s.t.ownerDb);
    expect(audit.rows.map((r) => r.action)).toEqual(['record.share', 'record.unshare']);
  });

  it('refuses sharing by a partner or a stranger (nothing changes)', async () => {
    for (const u of [partner, stranger]) {
      const c = new Client(s.url);
      await c.login(u);
      const r = await c.request('POST', `/incidents/${incidentId}/sharing`, { coalition: coalitionId }, form);
      expect([403, 404]).toContain(r.status);
    }
    const n = await sql<{ n: string }>`SELECT count(*) AS n FROM record_share WHERE incident_id = ${incidentId}`.execute(s.t.ownerDb);
    expect(Number(n.rows[0]!.n)).toBe(0);
  });

  it('shares every case matching the list filters (more than 200), exactly those, after a confirmation with the number', async () => {
    const n = 205;
    for (let i = 0; i < n; i++) await createRecord(s.t, doc, 'incident', { title: `Lote masivo ${i}`, visibility: i % 2 ? 'public' : 'private' });
    await createRecord(s.t, doc, 'incident', { title: 'Otro caso sin relación' });
    // A partner's matching case is not the documenter's to share.
    await createRecord(s.t, partner.role === 'analyst' ? await makeUser(s.t, partner.organisationId, 'documenter', [coalitionId]) : partner, 'incident', { title: 'Lote masivo ajeno' });
    const c = new Client(s.url);
    await c.login(doc);
    const list = await (await c.request('GET', '/incidents?q=masivo')).text();
    expect(list).toContain('href="/incidents/share?q=masivo"');
    const confirm = await (await c.request('GET', '/incidents/share?q=masivo')).text();
    expect(confirm).toContain(`${n} casos de su organización coinciden con estos filtros.`);
    expect(confirm).toContain(`Compartir ${n} casos`);
    const t = token(confirm);
    // A stale number shares nothing and asks again, stating the real one.
    const stale = await c.request('POST', '/incidents/share', { _csrf: t, q: 'masivo', coalitionId, expected: String(n - 1) }, form);
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain(`eran ${n - 1}, ahora son ${n}`);
    const shares = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM record_share WHERE organisation_id = ${orgA}`.execute(s.t.ownerDb)).rows[0]!.n);
    expect(await shares()).toBe(0);
    const done = await c.request('POST', '/incidents/share', { _csrf: t, q: 'masivo', coalitionId, expected: String(n), fields: 'place_names' }, form);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/incidents?q=masivo&shared=${n}`);
    expect(await shares()).toBe(n);
    const titles = await sql<{ title: string; visibility: string }>`SELECT i.title, i.visibility FROM record_share x JOIN incident i ON i.organisation_id = x.organisation_id AND i.id = x.incident_id
      WHERE x.organisation_id = ${orgA}`.execute(s.t.ownerDb);
    expect(titles.rows.every((r) => r.title.startsWith('Lote masivo '))).toBe(true);
    // Public cases stay public; the others now say "shared", as they are.
    expect(titles.rows.filter((r) => r.visibility === 'coalition')).toHaveLength(Math.ceil(n / 2));
    expect(await disagreements(s, orgA)).toBe(0);
    const audited = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_log WHERE organisation_id = ${orgA} AND action = 'record.share' AND detail->>'bulk' = 'true'`.execute(s.t.ownerDb);
    expect(Number(audited.rows[0]!.n)).toBe(n);
    expect(await (await c.request('GET', `/incidents?q=masivo&shared=${n}`)).text()).toContain(`Se compartieron ${n} casos.`);
  }, 300_000);
});
