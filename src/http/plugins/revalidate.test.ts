/**
 * Weight on the wire: pages, styles, data and charts go out brotli/gzip-compressed; public answers
 * carry an ETag and a repeat visit with If-None-Match gets 304 and no body; the two heaviest pages
 * (analysis with the demo data and a year of synthetic incidents, the public dashboard) stay under
 * 100 KB as sent.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../records/index.js';
import { loadDemoStatement } from '../../statements/index.js';
import { generateSynthetic } from '../../trends/index.js';
import { startTestApp, Client, type TestApp } from '../../../test/support/app.js';
import { engines } from '../../../test/support/db.js';
import { makeUser } from '../../../test/support/factories.js';
import { matchesEtag } from './revalidate.js';

describe.each(engines)('compression and revalidation on %s', (engine) => {
  let s: TestApp;
  let analyst: Client;

  beforeAll(async () => {
    s = await startTestApp(engine);
    const demo = await loadDemo(s.t, { password: 'demo-password-for-tests' });
    await loadDemoStatement(s.t, demo);
    await generateSynthetic(s.t, { organisationId: demo.organisations.observatorio, n: 600, seed: 5, from: '2019-01', to: '2022-12', venezuelaShare: 1, visibility: { private: 0.3, coalition: 0.2, public: 0.5 } });
    analyst = new Client(s.url, 'es');
    await analyst.login(await makeUser(s.t, demo.organisations.observatorio, 'analyst', [demo.coalitionId]));
  }, 180_000);
  afterAll(async () => s?.close());

  const cookieOf = (c: Client) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

  async function wire(url: string, encoding: string, cookie?: string) {
    const r = await s.app.inject({ url, headers: { 'accept-encoding': encoding, 'accept-language': 'es', ...(cookie ? { cookie } : {}) } });
    return { status: r.statusCode, headers: r.headers, bytes: r.rawPayload };
  }

  it.each([
    ['/analysis?country=VE', true],
    ['/analysis?country=VE&unit=victims', true],
    ['/dashboards/VE', false],
  ])('%s comes under 100 KB on the wire, brotli for browsers and gzip for older clients', async (url, signedIn) => {
    const cookie = signedIn ? cookieOf(analyst) : undefined;
    const plain = await wire(url, 'identity', cookie);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await wire(url, 'gzip, deflate, br', cookie);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.bytes.length).toBeLessThan(100 * 1024);
    expect(br.bytes.length).toBeLessThan(plain.bytes.length / 2);
    expect(brotliDecompressSync(br.bytes).toString()).toContain('</html>');
    const gz = await wire(url, 'gzip', cookie);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.bytes.length).toBeLessThan(100 * 1024);
    expect(gunzipSync(gz.bytes).toString()).toContain('</html>');
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
  });

  it('compresses CSS, JSON, CSV and SVG too, and leaves PDFs alone', async () => {
    const cookie = cookieOf(analyst);
    for (const [url, type] of [
      ['/assets/app.css', 'text/css'],
      ['/assets/public.css', 'text/css'],
      ['/api/openapi.json', 'application/json'],
      ['/statements.atom', 'application/atom+xml'],
      ['/incidents.csv', 'text/csv'],
      ['/analysis/chart.svg?country=VE', 'image/svg+xml'],
    ] as const) {
      const r = await wire(url, 'br', cookie);
      expect(r.status, url).toBe(200);
      expect(String(r.headers['content-type']), url).toContain(type);
      expect(r.headers['content-encoding'], `${url} (${r.bytes.length} bytes)`).toBe('br');
    }
    const pdf = await wire('/statements/venezuela-solidarity-2021-en.pdf', 'br, gzip');
    expect(pdf.headers['content-encoding']).toBeUndefined();
  });

  it.each(['/statements/venezuela-solidarity-2021-es', '/statements', '/assets/app.css', '/assets/public.css', '/dashboards/VE'])(
    '%s can be revalidated: 304 without a body for the same ETag, the full page for another',
    async (url) => {
      const anon = new Client(s.url, 'es');
      const first = await anon.request('GET', url, undefined, { 'accept-encoding': 'br' });
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^(W\/)?"[A-Za-z0-9_-]+"$/);
      const again = await anon.request('GET', url, undefined, { 'accept-encoding': 'br', 'if-none-match': etag! });
      expect(again.status).toBe(304);
      expect((await again.arrayBuffer()).byteLength).toBe(0);
      const other = await anon.request('GET', url, undefined, { 'accept-encoding': 'br', 'if-none-match': '"something-else"' });
      expect(other.status).toBe(200);
      // A strong tag names bytes: the plain representation of a statement page has another one.
      const plain = await anon.request('GET', url, undefined, { 'accept-encoding': 'identity' });
      if (etag!.startsWith('"')) expect(plain.headers.get('etag')).not.toBe(etag);
      else expect(plain.headers.get('etag')).toBe(etag);
    },
  );

  it('gives a signed-in page no ETag and keeps it out of every cache', async () => {
    const r = await wire('/analysis?country=VE', 'br', cookieOf(analyst));
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers.etag).toBeUndefined();
    const d = await wire('/dashboards/VE', 'br', cookieOf(analyst));
    expect(d.headers['cache-control']).toBe('no-store');
    expect(d.headers.etag).toBeUndefined();
  });
});

describe('If-None-Match', () => {
  it('matches a listed or weak tag and *, nothing else', () => {
    expect(matchesEtag('"a", "b"', '"b"')).toBe(true);
    expect(matchesEtag('W/"b"', '"b"')).toBe(true);
    expect(matchesEtag('"b"', 'W/"b"')).toBe(true);
    expect(matchesEtag('*', '"b"')).toBe(true);
    expect(matchesEtag('"bb"', '"b"')).toBe(false);
    expect(matchesEtag(undefined, '"b"')).toBe(false);
  });
});
