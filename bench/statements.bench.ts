/**
 * The public statement site under load, with and without its in-memory cache.
 *   npm run bench -- statements [--seconds 10] [--connections 20] [--lighthouse]
 * Prints requests per second and latency for a statement page served from the cache and rendered
 * on every request (the ratio is what the cache buys), the size of each public page, and, with
 * --lighthouse, Lighthouse scores for a statement page and the index (needs Chromium).
 */
import { createRequire } from 'node:module';
import { loadConfig } from '../src/config/index.js';
import { buildApp } from '../src/http/app.js';
import { loadDemo } from '../src/records/index.js';
import { loadDemoStatement, setPublicCacheEnabled } from '../src/statements/index.js';
import { openTestDb } from '../test/support/db.js';
import { randomBytes } from 'node:crypto';

// autocannon ships no types; this is the part of its API the benchmark uses.
type Autocannon = (opts: { url: string; duration: number; connections: number; pipelining: number }) => Promise<{
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
}>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

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
  const r = await autocannon({ url, duration: seconds, connections, pipelining: 1 });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx };
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

export default async function statementsBench(args: string[]): Promise<void> {
  const seconds = arg(args, 'seconds', 10);
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
      const r = await fetch(base + path);
      console.log(`size ${path.padEnd(46)} ${(Buffer.from(await r.arrayBuffer()).length / 1024).toFixed(1)} KB`);
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
