/**
 * Issue 19, point 12 — disk full during an upload or an import (SECURITY.md R5): the organisation's
 * evidence folder and import folder sit on a real 1 MiB tmpfs, and a 3 MiB file is sent to each.
 * The user gets a clear error naming the lack of space (507), not a 500; no evidence row, no history,
 * no half-written file is left; and once there is space again the same upload works. Needs root to
 * mount the tmpfs (skipped elsewhere).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startTestApp, type TestApp } from '../support/app.js';
import { engines } from '../support/db.js';
import { makeOrg, makeUser } from '../support/factories.js';

function mountSmall(): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'atalaya-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}
const small = process.getuid?.() === 0 ? mountSmall() : null;

describe.skipIf(!small).each(engines)('disk full on %s', (engine) => {
  let s: TestApp;
  let c: Client;
  let org: string;
  let incidentId: string;
  const disk = join(small ?? '/nonexistent', engine);
  beforeAll(async () => {
    s = await startTestApp(engine);
    org = await makeOrg(s.t);
    c = new Client(s.url, 'en');
    await c.login(await makeUser(s.t, org, 'documenter'));
    incidentId = (await c.json<{ id: string }>('POST', '/api/incidents', { title: 'Caso sin espacio' })).body.id;
    mkdirSync(join(disk, 'evidence'), { recursive: true });
    mkdirSync(join(disk, 'imports'), { recursive: true });
    mkdirSync(join(s.t.dataDir, 'evidence'), { recursive: true });
    mkdirSync(join(s.t.dataDir, 'imports'), { recursive: true });
    symlinkSync(join(disk, 'evidence'), join(s.t.dataDir, 'evidence', org));
    symlinkSync(join(disk, 'imports'), join(s.t.dataDir, 'imports', org));
  }, 60_000);
  afterAll(async () => {
    // The refused import's keep-alive socket would hold close() for its idle timeout (~70 s).
    s?.app.server.closeAllConnections();
    await s?.close();
    rmSync(disk, { recursive: true, force: true });
  });

  const send = (path: string, bytes: Buffer, name: string) => {
    const fd = new FormData();
    fd.append('_csrf', c.csrf);
    fd.append('description', 'grabación');
    fd.append('file', new Blob([bytes], { type: 'application/octet-stream' }), name);
    return fetch(`${s.url}${path}`, { method: 'POST', body: fd, redirect: 'manual', headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'accept-language': 'en', accept: 'application/json' } });
  };
  const big = Buffer.alloc(3 * 2 ** 20, 'a');

  it('an evidence upload that fills the disk: 507, no row, no file; with space again it works', async () => {
    const rows = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM evidence`.execute(s.t.ownerDb)).rows[0]!.n);
    const r = await send(`/incidents/${incidentId}/evidence`, big, 'video.txt');
    expect(r.status).toBe(507);
    const text = await r.text();
    expect(text).toMatch(/not enough space left on the server/i);
    expect(text).not.toMatch(/ENOSPC|\/tmp\//);
    expect(await rows()).toBe(0);
    expect(readdirSync(join(disk, 'evidence'))).toEqual([]);
    const ok = await send(`/incidents/${incidentId}/evidence`, Buffer.from('Testimonio breve\n'), 'nota.txt');
    expect(ok.status).toBe(303);
    expect(await rows()).toBe(1);
  }, 60_000);

  it('an import upload that fills the disk: a clear error, nothing left in the import folder', async () => {
    const csv = Buffer.from('Código,Víctima\n' + 'A1,Nombre Apellido\n'.repeat(3 * 2 ** 20 / 18));
    const r = await send('/import', csv, 'casos.csv');
    expect(r.status).toBe(507);
    expect(await r.text()).toMatch(/not enough space left on the server/i);
    expect(readdirSync(join(disk, 'imports'))).toEqual([]);
  }, 60_000);
});

afterAll(() => {
  if (small) {
    execFileSync('umount', [small]);
    rmSync(small, { recursive: true, force: true });
  }
});
