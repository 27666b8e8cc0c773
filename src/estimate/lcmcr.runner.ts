/**
 * Runs LCMCR off the main thread, so the web server keeps answering and the CLI can draw progress
 * during a long run. The sources are TypeScript run through tsx (no build step): when this file is
 * a .ts file the worker first registers tsx's loader, since workers do not inherit the parent's hooks.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CaptureTable } from './capture-history.table.js';
import type { ChainOptions } from './lcmcr.chains.js';
import type { LcmcrProgress, LcmcrResult, LcmcrSettings } from './lcmcr.sampler.js';

function workerUrl(): URL {
  const here = import.meta.url;
  const ext = here.endsWith('.ts') ? '.ts' : '.js';
  const target = new URL(`./lcmcr.worker${ext}`, here).href;
  if (ext === '.js') return new URL(target);
  const tsxApi = pathToFileURL(createRequire(here).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const boot = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(target)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

export interface WorkerRun {
  result: Promise<LcmcrResult>;
  /** Stops the run; the result promise then rejects with an Error whose message is 'cancelled'. */
  cancel: () => void;
}

/**
 * Starts the default LCMCR run (several chains, continued until they pass; `chains` overrides its
 * options) in a worker thread; `onProgress` is called about a hundred times during the run.
 */
export function startLcmcrInWorker(
  table: CaptureTable,
  settings: Partial<LcmcrSettings>,
  onProgress?: (p: LcmcrProgress) => void,
  chains: Partial<ChainOptions> = {},
): WorkerRun {
  const worker = new Worker(workerUrl(), { workerData: { table, settings, chains } });
  let settled = false;
  let cancelled = false;
  const result = new Promise<LcmcrResult>((resolve, reject) => {
    worker.on('message', (msg: { type: string; progress?: LcmcrProgress; result?: LcmcrResult; message?: string }) => {
      if (msg.type === 'progress' && msg.progress) onProgress?.(msg.progress);
      else if (msg.type === 'result' && msg.result) {
        settled = true;
        resolve(msg.result);
        void worker.terminate();
      } else if (msg.type === 'error') {
        settled = true;
        reject(new Error(msg.message));
        void worker.terminate();
      }
    });
    worker.on('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(cancelled ? 'cancelled' : `LCMCR worker exited with code ${code}`));
    });
  });
  return {
    result,
    cancel: () => {
      cancelled = true;
      void worker.terminate();
    },
  };
}

export function runLcmcrInWorker(
  table: CaptureTable,
  settings: Partial<LcmcrSettings>,
  onProgress?: (p: LcmcrProgress) => void,
  chains: Partial<ChainOptions> = {},
): Promise<LcmcrResult> {
  return startLcmcrInWorker(table, settings, onProgress, chains).result;
}
