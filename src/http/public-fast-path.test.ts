/**
 * The public statement page answered from memory before Fastify: the same status, headers (in the
 * same order) and bytes as the routes send, for every encoding, HEAD and 304; and never an answer
 * older than the last change — a correction, a withdrawal, a cited case retitled or archived, the
 * publisher renamed — nor a statement before its embargo ends.
 */
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renameOrganisation } from '../access/index.js';
import { archiveRecord, loadDemo, updateRecordCommand } from '../records/index.js';
import { addCorrection, changeStatus, createStatement, demoStatementSlug, loadDemoStatement, setStatementClock, withdrawStatement } from '../statements/index.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { engines } from '../../test/support/db.js';
import { makeUser, type TestUser } from '../../test/support/factories.js';

interface Raw {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

/** One request over a real socket, with exactly the headers given (fetch would add Accept-Encoding). */
function raw(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const h: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) h.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
        resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(parts) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** What only the socket adds (the injected request has none). */
const transport = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

describe.each(engines)('cached public statement pages before Fastify on %s', (engine) => {
  let s: TestApp;
  let admin: TestUser;
  let statementId: string;
  let orgSlug: string;
  const en = `/statements/${demoStatementSlug}-en`;
  const es = `/statements/${demoStatementSlug}-es`;
  const text = async (path: string, headers: Record<string, string> = {}) => (await raw(s.url, path, headers)).body.toString();

  beforeAll(async () => {
    s = await startTestApp(engine);
    const demo = await loadDemo(s.t);
    statementId = await loadDemoStatement(s.t, demo);
    admin = await makeUser(s.t, demo.organisations.observatorio, 'admin', [], { totp: false });
    orgSlug = (await s.t.ownerDb.selectFrom('organisation').select('slug').where('id', '=', demo.organisations.observatorio).executeTakeFirstOrThrow()).slug;
  }, 120_000);
  afterAll(async () => s?.close());

  async function fastAndRouted(path: string, headers: Record<string, string>, method: 'GET' | 'HEAD') {
    const routed = await s.app.inject({ method, url: path, headers });
    const before = s.app.publicFastPath!.served;
    const fast = await raw(s.url, path, headers, method);
    expect(s.app.publicFastPath!.served, `${method} ${path} ${JSON.stringify(headers)} answered before Fastify`).toBe(before + 1);
    return { routed, fast };
  }

  it.each([
    [en, {}],
    [es, {}],
    [en, { 'accept-encoding': 'br' }],
    [en, { 'accept-encoding': 'gzip, deflate, br, zstd' }],
    [es, { 'accept-encoding': 'gzip' }],
    [en, { 'accept-encoding': 'br;q=0, gzip' }],
    [`${en}.pdf`, { 'accept-encoding': 'br, gzip' }],
    [en, { 'accept-language': 'es', cookie: 'atalaya_lang=es' }],
  ])('%s %j: the same status, headers in the same order and bytes as the routes', async (path, headers) => {
    for (const method of ['GET', 'HEAD'] as const) {
      const { routed, fast } = await fastAndRouted(path, headers, method);
      expect(fast.status).toBe(routed.statusCode);
      expect(fast.status).toBe(200);
      const routedHeaders = Object.entries(routed.headers)
        .filter(([k]) => !transport.has(k))
        .map(([k, v]) => [k, String(v)]);
      expect(fast.headers.filter(([k]) => !transport.has(k))).toEqual(routedHeaders);
      if (method === 'GET') expect(fast.body.equals(routed.rawPayload)).toBe(true);
      else expect(fast.body.length).toBe(0);
    }
    const names = (await raw(s.url, path, headers)).headers.map(([k]) => k);
    for (const h of ['content-security-policy', 'x-frame-options', 'referrer-policy', 'cache-control', 'vary', 'content-language', 'etag']) expect(names, h).toContain(h);
  });

  it('answers a matching If-None-Match with 304 and no body, as the routes do; another tag gets the page', async () => {
    for (const ae of ['br', 'gzip', undefined]) {
      const headers: Record<string, string> = ae ? { 'accept-encoding': ae } : {};
      const etag = (await raw(s.url, en, headers)).headers.find(([k]) => k === 'etag')![1];
      const { routed, fast } = await fastAndRouted(en, { ...headers, 'if-none-match': `"other", ${etag}` }, 'GET');
      expect(fast.status).toBe(304);
      expect(routed.statusCode).toBe(304);
      expect(fast.body.length).toBe(0);
      expect(fast.headers.filter(([k]) => !transport.has(k))).toEqual(Object.entries(routed.headers).filter(([k]) => !transport.has(k)).map(([k, v]) => [k, String(v)]));
      expect((await raw(s.url, en, { ...headers, 'if-none-match': '"stale"' })).status).toBe(200);
    }
  });

  it('sends the compressed bytes of the same page', async () => {
    const plain = await text(en);
    expect(brotliDecompressSync((await raw(s.url, en, { 'accept-encoding': 'br' })).body).toString()).toBe(plain);
    expect(gunzipSync((await raw(s.url, en, { 'accept-encoding': 'gzip' })).body).toString()).toBe(plain);
  });

  it('leaves to Fastify what it cannot answer exactly: a query, a session cookie, an encoding it does not pick, upper case, other methods', async () => {
    await raw(s.url, en);
    for (const [path, headers, method] of [
      [`${en}?lang=en`, {}, 'GET'],
      [en, { cookie: 'atalaya_session=not-a-session' }, 'GET'],
      [en, { 'accept-encoding': '*' }, 'GET'],
      [en, { 'accept-encoding': 'deflate' }, 'GET'],
      [en.toUpperCase(), {}, 'GET'],
      [en, {}, 'OPTIONS'],
    ] as const) {
      const before = s.app.publicFastPath!.served;
      await raw(s.url, path, headers, method);
      expect(s.app.publicFastPath!.served, `${method} ${path} ${JSON.stringify(headers)}`).toBe(before);
    }
    // The language switch still sets its cookie.
    const switched = await raw(s.url, `${en}?lang=en`);
    expect(switched.headers.some(([k, v]) => k === 'set-cookie' && v.startsWith('atalaya_lang=en'))).toBe(true);
  });

  it('shows a correction and a cited case retitled at once, in both languages', async () => {
    await text(en);
    await text(es);
    await addCorrection(s.t, admin, statementId, { notes: { en: 'Corrected date of the Zulia detention.', es: 'Se corrigió la fecha de la detención en Zulia.' } });
    expect(await text(en)).toContain('Corrected date of the Zulia detention.');
    expect(await text(es)).toContain('Se corrigió la fecha de la detención en Zulia.');

    const cited = await s.t.ownerDb
      .selectFrom('statement_incident as si')
      .innerJoin('incident as i', (j) => j.onRef('i.organisation_id', '=', 'si.organisation_id').onRef('i.id', '=', 'si.incident_id'))
      .select(['i.id', 'i.title', 'i.version'])
      .where('si.statement_id', '=', statementId)
      .where('i.visibility', '=', 'public')
      .orderBy('i.title')
      .execute();
    expect(cited.length).toBeGreaterThan(1);
    const [first, second] = cited;
    expect(await text(en)).toContain(first!.title);
    await updateRecordCommand(s.t, admin, 'incident', first!.id, { version: first!.version, title: 'Detention in Zulia (title checked)' });
    expect(await text(en)).toContain('Detention in Zulia (title checked)');
    expect(await text(en)).not.toContain(first!.title);

    expect(await text(en)).toContain(second!.title);
    await archiveRecord(s.t, admin, 'incident', second!.id, { version: second!.version, reason: 'duplicate' });
    expect(await text(en)).not.toContain(second!.title);
    expect(await text(es)).not.toContain(second!.title);
  });

  it('names the publisher by its new name at once', async () => {
    await text(en);
    await renameOrganisation(s.t.db, orgSlug, 'Observatorio renombrado (demo)');
    expect(await text(en)).toContain('Observatorio renombrado (demo)');
  });

  it('shows a withdrawal at once', async () => {
    await text(en);
    await withdrawStatement(s.t, admin, statementId, { note: 'Withdrawn after the facts were disputed.' });
    const page = await text(en);
    expect(page).toContain('Withdrawn after the facts were disputed.');
    expect(await text(es)).toContain('Withdrawn after the facts were disputed.');
  });

  it('never serves a statement before its embargo ends, and serves it once it has', async () => {
    let now = Date.parse('2031-05-01T10:00:00Z');
    setStatementClock(s.t, () => new Date(now));
    try {
      const { id } = await createStatement(s.t, admin, { slug: 'embargo-check', sourceLang: 'en', countries: ['VE'], title: 'Embargoed statement about Zulia', lead: 'Lead.', body: 'Body of the embargoed statement.' }, 'en');
      const { slug } = await s.t.ownerDb.selectFrom('statement_version').select('slug').where('statement_id', '=', id).executeTakeFirstOrThrow();
      await changeStatus(s.t, admin, id, { to: 'scheduled', embargoUntil: '2031-05-01T12:00:00Z' }, 'en');
      const path = `/statements/${slug}`;
      for (let i = 0; i < 3; i++) {
        const r = await raw(s.url, path);
        expect(r.status).toBe(404);
        expect(r.body.toString()).not.toContain('Embargoed statement about Zulia');
      }
      now = Date.parse('2031-05-01T12:00:01Z');
      const r = await raw(s.url, path);
      expect(r.status).toBe(200);
      expect(r.body.toString()).toContain('Embargoed statement about Zulia');
    } finally {
      setStatementClock(s.t, () => new Date());
    }
  });
});
