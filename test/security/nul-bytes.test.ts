/**
 * A NUL byte anywhere in the input (path, query string, form, JSON body, multipart field) is
 * refused with 422 and a message naming where it was, never a 500 with a stack trace in the log
 * (issue 19, point 7).
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadConfig } from '../../src/config/index.js';
import { buildApp, loggerOptions } from '../../src/http/app.js';
import { nulPath } from '../../src/http/plugins/nul-bytes.js';
import { Client } from '../support/app.js';
import { engines, openTestDb, type TestDb } from '../support/db.js';
import { makeOrg, makeUser } from '../support/factories.js';

describe.each(engines)('NUL bytes on %s', (engine) => {
  let t: TestDb;
  let url: string;
  let close: () => Promise<void>;
  let c: Client;
  const logs: string[] = [];

  beforeAll(async () => {
    t = await openTestDb(engine);
    const stream = new Writable({ write: (chunk, _enc, cb) => (logs.push(String(chunk)), cb()) });
    const config = loadConfig({ ATALAYA_DATA: t.dataDir, ATALAYA_LOG_LEVEL: 'info' });
    const app = await buildApp({ ctx: t, config, secret: randomBytes(32), engine, master: t.master }, { logger: { ...(loggerOptions('info') as object), stream } as never });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    close = async () => {
      await app.close();
      await t.cleanup();
    };
    const org = await makeOrg(t);
    c = new Client(url, 'en');
    await c.login(await makeUser(t, org, 'documenter'));
  }, 180_000);
  afterAll(async () => close?.());

  const refused = async (res: Response) => {
    expect(res.status).toBe(422);
    const text = await res.text();
    expect(text).toContain('null character');
    return text;
  };

  it('in query strings and paths, signed in or not', async () => {
    for (const path of ['/statements?q=%00', '/api/incidents?q=%00', '/incidents?q=a%00b', '/api/incidents/%00', '/statements/x%00y', '/api/actors?name=%00']) {
      await refused(await c.request('GET', path));
      await refused(await fetch(url + path, { headers: { 'accept-language': 'en' } }));
    }
  });

  it('in JSON bodies and forms, with the field named', async () => {
    const r = await c.request('POST', '/api/incidents', { title: 'Caso\u0000', narrative: 'x' });
    const body = JSON.parse(await refused(r)) as { errors: { path: string[] }[] };
    expect(body.errors[0]!.path).toEqual(['title']);
    await refused(await c.request('POST', '/api/session', { email: 'a\u0000@example.org', password: 'x' }));
    await refused(await c.request('POST', '/incidents/new', { _csrf: c.csrf, title: 'a\u0000' }, { 'content-type': 'application/x-www-form-urlencoded' }));
  });

  it('in a multipart field', async () => {
    const fd = new FormData();
    fd.append('_csrf', c.csrf);
    fd.append('description', 'nota\u0000');
    fd.append('file', new Blob(['texto\n'], { type: 'text/plain' }), 'a.txt');
    const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    await refused(await fetch(`${url}/incidents/00000000-0000-4000-8000-000000000000/evidence`, { method: 'POST', body: fd, headers: { cookie, 'accept-language': 'en' } }));
  });

  it('logs no failure and no stack trace for any of them', () => {
    const all = logs.join('\n');
    expect(all).not.toMatch(/request failed|"level":50|stack/);
    expect(all).toMatch(/"statusCode":422/);
  });
});

describe('nulPath', () => {
  it('finds a NUL anywhere in nested input and nothing in input without one', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const s = JSON.stringify(v) ?? '';
        expect(nulPath(v) !== null).toBe(s.includes('\\u0000'));
      }),
    );
  });
});
