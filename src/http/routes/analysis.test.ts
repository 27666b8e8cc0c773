/**
 * "Done means", over HTTP: an analyst opens Venezuela, sees the monthly series with the change
 * point marked at the month it began and a sentence saying how sure it is, filters to raids on NGO
 * offices, downloads the chart and its data; the public dashboard shows the same trend with small
 * cells suppressed, and re-reading it adds nothing to the release register.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAlerts, generateSynthetic } from '../../trends/index.js';
import { createRecord } from '../../records/index.js';
import { startTestApp, Client, type TestApp } from '../../../test/support/app.js';
import { engines } from '../../../test/support/db.js';
import { makeOrg, makeUser } from '../../../test/support/factories.js';

describe.each(engines)('analysis pages and public dashboard on %s', (engine) => {
  let s: TestApp;
  let analyst: Client;
  let org: string;
  let userId: string;

  beforeAll(async () => {
    s = await startTestApp(engine, {}, { rls: true });
    org = await makeOrg(s.t);
    // 2019-01 … 2022-12, all in Venezuela, the rate triples from November 2020; half published.
    await generateSynthetic({ ...s.t, db: s.t.ownerDb ?? s.t.db }, {
      organisationId: org,
      n: 1400,
      seed: 11,
      from: '2019-01',
      to: '2022-12',
      changePoint: { period: '2020-11', ratio: 3 },
      venezuelaShare: 1,
      visibility: { private: 0.4, coalition: 0.1, public: 0.5 },
    });
    const u = await makeUser(s.t, org, 'analyst');
    userId = u.userId;
    analyst = new Client(s.url, 'es');
    await analyst.login(u);
  }, 120_000);
  afterAll(async () => s?.close());

  it('shows Venezuela by month with the change point in November 2020 and how sure it is', async () => {
    const r = await analyst.request('GET', '/analysis?country=VE');
    expect(r.status).toBe(200);
    const html = await r.text();
    const sentence = /<p class="sentence" id="escalation-sentence">([^<]+)<\/p>/.exec(html)?.[1] ?? '';
    expect(sentence).toMatch(/aument/);
    expect(sentence).toMatch(/noviembre de 2020|octubre de 2020|diciembre de 2020/);
    expect(sentence).toMatch(/%/);
    // The chart marks the change (its description names the first month of the new regime).
    expect(html).toMatch(/<svg[^>]*>/);
    expect(html).toContain('Cambio');
    expect(html).toContain('/analysis/chart.svg?country=VE');
  });

  it('filters to raids on NGO offices and downloads the chart and its data', async () => {
    const q = 'country=VE&act_type=raid&victim_kind=organisation&unit=incidents';
    const page = await analyst.request('GET', `/analysis?${q}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Allanamiento de oficina o vivienda');
    const svg = await analyst.request('GET', `/analysis/chart.svg?${q}`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toContain('image/svg+xml');
    expect(svg.headers.get('content-disposition')).toContain('attachment');
    expect(await svg.text()).toMatch(/^<svg/);
    const csv = await analyst.request('GET', `/analysis/data.csv?${q}`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const body = (await csv.text()).replace(/^\uFEFF/, '');
    const lines = body.trim().split(/\r\n/);
    expect(lines[0]).toMatch(/Período|Period/);
    expect(lines.length).toBeGreaterThan(24);
    const total = lines.slice(1).reduce((sum, l) => sum + Number(l.split(';')[1]), 0);
    // The same number as counting directly in the database (owner's view, same filter).
    const direct = await sql<{ n: string }>`SELECT count(DISTINCT i.id) AS n FROM incident i JOIN act a ON a.organisation_id = i.organisation_id AND a.incident_id = i.id
      JOIN actor v ON v.organisation_id = a.organisation_id AND v.id = a.victim_id
      WHERE i.organisation_id = ${org} AND a.act_type = 'raid' AND v.kind = 'organisation' AND i.start_precision IN ('day', 'month')`.execute(s.t.ownerDb ?? s.t.db);
    expect(total).toBe(Number(direct.rows[0]!.n));
  });

  it('answers bad parameters with a page naming the field', async () => {
    const r = await analyst.request('GET', '/analysis?country=VE&act_type=flying&from=2020-13');
    expect(r.status).toBe(400);
    const html = await r.text();
    expect(html).toContain('flying');
    expect(html).toContain('2020-13');
  });

  it('sends anonymous visitors to sign in', async () => {
    const r = await new Client(s.url).request('GET', '/analysis');
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toContain('/login');
  });

  it('publishes the same trend on the public dashboard with small cells suppressed, and registers it once', async () => {
    const anon = new Client(s.url, 'es');
    const r = await anon.request('GET', '/dashboards/VE');
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain('Incidentes publicados por mes');
    expect(html).toContain('&lt; 5');
    expect(html).not.toMatch(/González|Rodríguez|Integrantes de/);
    const sentence = /<p class="sentence" id="dashboard-sentence">([^<]+)<\/p>/.exec(html)?.[1] ?? '';
    expect(sentence).toMatch(/noviembre de 2020|octubre de 2020|diciembre de 2020/);
    const count = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM public_release`.execute(s.t.ownerDb ?? s.t.db)).rows[0]!.n);
    const before = await count();
    expect(before).toBe(3);
    await anon.request('GET', '/dashboards/VE');
    expect(await count()).toBe(before);
    const csvs = await Promise.all(['monthly', 'act_type', 'map'].map(async (c) => (await anon.request('GET', `/dashboards/VE/data.csv?chart=${c}`)).text()));
    expect(csvs.some((c) => c.includes('< 5'))).toBe(true);
    expect((await anon.request('GET', '/dashboards/XX')).status).toBe(400);
  });

  it('notifies a follower of a new incident of the kind they follow, in the app and by e-mail', async () => {
    await analyst.request('POST', '/analysis/follow', { country: 'VE', act_type: 'raid', _csrf: analyst.csrf }, { 'content-type': 'application/x-www-form-urlencoded' });
    const page = await (await analyst.request('GET', '/analysis?country=VE&act_type=raid')).text();
    expect(page).toContain('/analysis/unfollow');
    await new Promise((r) => setTimeout(r, 20));
    const sys = { kind: 'system', organisationId: org } as const;
    const inc = await createRecord(s.t, sys, 'incident', { title: 'Allanamiento de la sede', country: 'VE', startDate: '2022-12-10', status: 'open' });
    const victim = await createRecord(s.t, sys, 'actor', { kind: 'organisation', name: 'Nombre reservado' });
    await createRecord(s.t, sys, 'act', { incidentId: inc.id, victimId: victim.id, actType: 'raid', country: 'VE' });
    const res = await checkAlerts(s.t, org, { smtpUrl: undefined, mailFrom: 'a@b.c', dataDir: s.t.dataDir, publicUrl: s.url });
    expect(res.newIncidentNotices).toBe(1);
    expect(res.emailed).toBe(1);
    const list = await (await analyst.request('GET', '/notifications')).text();
    expect(list).toContain('Allanamiento de la sede');
    expect(list).not.toContain('Nombre reservado');
    expect(list).toContain(`/incidents/${inc.id}`);
    const again = await checkAlerts(s.t, org);
    expect(again.newIncidentNotices).toBe(0);
    expect(userId).toBeTruthy();
  });
});
