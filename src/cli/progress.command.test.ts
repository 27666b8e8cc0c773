/**
 * Long commands show live counts on standard error (export, backup and restore like import):
 * with --progress when not a terminal, nothing with --quiet, and a one-line summary at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from './cli-io.js';
import { main } from './main.js';

function capture(lang: 'es' | 'en', env: NodeJS.ProcessEnv): CliIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { out: (l) => lines.push(l), err: (l) => errors.push(l), lang, env, tty: false, lines, errors };
}

describe('progress of export, backup and restore', () => {
  const master = randomBytes(32).toString('base64');
  const env = { ATALAYA_DATA: mkdtempSync(join(tmpdir(), 'atalaya-progress-')), ATALAYA_MASTER_KEY: master, ATALAYA_LOG_LEVEL: 'silent' };
  const scratch = mkdtempSync(join(tmpdir(), 'atalaya-progress-out-'));
  const pass = join(scratch, 'pass.txt');
  writeFileSync(pass, 'a long enough passphrase for tests\n');

  it('counts live on stderr with --progress, says nothing with --quiet, and ends with a summary', async () => {
    const load = capture('en', env);
    expect(await main(['demo', '--synthetic', '120', '--seed', '2', '--quiet'], load)).toBe(0);
    expect(load.errors).toEqual([]);

    const out = join(scratch, 'all.csv');
    const loud = capture('en', env);
    expect(await main(['export', '--as', 'observatorio-demo', '--out', out, '--progress'], loud)).toBe(0);
    const exported = Number(/(\d+)/.exec(loud.lines.join('\n'))![1]);
    expect(exported).toBeGreaterThan(100);
    // The first line comes at once (then one every few seconds in logs); the summary has the right count.
    expect(loud.errors[0]).toMatch(/^Exporting: \d+ cases, \d+\.\d s, \d+ cases\/s$/);
    expect(loud.errors.at(-1)).toMatch(new RegExp(`^Done: ${exported} cases in \\d+\\.\\d s \\(\\d+ cases/s\\)\\.$`));
    const quiet = capture('en', env);
    expect(await main(['export', '--as', 'observatorio-demo', '--out', join(scratch, 'q.csv'), '--progress', '--quiet'], quiet)).toBe(0);
    expect(quiet.errors).toEqual([]);
    const plain = capture('es', env);
    expect(await main(['export', '--as', 'observatorio-demo', '--out', join(scratch, 'p.csv')], plain)).toBe(0);
    expect(plain.errors).toEqual([]); // not a terminal, not asked for

    const file = join(scratch, 'b.age');
    const backup = capture('es', env);
    expect(await main(['backup', '--out', file, '--passphrase-file', pass, '--progress'], backup)).toBe(0);
    expect(backup.errors[0]).toMatch(/^Filas: \d+ filas, \d+[.,]\d s, \d+ filas\/s$/);
    const rows = Number(/(\d+) filas en/.exec(backup.errors.at(-1)!)?.[1]);
    expect(backup.lines.join('\n')).toContain(String(rows));

    const target = { ...env, ATALAYA_DATA: mkdtempSync(join(tmpdir(), 'atalaya-progress-restore-')) };
    const restore = capture('en', target);
    expect(await main(['restore', file, '--passphrase-file', pass, '--progress'], restore)).toBe(0);
    // Restoring knows the totals from the backup's manifest.
    expect(restore.errors[0]).toMatch(new RegExp(`^Rows: \\d+/${rows} rows, `));
    expect(restore.errors.at(-1)).toMatch(new RegExp(`^Done: ${rows} rows in `));
    const again = capture('en', { ...env, ATALAYA_DATA: mkdtempSync(join(tmpdir(), 'atalaya-progress-restore-')) });
    expect(await main(['restore', file, '--passphrase-file', pass, '--quiet'], again)).toBe(0);
    expect(again.errors).toEqual([]);
  }, 240_000);
});
