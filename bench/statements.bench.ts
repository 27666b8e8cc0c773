/**
 * The public statement site under load, with and without its in-memory cache, against nginx.
 *   npm run bench -- statements [--seconds 5] [--connections 20] [--lighthouse]
 * Prints requests per second and latency for a statement page served from the cache and rendered
 * on every request (the ratio is what the cache buys), the same bytes served as a static file by
 * nginx (Debian package `nginx`, one worker like Node's one process; skipped with a line saying so
 * when it is not installed) and Atalaya's ratio to it, the size of each public page plain and on
 * the wire, and, with --lighthouse, Lighthouse scores for a statement page and the index.
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
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
}

async function load(url: string, seconds: number, connections: number): Promise<Run> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [autocannonCli, '-j', '-d', String(seconds), '-c', String(connections), url], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(text));
  });
  const r = JSON.parse(out) as { requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number };
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx };
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

/** nginx serving one file from a throw-away prefix on 127.0.0.1; stopped by its own process id. */
async function startNginx(body: Buffer, port: number): Promise<{ url: string; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'atalaya-nginx-'));
  writeFileSync(join(dir, 'page.html'), body);
  const conf = `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  sendfile on;
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
    stop: () => {
      child.kill('SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export default async function statementsBench(args: string[]): Promise<void> {
  const seconds = arg(args, 'seconds', 5);
  const connections = arg(args, 'connections', 20);
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
    const cached = await load(page, seconds, connections);
    setPublicCacheEnabled(t, false);
    const uncached = await load(page, seconds, connections);
    setPublicCacheEnabled(t, true);
    const row = (name: string, r: Run) => console.log(`${name.padEnd(24)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50} ms   p99 ${r.p99} ms   non-2xx ${r.non2xx}`);
    row('statement page, cached', cached);
    row('statement page, uncached', uncached);
    console.log(`cache speed-up          ${(cached.rps / Math.max(1, uncached.rps)).toFixed(1)}x`);
    if (!nginxBinary) console.log('nginx                    skipped: nginx is not installed (Debian: apt-get install nginx)');
    else {
      const bytes = Buffer.from(await (await fetch(page, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer());
      const nginx = await startNginx(bytes, port + 1);
      try {
        await load(nginx.url, 1, connections); // warm-up
        const n = await load(nginx.url, seconds, connections);
        row('nginx, same bytes', n);
        console.log(`Atalaya / nginx         ${(cached.rps / Math.max(1, n.rps)).toFixed(2)}x (cached statement page; aim >= 0.5x)`);
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
