/**
 * Does a flood of anonymous reports slow the rest of the site? (issue 21)
 *   npm run bench -- intake-flood [--seconds 15] [--flood-seconds 60] [--reports 1000]
 *                                 [--connections 8] [--sources 4] [--difficulty 12]
 * A real server (PostgreSQL when DATABASE_URL is set, else PGlite) with the demo data and an
 * organisation that accepts reports. First the baseline: requests/s and p99 of a mix of other
 * pages (the public statement page, the public dashboard, a signed-in documenter's case list),
 * measured before the flood and again after it (the mean is the reference: other people's load on
 * a shared machine drifts). Then the same mix while --reports anonymous reports arrive evenly over --flood-seconds through the real
 * public form: open the form (stamp and CSRF cookie), wait as a writer would, solve the proof of
 * work, send with a photo. The abuse controls refuse most of them (daily cap, per-address rate
 * limit): accepted and refused are counted. PASS when the mix's rate and p99 stay within 20 % of
 * the baseline. Also printed: the server's event-loop delay per phase, and the CPU the flood itself
 * cost the server (all threads of its process, and its low-priority process for the intake's
 * heavy steps), which does not depend on other people's load.
 *
 * The flood comes from --sources addresses (X-Forwarded-For behind a trusted proxy: Tor exits, a
 * NAT); ordinary visitors from many addresses, each under the per-address limit. Load generators
 * run in their own processes, the flood's at the lowest CPU priority: a real attacker's proof of
 * work runs on the attacker's machine, and the server's cost of checking it is one hash whatever
 * the difficulty, which is why the default difficulty here is lower than the server's (16 bits
 * would take this shared machine ~160 s of CPU for 1,000 reports).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, setPriority } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/index.js';
import { buildApp } from '../src/http/app.js';
import type { Services } from '../src/http/services.js';
import { defaultStampRules, intakeHeavyWork, intakeLowPriority, setIntakeSetting } from '../src/intake/index.js';
import { loadDemo } from '../src/records/index.js';
import { demoStatementSlug, loadDemoStatement } from '../src/statements/index.js';
import { Client } from '../test/support/app.js';
import { openDatabase } from '../src/store/index.js';
import { openTestDb } from '../test/support/db.js';
import { makeUser } from '../test/support/factories.js';
import type { FloodOptions, FloodResult, MixOptions, MixResult } from './intake-flood.clients.js';

const clients = join(dirname(fileURLToPath(import.meta.url)), 'intake-flood.clients.ts');

function arg(args: string[], name: string, fallback: number): number {
  const k = args.indexOf(`--${name}`);
  const v = k >= 0 ? Number(args[k + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
}

function child<T>(mode: 'mix' | 'flood', opts: MixOptions | FloodOptions, nice = 0): Promise<T> {
  return new Promise((resolve, reject) => {
    // Options on standard input: the photo is too big for the command line.
    const p = spawn(process.execPath, ['--import', 'tsx', clients, mode], { stdio: ['pipe', 'pipe', 'inherit'] });
    p.stdin!.end(JSON.stringify(opts));
    if (nice && p.pid) setPriority(p.pid, nice);
    let text = '';
    p.stdout!.on('data', (d: Buffer) => (text += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(text) as T) : reject(new Error(`${mode} load exited ${code}`))));
  });
}

/** A photo of realistic weight (noise does not compress) carrying GPS EXIF. */
async function photo(): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  return sharp({ create: { width: 800, height: 600, channels: 3, background: '#777', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg({ quality: 80 })
    .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '10/1 29/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '66/1 52/1 0/1' } })
    .toBuffer();
}

const fmt = (r: MixResult) => `${r.rps.toFixed(0).padStart(5)} req/s, p50 ${String(r.p50).padStart(4)} ms, p99 ${String(r.p99).padStart(4)} ms${r.non2xx || r.errors ? ` (statuses ${JSON.stringify(r.statuses)}, errors ${r.errors})` : ''}`;

export default async function intakeFloodBench(args: string[]): Promise<void> {
  const seconds = arg(args, 'seconds', 15);
  const floodSeconds = arg(args, 'flood-seconds', 60);
  const reports = arg(args, 'reports', 1000);
  const connections = arg(args, 'connections', 8);
  const sources = arg(args, 'sources', 4);
  const difficulty = arg(args, 'difficulty', 12);
  const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite';

  const t = await openTestDb(engine, { rls: true });
  try {
    const owner = { ...t, db: t.ownerDb };
    const demo = await loadDemo(owner);
    await loadDemoStatement(owner, demo);
    const orgId = demo.organisations.observatorio;
    const slug = (await t.ownerDb.selectFrom('organisation').select('slug').where('id', '=', orgId).executeTakeFirstOrThrow()).slug;
    const admin = await makeUser(t, orgId, 'admin', [], { totp: false });
    const dailyCap = 200;
    await setIntakeSetting(t, admin, true, dailyCap);
    const documenter = await makeUser(t, orgId, 'documenter');

    // The default per-address limit stays on: it is one of the controls the flood meets.
    const config = loadConfig({ ATALAYA_DATA: t.dataDir, ATALAYA_LOG_LEVEL: 'silent', PORT: '0', ATALAYA_TRUST_PROXY: 'true' });
    // The server's own pool (10 connections), as `atalaya serve` opens it: the test handle has 4.
    const served = engine === 'postgres' ? await openDatabase({ dataDir: t.dataDir, databaseUrl: t.databaseUrl, appRole: 'atalaya_app' }) : null;
    const services: Services = { ctx: { ...t, db: served?.db ?? t.db }, config, secret: randomBytes(32), engine, master: t.master };
    const app = await buildApp(services, { intake: { stamps: { difficulty } } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const a = app.server.address();
    const base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    try {
      const c = new Client(base);
      await c.login(documenter);
      const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const requests = [{ path: `/statements/${demoStatementSlug}-es` }, { path: '/dashboards/VE' }, { path: '/incidents', headers: { cookie } }];
      for (const r of requests) {
        const res = await fetch(base + r.path, { headers: { ...(r.headers ?? {}), 'x-forwarded-for': '10.9.9.9' } });
        if (res.status !== 200) throw new Error(`${r.path} answers ${res.status}`);
      }
      const mixOpts = (s: number): MixOptions => ({ base, seconds: s, connections, requests, visitors: 1000 });
      console.log(
        `intake-flood bench on ${engine}, ${cpus().length} cores, Node ${process.version}: mix of ${requests.map((r) => r.path).join(', ')}; ` +
          `${connections} connections; flood ${reports} reports in ${floodSeconds} s from ${sources} addresses, proof ${difficulty} bits (server default ${defaultStampRules.difficulty}), daily cap ${dailyCap}, ${config.rateLimitPerMinute} requests/min per address`,
      );

      if (args.includes('--probe')) {
        for (const r of requests) console.log(`${r.path.padEnd(40)} alone: ${fmt(await child<MixResult>('mix', { ...mixOpts(4), requests: [r] }))}`);
        return;
      }
      // The server's event-loop delay per phase: work on the main thread shows here first.
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const loopP99 = () => {
        const ms = loop.percentile(99) / 1e6;
        loop.reset();
        return `; server event-loop delay p99 ${ms.toFixed(0)} ms`;
      };
      await child<MixResult>('mix', mixOpts(3)); // warm-up
      loop.reset();
      let cpu0 = process.cpuUsage();
      const before = await child<MixResult>('mix', mixOpts(seconds));
      const cpuBefore = process.cpuUsage(cpu0);
      console.log(`baseline before   ${fmt(before)}${loopP99()}`);

      const photoBytes = await photo();
      const floodOpts: FloodOptions = { base, slug, reports, seconds: floodSeconds, sources, difficulty, minSeconds: defaultStampRules.minSecondsWithProof, photo: photoBytes.toString('base64') };
      cpu0 = process.cpuUsage();
      const heavy0 = intakeHeavyWork.ran;
      const lowCpu0 = intakeLowPriority.cpuMs;
      const floodStart = performance.now();
      const flooding = child<FloodResult>('flood', floodOpts, 19);
      // Measure inside the flood: it ramps up over the first seconds (every report waits for its stamp).
      const lead = Math.min(5, floodSeconds / 6);
      await new Promise((r) => setTimeout(r, lead * 1000));
      loop.reset();
      const during = await child<MixResult>('mix', mixOpts(Math.max(5, floodSeconds - 2 * lead)));
      const duringLoop = loopP99();
      const f = await flooding;
      const cpuFlood = process.cpuUsage(cpu0);
      // The heavy steps run in a separate low-priority process: its CPU is the flood's too.
      const lowCpu = intakeLowPriority.cpuMs - lowCpu0;
      const floodWall = (performance.now() - floodStart) / 1000;
      console.log(`during the flood  ${fmt(during)}${duringLoop}`);
      loop.reset();
      // A second baseline after the flood: on a shared machine the load of others drifts, and the
      // mean of before and after is the fairer reference.
      const cpuAfter0 = process.cpuUsage();
      const after = await child<MixResult>('mix', mixOpts(seconds));
      const cpuAfter = process.cpuUsage(cpuAfter0);
      console.log(`baseline after    ${fmt(after)}${loopP99()}`);
      loop.disable();
      const baseline = { rps: (before.rps + after.rps) / 2, p99: (before.p99 + after.p99) / 2 };
      console.log(
        `flood: ${f.sent} sent (photo ${(photoBytes.length / 1024).toFixed(0)} KB each), ${f.accepted} accepted, refused ${f.refusedCap} by the daily cap, ${f.refusedRate} by the rate limit, ${f.refusedOther} otherwise; ${f.errors} errors; ` +
          `form POST p50 ${f.postP50} ms, p99 ${f.postP99} ms; statuses ${JSON.stringify(f.statuses)}; heavy steps (receipt hash, photo copy) ${intakeHeavyWork.ran - heavy0}`,
      );
      // What the flood itself cost this process (all its threads: main loop and libuv pool), apart
      // from the mix: robust to other people's load on a shared machine, unlike the rates above.
      const ms = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
      // A mix request's cost, like the baseline, is the mean of before and after: one phase alone
      // drifts with other people's load (cache misses, CPU steal) and skews the subtraction below.
      const perMixRequest = (ms(cpuBefore) + ms(cpuAfter)) / Math.max(1, (before.rps + after.rps) * seconds);
      const floodCpu = ms(cpuFlood) + lowCpu - perMixRequest * during.rps * (floodSeconds - 2 * lead);
      console.log(
        `flood's own server CPU ≈ ${(floodCpu / 1000).toFixed(1)} s over ${floodWall.toFixed(0)} s (${((floodCpu / 10 / floodWall) | 0)} % of one core; ${(floodCpu / Math.max(1, f.sent)).toFixed(1)} ms per report), of which ${(lowCpu / 1000).toFixed(1)} s in the low-priority process; a mix request costs ${perMixRequest.toFixed(1)} ms`,
      );
      const rateRatio = during.rps / Math.max(1, baseline.rps);
      const p99Ratio = during.p99 / Math.max(1, baseline.p99);
      const pass = rateRatio >= 0.8 && p99Ratio <= 1.2 && f.errors === 0;
      console.log(`ratio: rate ${rateRatio.toFixed(2)} (≥ 0.80), p99 ${p99Ratio.toFixed(2)} (≤ 1.20) → ${pass ? 'PASS' : 'FAIL'}`);
    } finally {
      await app.close();
      await served?.close();
    }
  } finally {
    await t.cleanup();
  }
}
