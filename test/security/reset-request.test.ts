/**
 * Password-reset requests do the same work for known and unknown addresses, and the answer does
 * not wait on the mail server (issue 19, point 9). Work is compared as the SQL statements run, not
 * as wall time; the mail server here accepts connections and never answers, so an answer that
 * waited on it would not arrive.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestPasswordReset } from '../../src/access/index.js';
import { readOutbox } from '../../src/shared/mail.js';
import { Client, startTestApp, type TestApp } from '../support/app.js';
import { engines, openTestDb, type TestDb } from '../support/db.js';
import { makeOrg, makeUser, type TestUser } from '../support/factories.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

function counting(): { plugin: KyselyPlugin; statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    plugin: {
      transformQuery: (args) => {
        statements.push(args.node.kind);
        return args.node;
      },
      transformResult: async (args) => args.result,
    },
  };
}

describe.each(engines)('password-reset requests on %s', (engine) => {
  let t: TestDb;
  let user: TestUser;
  beforeAll(async () => {
    t = await openTestDb(engine);
    user = await makeUser(t, await makeOrg(t), 'documenter', [], { totp: false });
  }, 180_000);
  afterAll(async () => t?.cleanup());

  it('runs the same statements for a known, an unknown and a throttled address', async () => {
    const runs: string[][] = [];
    for (const email of [user.email, 'nobody@example.org', user.email, user.email, user.email]) {
      const c = counting();
      const r = await requestPasswordReset(t.db.withPlugin(c.plugin), email);
      runs.push(c.statements);
      if (email === user.email && runs.length <= 4) expect(r?.userId).toBe(user.userId);
      else expect(r).toBeNull();
    }
    for (const r of runs) expect(r).toEqual(runs[0]);
  });
});

describe('the reset answer does not wait on the mail server', () => {
  let s: TestApp;
  let smtp: Server;
  const sockets: Socket[] = [];
  let user: TestUser;
  beforeAll(async () => {
    smtp = createServer((sock) => {
      sockets.push(sock);
      sock.on('error', () => {});
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const port = (smtp.address() as { port: number }).port;
    s = await startTestApp('pglite', { SMTP_URL: `smtp://127.0.0.1:${port}` });
    user = await makeUser(s.t, await makeOrg(s.t), 'documenter', [], { totp: false });
  }, 180_000);
  afterAll(async () => {
    for (const x of sockets) x.destroy();
    smtp?.close();
    await s?.close();
  });

  it('answers a known address while its mail is still stuck, with the same page as an unknown one', async () => {
    const c = new Client(s.url, 'en');
    const page = await (await c.request('GET', '/password/forgot')).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const ask = (email: string) => Promise.race([c.request('POST', '/password/forgot', { _csrf: csrf, email }, form).then((r) => r.text()), new Promise<string>((r) => setTimeout(() => r('timed out'), 10_000))]);
    const known = await ask(user.email);
    const unknown = await ask('nobody@example.org');
    expect(known).not.toBe('timed out');
    expect(known.replace(/value="[^"]+"/g, '')).toBe(unknown.replace(/value="[^"]+"/g, ''));
    // The mail server was reached (after the answer) and nothing went to the outbox instead.
    await expect.poll(() => sockets.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(readOutbox(s.t.dataDir)).toEqual([]);
  }, 60_000);
});
