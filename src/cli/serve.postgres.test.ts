/**
 * `atalaya migrate` then `atalaya serve` as real processes on a fresh PostgreSQL database with the
 * defaults (row-level security on), as the README tells an installer to do: the server starts,
 * serves a page, and a person signs in. Runs when DATABASE_URL names a server.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../test/support/app.js';
import { createServerDatabase } from '../../test/support/db.js';
import { totpCode } from '../../test/support/totp.js';

const bin = join(process.cwd(), 'bin', 'atalaya.js');

interface Served {
  url: string;
  output: string[];
  stop(): Promise<void>;
}

/** Starts `atalaya serve` and resolves with its address once its output matches `ready`. */
function serve(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Served> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      output.push(...b.toString('utf8').split('\n'));
      const text = output.join('\n');
      const m = /running at (http:\/\/localhost:\d+)/.exec(text);
      if (m && ready.test(text)) resolve({ url: m[1]!.replace('localhost', '127.0.0.1'), output, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output.join('\n')}`)));
  });
}

/** Signs in with a password and enrols the second factor the server asks for, as a new person does. */
async function signInEnrolling(url: string, email: string, password: string): Promise<Client> {
  const c = new Client(url, 'en');
  c.csrf = (await c.json<{ csrfToken: string }>('GET', '/api/session')).body.csrfToken;
  const r = await c.json<{ csrfToken: string; enrolmentRequired: boolean }>('POST', '/api/session', { email, password });
  expect(r.status).toBe(201);
  c.csrf = r.body.csrfToken;
  expect(r.body.enrolmentRequired).toBe(true);
  const e = await c.json<{ secret: string }>('POST', '/api/session/totp/enrol');
  const done = await c.json<{ csrfToken: string }>('POST', '/api/session/totp/confirm', { code: await totpCode(e.body.secret) });
  expect(done.status).toBe(200);
  c.csrf = done.body.csrfToken;
  return c;
}

describe.skipIf(!process.env.DATABASE_URL)('serve on PostgreSQL with row-level security on', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let drop = async () => {};

  beforeAll(async () => {
    const created = await createServerDatabase(process.env.DATABASE_URL!);
    drop = created.drop;
    dataDir = mkdtempSync(join(tmpdir(), 'atalaya-serve-pg-'));
    env = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: created.url, ATALAYA_DATA: dataDir, PORT: '0', ATALAYA_LANG: 'en', ATALAYA_LOG_LEVEL: 'silent' };
    const m = spawnSync(process.execPath, [bin, 'migrate'], { env, encoding: 'utf8' });
    expect(m.status, m.stderr).toBe(0);
  });

  afterAll(async () => {
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts without the demo on the empty database, serves the home page and says to run init', async () => {
    const s = await serve([], env, /atalaya init --email/);
    try {
      expect(s.output.join('\n')).not.toMatch(/password/i);
      const home = await fetch(s.url + '/');
      expect(home.status).toBe(200);
      expect((await fetch(s.url + '/statements')).status).toBe(200);
    } finally {
      await s.stop();
    }
  }, 120_000);

  it('starts with the demo, serves pages and lets the demo administrator sign in', async () => {
    const s = await serve(['--demo'], env, /shown only once/);
    try {
      const text = s.output.join('\n');
      expect(text).toContain('PostgreSQL');
      const home = await fetch(s.url + '/');
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('<html');
      const login = /Sign in as (\S+) with the password (\S+)/.exec(text);
      expect(login).not.toBeNull();
      const c = await signInEnrolling(s.url, login![1]!, login![2]!);
      const cases = await c.request('GET', '/incidents');
      expect(cases.status).toBe(200);
      const list = await c.json<{ items: unknown[] }>('GET', '/api/incidents');
      expect(list.status).toBe(200);
      expect(list.body.items.length).toBeGreaterThan(0);
      expect((await fetch(s.url + '/statements')).status).toBe(200);
    } finally {
      await s.stop();
    }
  }, 120_000);
});
