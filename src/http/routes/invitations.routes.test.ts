/**
 * Invitations by e-mail (issue 16 §2): an administrator names an address and a role; the e-mailed
 * single-use link (72 h) lets a new person choose their name and password, then enrol the second
 * factor; an existing account accepts or declines after signing in, and nothing changes before.
 * The inviting administrator learns nothing about the address; another organisation's administrator
 * can neither see nor withdraw the invitation. The installation administrator invites an
 * organisation's first administrator the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstallationAdmin } from '../../access/installation.js';
import { resetPasswordWithToken } from '../../access/password-reset.js';
import { readOutbox } from '../../shared/mail.js';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.js';
import { engines } from '../../../test/support/db.js';
import { enrolTotp, makeOrg, makeUser, testPassword, type TestUser } from '../../../test/support/factories.js';
import { totpCode } from '../../../test/support/totp.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

/** The invitation link last e-mailed to `to` (mail leaves after the answer, so wait for it). */
async function linkFor(s: TestApp, to: string, after = 0): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const mails = readOutbox(s.t.dataDir).filter((m) => m.to.includes(to));
    if (mails.length > after) {
      const m = /\/invitations\/[A-Za-z0-9_%-]+/.exec(mails[mails.length - 1]!.text);
      if (m) return m[0];
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no invitation mail to ${to}`);
}

async function anonymous(s: TestApp): Promise<Client> {
  const c = new Client(s.url, 'en');
  c.csrf = (await c.json<{ csrfToken: string }>('GET', '/api/session')).body.csrfToken;
  return c;
}

describe.each(engines)('invitations by e-mail (%s)', (engine) => {
  let s: TestApp;
  let orgA: string;
  let orgB: string;
  let adminA: Client;
  let adminB: Client;
  let elsewhere: TestUser;

  beforeAll(async () => {
    s = await startTestApp(engine, {}, { rls: true });
    orgA = await makeOrg(s.t);
    orgB = await makeOrg(s.t);
    adminA = new Client(s.url, 'en');
    await adminA.login(await makeUser(s.t, orgA, 'admin'));
    adminB = new Client(s.url, 'en');
    await adminB.login(await makeUser(s.t, orgB, 'admin'));
    elsewhere = await makeUser(s.t, orgB, 'documenter');
  });
  afterAll(async () => s?.close());

  it('a new person sets their own name and password from the link, then enrols the second factor; the link works once', async () => {
    const page = await (await adminA.request('GET', '/admin/users')).text();
    expect(page).not.toContain('name="password"');
    expect(page).not.toContain('name="displayName"');
    const sent = await adminA.request('POST', '/admin/users', { email: 'nueva@example.org', role: 'analyst' }, form);
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/admin/users?done=invitation_sent');
    const link = await linkFor(s, 'nueva@example.org');
    expect(await (await adminA.request('GET', '/admin/users?done=invitation_sent')).text()).toMatch(/Invitation sent[\s\S]*nueva@example.org/);

    const c = await anonymous(s);
    const open = await (await c.request('GET', link)).text();
    expect(open).toContain('Create my account');
    const weak = await c.request('POST', link, { displayName: 'Nueva Persona', password: 'corta' }, form);
    expect(weak.status).toBe(422);
    const made = await c.request('POST', link, { displayName: 'Nueva Persona', password: 'una frase larga que solo yo sé' }, form);
    expect(made.status).toBe(303);
    expect(made.headers.get('location')).toContain('/account/totp');
    // Nothing is reachable before the second factor.
    expect((await c.json('GET', '/api/incidents')).status).toBe(401);
    c.csrf = (await c.json<{ csrfToken: string }>('GET', '/api/session')).body.csrfToken;
    const { secret } = (await c.json<{ secret: string }>('POST', '/api/session/totp/enrol')).body;
    const confirmed = await c.json<{ csrfToken: string }>('POST', '/api/session/totp/confirm', { code: await totpCode(secret) });
    expect(confirmed.status).toBe(200);
    c.csrf = confirmed.body.csrfToken;
    const me = await c.json<{ role: string; organisationId: string }>('GET', '/api/session');
    expect(me.body).toMatchObject({ role: 'analyst', organisationId: orgA });
    const user = await s.t.ownerDb.selectFrom('app_user').select(['display_name', 'must_change_password']).where('email', '=', 'nueva@example.org').executeTakeFirstOrThrow();
    expect(user).toEqual({ display_name: 'Nueva Persona', must_change_password: false });

    // Single use: the same link, again, is refused and creates nothing.
    const again = await anonymous(s);
    const reused = await again.request('GET', link);
    expect(reused.status).toBe(410);
    expect(await reused.text()).toContain('no longer valid');
    expect((await again.request('POST', link, { displayName: 'Otra', password: 'otra frase larga distinta' }, form)).status).toBe(410);
    expect(await s.t.ownerDb.selectFrom('app_user').select('id').where('email', '=', 'nueva@example.org').execute()).toHaveLength(1);
  });

  it('refuses an expired link', async () => {
    await adminA.request('POST', '/admin/users', { email: 'tarde@example.org', role: 'viewer' }, form);
    const link = await linkFor(s, 'tarde@example.org');
    await s.t.ownerDb.updateTable('member_invitation').set({ expires_at: new Date(Date.now() - 1000) }).where('email', '=', 'tarde@example.org').execute();
    const c = await anonymous(s);
    expect((await c.request('GET', link)).status).toBe(410);
    expect((await c.request('POST', link, { displayName: 'Tarde', password: 'una frase larga que solo yo sé' }, form)).status).toBe(410);
    expect(await s.t.ownerDb.selectFrom('app_user').select('id').where('email', '=', 'tarde@example.org').execute()).toEqual([]);
    // Created 72 hours ahead.
    await adminA.request('POST', '/admin/users', { email: 'plazo@example.org', role: 'viewer' }, form);
    const row = await s.t.ownerDb.selectFrom('member_invitation').select(['created_at', 'expires_at']).where('email', '=', 'plazo@example.org').executeTakeFirstOrThrow();
    expect(Math.round((new Date(row.expires_at).getTime() - new Date(row.created_at).getTime()) / 3600_000)).toBe(72);
  });

  it('an existing account: the admin is told the same, nothing changes until its owner signs in and accepts', async () => {
    const before = readOutbox(s.t.dataDir).filter((m) => m.to.includes(elsewhere.email)).length;
    const sentExisting = await adminA.request('POST', '/admin/users', { email: elsewhere.email, role: 'reviewer' }, form);
    const sentNew = await adminA.request('POST', '/admin/users', { email: 'nadie@example.org', role: 'reviewer' }, form);
    // Nothing revealed: the same answer, and the page lists both the same way.
    expect([sentExisting.status, sentExisting.headers.get('location')]).toEqual([sentNew.status, sentNew.headers.get('location')]);
    const page = await (await adminA.request('GET', '/admin/users')).text();
    const line = (email: string) => (new RegExp(`<li>${email.replace(/[.]/g, '\\.')}[^<]*`).exec(page)?.[0] ?? '').replace(email, 'X');
    expect(line(elsewhere.email)).not.toBe('');
    expect(line(elsewhere.email)).toBe(line('nadie@example.org'));
    const link = await linkFor(s, elsewhere.email, before);
    const membership = () => s.t.ownerDb.selectFrom('membership').select('role').where('organisation_id', '=', orgA).where('user_id', '=', elsewhere.userId).execute();
    expect(await membership()).toEqual([]);

    // Anonymous holder of the link: asked to sign in; no account form.
    const anon = await anonymous(s);
    const signIn = await (await anon.request('GET', link)).text();
    expect(signIn).toContain(`/login?next=${encodeURIComponent(link)}`);
    expect(signIn).not.toContain('Create my account');
    expect((await anon.request('POST', `${link}/accept`, {}, form)).status).toBe(303);
    expect(await membership()).toEqual([]);

    // Signing in through the pages comes back to the invitation (both steps keep ?next=).
    const owner = await anonymous(s);
    const step1 = await owner.request('POST', `/login?next=${encodeURIComponent(link)}`, { email: elsewhere.email, password: elsewhere.password }, form);
    expect(step1.headers.get('location')).toBe(`/login?next=${encodeURIComponent(link)}`);
    const totpPage = await (await owner.request('GET', step1.headers.get('location')!)).text();
    expect(totpPage).toContain(`action="/login/totp?next=${encodeURIComponent(link)}"`);
    owner.csrf = /name="_csrf" value="([^"]+)"/.exec(totpPage)![1]!;
    const step2 = await owner.request('POST', `/login/totp?next=${encodeURIComponent(link)}`, { code: await totpCode(elsewhere.totpSecret!) }, form);
    expect(step2.headers.get('location')).toBe(link);
    owner.csrf = (await owner.json<{ csrfToken: string }>('GET', '/api/session')).body.csrfToken;
    const answer = await (await owner.request('GET', link)).text();
    expect(answer).toContain('Accept');
    expect(answer).toContain('Decline');
    expect(await membership()).toEqual([]);
    // Someone else signed in cannot answer for them.
    const other = new Client(s.url, 'en');
    await other.login(await makeUser(s.t, orgB, 'viewer'));
    expect(await (await other.request('POST', `${link}/accept`, {}, form)).text()).toContain('another account');
    expect(await membership()).toEqual([]);
    const accepted = await owner.request('POST', `${link}/accept`, {}, form);
    expect(accepted.status).toBe(303);
    expect(await membership()).toEqual([{ role: 'reviewer' }]);
    expect((await owner.json<{ organisationId: string }>('GET', '/api/session')).body.organisationId).toBe(orgA);
    expect((await owner.request('GET', link)).status).toBe(410);
  });

  it('a declined invitation changes nothing', async () => {
    const someone = await makeUser(s.t, orgB, 'viewer');
    await adminA.request('POST', '/admin/users', { email: someone.email, role: 'admin' }, form);
    const link = await linkFor(s, someone.email);
    const c = new Client(s.url, 'en');
    await c.login(someone);
    expect((await c.request('POST', `${link}/decline`, {}, form)).status).toBe(303);
    expect(await s.t.ownerDb.selectFrom('membership').select('role').where('organisation_id', '=', orgA).where('user_id', '=', someone.userId).execute()).toEqual([]);
    expect((await c.request('GET', link)).status).toBe(410);
  });

  it('another organisation\'s administrator neither sees nor withdraws the invitation', async () => {
    await adminA.request('POST', '/admin/users', { email: 'privada@example.org', role: 'documenter' }, form);
    const inv = await s.t.ownerDb.selectFrom('member_invitation').select('id').where('email', '=', 'privada@example.org').executeTakeFirstOrThrow();
    expect(await (await adminB.request('GET', '/admin/users')).text()).not.toContain('privada@example.org');
    expect((await adminB.request('POST', `/admin/invitations/${inv.id}/revoke`, {}, form)).status).toBe(404);
    const stillOpen = await s.t.ownerDb.selectFrom('member_invitation').select('revoked_at').where('id', '=', inv.id).executeTakeFirstOrThrow();
    expect(stillOpen.revoked_at).toBeNull();
    // Its own administrator withdraws it, and the link dies with it.
    const link = await linkFor(s, 'privada@example.org');
    expect((await adminA.request('POST', `/admin/invitations/${inv.id}/revoke`, {}, form)).status).toBe(303);
    expect((await (await anonymous(s)).request('GET', link)).status).toBe(410);
  });

  it('the installation administrator invites an organisation\'s first administrator the same way', async () => {
    const made = await createInstallationAdmin(s.t.ownerDb, { email: 'inst-inv@example.org' });
    await resetPasswordWithToken(s.t.ownerDb, made.token, testPassword);
    const totpSecret = await enrolTotp({ ...s.t, db: s.t.ownerDb }, made.userId);
    const inst = new Client(s.url, 'en');
    await inst.login({ email: 'inst-inv@example.org', password: testPassword, totpSecret });
    const created = await inst.request('POST', '/installation/organisations', { slug: 'nueva-red', name: 'Nueva Red', lang: 'es', timeZone: 'America/Caracas' }, form);
    const orgPath = created.headers.get('location')!.split('?')[0]!;
    const sent = await inst.request('POST', `${orgPath}/invitations`, { email: 'jefa@example.org' }, form);
    expect(sent.status).toBe(303);
    expect(await (await inst.request('GET', orgPath)).text()).toContain('jefa@example.org');
    const link = await linkFor(s, 'jefa@example.org');
    const mail = readOutbox(s.t.dataDir).find((m) => m.to.includes('jefa@example.org'))!;
    expect(mail.subject).toContain('Nueva Red');
    const c = await anonymous(s);
    expect((await c.request('POST', link, { displayName: 'La Jefa', password: 'una frase larga que solo yo sé' }, form)).status).toBe(303);
    const orgId = orgPath.split('/').pop()!;
    const m = await s.t.ownerDb
      .selectFrom('membership as m')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .select(['m.role'])
      .where('m.organisation_id', '=', orgId)
      .where('u.email', '=', 'jefa@example.org')
      .execute();
    expect(m).toEqual([{ role: 'admin' }]);
    // An organisation's member cannot invite through the installation's route.
    expect((await adminA.request('POST', `${orgPath}/invitations`, { email: 'colada@example.org' }, form)).status).toBe(403);
  });
});
