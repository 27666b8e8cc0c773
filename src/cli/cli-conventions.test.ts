/**
 * Every command follows the same conventions: --help and -h on stdout with exit 0, an unknown option
 * exits 2 with the usage on stderr, a usage error creates nothing, the language follows the locale.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Lang } from '../shared/i18n/index.js';
import { cliLanguage, type CliIO } from './cli-io.js';
import { progressFor } from './cli-progress.js';
import { commands, main } from './main.js';

function capture(lang: Lang = 'en', env: NodeJS.ProcessEnv = {}): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: (l) => stdout.push(l), err: (l) => stderr.push(l), lang, env, tty: false, stdout, stderr };
}

const subcommands: Record<string, string[]> = {
  user: ['create', 'reset-password', 'revoke-sessions', 'reset-mfa', 'list'],
  keys: ['rotate', 'export', 'import', 'seal'],
  audit: ['verify', 'export'],
  vocab: ['list'],
  backup: ['verify'],
};
const every = Object.keys(commands).flatMap((c) => [[c, ''], ...(subcommands[c] ?? []).map((s) => [c, s])]);

describe('command-line conventions', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'atalaya-cli-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each(every)('%s %s answers --help and -h on stdout with its options, exit 0', async (...words) => {
    const cmd = words.filter((w): w is string => typeof w === 'string' && w !== '');
    for (const flag of ['--help', '-h']) {
      const io = capture('en', { ATALAYA_DATA_DIR: join(scratch, 'never') });
      expect(await main([...cmd, flag], io)).toBe(0);
      const text = io.stdout.join('\n');
      expect(text).toMatch(new RegExp(`^Usage: atalaya ${cmd.join(' ')}`));
      expect(text).toContain('-h, --help');
      expect(io.stderr).toEqual([]);
    }
    // In Spanish too, headings included.
    const es = capture('es');
    expect(await main([...cmd, '--help'], es)).toBe(0);
    expect(es.stdout[0]).toMatch(/^Uso: atalaya /);
    expect(existsSync(join(scratch, 'never'))).toBe(false);
  });

  it('lists each option of a command in its help', async () => {
    const io = capture('en');
    await main(['import', '--help'], io);
    for (const o of ['--profile', '--as', '--org', '--dry-run', '--mode', '--rejected', '--progress']) expect(io.stdout.join('\n')).toContain(o);
    const link = capture('en');
    await main(['link', '--help'], link);
    expect(link.stdout.join('\n')).toContain('docs/methods/linkage.md');
  });

  it.each(every)('%s %s: an unknown option exits 2 with the usage on stderr', async (...words) => {
    const cmd = words.filter((w): w is string => typeof w === 'string' && w !== '');
    const io = capture('en', { ATALAYA_DATA_DIR: join(scratch, 'never') });
    expect(await main([...cmd, '--no-such-option'], io)).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr.join('\n')).toMatch(/Usage: atalaya /);
    expect(existsSync(join(scratch, 'never'))).toBe(false);
  });

  it('a usage error creates nothing: no data folder, no key file', async () => {
    const dir = join(scratch, 'data');
    const env = { ATALAYA_DATA_DIR: dir };
    const cases = [
      ['user', 'create', 'ana@example.org', '--org', 'x'],
      ['user', 'create', 'ana@example.org', '--org', 'x', '--role', 'boss'],
      ['user', 'create', '--role', 'admin', '--org', 'x'],
      ['user'],
      ['keys', 'export', '--org', 'x'],
      ['import', 'file.csv', '--profile', 'p.json'],
      ['export', '--as', 'x'],
      ['backup'],
      ['restore', 'x.age'],
      ['demo', '--bogus'],
    ];
    for (const argv of cases) {
      const io = capture('en', env);
      expect(await main(argv, io), argv.join(' ')).toBe(2);
      expect(io.stderr.join('\n')).toMatch(/^(Error: |Usage: atalaya user)/);
      expect(existsSync(dir), argv.join(' ')).toBe(false);
    }
    const es = capture('es', env);
    await main(['user', 'create', 'ana@example.org', '--org', 'x'], es);
    expect(es.stderr[0]).toBe('Error: La opción "--role <value>" es obligatoria.');
  });

  it('speaks ATALAYA_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG), with C and POSIX in English', () => {
    expect(cliLanguage({ LANG: 'C' })).toBe('en');
    expect(cliLanguage({ LANG: 'C.UTF-8' })).toBe('en');
    expect(cliLanguage({ LC_MESSAGES: 'POSIX', LANG: 'es_VE.UTF-8' })).toBe('en');
    expect(cliLanguage({ LC_ALL: 'es_VE.UTF-8', LANG: 'C' })).toBe('es');
    expect(cliLanguage({ LC_ALL: '', LANG: 'en_GB.UTF-8' })).toBe('en');
    expect(cliLanguage({ ATALAYA_LANG: 'es', LANG: 'C' })).toBe('es');
    expect(cliLanguage({})).toBe('es');
  });

  it('progress is quiet when not a terminal, unless asked for; then it ends with a one-line summary', () => {
    const quiet = capture('en');
    const p = progressFor(quiet, false);
    p.update('Reading', 10, 20);
    p.done(20);
    expect(quiet.stderr).toEqual([]);
    const loud = capture('en');
    const q = progressFor(loud, true);
    q.update('Reading', 10, 20);
    q.done(20);
    expect(loud.stderr[0]).toMatch(/^Reading: 10\/20 rows, \d+\.\d s, \d+ rows\/s$/);
    expect(loud.stderr.at(-1)).toMatch(/^Done: 20 rows in \d+\.\d s \(\d+ rows\/s\)\.$/);
  });
});
