import { describe, expect, it } from 'vitest';
import type { Lang } from '../shared/i18n/index.js';
import { getVocabulary, vocabularies } from '../vocab/index.js';
import type { CliIO } from './cli-io.js';
import { main } from './main.js';
import { run } from './vocab.command.js';

function capture(lang: Lang = 'es'): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: (l) => stdout.push(l), err: (l) => stderr.push(l), lang, env: {}, tty: false, stdout, stderr };
}

describe('atalaya vocab list', () => {
  it('lists every vocabulary with its version and number of terms', async () => {
    const io = capture('es');
    expect(await run(['list'], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^Nombre\s+Versión\s+Términos\s+Etiqueta$/);
    expect(io.stdout).toHaveLength(vocabularies().length + 1);
    const actLine = io.stdout.find((l) => l.startsWith('act_type '));
    expect(actLine).toMatch(new RegExp(`^act_type\\s+2026\\.1\\s+${getVocabulary('act_type').terms.length}\\s+Tipo de acto$`));
  });

  it('prints one vocabulary as a tree in the language asked for', async () => {
    const io = capture('es');
    expect(await run(['list', 'act_type', '--lang', 'en'], io)).toBe(0);
    expect(io.stdout[0]).toBe(`act_type 2026.1: Type of act (${getVocabulary('act_type').terms.length} terms)`);
    const group = io.stdout.findIndex((l) => /^ {2}deprivation_of_liberty\s+Deprivation of liberty$/.test(l));
    expect(group).toBeGreaterThan(0);
    expect(io.stdout[group + 1]).toMatch(/^ {4}arrest\s+Arrest {2}\[ESF 030101000000\]$/);
    // Every term appears once; children are indented one step more than their group.
    expect(io.stdout.length - 1).toBe(getVocabulary('act_type').terms.length);
  });

  it('uses io.lang by default', async () => {
    const io = capture('es');
    await run(['list', 'gender'], io);
    expect(io.stdout).toContain('  non_binary  Persona no binaria');
    expect(io.stdout[0]).toBe('gender 2026.1: Género (5 términos)');
  });

  it('prints JSON with --json', async () => {
    const io = capture('en');
    await run(['list', '--json'], io);
    const list = JSON.parse(io.stdout.join('\n')) as { name: string; terms: number; label: string }[];
    expect(list.find((v) => v.name === 'gender')).toEqual({ name: 'gender', version: '2026.1', terms: 5, label: 'Gender' });
    const one = capture('en');
    await run(['list', 'reliability', '--json'], one);
    const v = JSON.parse(one.stdout.join('\n')) as { terms: { code: string; selectable: boolean }[] };
    expect(v.terms.map((x) => x.code)[0]).toBe('highly_reliable');
    expect(v.terms.every((x) => x.selectable)).toBe(true);
  });

  it('rejects an unknown vocabulary, language or option with exit code 2 and a message naming it', async () => {
    const a = capture('en');
    expect(await main(['vocab', 'list', 'actor_kind'], a)).toBe(2);
    expect(a.stderr.join('\n')).toContain('NAME: There is no vocabulary "actor_kind"');
    const b = capture('es');
    expect(await main(['vocab', 'list', '--lang', 'fr'], b)).toBe(2);
    expect(b.stderr.join('\n')).toContain('--lang: Idioma "fr" no disponible');
    const c = capture('en');
    expect(await main(['vocab', 'list', '--colour'], c)).toBe(2);
    expect(c.stderr.join('\n')).toContain('"--colour"');
    const d = capture('en');
    expect(await main(['vocab', 'show'], d)).toBe(2);
    expect(d.stderr.join('\n')).toContain('Unknown subcommand "show"');
  });

  it('prints usage without a subcommand (on stderr, exit 2), and help when asked (stdout, exit 0)', async () => {
    const io = capture('en');
    expect(await run([], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/^Usage: atalaya vocab /);
    expect(io.stdout).toEqual([]);
    expect(await run(['--help'], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^Usage: atalaya vocab /);
  });
});
