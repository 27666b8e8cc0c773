/**
 * kill -9 during an import: a real child process is killed with SIGKILL while staging and while
 * applying. Afterwards nothing is half-visible (no incident, or all of them), and running the same
 * import again resumes the job and finishes with the right counts.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { openRuntime } from '../access/index.js';
import { loadConfig } from '../config/index.js';
import { runImport } from './import.service.js';
import { sheetCsv, sheetProfile } from './testing/spanish-sheet.js';

const child = fileURLToPath(new URL('./testing/import-child.ts', import.meta.url));
const N = 3000;

/** Runs the child and kills it with SIGKILL when a progress line satisfies `when`. */
function runAndKill(dataDir: string, file: string, key: string, when: (phase: string, rows: number) => boolean): Promise<{ killed: boolean; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dataDir, file], {
      // The embedded database of DATA_DIR, never a server the test run may have in DATABASE_URL.
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'DATABASE_URL')), ATALAYA_MASTER_KEY: key },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let killed = false;
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const m of out.matchAll(/PROGRESS (\w+) (\d+)/g)) {
        if (!killed && when(m[1]!, Number(m[2]))) {
          killed = true;
          p.kill('SIGKILL');
        }
      }
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (killed && signal === 'SIGKILL') resolve({ killed, out });
      else if (!killed && code === 0) resolve({ killed, out });
      else reject(new Error(`child ended with ${code ?? signal}: ${err.slice(-2000)}`));
    });
  });
}

async function inspect(dataDir: string, key: string) {
  const rt = await openRuntime(loadConfig({ ATALAYA_DATA: dataDir, ATALAYA_MASTER_KEY: key, ATALAYA_LOG_LEVEL: 'silent' }));
  const org = (await rt.ctx.db.selectFrom('organisation').select('id').where('slug', '=', 'kill-test').executeTakeFirstOrThrow()).id;
  const incidents = Number((await rt.ctx.db.selectFrom('incident').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const acts = Number((await rt.ctx.db.selectFrom('act').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const jobs = await rt.ctx.db.selectFrom('import_job').select(['state', 'last_line', 'rows_staged']).execute();
  return { rt, org, incidents, acts, jobs };
}

describe('an import killed with SIGKILL', () => {
  for (const phase of ['read', 'apply'] as const) {
    it(`during ${phase === 'read' ? 'staging' : 'the final write'} leaves nothing half-visible and resumes`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'atalaya-kill-'));
      const key = randomBytes(32).toString('base64');
      const file = join(dataDir, 'casos.csv');
      writeFileSync(file, sheetCsv(N, 5));
      try {
        const run = await runAndKill(dataDir, file, key, (p, rows) => p === phase && rows >= (phase === 'read' ? 1000 : 300));
        expect(run.killed).toBe(true);
        const after = await inspect(dataDir, key);
        try {
          expect([0, N]).toContain(after.incidents);
          if (after.incidents === 0) {
            expect(after.acts).toBe(0);
            expect(after.jobs).toHaveLength(1);
            expect(after.jobs[0]!.state).toBe(phase === 'read' ? 'staging' : 'staged');
            if (phase === 'read') expect(Number(after.jobs[0]!.last_line)).toBeGreaterThan(0);
          }
          const r = await runImport(after.rt.ctx, { kind: 'system', organisationId: after.org }, { profile: sheetProfile('kill'), file, lang: 'en' });
          if (after.incidents === 0) expect(r).toMatchObject({ resumed: true, created: N, rejected: 0 });
          else expect(r).toMatchObject({ created: 0, unchanged: N });
        } finally {
          await after.rt.close();
        }
        const end = await inspect(dataDir, key);
        await end.rt.close();
        expect(end.incidents).toBe(N);
        expect(end.jobs.every((j) => j.state === 'complete')).toBe(true);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 300_000);
  }
});
