/**
 * The forms used before signing in (sign-in, password reset, open sign-on) are protected by a
 * double-submit token bound to the server's secret (issue 19, point 10): a cookie/token pair the
 * attacker chose is refused, and on HTTPS the cookie carries the `__Host-` prefix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

async function formToken(url: string): Promise<{ cookie: string; setCookie: string; token: string }> {
  const r = await fetch(`${url}/login`);
  const setCookie = r.headers.getSetCookie().find((c) => /atalaya_csrf=/.test(c))!;
  const token = /name="_csrf" value="([^"]+)"/.exec(await r.text())![1]!;
  return { cookie: setCookie.split(';')[0]!, setCookie, token };
}

const post = (url: string, cookie: string, token: string) =>
  fetch(`${url}/login`, { method: 'POST', redirect: 'manual', headers: { ...form, cookie }, body: new URLSearchParams({ _csrf: token, email: 'a@example.org', password: 'whatever password' }).toString() });

describe.each([
  ['http', {}, 'atalaya_csrf'],
  ['https', { ATALAYA_PUBLIC_URL: 'https://atalaya.example.org' }, '__Host-atalaya_csrf'],
] as const)('anonymous CSRF token over %s', (_scheme, env, name) => {
  let s: TestApp;
  beforeAll(async () => {
    s = await startTestApp('pglite', env);
  }, 180_000);
  afterAll(async () => s?.close());

  it('sets the cookie under the right name, and the token is not the cookie', async () => {
    const f = await formToken(s.url);
    expect(f.cookie.startsWith(`${name}=`)).toBe(true);
    if (name.startsWith('__Host-')) {
      expect(f.setCookie).toMatch(/;\s*Secure/i);
      expect(f.setCookie).toMatch(/;\s*Path=\//i);
      expect(f.setCookie).not.toMatch(/Domain=/i);
    }
    expect(f.token).not.toBe(f.cookie.slice(name.length + 1));
    // The server's own pair passes the CSRF check (and then fails on the password).
    expect((await post(s.url, f.cookie, f.token)).status).not.toBe(403);
  });

  it('refuses an attacker-chosen cookie/token pair, and a real token with another cookie', async () => {
    const chosen = 'attacker-chosen-value-0123456789';
    for (const cookieName of ['atalaya_csrf', '__Host-atalaya_csrf']) expect((await post(s.url, `${cookieName}=${chosen}`, chosen)).status).toBe(403);
    const f = await formToken(s.url);
    expect((await post(s.url, `${name}=${chosen}`, f.token)).status).toBe(403);
  });
});
