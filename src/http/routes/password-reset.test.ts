import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOutbox } from '../../shared/mail.js';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.js';
import { makeOrg, makeUser, type TestUser } from '../../../test/support/factories.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const token = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('password reset by e-mail', () => {
  let s: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    s = await startTestApp('pglite');
    user = await makeUser(s.t, await makeOrg(s.t), 'documenter');
  });
  afterAll(async () => s?.close());

  it('mails a one-time link, sets the new password with it, ends old sessions, and refuses the link again', async () => {
    const old = new Client(s.url);
    await old.login(user);
    const c = new Client(s.url, 'en');
    const page = await (await c.request('GET', '/password/forgot')).text();
    const unknown = await (await c.request('POST', '/password/forgot', { _csrf: token(page), email: 'nobody@example.org' }, form)).text();
    const known = await (await c.request('POST', '/password/forgot', { _csrf: token(page), email: user.email }, form)).text();
    // Same answer whether or not the account exists.
    expect(unknown.replace(/value="[^"]+"/g, '')).toBe(known.replace(/value="[^"]+"/g, ''));
    // Sent after the answer: it reaches the outbox a moment later.
    await expect.poll(() => readOutbox(s.t.dataDir).filter((m) => m.to === user.email).length).toBe(1);
    const mails = readOutbox(s.t.dataDir).filter((m) => m.to === user.email);
    const link = /https?:\/\/\S+\/password\/reset\?token=(\S+)/.exec(mails[0]!.text);
    expect(link).not.toBeNull();
    const resetToken = decodeURIComponent(link![1]!);
    const resetPage = await (await c.request('GET', `/password/reset?token=${encodeURIComponent(resetToken)}`)).text();
    const weak = await c.request('POST', '/password/reset', { _csrf: token(resetPage), token: resetToken, password: 'short' }, form);
    expect(weak.status).toBe(422);
    const ok = await c.request('POST', '/password/reset', { _csrf: token(resetPage), token: resetToken, password: 'a brand new long passphrase' }, form);
    expect(ok.status).toBe(303);
    expect((await old.json('GET', '/api/incidents')).status).toBe(401);
    const again = await c.request('POST', '/password/reset', { _csrf: token(resetPage), token: resetToken, password: 'another long passphrase!' }, form);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('expired or was already used');
    const fresh = new Client(s.url);
    await fresh.login({ ...user, password: 'a brand new long passphrase' });
    expect((await fresh.json('GET', '/api/incidents')).status).toBe(200);
  });
});
