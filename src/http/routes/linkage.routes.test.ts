/**
 * Issue 8 and 9 "done means", over HTTP: three organisations of a coalition document the same
 * detention; an analyst runs linkage, a reviewer confirms the proposed group side by side, the
 * distinct count shows it once with three organisations, and /estimate shows the documented count
 * beside an estimate. Partners' victim names never appear unless the owner shared them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLinkageFixture, type LinkageFixture } from '../../linkage/platform/linkage.fixture.js';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.js';
import { engines } from '../../../test/support/db.js';
import { makeUser } from '../../../test/support/factories.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe.each(engines)('linkage and estimation pages on %s', (engine) => {
  let s: TestApp;
  let fx: LinkageFixture;
  let analyst: Client;
  let reviewer: Client;
  let documenter: Client;
  let runPath = '';
  const pages: string[] = [];

  beforeAll(async () => {
    s = await startTestApp(engine, {}, { rls: true });
    fx = await loadLinkageFixture({ ...s.t, db: s.t.ownerDb ?? s.t.db }, { shareNamesFrom: [2] });
    const a = await makeUser(s.t, fx.orgs[0], 'analyst', [fx.coalitionId]);
    const r = await makeUser(s.t, fx.orgs[0], 'reviewer', [fx.coalitionId]);
    const d = await makeUser(s.t, fx.orgs[0], 'documenter', [fx.coalitionId]);
    analyst = new Client(s.url, 'es');
    reviewer = new Client(s.url, 'en');
    documenter = new Client(s.url, 'es');
    await analyst.login(a);
    await reviewer.login(r);
    await documenter.login(d);
  }, 180_000);
  afterAll(async () => s?.close());

  it('refuses roles without linkage.run', async () => {
    expect((await documenter.request('GET', '/linkage')).status).toBe(403);
    expect((await documenter.request('GET', '/estimate')).status).toBe(403);
  });

  it('runs linkage from the form with the default config and shows the proposed group', async () => {
    const index = await analyst.request('GET', '/linkage');
    expect(index.status).toBe(200);
    const ih = await index.text();
    expect(ih).toContain('solo cuando la organización dueña compartió los nombres');
    expect(ih).toContain('name="config"');
    const res = await analyst.request('POST', '/linkage/runs', { config: '', _csrf: analyst.csrf }, form);
    expect(res.status).toBe(303);
    runPath = res.headers.get('location')!.split('?')[0]!;
    expect(runPath).toMatch(/^\/linkage\/runs\/[0-9a-f-]{36}$/);
    const page = await analyst.request('GET', runPath);
    expect(page.status).toBe(200);
    const html = await page.text();
    pages.push(html);
    expect(html).toContain('Por revisar');
    expect(html.match(/<section class="cluster"/g)).toHaveLength(1);
    // Side by side: a column per organisation, and the reasons.
    for (const o of ['Observatorio', 'Red', 'Colectivo']) expect(html).toContain(o);
    expect(html).toContain('act_type');
    // Organisation 2 shared its victim's name with the coalition: it was compared and is shown;
    // organisation 1 did not: "no compartido".
    expect(html).toContain(fx.names[2]);
    expect(html).toContain('no compartido');
    // The analyst may not review: no review form.
    expect(html).not.toContain('name="decision"');
  });

  it('refuses a bad config with the field named', async () => {
    const res = await analyst.request('POST', '/linkage/runs', { config: '{"idColumn":"id","comparisons":[{"name":"x","type":"exact","column":"nope"}],"blocking":[{"on":"act_type"}]}', _csrf: analyst.csrf }, form);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('comparisons.0.x');
    expect(html).toContain('nope');
  });

  it('a reviewer confirms the group; the detention counts once, documented by 3 organisations', async () => {
    const page = await reviewer.request('GET', runPath);
    const html = await page.text();
    pages.push(html);
    const action = /<form method="post" action="(\/linkage\/runs\/[^"]+\/clusters\/[^"]+)"/.exec(html)![1]!;
    const keeps = [...html.matchAll(/name="keep" value="(\d+)"/g)].map((m) => m[1]!);
    expect(keeps).toHaveLength(3);
    const body = new URLSearchParams([['_csrf', reviewer.csrf], ['version', '1'], ['decision', 'confirm'], ...keeps.map((k) => ['keep', k] as [string, string])]);
    // Confirming with fewer than two acts kept is refused.
    const res = await reviewer.request('POST', action, { _csrf: reviewer.csrf, version: '1', decision: 'confirm', keep: keeps[0]! }, form);
    expect(res.status).toBe(422);
    const ok = await fetch(s.url + action, {
      method: 'POST',
      headers: { ...form, cookie: [...reviewer.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': reviewer.csrf },
      body: body.toString(),
      redirect: 'manual',
    });
    expect(ok.status).toBe(303);
    const after = await (await reviewer.request('GET', ok.headers.get('location')!.split('#')[0]!)).text();
    pages.push(after);
    expect(after).toContain('Group confirmed.');
    expect(after).toContain('documented by 3 organisations');
    expect(after).toContain('In all: 10 records, 8 distinct attacks.');
    expect(after).toMatch(/<th scope="row">2021-03<\/th><td>3<\/td><td>1<\/td><td>1<\/td><td>3<\/td>/);
    expect(after).toMatch(/<svg[^>]*>/);
  });

  it('estimates from the confirmed run: the documented count beside the estimates', async () => {
    const get = await analyst.request('GET', `/estimate?run=${runPath.split('/').pop()}`);
    expect(get.status).toBe(200);
    const fh = await get.text();
    expect(fh).toContain('name="year"');
    const res = await analyst.request('POST', '/estimate', { _csrf: analyst.csrf, run: runPath.split('/').pop()!, year: '', method: 'all' }, form);
    expect(res.status).toBe(303);
    const loc = res.headers.get('location')!;
    expect(loc).toMatch(/^\/estimate\/results\//);
    const html = await (await analyst.request('GET', loc)).text();
    pages.push(html);
    expect(html).toContain('Ataques documentados: 8');
    expect(html).toContain('id="estimates"');
    expect(html).toMatch(/LCMCR/);
    // LCMCR ran as the default several chains, and the page shows their diagnostics.
    expect(html).toMatch(/Cadenas LCMCR: 4 \(semillas desde \d+\), \d+ iteraciones cada una; tamaño de muestra efectivo conjunto \d+ \(meta 400\), R-hat dividido/);
    expect(html).toContain('población es cerrada');
    // Each interval's kind, the standard error, the recommended figure and where the figures came from.
    expect(html).toContain('Tipo de intervalo');
    expect(html).toMatch(/de credibilidad a posteriori|de verosimilitud perfil/);
    expect(html).toContain('id="recommended"');
    expect(html).toMatch(/Calculado por atalaya \d+\.\d+\.\d+ a partir de la tabla con SHA-256 [0-9a-f]{64}/);
  });

  it('explains, in the user’s language, why a stratum cannot be estimated', async () => {
    // Only one organisation documented anything in Anzoátegui (VE-B has nothing; VE-A has one act).
    const res = await analyst.request('POST', '/estimate', { _csrf: analyst.csrf, run: runPath.split('/').pop()!, state: 'VE-A', method: 'loglinear' }, form);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('role="alert"');
    expect(html).toMatch(/no documenta ningún caso|documenta ningún caso|contiene los 1 casos/);
  });

  it('never shows a partner’s victim name that was not shared', async () => {
    const all = pages.join('\n');
    // Organisation 1 shared no names; organisation 2 shared its detention victim's name.
    expect(all).not.toContain(fx.names[1]);
    expect(all).not.toMatch(/Persona ficticia \w+ [12]-/);
  });
});
