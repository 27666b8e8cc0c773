import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, Client, type TestApp } from '../../../test/support/app.js';
import { makeOrg, makeUser } from '../../../test/support/factories.js';
import { sheetCsv, sheetProfile } from '../../interop/testing/spanish-sheet.js';
import { IMPORT_FILE_RETENTION_MS, sweepImportFiles } from '../../interop/index.js';

describe('import and export screens', () => {
  let s: TestApp;
  let c: Client;
  let orgId: string;
  beforeAll(async () => {
    s = await startTestApp('pglite');
    const org = await makeOrg(s.t);
    orgId = org;
    const u = await makeUser(s.t, org, 'documenter');
    c = new Client(s.url, 'es');
    await c.login(u);
  }, 60_000);
  afterAll(async () => s.close());

  const form = (path: string, body: Record<string, string>) =>
    c.request('POST', path, { ...body, _csrf: c.csrf }, { 'content-type': 'application/x-www-form-urlencoded' });

  async function upload(csv: string, profile?: object): Promise<Response> {
    const fd = new FormData();
    fd.append('_csrf', c.csrf);
    fd.append('file', new Blob([csv], { type: 'text/csv' }), 'casos.csv');
    if (profile) fd.append('profile', new Blob([JSON.stringify(profile)], { type: 'application/json' }), 'perfil.json');
    return fetch(`${s.url}/import`, { method: 'POST', body: fd, redirect: 'manual', headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'accept-language': 'es' } });
  }

  it('asks the day/month order of an ambiguous date column on the mapping page, and reads it so once chosen', async () => {
    const csv = 'Id,Fecha,Víctima,Acto\nA1,2/10/2015,Ana Paz,threat\nA2,3/4/2016,Luis Gil,threat\n';
    const profile = { version: 1, dataset: 'ambigua', columns: { externalId: 'Id', startDate: 'Fecha', victims: 'Víctima', actType: 'Acto' }, defaults: { country: 'VE' } };
    const up = await upload(csv, profile);
    const mapUrl = up.headers.get('location')!;
    const base = mapUrl.slice(0, -4);
    const asked = await c.request('GET', `${base}/preview`);
    expect(asked.status).toBe(422);
    const page = await asked.text();
    expect(page).toContain('¿En qué orden están las fechas de la columna «Fecha»?');
    expect(page).toMatch(/<select id="date-order" name="dateOrder"/);
    const body: Record<string, string> = { dataset: 'ambigua', unit: 'incident', separator: ';', formats: 'DD/MM/YYYY', defaultCountry: 'VE', dateOrder: 'month-day' };
    ['externalId', 'startDate', 'victims', 'actType'].forEach((f, i) => (body[`col_${i}`] = f));
    expect((await form(mapUrl, body)).status).toBe(303);
    const preview = await c.request('GET', `${base}/preview`);
    expect(preview.status).toBe(200);
    const text = await preview.text();
    expect(text).toContain('Columna de fecha «Fecha»: se lee mes/día, como dice el perfil');
    expect(text).toContain('Se crearán: 2 casos, 2 víctimas, 2 actos, 0 vínculos con perpetradores.');
    expect(text).toMatch(/Se leen como «sin valor»: (&quot;|")NA/);
  });

  it('upload, map, preview with unmatched values, resolve them, import, see progress, export the same filter', async () => {
    const up = await upload(sheetCsv(30, 7));
    expect(up.status).toBe(303);
    const mapUrl = up.headers.get('location')!;
    expect(mapUrl).toMatch(/^\/import\/u\/[\w-]{22}\/map$/);
    const base = mapUrl.slice(0, -4);
    // The upload waits on disk encrypted: neither the headers nor a victim's name can be read there.
    const orgDir = join(s.t.dataDir, 'imports', orgId);
    const stored = readFileSync(join(orgDir, `${mapUrl.split('/')[3]}.src`));
    expect(stored.includes(Buffer.from('Fecha del hecho'))).toBe(false);
    expect(stored.includes(Buffer.from('Víctima'))).toBe(false);
    const mapPage = await (await c.request('GET', mapUrl)).text();
    expect(mapPage).toContain('Fecha del hecho');
    // The guessed mapping: date, country, state, act type, victims, perpetrator, description, case code.
    expect(mapPage).toMatch(/<option value="startDate" selected/);
    const headers = ['Nro. caso', 'Fecha del hecho', 'País', 'Estado', 'Lugar', 'Tipo de agresión', 'Víctima(s)', 'Perpetrador', 'Descripción'];
    const fields = ['externalId', 'startDate', 'country', 'subdivision', 'placeName', 'actType', 'victims', 'perpetratorType', 'narrative'];
    const body: Record<string, string> = { dataset: 'pantallas', unit: 'incident', separator: ';', formats: 'DD/MM/YYYY, MM/YYYY, YYYY', defaultCountry: 'VE' };
    headers.forEach((_, i) => (body[`col_${i}`] = fields[i]!));
    const mapped = await form(mapUrl, body);
    expect(mapped.status).toBe(303);
    const preview = await (await c.request('GET', `${base}/preview`)).text();
    expect(preview).toContain('Valores sin correspondencia');
    expect(preview).toContain('alanamiento');
    expect(preview).toMatch(/línea \d+|<td>\d+<\/td>/);
    // Accept the preselected suggestion for each unmatched value (what a user who agrees would send).
    const values: Record<string, string> = {};
    for (const m of preview.matchAll(/name="(field|value)_(\d+)" value="([^"]*)"/g)) values[`${m[1]}_${m[2]}`] = m[3]!.replace(/&amp;/g, '&');
    for (const m of preview.matchAll(/name="code_(\d+)">([\s\S]*?)<\/select>/g)) {
      const chosen = /<option value="([a-z_]+)" selected/.exec(m[2]!);
      if (chosen) values[`code_${m[1]}`] = chosen[1]!;
    }
    values.code_0 ??= '';
    for (const k of Object.keys(values)) if (k.startsWith('value_') && values[k] === 'Hostigamiento judicial') values[`code_${k.slice(6)}`] = 'criminal_charges';
    expect((await form(`${base}/values`, values)).status).toBe(303);
    const again = await (await c.request('GET', `${base}/preview`)).text();
    expect(again).not.toContain('Valores sin correspondencia');
    const run = await form(`${base}/run`, { mode: 'all-or-nothing' });
    expect(run.status).toBe(303);
    const jobUrl = run.headers.get('location')!;
    let page = '';
    for (let i = 0; i < 60; i++) {
      page = await (await c.request('GET', jobUrl)).text();
      if (!page.includes('http-equiv="refresh"')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(page).toContain('Casos creados: 30');
    const list = await c.json<{ items: unknown[] }>('GET', '/api/incidents?subdivision=VE-V&limit=200');
    const csv = await c.request('GET', '/incidents/export?format=csv&subdivision=VE-V');
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="atalaya-.*\.csv"/);
    const rows = parse(Buffer.from(await csv.arrayBuffer()), { bom: true, columns: true }) as unknown[];
    expect(rows.length).toBe(list.body.items.length);
    const exportPage = await (await c.request('GET', '/export?subdivision=VE-V')).text();
    expect(exportPage).toContain('/incidents/export?format=hxl&amp;subdivision=VE-V');
  }, 120_000);

  it('imports the valid rows and hands the rejected ones back, kept encrypted on disk until downloaded', async () => {
    // Row 3 has a date no format reads: rejected with its reason; the others are imported.
    const lines = sheetCsv(4, 21).trimEnd().split('\r\n');
    const cells = lines[3]!.split(';');
    cells[1] = '31/31/2020';
    lines[3] = cells.join(';');
    const name = cells[6]!.replace(/"/g, '').split(';')[0]!.split(',')[0]!.trim();
    const up = await upload(lines.join('\r\n') + '\r\n', sheetProfile('rechazos'));
    expect(up.status).toBe(303);
    const base = up.headers.get('location')!.slice(0, -4);
    const preview = await (await c.request('GET', `${base}/preview`)).text();
    expect(preview).toMatch(/31\/31\/2020|fecha/i);
    const run = await form(`${base}/run`, { mode: 'valid-rows' });
    expect(run.status).toBe(303);
    const jobUrl = run.headers.get('location')!;
    let page = '';
    for (let i = 0; i < 60 && !page.includes('rejected.csv'); i++) {
      page = await (await c.request('GET', jobUrl)).text();
      if (!page.includes('rejected.csv')) await new Promise((r) => setTimeout(r, 250));
    }
    expect(page).toContain('Casos creados: 3');
    expect(page).toContain('48 horas');
    const onDisk = readdirSync(join(s.t.dataDir, 'imports', orgId)).filter((f) => f.endsWith('.rejected.csv'));
    expect(onDisk.length).toBeGreaterThan(0);
    for (const f of onDisk) expect(readFileSync(join(s.t.dataDir, 'imports', orgId, f)).includes(Buffer.from(name))).toBe(false);
    const dl = await c.request('GET', `${jobUrl}/rejected.csv`);
    expect(dl.status).toBe(200);
    const rows = parse(Buffer.from(await dl.arrayBuffer()), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(Object.values(rows[0]!).join(' ')).toContain(name);
    expect(Object.values(rows[0]!).join(' ')).toContain('31/31/2020');
  }, 120_000);

  it('explains a broken file on the upload page and refuses uploads without the CSRF token', async () => {
    // A small file is read to its end as soon as its header is (the upload is decrypted a chunk at a
    // time), so the error may show on the upload page itself; a larger one shows it on the next page.
    const bad = await upload('a,b\n1,"cut');
    const shown = bad.status === 303 ? await c.request('GET', bad.headers.get('location')!) : bad;
    expect(shown.status).toBe(422);
    expect(await shown.text()).toMatch(/comillas abiertas no se cierran \(línea 2\)/);
    const fd = new FormData();
    fd.append('file', new Blob(['a\n1\n']), 'x.csv');
    const r = await fetch(`${s.url}/import`, { method: 'POST', body: fd, redirect: 'manual', headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    expect(r.status).toBe(403);
  });
});

describe('import files do not outlive their use', () => {
  it('removes uploads, profiles and rejected rows older than 48 hours, and only those', () => {
    const data = mkdtempSync(join(tmpdir(), 'atalaya-sweep-'));
    try {
      expect(sweepImportFiles(data)).toBe(0); // no imports folder yet
      const dir = join(data, 'imports', 'org-a');
      mkdirSync(dir, { recursive: true });
      const now = Date.now();
      const old = (now - IMPORT_FILE_RETENTION_MS - 60_000) / 1000;
      const files = { staleUpload: 'a.src', staleRejected: 'a.rejected.csv', freshUpload: 'b.src', freshProfile: 'b.profile.json' };
      for (const f of Object.values(files)) writeFileSync(join(dir, f), 'Nombre;María Pérez\n');
      utimesSync(join(dir, files.staleUpload), old, old);
      utimesSync(join(dir, files.staleRejected), old, old);
      expect(sweepImportFiles(data, IMPORT_FILE_RETENTION_MS, now)).toBe(2);
      expect(existsSync(join(dir, files.staleUpload))).toBe(false);
      expect(existsSync(join(dir, files.staleRejected))).toBe(false);
      expect(existsSync(join(dir, files.freshUpload))).toBe(true);
      expect(existsSync(join(dir, files.freshProfile))).toBe(true);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});
