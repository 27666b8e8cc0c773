/**
 * Worker-thread entry for LCMCR: receives { table, settings, chains } as workerData, runs the
 * default several-chain run (lcmcr.chains.ts), posts progress messages and finally the pooled result
 * (or an error message). Started by runLcmcrInWorker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CaptureTable } from './capture-history.table.js';
import { runLcmcrDefault, type ChainOptions } from './lcmcr.chains.js';
import type { LcmcrSettings } from './lcmcr.sampler.js';

const { table, settings, chains } = workerData as { table: CaptureTable; settings: Partial<LcmcrSettings>; chains?: Partial<ChainOptions> };
try {
  const result = runLcmcrDefault(table, settings, chains ?? {}, (progress) => parentPort?.postMessage({ type: 'progress', progress }));
  parentPort?.postMessage({ type: 'result', result });
} catch (e) {
  parentPort?.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
