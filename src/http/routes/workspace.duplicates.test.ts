/**
 * "Possible duplicate" in the guided intake over HTTP, without JavaScript (issue 17 §1): re-entering
 * the demo's Azul Positivo detention (same day, same state, same victim) warns at the incident step
 * with a link to the case held; "different" is remembered for the draft (not asked again at the
 * victims step); "same case: add to it" saves the new victim and act into the existing case.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../records/index.js';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.js';
import { enrolTotp } from '../../../test/support/factories.js';
import { engines } from '../../../test/support/db.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe.each(engines)('possible duplicates in the intake over HTTP (%s)', (engine) => {
  let s: TestApp;
  let c: Client;
  let demo: Awaited<ReturnType<typeof loadDemo>>;
  let zulia: string;

  beforeAll(async () => {
    s = await startTestApp(engine, {}, { rls: true });
    demo = await loadDemo(s.t);
    zulia = demo.incidentIds.zulia!;
    c = new Client(s.url, 'es');
    await c.login({ ...demo.admin, totpSecret: await enrolTotp(s.t, demo.admin.userId) });
  }, 180_000);
  afterAll(async () => s?.close());

  const get = async (path: string) => {
    const r = await c.request('GET', path);
    return { status: r.status, text: await r.text() };
  };
  const post = async (path: string, body: Record<string, string>) => {
    const r = await c.request('POST', path, { _csrf: c.csrf, ...body }, form);
    return { status: r.status, location: r.headers.get('location'), text: await r.text() };
  };
  const hidden = (html: string, name: string) => [...html.matchAll(new RegExp(`name="${name}" value="([^"]*)"`, 'g'))].map((m) => m[1]!);
  const incidentStep = { title: 'Detienen a integrantes de Azul Positivo', startDate: '2021-01-12', country: 'VE', subdivision: 'VE-V', visibility: 'private', go: 'next' };
  const incidentCount = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM incident`.execute(s.t.ownerDb)).rows[0]!.n);

  it('warns on the Azul Positivo re-entry; "different" is remembered and not asked again', async () => {
    const base = (await post('/incidents/new', {})).location!.replace(/\/incident$/, '');
    const warned = await post(`${base}/incident`, incidentStep);
    expect(warned.status).toBe(200);
    expect(warned.text).toContain('Posible');
    expect(warned.text).toContain(`href="/incidents/${zulia}"`);
    expect(warned.text).toContain('Detención de cinco integrantes de una ONG de salud y VIH en Zulia');
    expect(warned.text).toContain('la misma fecha');
    const weight = hidden(warned.text, 'weight')[hidden(warned.text, 'candidateIncidentId').indexOf(zulia)]!;
    const answered = await post(`${base}/duplicate`, {
      step: 'incident',
      candidateOrganisationId: demo.organisations.observatorio,
      candidateIncidentId: zulia,
      weight,
      answer: 'different',
    });
    expect(answered.status).toBe(303);
    // The victims step: the name is the demo's organisation (the existing-record hint comes first).
    const hint = await post(`${base}/victims`, { rows: '1', v0_name: 'azul positivo', v0_kind: 'organisation', go: 'next' });
    expect(hint.status).toBe(422);
    const named = await post(`${base}/victims`, { rows: '1', v0_key: hidden(hint.text, 'v0_key')[0]!, v0_name: 'azul positivo', v0_kind: 'organisation', v0_use: 'new', go: 'next' });
    expect(named.text).not.toContain(`href="/incidents/${zulia}"`);
    expect(named.location).toBe(`${base}/acts`);
    // Asked again on another draft, where nothing was answered.
    const other = (await post('/incidents/new', {})).location!.replace(/\/incident$/, '');
    const again = await post(`${other}/incident`, incidentStep);
    expect(again.text).toContain(`href="/incidents/${zulia}"`);
    await post(`${base}/discard`, {});
    await post(`${other}/discard`, {});
  });

  it('"same case: add to it" saves the new victim and act into the existing case', async () => {
    const before = await incidentCount();
    const base = (await post('/incidents/new', {})).location!.replace(/\/incident$/, '');
    const warned = await post(`${base}/incident`, incidentStep);
    const weight = hidden(warned.text, 'weight')[hidden(warned.text, 'candidateIncidentId').indexOf(zulia)]!;
    const same = await post(`${base}/duplicate`, { step: 'incident', candidateOrganisationId: demo.organisations.observatorio, candidateIncidentId: zulia, weight, answer: 'same' });
    expect(same.location).toBe(`${base}/victims`);
    const victims = await get(`${base}/victims`);
    expect(victims.text).toContain('se agregará al caso existente');
    expect(victims.text).toContain(`href="/incidents/${zulia}"`);
    // Not asked again once the draft is being added to a case.
    expect((await post(`${base}/victims`, { rows: '1', v0_name: 'Yusmary Quintero Bracho', v0_kind: 'person', go: 'next' })).location).toBe(`${base}/acts`);
    const acts = await get(`${base}/acts`);
    const key = /<option value="([a-z0-9]+)"[^>]*>Yusmary Quintero Bracho</.exec(acts.text)![1]!;
    expect((await post(`${base}/acts`, { rows: '1', a0_victim: key, a0_actType: 'detention', go: 'next' })).location).toBe(`${base}/perpetrators`);
    const saved = await post(`${base}/save`, {});
    expect(saved.location).toBe(`/incidents/${zulia}?saved=1`);
    expect(await incidentCount()).toBe(before);
    const page = await get(`/incidents/${zulia}`);
    expect(page.text).toContain('Yusmary Quintero Bracho');
    // The act took the date typed at the first step; the answer names the case it went into.
    const act = await sql<{ start_date: string }>`SELECT a.start_date::text AS start_date FROM act a
      WHERE a.organisation_id = ${demo.organisations.observatorio} AND a.incident_id = ${zulia} ORDER BY a.created_at DESC LIMIT 1`.execute(s.t.ownerDb);
    expect(act.rows[0]!.start_date).toBe('2021-01-12');
    const answer = await sql<{ answer: string; incident_id: string }>`SELECT answer, incident_id FROM duplicate_answer WHERE subject = ${`draft:${base.split('/').pop()}`}`.execute(s.t.ownerDb);
    expect(answer.rows).toEqual([{ answer: 'same', incident_id: zulia }]);
  });

  it('links the directory of people and organisations from the workspace menu', async () => {
    const page = await get('/incidents');
    expect(page.text).toMatch(/<nav[^>]*>[\s\S]*<a href="\/actors">Personas y organizaciones<\/a>[\s\S]*<\/nav>/);
    expect((await get('/actors')).status).toBe(200);
  });

  it('refuses an answer that is neither "same" nor "different", in the user\'s language', async () => {
    const base = (await post('/incidents/new', {})).location!.replace(/\/incident$/, '');
    const bad = await post(`${base}/duplicate`, { step: 'incident', candidateOrganisationId: demo.organisations.observatorio, candidateIncidentId: zulia, weight: '1', answer: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Respuesta no válida');
    await post(`${base}/discard`, {});
  });
});
