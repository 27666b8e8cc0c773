/**
 * The server and the CLI refuse to start with a clear message when the data folder cannot be written
 * or the database cannot be reached, and `doctor` names what is wrong.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
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
    const parent = mkdtempSync(join(tmpdir(), 'atalaya-ro-'));
    chmodSync(parent, 0o500);
    try {
      const io = captureIO({ ATALAYA_DATA: join(parent, 'data'), PORT: '0' });
      const code = await main(['migrate'], io);
      // root may write anyway; otherwise the message names the folder and the variable.
      if (code !== 0) {
        expect(code).toBe(1);
        expect(io.lines.join('\n')).toMatch(/not writable.*ATALAYA_DATA/s);
      }
    } finally {
      chmodSync(parent, 0o700);
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
