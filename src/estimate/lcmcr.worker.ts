/**
 * Worker-thread entry for LCMCR: receives { table, settings } as workerData, posts progress messages
 * and finally the result (or an error message). Started by runLcmcrInWorker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CaptureTable } from './capture-history.table.js';
import { runLcmcr, type LcmcrSettings } from './lcmcr.sampler.js';

const { table, settings } = workerData as { table: CaptureTable; settings: Partial<LcmcrSettings> };
try {
  const result = runLcmcr(table, settings, (progress) => parentPort?.postMessage({ type: 'progress', progress }));
  parentPort?.postMessage({ type: 'result', result });
} catch (e) {
  parentPort?.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
