/**
 * People across organisations (issue 16 §2): an organisation's administrator acts only within that
 * organisation, and a sign-in is told to the organisation signed into, not to every one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.js';
import { engines } from '../../../test/support/db.js';
import { makeOrg, makeUser, type TestUser } from '../../../test/support/factories.js';
import { totpCode } from '../../../test/support/totp.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

/** Signs in to one named organisation (the default is the first by name, which is random here). */
async function loginInto(c: Client, u: TestUser, organisation: string): Promise<void> {
  c.csrf = (await c.json<{ csrfToken: string }>('GET', '/api/session')).body.csrfToken;
  const r = await c.json<{ csrfToken: string }>('POST', '/api/session', { email: u.email, password: u.password, organisation });
  expect(r.status).toBe(201);
  c.csrf = r.body.csrfToken;
  const m = await c.json<{ csrfToken: string }>('POST', '/api/session/totp', { code: await totpCode(u.totpSecret!) });
  expect(m.status).toBe(200);
  c.csrf = m.body.csrfToken;
}

describe.each(engines)('an administrator acts only within their organisation (%s)', (engine) => {
  let s: TestApp;
  let orgA: string;
  let orgB: string;
  let reviewer: TestUser;
  let strangerAdmin: TestUser;
  let reviewerClient: Client;

  beforeAll(async () => {
    s = await startTestApp(engine, {}, { rls: true });
    orgA = await makeOrg(s.t);
    orgB = await makeOrg(s.t);
    reviewer = await makeUser(s.t, orgA, 'reviewer');
    strangerAdmin = await makeUser(s.t, orgB, 'admin');
    // However the account came to be in both (the old "add" did it without asking), it now is.
    await s.t.ownerDb.insertInto('membership').values({ organisation_id: orgB, user_id: reviewer.userId, role: 'viewer' }).execute();
    reviewerClient = new Client(s.url, 'en');
    await loginInto(reviewerClient, reviewer, orgA);
  });
  afterAll(async () => s?.close());

  const userRow = () => s.t.ownerDb.selectFrom('app_user').select(['totp_enabled', 'totp_secret_enc']).where('id', '=', reviewer.userId).executeTakeFirstOrThrow();

  it('refuses another organisation\'s administrator to reset the second factor or end all sessions of a shared account', async () => {
    const c = new Client(s.url, 'en');
    await c.login(strangerAdmin);
    const before = await userRow();
    expect(before.totp_enabled).toBe(true);

    const reset = await c.request('POST', `/admin/users/${reviewer.userId}/reset-mfa`, {}, form);
    expect(reset.status).toBe(403);
    expect(await reset.text()).toContain('only they or the installation administrator');
    const ended = await c.request('POST', `/admin/users/${reviewer.userId}/end-sessions`, {}, form);
    expect(ended.status).toBe(403);

    const after = await userRow();
    expect(after.totp_enabled).toBe(true);
    expect(after.totp_secret_enc?.equals(before.totp_secret_enc!)).toBe(true);
    expect((await reviewerClient.json('GET', '/api/incidents')).status).toBe(200);

    // What the page shows is this organisation's business only: the reviewer's session is in A.
    const page = await (await c.request('GET', '/admin/users')).text();
    const row = page.slice(page.indexOf(`/admin/users/${reviewer.userId}/end-sessions`));
    expect(row).toMatch(/^[^<]*"[^>]*>.*?End 0 sessions/s);
  });

  it('a role change there ends only the sessions signed into that organisation', async () => {
    // A second TOTP sign-in within the same 30 s step is refused as a replay: a fresh administrator.
    const admin2 = await makeUser(s.t, orgB, 'admin');
    const c2 = new Client(s.url, 'en');
    await c2.login(admin2);
    const r = await c2.request('POST', `/admin/users/${reviewer.userId}/role`, { role: 'analyst' }, form);
    expect(r.status).toBe(303);
    expect((await reviewerClient.json('GET', '/api/incidents')).status).toBe(200);
  });

  it('lets the installation administrator reset a shared account\'s second factor', async () => {
    const inst = await makeUser(s.t, orgB, 'admin');
    await s.t.ownerDb.updateTable('app_user').set({ installation_admin: true }).where('id', '=', inst.userId).execute();
    const c = new Client(s.url, 'en');
    await c.login(inst);
    const reset = await c.request('POST', `/admin/users/${reviewer.userId}/reset-mfa`, {}, form);
    expect(reset.status).toBe(303);
    expect((await userRow()).totp_enabled).toBe(false);
  });

  it('still lets an administrator reset the second factor of a person who works only in their organisation', async () => {
    const own = await makeUser(s.t, orgB, 'documenter');
    const admin3 = await makeUser(s.t, orgB, 'admin');
    const c = new Client(s.url, 'en');
    await c.login(admin3);
    expect((await c.request('POST', `/admin/users/${own.userId}/reset-mfa`, {}, form)).status).toBe(303);
    expect((await c.request('POST', `/admin/users/${own.userId}/end-sessions`, {}, form)).status).toBe(303);
  });

  it('writes a sign-in to the audit chain of the organisation signed into only', async () => {
    const both = await makeUser(s.t, orgA, 'analyst', [], { totp: false });
    await s.t.ownerDb.insertInto('membership').values({ organisation_id: orgB, user_id: both.userId, role: 'viewer' }).execute();
    const c = new Client(s.url, 'en');
    c.csrf = (await c.json<{ csrfToken: string }>('GET', '/api/session')).body.csrfToken;
    const r = await c.json('POST', '/api/session', { email: both.email, password: both.password, organisation: orgB });
    expect(r.status).toBe(201);
    const rows = await s.t.ownerDb.selectFrom('audit_log').select('organisation_id').where('user_id', '=', both.userId).where('action', '=', 'auth.login_password').execute();
    expect(rows.map((x) => x.organisation_id)).toEqual([orgB]);
  });
});
