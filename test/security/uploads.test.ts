/**
 * Refused uploads leave nothing behind (issue 19, points 1 and 2): an oversized upload is cut off
 * by the multipart limit and must not become evidence of its first 100 MiB; an upload to a case
 * that does not exist or belongs to another organisation is refused before a byte is stored; and
 * files no row refers to are swept away.
 */
import { readdirSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecord, defaultMaxEvidenceBytes, sweepUnreferencedEvidence, storeUpload } from '../../src/records/index.js';
import { createDraft } from '../../src/records/index.js';
import { Client, startTestApp, type TestApp } from '../support/app.js';
import { engines } from '../support/db.js';
import { makeOrg, makeUser, type TestUser } from '../support/factories.js';
import { Readable } from 'node:stream';

function evidenceFiles(dataDir: string, org: string): string[] {
  try {
    return readdirSync(join(dataDir, 'evidence', org));
  } catch {
    return [];
  }
}

async function upload(c: Client, path: string, file: Blob): Promise<Response> {
  const fd = new FormData();
  fd.append('_csrf', c.csrf);
  fd.append('description', 'prueba');
  fd.append('file', file, 'nota.txt');
  const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return fetch(c.base + path, { method: 'POST', body: fd, redirect: 'manual', headers: { cookie } });
}

describe.each(engines)('refused uploads on %s', (engine) => {
  let s: TestApp;
  let c: Client;
  let org: string;
  let other: string;
  let doc: TestUser;
  let incidentId: string;
  let otherIncident: string;

  beforeAll(async () => {
    s = await startTestApp(engine);
    org = await makeOrg(s.t);
    other = await makeOrg(s.t);
    doc = await makeUser(s.t, org, 'documenter');
    const otherDoc = await makeUser(s.t, other, 'documenter');
    incidentId = (await createRecord(s.t, doc, 'incident', { title: 'Allanamiento' })).id;
    otherIncident = (await createRecord(s.t, otherDoc, 'incident', { title: 'Otro caso' })).id;
    c = new Client(s.url, 'es');
    await c.login(doc);
  }, 180_000);
  afterAll(async () => s?.close());

  const evidenceRows = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM evidence`.execute(s.t.db)).rows[0]!.n);

  it('an upload over the limit answers 413, records nothing and keeps no file', async () => {
    const before = await evidenceRows();
    const big = new Uint8Array(defaultMaxEvidenceBytes + 1024 * 1024).fill(0x61);
    const r = await upload(c, `/incidents/${incidentId}/evidence`, new Blob([big], { type: 'text/plain' }));
    expect(r.status).toBe(413);
    expect(await evidenceRows()).toBe(before);
    expect(evidenceFiles(s.t.dataDir, org)).toEqual([]);
    const audit = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_log WHERE object_table = 'evidence'`.execute(s.t.db);
    expect(Number(audit.rows[0]!.n)).toBe(0);
  }, 120_000);

  it('an upload to a missing case or another organisation’s case answers 404 and stores nothing', async () => {
    const before = await evidenceRows();
    for (const target of [otherIncident, '00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      const r = await upload(c, `/incidents/${target}/evidence`, new Blob(['Testimonio de la vecina\n'.repeat(50)], { type: 'text/plain' }));
      expect(r.status).toBe(404);
    }
    expect(await evidenceRows()).toBe(before);
    expect(evidenceFiles(s.t.dataDir, org)).toEqual([]);
    expect(evidenceFiles(s.t.dataDir, other)).toEqual([]);
  });

  it('a good upload is still recorded, with its file', async () => {
    const r = await upload(c, `/incidents/${incidentId}/evidence`, new Blob(['Testimonio de la vecina\n'], { type: 'text/plain' }));
    expect(r.status).toBe(303);
    expect(evidenceFiles(s.t.dataDir, org)).toHaveLength(1);
  });

  it('the sweep removes old unreferenced files and keeps recorded ones, draft uploads and fresh files', async () => {
    const dir = join(s.t.dataDir, 'evidence', org);
    mkdirSync(dir, { recursive: true });
    const stray = randomBytes(16).toString('hex');
    writeFileSync(join(dir, stray), 'left behind');
    const fresh = randomBytes(16).toString('hex');
    writeFileSync(join(dir, fresh), 'being recorded right now');
    const pending = await storeUpload(s.t, doc, Readable.from([Buffer.from('Nota del borrador\n')]), { originalName: 'b.txt' });
    await createDraft(s.t, doc, { evidence: [{ ...pending, key: 'x' }] });
    const old = (Date.now() - 2 * 3600_000) / 1000;
    for (const f of evidenceFiles(s.t.dataDir, org)) if (f !== fresh) utimesSync(join(dir, f), old, old);
    const kept = evidenceFiles(s.t.dataDir, org).filter((f) => f !== stray);
    const r = await sweepUnreferencedEvidence(s.t);
    expect(r.removed).toBe(1);
    expect(evidenceFiles(s.t.dataDir, org).sort()).toEqual(kept.sort());
    expect(statSync(join(dir, pending.original.storageKey)).isFile()).toBe(true);
  });
});
