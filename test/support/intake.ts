/**
 * Helpers for the public intake's tests: an app with quick proof-of-work rules, a reporter that
 * fills the form like a browser would (multipart, CSRF cookie, stamp and proof), and a JPEG that
 * carries GPS and Artist EXIF canaries.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/index.js';
import { buildApp, loggerOptions, type AppOptions } from '../../src/http/app.js';
import type { Services } from '../../src/http/services.js';
import { leadingZeroBits } from '../../src/intake/stamp.js';
import type { Engine } from '../../src/store/index.js';
import type { Client, TestApp } from './app.js';
import { openTestDb } from './db.js';

export async function startIntakeApp(engine: Engine, intake: AppOptions['intake'], opts: { logs?: string[] } = {}): Promise<TestApp> {
  const t = await openTestDb(engine, { rls: true });
  const config = loadConfig({ ATALAYA_DATA: t.dataDir, ATALAYA_LOG_LEVEL: opts.logs ? 'info' : 'silent', PORT: '0', ATALAYA_RATE_LIMIT_PER_MINUTE: '100000' });
  const services: Services = { ctx: t, config, secret: randomBytes(32), engine, master: t.master };
  let logger: AppOptions['logger'] = false;
  if (opts.logs) {
    const logs = opts.logs;
    const stream = new Writable({ write: (chunk, _e, cb) => (logs.push(String(chunk)), cb()) });
    logger = { ...(loggerOptions('info') as object), stream } as never;
  }
  const app = await buildApp(services, { intake, logger });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}`, app, services, t, close: async () => (await app.close(), await t.cleanup()) };
}

export async function gpsPhoto(tag: string): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#c33' } })
    .jpeg()
    .withExif({ IFD0: { Artist: `ARTIST${tag}` }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '10/1 29/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '66/1 52/1 0/1' } })
    .toBuffer();
}

/** True when the JPEG's EXIF has a GPS block (tag 0x8825 in either byte order). */
export async function hasGps(jpeg: Buffer): Promise<boolean> {
  const { default: sharp } = await import('sharp');
  const m = await sharp(jpeg).metadata();
  return !!m.exif && (m.exif.includes(Buffer.from([0x88, 0x25])) || m.exif.includes(Buffer.from([0x25, 0x88])));
}

export function solve(stamp: string, bits: number): string {
  for (let i = 0; ; i++) if (leadingZeroBits(createHash('sha256').update(`${stamp}:${i}`).digest()) >= bits) return String(i);
}

const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

export interface Sent {
  status: number;
  html: string;
  code: string | null;
}

/** Opens the form, then sends it (with a solved proof unless `proof: false`). */
export async function sendReport(
  c: Client,
  slug: string,
  fields: Record<string, string>,
  files: { name: string; type: string; bytes: Buffer }[] = [],
  opts: { proof?: boolean; bits?: number; headers?: Record<string, string>; reuse?: { stamp: string; csrf: string } } = {},
): Promise<Sent & { stamp: string; csrf: string }> {
  let stamp = opts.reuse?.stamp ?? '';
  let csrf = opts.reuse?.csrf ?? '';
  if (!opts.reuse) {
    const page = await (await c.request('GET', `/report/${slug}`, undefined, opts.headers)).text();
    stamp = field(page, 'stamp').replace(/&amp;/g, '&');
    csrf = field(page, '_csrf');
  }
  const fd = new FormData();
  fd.append('_csrf', csrf);
  fd.append('stamp', stamp);
  fd.append('proof', opts.proof === false ? '' : solve(stamp, opts.bits ?? 8));
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const f of files) fd.append('files', new Blob([f.bytes], { type: f.type }), f.name);
  const res = await fetch(c.base + `/report/${slug}`, {
    method: 'POST',
    body: fd,
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'accept-language': c.lang, ...(opts.headers ?? {}) },
    redirect: 'manual',
  });
  const html = await res.text();
  const code = /<code>([a-z ]+)<\/code>/.exec(html)?.[1] ?? null;
  return { status: res.status, html, code, stamp, csrf };
}
