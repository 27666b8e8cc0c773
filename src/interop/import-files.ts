/**
 * Import files that wait on disk (an upload, the profile being built, the rejected rows) carry names:
 * they must not outlive their use on a computer that may be seized.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** How long an upload, its profile and its rejected rows may wait in DATA/imports. */
export const IMPORT_FILE_RETENTION_MS = 48 * 3600 * 1000;

/** Deletes the files under DATA/imports older than `maxAgeMs`; returns how many it removed. */
export function sweepImportFiles(dataDir: string, maxAgeMs = IMPORT_FILE_RETENTION_MS, now = Date.now()): number {
  const root = join(dataDir, 'imports');
  if (!existsSync(root)) return 0;
  let removed = 0;
  for (const org of readdirSync(root)) {
    let names: string[];
    try {
      names = readdirSync(join(root, org));
    } catch {
      continue;
    }
    for (const name of names) {
      const f = join(root, org, name);
      try {
        if (now - statSync(f).mtimeMs > maxAgeMs) {
          rmSync(f, { force: true });
          removed++;
        }
      } catch {
        // Gone already (an import finishing at the same moment): nothing to do.
      }
    }
  }
  return removed;
}
