import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../records/index.js';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.js';
import { enrolTotp, testPassword } from '../../../test/support/factories.js';
import { createUser } from '../../access/index.js';
import { csvCell } from './workspace.routes.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

async function upload(c: Client, path: string, file: Buffer, name: string, type: string, description = ''): Promise<Response> {
  const fd = new FormData();
  fd.append('_csrf', c.csrf);
  fd.append('description', description);
  fd.append('file', new Blob([file], { type }), name);
  return fetch(c.base + path, { method: 'POST', body: fd, redirect: 'manual', headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
}

describe('workspace pages over HTTP (pglite)', () => {
  let s: TestApp;
  let c: Client;
  let demo: Awaited<ReturnType<typeof loadDemo>>;

  beforeAll(async () => {
    s = await startTestApp('pglite');
    demo = await loadDemo(s.t);
    c = new Client(s.url, 'es');
    const totpSecret = await enrolTotp(s.t, demo.admin.userId);
    await c.login({ ...demo.admin, totpSecret });
  });
  afterAll(async () => s?.close());

  const get = async (path: string) => {
    const r = await c.request('GET', path);
    return { status: r.status, text: await r.text(), res: r };
  };
  const post = async (path: string, body: Record<string, string>) => {
    const r = await c.request('POST', path, { _csrf: c.csrf, ...body }, form);
    return { status: r.status, location: r.headers.get('location'), text: await r.text() };
  };

  it('lists incidents with facets, accent-insensitive search and a CSV of exactly the filtered set', async () => {
    const all = await get('/incidents');
    expect(all.status).toBe(200);
    expect(all.text).toContain('Tipo de acto');
    const found = await get('/incidents?q=detencion');
    expect(found.text).toContain('Detención de cinco integrantes');
    const csv = await get('/incidents.csv?q=detencion');
    expect(csv.res.headers.get('content-disposition')).toMatch(/attachment/);
    const lines = csv.text.replace(/^\ufeff/, '').trim().split('\n');
    expect(lines[0]).toContain('titulo');
    const page = await get('/incidents?q=detencion&limit=200');
    const cards = (page.text.match(/class="card"/g) ?? []).length;
    expect(lines.length - 1).toBe(cards);
    expect(Buffer.byteLength(all.text)).toBeLessThan(100_000);
    // By relevance: the same cases, the choice kept in the form, and the CSV holds them all.
    const ranked = await get('/incidents?q=detencion&sort=relevance&limit=200');
    expect(ranked.status).toBe(200);
    expect(ranked.text).toMatch(/<option value="relevance" selected[^>]*>Relevancia para las palabras buscadas/);
    expect((ranked.text.match(/class="card"/g) ?? []).length).toBe(cards);
    const rankedCsv = await get('/incidents.csv?q=detencion&sort=relevance');
    expect(rankedCsv.text.replace(/^\ufeff/, '').trim().split('\n').length).toBe(lines.length);
  });

  it('neutralises spreadsheet formulas in CSV cells', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM')).toBe("'@SUM");
    expect(csvCell('Caracas')).toBe('Caracas');
  });

  it('takes an incident through the guided intake without JavaScript, with evidence, and saves it', async () => {
    const start = await post('/incidents/new', {});
    expect(start.status).toBe(303);
    const stepUrl = start.location!;
    const base = stepUrl.replace(/\/incident$/, '');
    // A bad date is refused with the field named, and what was typed is kept.
    const bad = await post(`${base}/incident`, { title: 'Detención arbitraria de dos defensoras en Maracaibo', startDate: '2024-13', country: 'VE', go: 'next' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('href="#startDate"');
    expect(bad.text).toContain('Detención arbitraria de dos defensoras');
    expect((await post(`${base}/incident`, { title: 'Detención arbitraria de dos defensoras en Maracaibo', startDate: '2024-03', startDateApprox: 'on', country: 'VE', subdivision: 'VE-V', visibility: 'private', go: 'next' })).location).toBe(`${base}/victims`);
    const v = await post(`${base}/victims`, { rows: '2', v0_name: 'María Fernanda Rojas', v0_kind: 'person', v0_sectors: 'women_defenders', v1_name: 'Colectivo Luz', v1_kind: 'organisation', go: 'next' });
    expect(v.location).toBe(`${base}/acts`);
    const victimsPage = await get(`${base}/acts`);
    const keys = [...victimsPage.text.matchAll(/<option value="([a-z0-9]+)"[^>]*>(María Fernanda Rojas|Colectivo Luz)</g)].map((m) => m[1]!);
    expect(keys.length).toBe(2);
    const acts = await post(`${base}/acts`, { rows: '2', a0_victim: keys[0]!, a0_actType: 'detention', a0_startDate: '2024-03-05', a1_victim: keys[1]!, a1_actType: 'raid', a1_startDate: '2024-03', go: 'next' });
    expect(acts.location).toBe(`${base}/perpetrators`);
    const perpPage = await get(`${base}/perpetrators`);
    const actKey = /<option value="([a-z0-9]+)"[^>]*>1\. /.exec(perpPage.text)![1]!;
    expect((await post(`${base}/perpetrators`, { rows: '1', p0_act: actKey, p0_perpetratorType: 'police', go: 'next' })).location).toBe(`${base}/sources`);
    expect((await post(`${base}/sources`, { rows: '1', s0_sourceType: 'testimony_relative', s0_identity: 'Hermana de la víctima', go: 'next' })).location).toBe(`${base}/evidence`);
    const photo = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#336699' } }).jpeg().withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '10/1 40/1 0/1' } }).toBuffer();
    const up = await upload(c, `${base}/upload`, photo, 'foto.jpg', 'image/jpeg', 'Foto del operativo');
    expect(up.status).toBe(303);
    const ev = await get(`${base}/evidence`);
    expect(ev.text).toContain(createHash('sha256').update(photo).digest('hex'));
    // an upload without the token is refused before any byte is stored
    const fd = new FormData();
    fd.append('file', new Blob([photo], { type: 'image/jpeg' }), 'x.jpg');
    const noToken = await fetch(`${s.url}${base}/upload`, { method: 'POST', body: fd, redirect: 'manual', headers: { cookie: [...c.cookies].map(([k, val]) => `${k}=${val}`).join('; ') } });
    expect(noToken.status).toBe(403);
    const review = await get(`${base}/review`);
    expect(review.text).toContain('María Fernanda Rojas');
    const saved = await post(`${base}/save`, {});
    expect(saved.status).toBe(303);
    // a second tap on "save" (slow connection) does not record the incident twice
    expect((await post(`${base}/save`, {})).status).toBe(404);
    expect(((await get('/incidents?q=maracaibo')).text.match(/Detención arbitraria de dos defensoras en Maracaibo/g) ?? []).length).toBe(1);
    const casePath = saved.location!.split('?')[0]!;
    const page = await get(casePath);
    expect(page.text).toContain('Detención arbitraria de dos defensoras');
    expect(page.text).toContain('María Fernanda Rojas');
    expect(page.text).toContain('copia sin metadatos');
    expect((await get('/incidents?q=detencion maracaibo')).text).toContain('Detención arbitraria de dos defensoras');

    // the same name again: the intake offers the existing record
    const again = await post('/incidents/new', {});
    const b2 = again.location!.replace(/\/incident$/, '');
    const hint = await post(`${b2}/victims`, { rows: '1', v0_name: 'maria fernanda ROJAS', v0_kind: 'person', go: 'next' });
    expect(hint.status).toBe(422);
    expect(hint.text).toContain('Ya existe un registro con este nombre');
    await post(`${b2}/discard`, {});

    // more evidence straight from the case page; a type outside the allowlist is refused
    const txt = Buffer.from('Acta de la reunión con la familia.\n');
    const up2 = await upload(c, `${casePath}/evidence`, txt, 'acta.txt', 'text/plain');
    expect(up2.status).toBe(303);
    const evPage2 = await get(up2.headers.get('location')!);
    expect(evPage2.text).toContain(createHash('sha256').update(txt).digest('hex'));
    const exe = await upload(c, `${casePath}/evidence`, Buffer.concat([Buffer.from('MZ'), Buffer.alloc(5000, 1)]), 'foto.jpg', 'image/jpeg');
    expect(exe.status).toBe(415);

    // evidence page: custody, download headers
    const evId = /href="\/evidence\/([0-9a-f-]{36})"/.exec(page.text)![1]!;
    const dl = await c.request('GET', `/evidence/${evId}/download`);
    expect(dl.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(dl.headers.get('content-security-policy')).toBe('sandbox');
    expect(dl.headers.get('x-content-type-options')).toBe('nosniff');
    await dl.arrayBuffer();
    const evPage = await get(`/evidence/${evId}`);
    expect(evPage.text).toContain('agregado');
    expect(evPage.text).toContain('descargado');

    // two edits from the same version: the second gets the merge page, then saves against the current version
    const edit = await get(`${casePath}/edit`);
    const version = /name="version" value="(\d+)"/.exec(edit.text)![1]!;
    const common = { country: 'VE', subdivision: 'VE-V', startDate: '2024-03', startDateApprox: 'on', visibility: 'private', status: 'open' };
    const first = await post(`${casePath}/edit`, { ...common, version, title: 'Detención arbitraria de dos defensoras (Maracaibo)', reason: 'título más corto' });
    expect(first.status).toBe(303);
    const second = await post(`${casePath}/edit`, { ...common, version, title: 'Detención arbitraria de dos defensoras en Maracaibo', placeName: 'Sede del colectivo' });
    expect(second.status).toBe(409);
    expect(second.text).toContain('Otra persona guardó este registro antes');
    expect(second.text).toContain('Sede del colectivo');
    const current = /name="version" value="(\d+)"/.exec(second.text)![1]!;
    const merged = await post(`${casePath}/edit`, {
      ...common,
      merge: '1',
      version: current,
      title__pick: 'current',
      title__current: 'Detención arbitraria de dos defensoras (Maracaibo)',
      title__yours: 'x',
      placeName__pick: 'yours',
      placeName__yours: 'Sede del colectivo',
      placeName__current: '',
      reason: 'fusión',
    });
    expect(merged.status).toBe(303);
    // untouched fields keep their values through both edits (the date stays "approximately March 2024")
    const after = await get(casePath);
    expect(after.text).toContain('c. marzo de 2024');
    expect(after.text).toContain('Detención arbitraria de dos defensoras (Maracaibo)');
    const hist = await get(`${casePath}/history`);
    expect(hist.text).toContain('título más corto');
    expect(hist.text).toContain('fusión');
    expect(hist.text).toContain('Sede del colectivo');

    // a source is edited from the case page too, carrying its version
    const srcEdit = /href="(\/incidents\/[0-9a-f-]{36}\/sources\/[0-9a-f-]{36}\/edit)"/.exec((await get(casePath)).text)![1]!;
    const srcForm = await get(srcEdit);
    const srcVersion = /name="version" value="(\d+)"/.exec(srcForm.text)![1]!;
    const srcSaved = await post(srcEdit, { version: srcVersion, sourceType: 'testimony_relative', reliability: 'reliable', identity: 'Hermana de la víctima', reason: 'fuente verificada' });
    expect(srcSaved.status).toBe(303);
    expect((await get(srcEdit)).text).toMatch(/<option value="reliable" selected/);

    const actorId = /href="\/actors\/([0-9a-f-]{36})"/.exec(page.text)![1]!;
    const actorPage = await get(`/actors/${actorId}`);
    expect(actorPage.text).toContain('Todo lo que le ocurrió a');
    const actorForm = await get(`/actors/${actorId}/edit`);
    const av = /name="version" value="(\d+)"/.exec(actorForm.text)![1]!;
    const renamed = await post(`/actors/${actorId}/edit`, { version: av, name: 'María Fernanda Rojas Pérez', kind: 'person', groupSize: '', reason: 'segundo apellido' });
    expect(renamed.status).toBe(303);
    expect((await get(`/actors/${actorId}`)).text).toContain('María Fernanda Rojas Pérez');
    // and the renamed record is found by its new name through the blind index
    const again2 = await post('/incidents/new', {});
    const b3 = again2.location!.replace(/\/incident$/, '');
    expect((await post(`${b3}/victims`, { rows: '1', v0_name: 'maria fernanda rojas perez', go: 'next' })).text).toContain(`/actors/${actorId}`);
    await post(`${b3}/discard`, {});
  });

  it('switches organisation only to one the user belongs to', async () => {
    const bad = await post('/session/organisation', { organisationId: '6f1c1b1e-8d8a-4c7e-9a53-1d2b3c4d5e6f' });
    expect(bad.status).toBe(404);
  });

  it('lets a member of two organisations switch, and shows partners a shared case without names', async () => {
    const email = 'dos-organizaciones@example.org';
    const { id } = await createUser(s.t.db, {
      email,
      displayName: 'Persona de dos organizaciones',
      password: testPassword,
      memberships: [
        { organisationId: demo.organisations.observatorio, role: 'documenter' },
        { organisationId: demo.organisations.red, role: 'documenter' },
      ],
    });
    const u = new Client(s.url, 'es');
    await u.login({ email, password: testPassword, totpSecret: await enrolTotp(s.t, id) });
    const r1 = await u.request('GET', '/incidents');
    const page1 = await r1.text();
    expect(page1).toContain('id="org-switch"');
    const r = await u.request('POST', '/session/organisation', { _csrf: u.csrf, organisationId: demo.organisations.red }, form);
    expect(r.status).toBe(303);
    // The demo holds more than one page of cases (25 a page): ask for all of them.
    const page2 = await (await u.request('GET', '/incidents?limit=50')).text();
    expect(page2).toMatch(new RegExp(`<option value="${demo.organisations.red}" selected`));
    // A record of the other organisation shared with the coalition: no names, no edit links.
    const shared = /href="\/incidents\/([0-9a-f-]{36})"[^>]*>Detención de cinco integrantes/.exec(page2);
    expect(shared).not.toBeNull();
    const casePage = await (await u.request('GET', `/incidents/${shared![1]}`)).text();
    expect(casePage).toContain('reservado');
    expect(casePage).not.toContain('/edit');
    expect(casePage).not.toContain('href="/evidence/');
    expect((await u.request('GET', `/incidents/${shared![1]}/edit`)).status).toBe(404);
  });

  it('adds an intervention and a link to another case from the case page, and refuses a case of another organisation', async () => {
    const rows = await s.t.db.selectFrom('incident').select(['id', 'organisation_id']).where('archived_at', 'is', null).execute();
    const own = rows.filter((r) => r.organisation_id === demo.organisations.observatorio).map((r) => r.id);
    const theirs = rows.find((r) => r.organisation_id === demo.organisations.red)!.id;
    const [a, b] = own as [string, string];
    const casePage = await get(`/incidents/${a}`);
    expect(casePage.text).toContain(`/incidents/${a}/interventions/new`);
    expect(casePage.text).toContain(`/incidents/${a}/links/new`);

    const form1 = await get(`/incidents/${a}/interventions/new`);
    expect(form1.status).toBe(200);
    expect(form1.text).toContain('Añadir una intervención');
    // A new record has no version to carry and no change to give a reason for.
    expect(form1.text).not.toContain('name="reason"');
    expect(form1.text).not.toContain('name="version"');
    // Without its type the form comes back with the error beside the field, keeping what was typed.
    const bad = await post(`/incidents/${a}/interventions/new`, { byWhom: 'Relatoría Especial ONU' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Relatoría Especial ONU');
    const ok = await post(`/incidents/${a}/interventions/new`, { interventionType: 'un_communication', date: '2021-02-10', byWhom: 'Relatoría Especial ONU', reference: 'AL VEN 1/2021', response: 'no_response' });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe(`/incidents/${a}`);

    // The other case by its address, as copied from its page.
    const linked = await post(`/incidents/${a}/links/new`, { linkType: 'same_series', toIncidentId: `${s.url}/incidents/${b}`, remarks: 'Misma operación' });
    expect(linked.status).toBe(303);
    const after = await get(`/incidents/${a}`);
    expect(after.text).toContain('AL VEN 1/2021');
    expect(after.text).toContain(`href="/incidents/${b}"`);

    // A case of another organisation is neither a place to add to nor a case to link to.
    expect((await get(`/incidents/${theirs}/interventions/new`)).status).toBe(404);
    expect((await post(`/incidents/${theirs}/interventions/new`, { interventionType: 'urgent_appeal' })).status).toBe(404);
    const foreign = await post(`/incidents/${a}/links/new`, { linkType: 'same_series', toIncidentId: theirs });
    expect(foreign.status).toBe(422);
    const self = await post(`/incidents/${a}/links/new`, { linkType: 'same_series', toIncidentId: a });
    expect(self.status).toBe(422);
  });
});
