import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, Client, type TestApp } from '../../test/support/app.js';
import { engines } from '../../test/support/db.js';
import { makeOrg, makeUser } from '../../test/support/factories.js';

describe.each(engines)('JSON API over HTTP on %s', (engine) => {
  let s: TestApp;
  let doc: Client;

  beforeAll(async () => {
    s = await startTestApp(engine, {}, { rls: true });
    const org = await makeOrg(s.t);
    const u = await makeUser(s.t, org, 'documenter');
    doc = new Client(s.url, 'en');
    await doc.login(u);
  });
  afterAll(async () => s?.close());

  it('serves an OpenAPI 3.1 document listing the record routes', async () => {
    const r = await new Client(s.url).json<{ openapi: string; paths: Record<string, unknown> }>('GET', '/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/api/incidents', '/api/incidents/{id}', '/api/acts', '/api/actors']));
  });

  it('creates, reads, lists, updates with a version, refuses a stale version, archives', async () => {
    const created = await doc.json<{ id: string; version: number }>('POST', '/api/incidents', { title: 'Allanamiento de la sede de una ONG', startDate: '2020-11', country: 'VE', subdivision: 'VE-A' });
    expect(created.status).toBe(201);
    expect(created.res.headers.get('location')).toBe(`/api/incidents/${created.body.id}`);
    const read = await doc.json<{ title: string; startDate: string }>('GET', `/api/incidents/${created.body.id}`);
    expect(read.body.startDate).toBe('2020-11');
    const list = await doc.json<{ items: { id: string }[] }>('GET', '/api/incidents?country=VE&q=allanamiento');
    expect(list.body.items.map((i) => i.id)).toContain(created.body.id);
    const upd = await doc.json<{ version: number }>('PATCH', `/api/incidents/${created.body.id}`, { version: 1, title: 'Allanamiento de la sede de una ONG en Caracas', reason: 'lugar' });
    expect(upd.body.version).toBe(2);
    const stale = await doc.json<{ code: string; current: { title: string }; yours: { title: string } }>('PATCH', `/api/incidents/${created.body.id}`, { version: 1, title: 'Otra versión' });
    expect(stale.status).toBe(409);
    expect(stale.res.headers.get('content-type')).toContain('application/problem+json');
    expect(stale.body.current.title).toBe('Allanamiento de la sede de una ONG en Caracas');
    expect(stale.body.yours.title).toBe('Otra versión');
    const arch = await doc.json<{ archivedAt: string }>('POST', `/api/incidents/${created.body.id}/archive`, { version: 2 });
    expect(arch.body.archivedAt).toBeTruthy();
    const hist = await doc.json<{ items: { action: string }[] }>('GET', `/api/incidents/${created.body.id}/history`);
    expect(hist.body.items.map((h) => h.action)).toEqual(['create', 'update', 'archive']);
  });

  it('answers bad input with problem details naming each field, in the request language', async () => {
    const en = await doc.json<{ errors: { pointer: string; message: string }[]; title: string }>('POST', '/api/incidents', { title: 'ok title', startDate: '2021-13', country: 'XX' });
    expect(en.status).toBe(422);
    expect(en.body.errors.map((e) => e.pointer).sort()).toEqual(['/country', '/startDate']);
    expect(en.body.title).toBe('Some fields are not valid.');
    const es = new Client(s.url, 'es');
    es.cookies = doc.cookies;
    es.csrf = doc.csrf;
    const r = await es.json<{ errors: { message: string }[] }>('POST', '/api/incidents?lang=es', { title: 'ok', startDate: '2021-13' });
    expect(r.body.errors.some((e) => e.message.includes('AAAA'))).toBe(true);
    const badJson = await doc.request('POST', '/api/incidents', undefined, { 'content-type': 'application/json' });
    expect(badJson.status).toBe(400);
    const text = await (await doc.request('POST', '/api/acts', { incidentId: 'nope', victimId: 'x', actType: 'invented' })).text();
    expect(text).not.toMatch(/SELECT|INSERT|at .*\.ts|stack/i);
  });

  it('refuses changes without the CSRF token or from another site, and reads without a session', async () => {
    const noToken = await doc.json('POST', '/api/incidents', { title: 'sin token' }).then(async () => {
      const c = new Client(s.url);
      c.cookies = new Map(doc.cookies);
      return c.json('POST', '/api/incidents', { title: 'sin token' });
    });
    expect(noToken.status).toBe(403);
    const cross = await doc.request('POST', '/api/incidents', { title: 'otro sitio' }, { origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
    const anon = await new Client(s.url).json('GET', '/api/incidents');
    expect(anon.status).toBe(401);
  });

  it('sets security headers and no-store on every answer', async () => {
    for (const path of ['/', '/api/incidents', '/does-not-exist', '/api/openapi.json']) {
      const r = await doc.request('GET', path);
      expect(r.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('x-powered-by')).toBeNull();
    }
  });
});

describe('sessions', () => {
  let s: TestApp;
  beforeAll(async () => {
    s = await startTestApp('pglite');
  });
  afterAll(async () => s?.close());

  it('issues a new session at sign-in and again after the second factor; old tokens stop working; logout ends it', async () => {
    const u = await makeUser(s.t, await makeOrg(s.t), 'documenter');
    const c = new Client(s.url);
    const pre = await c.json<{ csrfToken: string }>('GET', '/api/session');
    c.csrf = pre.body.csrfToken;
    const first = await c.json<{ csrfToken: string; mfaRequired: boolean }>('POST', '/api/session', { email: u.email, password: u.password });
    expect(first.body.mfaRequired).toBe(true);
    const passwordOnly = c.cookies.get('atalaya_session')!;
    // Before the second factor nothing tenant-owned is reachable.
    expect((await c.json('GET', '/api/incidents')).status).toBe(401);
    c.csrf = first.body.csrfToken;
    const { totpCode } = await import('../../test/support/totp.js');
    const second = await c.json<{ csrfToken: string }>('POST', '/api/session/totp', { code: await totpCode(u.totpSecret!) });
    expect(second.status).toBe(200);
    const full = c.cookies.get('atalaya_session')!;
    expect(full).not.toBe(passwordOnly);
    expect((await c.json('GET', '/api/incidents')).status).toBe(200);
    const replay = new Client(s.url);
    replay.cookies.set('atalaya_session', passwordOnly);
    expect((await replay.json<{ mfaPending: boolean; authenticated: boolean }>('GET', '/api/session')).body).toMatchObject({ authenticated: false, mfaPending: false });
    c.csrf = second.body.csrfToken;
    expect((await c.request('DELETE', '/api/session')).status).toBe(204);
    const after = new Client(s.url);
    after.cookies.set('atalaya_session', full);
    expect((await after.json('GET', '/api/incidents')).status).toBe(401);
  });

  it('ends a session after the idle timeout', async () => {
    const u = await makeUser(s.t, await makeOrg(s.t), 'documenter');
    const c = new Client(s.url);
    await c.login(u);
    expect((await c.json('GET', '/api/incidents')).status).toBe(200);
    await s.t.db.updateTable('app_session').set({ last_seen_at: new Date(Date.now() - 31 * 60_000) }).execute();
    expect((await c.json('GET', '/api/incidents')).status).toBe(401);
  });
});
