/**
 * The server and the CLI refuse to start with a clear message when the data folder cannot be written
 * or the database cannot be reached, and `doctor` names what is wrong.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from './cli-io.js';
import { main } from './main.js';

function captureIO(env: Record<string, string>): CliIO & { lines: string[] } {
  const lines: string[] = [];
  return { out: (l) => lines.push(l), err: (l) => lines.push(l), lang: 'en', env: { ...env, ATALAYA_LOG_LEVEL: 'silent' }, tty: false, lines };
}

describe('start-up failures', () => {
  it('refuses a data folder it cannot write, saying which', async () => {
    // A folder inside a regular file cannot be created, even by root (where permission bits do not bind).
    const parent = mkdtempSync(join(tmpdir(), 'atalaya-ro-'));
    const file = join(parent, 'not-a-folder');
    writeFileSync(file, 'x');
    try {
      const io = captureIO({ ATALAYA_DATA: join(file, 'data'), PORT: '0' });
      expect(await main(['migrate'], io)).toBe(1);
      expect(io.lines.join('\n')).toMatch(/not-a-folder.*not writable.*ATALAYA_DATA/s);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('refuses an unreachable PostgreSQL server with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atalaya-db-'));
    try {
      const io = captureIO({ ATALAYA_DATA: dir, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', PORT: '0' });
      expect(await main(['serve'], io)).toBe(1);
      expect(io.lines.join('\n')).toMatch(/PostgreSQL server in DATABASE_URL cannot be reached/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists every configuration problem at once', async () => {
    const io = captureIO({ PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    expect(await main(['doctor'], io)).toBe(1);
    const text = io.lines.join('\n');
    expect(text).toMatch(/PORT/);
    expect(text).toMatch(/DATABASE_URL/);
  });

  it('answers an unknown command with exit code 2', async () => {
    const io = captureIO({});
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.lines[0]).toContain('frobnicate');
  });
});
