/**
 * One's own password (issue 16 §2): a password chosen by someone else is one-time — the first
 * sign-in leads to /account/password before anything else; changing it asks for the current
 * password and a current code and ends the account's other sessions. The enrolment page offers a
 * tap-to-add otpauth: link beside the QR code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../access/sessions.js';
import { createUser } from '../../access/users.js';
import { sessionCookieName } from '../plugins/request-context.js';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.js';
import { engines } from '../../../test/support/db.js';
import { enrolTotp, makeOrg, makeUser } from '../../../test/support/factories.js';
import { totpCode } from '../../../test/support/totp.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe.each(engines)('my password and second factor (%s)', (engine) => {
  let s: TestApp;
  let org: string;

  beforeAll(async () => {
    s = await startTestApp(engine, {}, { rls: true });
    org = await makeOrg(s.t);
  });
  afterAll(async () => s?.close());

  it('forces a one-time password to be changed before anything else', async () => {
    const oneTime = 'clave-puesta-por-otro-2026';
    const { id } = await createUser(s.t.ownerDb, { email: 'unavez@example.org', displayName: 'Una Vez', password: oneTime, mustChangePassword: true, memberships: [{ organisationId: org, role: 'documenter' }] });
    const totpSecret = await enrolTotp({ ...s.t, db: s.t.ownerDb }, id);
    const c = new Client(s.url, 'en');
    await c.login({ email: 'unavez@example.org', password: oneTime, totpSecret });
    for (const path of ['/incidents', '/', '/admin/users', '/analysis']) {
      const r = await c.request('GET', path);
      expect([path, r.status, r.headers.get('location')]).toEqual([path, 303, '/account/password']);
    }
    const api = await c.json<{ title: string }>('GET', '/api/incidents');
    expect(api.status).toBe(403);
    expect(api.body.title).toContain('choose your own password');
    expect((await c.json('POST', '/api/incidents', { title: 'antes de cambiar' })).status).toBe(403);
    const page = await (await c.request('GET', '/account/password')).text();
    expect(page).toContain('chosen by someone else');
    expect(page).toContain('name="code"');
    const changed = await c.request('POST', '/account/password', { current: oneTime, code: await totpCode(totpSecret), password: 'mi propia frase secreta' }, form);
    expect(changed.status).toBe(303);
    expect((await c.request('GET', '/incidents')).status).toBe(200);
    const row = await s.t.ownerDb.selectFrom('app_user').select('must_change_password').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.must_change_password).toBe(false);
  });

  it('changes my password with the current password and a current code, ending my other sessions', async () => {
    const me = await makeUser(s.t, org, 'analyst');
    const here = new Client(s.url, 'en');
    await here.login(me);
    // A second signed-in session (made directly: each TOTP sign-in would spend a 30 s step).
    const other = await createSession(s.t.ownerDb, { idleMinutes: 60, maxHours: 12 }, { userId: me.userId, organisationId: org, mfaPassed: true, lang: 'en' });
    const there = new Client(s.url, 'en');
    there.cookies.set(sessionCookieName(false), other.token);
    expect((await there.json('GET', '/api/incidents')).status).toBe(200);
    // Wrong current password, then a wrong code: refused, nothing changed.
    const wrongPassword = await here.request('POST', '/account/password', { current: 'no es esta', code: '000000', password: 'una clave nueva y larga' }, form);
    expect(wrongPassword.status).toBe(422);
    expect(await wrongPassword.text()).toContain('current password is not right');
    const wrongCode = await here.request('POST', '/account/password', { current: me.password, code: '000000', password: 'una clave nueva y larga' }, form);
    expect(wrongCode.status).toBe(422);
    expect((await there.json('GET', '/api/incidents')).status).toBe(200);
    const ok = await here.request('POST', '/account/password', { current: me.password, code: await totpCode(me.totpSecret!), password: 'una clave nueva y larga' }, form);
    expect(ok.status).toBe(303);
    expect(await (await here.request('GET', '/account/password?done=1')).text()).toContain('Password changed');
    // This session goes on; the other one has ended.
    expect((await here.json('GET', '/api/incidents')).status).toBe(200);
    expect((await there.json('GET', '/api/incidents')).status).toBe(401);
    const fresh = new Client(s.url, 'en');
    fresh.csrf = (await fresh.json<{ csrfToken: string }>('GET', '/api/session')).body.csrfToken;
    expect((await fresh.json('POST', '/api/session', { email: me.email, password: me.password })).status).toBe(401);
    expect((await fresh.json('POST', '/api/session', { email: me.email, password: 'una clave nueva y larga' })).status).toBe(201);
    const audit = await s.t.ownerDb.selectFrom('audit_log').select('action').where('organisation_id', '=', org).where('user_id', '=', me.userId).execute();
    expect(audit.map((a) => a.action)).toContain('auth.password_change');
  });

  it('offers a tap-to-add otpauth: link beside the QR code at enrolment', async () => {
    const newcomer = await makeUser(s.t, org, 'documenter', [], { totp: false });
    const c = new Client(s.url, 'en');
    c.csrf = (await c.json<{ csrfToken: string }>('GET', '/api/session')).body.csrfToken;
    const r = await c.request('POST', '/login', { email: newcomer.email, password: newcomer.password }, form);
    expect(r.headers.get('location')).toContain('/account/totp');
    const page = await (await c.request('GET', '/account/totp')).text();
    const link = /<a href="(otpauth:\/\/totp\/[^"]+)"[^>]*>([^<]+)<\/a>/.exec(page);
    expect(link).not.toBeNull();
    expect(link![1]).toContain('secret=');
    expect(link![2]).toContain('Add to the authenticator app');
    expect(page).toContain('<svg');
  });
});
