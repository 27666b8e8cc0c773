/**
 * `npm run bench -- memory [--load-seconds N]`: the resident memory of `atalaya serve` on the
 * embedded database as a small NGO runs it — started through bin/atalaya.js (its Node flags
 * included) on a fresh data folder with the demo data, then restarted on that folder and left idle,
 * then under N seconds of public-page load. Prints each figure and its ratio to the aim of issue 16
 * (idle < 384 MB) and to the baseline measured before the cut (612 MB idle, 944 MB under load).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const autocannonCli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const AIM_IDLE_MB = 384;
const BASELINE_IDLE_MB = 612;
const BASELINE_LOAD_MB = 944;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

async function start(dataDir: string, port: number, demo: boolean): Promise<ChildProcess> {
  const args = ['--max-semi-space-size=2', join(root, 'bin', 'atalaya.js'), 'serve', ...(demo ? ['--demo'] : [])];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ATALAYA_DATA: dataDir, PORT: String(port), DATABASE_URL: '', ATALAYA_LANG: 'en' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start within 5 minutes')), 300_000);
    child.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('http://')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`the server stopped (exit ${code})`)));
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export default async function run(args: string[]): Promise<void> {
  const i = args.indexOf('--load-seconds');
  const loadSeconds = i >= 0 ? Number(args[i + 1]) : 60;
  const dataDir = mkdtempSync(join(tmpdir(), 'atalaya-memory-'));
  const port = 3990;
  try {
    console.log('Loading the demo into a fresh data folder…');
    await stop(await start(dataDir, port, true));
    const server = await start(dataDir, port, false);
    await sleep(20_000);
    const idle = rssMb(server.pid!);
    console.log(`idle after start: ${idle} MB — ${(idle / AIM_IDLE_MB).toFixed(2)}× the aim (${AIM_IDLE_MB} MB), ${(idle / BASELINE_IDLE_MB).toFixed(2)}× the baseline (${BASELINE_IDLE_MB} MB) ${idle < AIM_IDLE_MB ? 'PASS' : 'FAIL'}`);
    for (const path of ['/', '/statements', '/dashboards/VE']) {
      const seconds = String(Math.max(1, Math.round(loadSeconds / 3)));
      const load = spawn(process.execPath, [autocannonCli, '-d', seconds, '-c', '8', `http://127.0.0.1:${port}${path}`], { stdio: 'ignore' });
      await new Promise((r) => load.once('exit', r));
    }
    const loaded = rssMb(server.pid!);
    console.log(`after ${loadSeconds} s of public-page load: ${loaded} MB — ${(loaded / BASELINE_LOAD_MB).toFixed(2)}× the baseline (${BASELINE_LOAD_MB} MB after 10 minutes)`);
    await stop(server);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
