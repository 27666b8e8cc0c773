/**
 * A real Atalaya server on an ephemeral loopback port over a test database, and a small HTTP client
 * that keeps cookies and the CSRF token like a browser would.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/index.js';
import { buildApp } from '../../src/http/app.js';
import type { Services } from '../../src/http/services.js';
import type { Engine } from '../../src/store/index.js';
import { openTestDb, type TestDb } from './db.js';
import { totpCode } from './totp.js';

export interface TestApp {
  url: string;
  app: FastifyInstance;
  services: Services;
  t: TestDb;
  close(): Promise<void>;
}

export async function startTestApp(engine: Engine = 'pglite', env: Record<string, string> = {}, opts: { rls?: boolean } = {}): Promise<TestApp> {
  const t = await openTestDb(engine, opts);
  const config = loadConfig({ ATALAYA_DATA: t.dataDir, ATALAYA_LOG_LEVEL: 'silent', PORT: '0', ...env });
  const services: Services = { ctx: t, config, secret: randomBytes(32), engine, master: t.master };
  const app = await buildApp(services);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    services,
    t,
    close: async () => {
      await app.close();
      await t.cleanup();
    },
  };
}

export class Client {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(
    readonly base: string,
    readonly lang = 'es',
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const h: Record<string, string> = { 'accept-language': this.lang, ...headers };
    if (this.cookies.size) h.cookie = this.cookieHeader();
    if (method !== 'GET' && method !== 'HEAD' && this.csrf && !('x-csrf-token' in headers)) h['x-csrf-token'] = this.csrf;
    let payload: string | undefined;
    if (body !== undefined) {
      if (h['content-type'] === 'application/x-www-form-urlencoded') payload = new URLSearchParams(body as Record<string, string>).toString();
      else {
        h['content-type'] ??= 'application/json';
        payload = JSON.stringify(body);
      }
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async json<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; res: Response }> {
    const res = await this.request(method, path, body);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T, res };
  }

  /** Signs in like an API client; with `totpSecret`, also passes the second factor. */
  async login(email: string | { email: string; password: string; totpSecret?: string }, password?: string, totpSecret?: string): Promise<void> {
    if (typeof email === 'object') {
      totpSecret = email.totpSecret;
      password = email.password;
      email = email.email;
    }
    const s = await this.json<{ csrfToken: string }>('GET', '/api/session');
    this.csrf = s.body.csrfToken;
    const r = await this.json<{ csrfToken: string; mfaRequired: boolean }>('POST', '/api/session', { email, password });
    if (r.status !== 201) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
    this.csrf = r.body.csrfToken;
    if (r.body.mfaRequired) {
      if (!totpSecret) throw new Error('this user needs a second factor: pass its totpSecret');
      const m = await this.json<{ csrfToken: string }>('POST', '/api/session/totp', { code: await totpCode(totpSecret) });
      if (m.status !== 200) throw new Error(`second factor failed: ${m.status} ${JSON.stringify(m.body)}`);
      this.csrf = m.body.csrfToken;
    }
  }
}
