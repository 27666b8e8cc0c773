/**
 * The public statement site under load, with and without its in-memory cache, against nginx.
 *   npm run bench -- statements [--seconds 5] [--connections 20] [--rounds 3] [--lighthouse]
 * Prints requests per second and latency for a statement page served from the cache and rendered
 * on every request (the ratio is what the cache buys), the same bytes served as a static file by
 * nginx (Debian package `nginx`, one worker like Node's one process; skipped with a line saying so
 * when it is not installed) and Atalaya's ratio to it, the size of each public page plain and on
 * the wire, and, with --lighthouse, Lighthouse scores for a statement page and the index.
 *
 * The comparison with nginx: the same client (autocannon, in its own process), the same
 * connections and duration, the same body bytes — plain when the client asks for no encoding, and
 * Atalaya's own gzip bytes through nginx's gzip_static when it asks for gzip (the Debian package has
 * no brotli module). The machine is shared, so Atalaya and nginx take turns, `--rounds` times, and
 * the ratio printed is the median of each round's ratio; beside it each server's CPU time per
 * request (Atalaya's process, nginx's master and worker), which the load of other processes moves
 * far less than requests per second, and the share of a core each server used (a server well under
 * one core was held back by the client, not by its own work).
 */
import { createRequire } from 'node:module';
import { loadConfig } from '../src/config/index.js';
import { buildApp } from '../src/http/app.js';
import { loadDemo } from '../src/records/index.js';
import { loadDemoStatement, setPublicCacheEnabled } from '../src/statements/index.js';
import { openTestDb } from '../test/support/db.js';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// autocannon runs in its own process: in this one it would take the event loop from the server it measures.
const autocannonCli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

function arg(args: string[], name: string, fallback: number): number {
  const k = args.indexOf(`--${name}`);
  const v = k >= 0 ? Number(args[k + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  requests: number;
}

async function load(url: string, seconds: number, connections: number, acceptEncoding?: string): Promise<Run> {
  const out = await new Promise<string>((resolve, reject) => {
    const headers = acceptEncoding ? ['-H', `accept-encoding=${acceptEncoding}`] : [];
    const child = spawn(process.execPath, [autocannonCli, '-j', '-d', String(seconds), '-c', String(connections), ...headers, url], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(text));
  });
  const r = JSON.parse(out) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number };
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, requests: r.requests.total };
}

/** A load run with the CPU seconds `cpu` says the server spent during it. */
async function measured(cpu: () => number, url: string, seconds: number, connections: number, acceptEncoding?: string): Promise<Run & { cpuUs: number; cores: number }> {
  const before = cpu();
  const r = await load(url, seconds, connections, acceptEncoding);
  const cpuUs = ((cpu() - before) * 1e6) / Math.max(1, r.requests);
  return { ...r, cpuUs, cores: (cpuUs * r.rps) / 1e6 };
}

const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** CPU seconds of a process and its children (nginx's master and worker), from /proc. */
function procCpu(pid: number): number {
  const ticks = 100; // USER_HZ on Linux
  const one = (p: number) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(f[11]) + Number(f[12])) / ticks;
    } catch {
      return 0;
    }
  };
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    children = [];
  }
  return one(pid) + children.reduce((sum, c) => sum + one(c), 0);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Bytes as sent: Node's fetch would undo the content encoding. */
function wireSize(url: string, acceptEncoding: string): Promise<{ bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
        let bytes = 0;
        res.on('data', (d: Buffer) => (bytes += d.length));
        res.on('end', () => resolve({ bytes, encoding: String(res.headers['content-encoding'] ?? 'identity') }));
      })
      .on('error', reject);
  });
}

async function lighthouseScores(url: string): Promise<Record<string, number> | string> {
  let lighthouse: (url: string, flags: Record<string, unknown>, config?: unknown) => Promise<{ lhr: { categories: Record<string, { score: number | null }> } } | undefined>;
  let launch: (opts: Record<string, unknown>) => Promise<{ port: number; kill: () => Promise<void> | void }>;
  try {
    lighthouse = (await import('lighthouse' as string)).default;
    launch = (await import('chrome-launcher' as string)).launch;
  } catch {
    return 'lighthouse is not installed (npm install --save-dev lighthouse@12)';
  }
  const { chromePath } = await import('../test/support/browser.js');
  const chrome = await launch({ chromePath: chromePath(), chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
  try {
    const out: Record<string, number> = {};
    for (const formFactor of ['mobile', 'desktop'] as const) {
      const r = await lighthouse(
        url,
        { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'] },
        formFactor === 'desktop'
          ? { extends: 'lighthouse:default', settings: { formFactor: 'desktop', screenEmulation: { mobile: false, width: 1350, height: 940, deviceScaleFactor: 1, disabled: false }, throttlingMethod: 'simulate' } }
          : undefined,
      );
      for (const [k, v] of Object.entries(r?.lhr.categories ?? {})) out[`${formFactor} ${k}`] = Math.round((v.score ?? 0) * 100);
    }
    return out;
  } finally {
    await chrome.kill();
  }
}

const nginxBinary = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

/** nginx serving one file (and its gzip bytes, for clients that ask) from a throw-away prefix on 127.0.0.1; stopped by its own process id. */
async function startNginx(body: Buffer, gzipped: Buffer, port: number): Promise<{ url: string; pid: number; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'atalaya-nginx-'));
  writeFileSync(join(dir, 'page.html'), body);
  writeFileSync(join(dir, 'page.html.gz'), gzipped);
  const conf = `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  sendfile on;
  gzip_static on;
  gzip_vary on;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:${port};
    root ${dir};
    location / { default_type 'text/html; charset=utf-8'; try_files /page.html =404; }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child: ChildProcess = spawn(nginxBinary!, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/statement`;
  for (let i = 0; i < 50; i++) {
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    pid: child.pid!,
    stop: () => {
      child.kill('SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export default async function statementsBench(args: string[]): Promise<void> {
  const seconds = arg(args, 'seconds', 5);
  const connections = arg(args, 'connections', 20);
  const rounds = Math.max(1, arg(args, 'rounds', 3));
  const t = await openTestDb('pglite');
  const port = 40000 + Math.floor(Math.random() * 20000);
  const config = loadConfig({ ATALAYA_DATA: t.dataDir, ATALAYA_LOG_LEVEL: 'silent', PORT: String(port), ATALAYA_PUBLIC_URL: `http://127.0.0.1:${port}` });
  const app = await buildApp({ ctx: t, config, secret: randomBytes(32), engine: 'pglite', master: t.master });
  try {
    const demo = await loadDemo(t);
    await loadDemoStatement(t, demo);
    await app.listen({ port, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${port}`;
    const page = `${base}/statements/venezuela-solidarity-2021-en`;
    console.log(`statements bench: ${seconds} s per run, ${connections} connections, PGlite in memory, Node ${process.version}`);
    for (const path of ['/statements/venezuela-solidarity-2021-en', '/statements/venezuela-solidarity-2021-es', '/statements', '/statements.atom', '/assets/public.css', '/statements/venezuela-solidarity-2021-en.pdf']) {
      const plain = await wireSize(base + path, 'identity');
      const wire = await wireSize(base + path, 'br, gzip');
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      console.log(`size ${path.padEnd(46)} ${kb(plain.bytes).padStart(9)}   on the wire ${kb(wire.bytes).padStart(9)} (${wire.encoding})`);
    }
    await load(page, 2, connections); // warm-up
    const row = (name: string, r: Run & { cpuUs?: number; cores?: number }) =>
      console.log(
        `${name.padEnd(30)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50} ms   p99 ${r.p99} ms   non-2xx ${r.non2xx}` +
          (r.cpuUs !== undefined ? `   server CPU ${r.cpuUs.toFixed(0)} µs/req, ${r.cores!.toFixed(2)} cores` : ''),
      );
    setPublicCacheEnabled(t, false);
    const uncached = await measured(ownCpu, page, seconds, connections);
    row('statement page, uncached', uncached);
    const speedUp = (cached: Run) => console.log(`cache speed-up                 ${(cached.rps / Math.max(1, uncached.rps)).toFixed(1)}x req/s, ${(uncached.cpuUs / Math.max(1e-9, (cached as Run & { cpuUs: number }).cpuUs)).toFixed(1)}x less CPU per request`);
    setPublicCacheEnabled(t, true);
    await load(page, 1, connections); // fills the cache again
    if (!nginxBinary) {
      const cached = await measured(ownCpu, page, seconds, connections);
      row('statement page, cached', cached);
      speedUp(cached);
      console.log('nginx                          skipped: nginx is not installed (Debian: apt-get install nginx)');
    } else {
      const plain = Buffer.from(await (await fetch(page, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer());
      const gzipped = await new Promise<Buffer>((resolve, reject) =>
        http.get(page, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () => resolve(Buffer.concat(parts)));
        }).on('error', reject),
      );
      if (!gunzipSync(gzipped).equals(plain)) throw new Error('the gzip bytes are not the page');
      const nginx = await startNginx(plain, gzipped, port + 1);
      try {
        const served = await new Promise<string>((resolve, reject) => http.get(nginx.url, { headers: { 'accept-encoding': 'gzip' } }, (res) => { res.resume(); resolve(String(res.headers['content-encoding'])); }).on('error', reject));
        if (served !== 'gzip') throw new Error(`nginx did not serve the gzip file (${served})`);
        await load(nginx.url, 1, connections); // warm-up
        const nginxCpu = () => procCpu(nginx.pid);
        for (const [what, ae] of [['plain', undefined], ['gzip', 'gzip']] as const) {
          const ratios: number[] = [];
          const cpuRatios: number[] = [];
          for (let round = 1; round <= rounds; round++) {
            const a = await measured(ownCpu, page, seconds, connections, ae);
            const n = await measured(nginxCpu, nginx.url, seconds, connections, ae);
            row(`Atalaya, cached, ${what} #${round}`, a);
            if (round === 1 && !ae) speedUp(a);
            row(`nginx, same bytes, ${what} #${round}`, n);
            ratios.push(a.rps / Math.max(1, n.rps));
            cpuRatios.push(n.cpuUs / Math.max(1e-9, a.cpuUs));
          }
          console.log(
            `Atalaya / nginx, ${what.padEnd(5)}        ${median(ratios).toFixed(2)}x req/s (median of ${rounds} rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')}; aim >= 0.5x); ` +
              `nginx CPU per request / Atalaya's ${median(cpuRatios).toFixed(2)}x`,
          );
        }
      } finally {
        nginx.stop();
      }
    }
    if (args.includes('--lighthouse')) {
      for (const [name, url] of [['statement page', page], ['index', `${base}/statements`]] as const) {
        const scores = await lighthouseScores(url);
        console.log(`lighthouse ${name}: ${typeof scores === 'string' ? scores : Object.entries(scores).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      }
    }
  } finally {
    await app.close();
    await t.cleanup();
  }
}
