/**
 * The two load generators of bench/intake-flood.bench.ts, each run in its own process so that
 * neither takes the event loop of the server it measures:
 *   node --import tsx bench/intake-flood.clients.ts mix|flood  < options.json
 * (mix: other pages, closed loop; flood: anonymous reports through the public form).
 * Each prints one JSON line with its figures on standard output.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { leadingZeroBits } from '../src/intake/stamp.js';

export interface MixOptions {
  base: string;
  seconds: number;
  connections: number;
  /** Each request is one of these, in turn; headers (e.g. a session cookie) per path. */
  requests: { path: string; headers?: Record<string, string> }[];
  /** Distinct client addresses the ordinary visitors come from (X-Forwarded-For behind the proxy). */
  visitors: number;
}

export interface MixResult {
  statuses: Record<string, number>;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export interface FloodOptions {
  base: string;
  slug: string;
  reports: number;
  seconds: number;
  /** Addresses the flood comes from (a few Tor exits, say): the per-address rate limit applies to them. */
  sources: number;
  difficulty: number;
  /** Seconds a stamp must age before it is sent with a proof (the server's rule). */
  minSeconds: number;
  /** A photo sent with every report (base64), as a reporter would attach one. */
  photo: string;
}

export interface FloodResult {
  sent: number;
  accepted: number;
  refusedCap: number;
  refusedRate: number;
  refusedOther: number;
  errors: number;
  statuses: Record<string, number>;
  postP50: number;
  postP99: number;
}

type Autocannon = (opts: Record<string, unknown>) => Promise<{
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  statusCodeStats: Record<string, { count: number }>;
}>;

const visitorAddress = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const sourceAddress = (i: number) => `192.0.2.${(i % 250) + 1}`;

export async function mix(o: MixOptions): Promise<MixResult> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  let n = 0;
  const r = await autocannon({
    url: o.base,
    duration: o.seconds,
    connections: o.connections,
    pipelining: 1,
    requests: o.requests.map((q) => ({
      method: 'GET',
      path: q.path,
      headers: q.headers ?? {},
      // Many ordinary visitors, each well under the per-address limit.
      setupRequest: (req: { headers?: Record<string, string> }) => ({ ...req, headers: { ...req.headers, 'x-forwarded-for': visitorAddress(n++ % o.visitors) } }),
    })),
  });
  const statuses = Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count]));
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, statuses };
}

function solve(stamp: string, bits: number): string {
  for (let i = 0; ; i++) if (leadingZeroBits(createHash('sha256').update(`${stamp}:${i}`).digest()) >= bits) return String(i);
}

const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
const quantile = (xs: number[], q: number) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** One reporter: opens the form, waits as a person writing would, solves the stamp, sends. */
async function oneReport(o: FloodOptions, i: number, photo: Blob, out: FloodResult, times: number[]): Promise<void> {
  const headers = { 'x-forwarded-for': sourceAddress(i % o.sources), 'accept-language': 'es' };
  try {
    const page = await fetch(`${o.base}/report/${o.slug}`, { headers });
    const html = await page.text();
    if (page.status !== 200) return count(out, page.status, html);
    const cookie = page.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const stamp = field(html, 'stamp').replace(/&amp;/g, '&');
    const fd = new FormData();
    fd.append('_csrf', field(html, '_csrf'));
    fd.append('stamp', stamp);
    fd.append('what', `Flood report ${i}: detuvieron a un vecino frente a la plaza.`);
    fd.append('year', '2025');
    fd.append('month', '3');
    fd.append('toWhom', 'someone');
    fd.append('subdivision', 'VE-V');
    await sleep(o.minSeconds * 1000 + 100);
    fd.append('proof', solve(stamp, o.difficulty));
    fd.append('files', photo, `foto-${i}.jpg`);
    const t0 = performance.now();
    const res = await fetch(`${o.base}/report/${o.slug}`, { method: 'POST', body: fd, headers: { ...headers, cookie }, redirect: 'manual' });
    const body = await res.text();
    times.push(performance.now() - t0);
    count(out, res.status, body);
  } catch {
    out.errors++;
  }
}

function count(out: FloodResult, status: number, body: string): void {
  out.statuses[status] = (out.statuses[status] ?? 0) + 1;
  if (status === 200 && /<code>[a-z ]+<\/code>/.test(body)) out.accepted++;
  else if (status === 429 && body.includes('ya recibió hoy todas las denuncias')) out.refusedCap++; // the form, with the cap's words
  else if (status === 429) out.refusedRate++; // the per-address rate limiter's error page
  else if (status >= 500) out.errors++;
  else out.refusedOther++;
}

export async function flood(o: FloodOptions): Promise<FloodResult> {
  const out: FloodResult = { sent: 0, accepted: 0, refusedCap: 0, refusedRate: 0, refusedOther: 0, errors: 0, statuses: {}, postP50: 0, postP99: 0 };
  const photo = new Blob([Buffer.from(o.photo, 'base64')], { type: 'image/jpeg' });
  const times: number[] = [];
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < o.reports; i++) {
    // Evenly over the window: 1,000 in 60 s is one every 60 ms.
    const due = start + (i * o.seconds * 1000) / o.reports;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    out.sent++;
    pending.push(oneReport(o, i, photo, out, times));
  }
  await Promise.all(pending);
  out.postP50 = Math.round(quantile(times, 0.5));
  out.postP99 = Math.round(quantile(times, 0.99));
  return out;
}

const [mode] = process.argv.slice(2);
if (mode === 'mix' || mode === 'flood') {
  let json = '';
  for await (const chunk of process.stdin) json += String(chunk);
  const opts = JSON.parse(json);
  const result = mode === 'mix' ? await mix(opts as MixOptions) : await flood(opts as FloodOptions);
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}
