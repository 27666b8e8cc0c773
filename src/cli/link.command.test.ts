import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { CliIO } from './cli-io.js';
import { main } from './main.js';

function capture(lang: 'es' | 'en'): CliIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { out: (l) => lines.push(l), err: (l) => errors.push(l), lang, env: {}, tty: false, lines, errors };
}

const dir = mkdtempSync(join(tmpdir(), 'atalaya-link-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const header = 'id,nombres,apellidos,fecha,estado,tipo\n';
const a = file(
  'ong-a.csv',
  header +
    'a1,José Antonio,Pérez González,2020-11-05,VE-M,detencion\n' +
    'a2,María,Zambrano Rojas,2021-03-02,VE-V,amenaza\n' +
    'a3,Luis,Marcano,2019-01-15,VE-A,hostigamiento\n' +
    'a4,PEPE ANTONIO,PEREZ GONZALEZ,2020-11,VE-M,detencion\n' +
    'a5,Carmen,Urdaneta Villalobos,2018-07-20,VE-K,allanamiento\n' +
    'a6,Rosa,Quintero,2022-02-10,VE-B,amenaza\n',
);
const b = file(
  'ong-b.csv',
  header +
    'b1,Pérez González,José Antonio,2020-11-06,VE-A,desaparicion\n' +
    'b2,María,Zambrano,2021-03-02,VE-V,amenaza\n' +
    'b3,Gabriel,Colmenares Díaz,2017-05-05,VE-S,amenaza\n',
);

const config = {
  idColumn: 'id',
  comparisons: [
    // Fixed m and u: a handful of records is too few to estimate them.
    {
      name: 'name', type: 'name', given: ['nombres'], surname: ['apellidos'], tf: false,
      m: [0.6, 0.15, 0.15, 0.04, 0.03, 0.03], u: [1e-3, 1e-3, 5e-3, 0.01, 0.02, 0.961],
    },
    { name: 'date', type: 'date', column: 'fecha', withinDays: [7, 60], m: [0.6, 0.15, 0.15, 0.05, 0.05], u: [0.002, 0.01, 0.01, 0.05, 0.928] },
    { name: 'place', type: 'subdivision', column: 'estado', m: [0.8, 0.15, 0.05], u: [0.05, 0.15, 0.8] },
    { name: 'act', type: 'category', column: 'tipo', related: [['detencion', 'desaparicion']], m: [0.8, 0.15, 0.05], u: [0.1, 0.2, 0.7] },
  ],
  blocking: [{ name: 'everything', on: 'year(fecha)' }, { name: 'place', on: 'estado' }],
  threshold: 0.9,
  outputFloor: 0.001,
  prior: 0.05,
};
const cfg = file('link.json', JSON.stringify(config));

function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
}

describe('atalaya link', () => {
  it('deduplicates one file: pairs, explanations, clusters, model and a summary (English)', async () => {
    const out = join(dir, 'dedupe');
    const io = capture('en');
    expect(await main(['link', '--config', cfg, '--out', out, a], io)).toBe(0);
    const pairs = readCsv(join(out, 'pairs.csv'));
    expect(Object.keys(pairs[0]!)).toEqual(['left_id', 'right_id', 'match_weight', 'match_probability']);
    expect(pairs[0]).toMatchObject({ left_id: 'a1', right_id: 'a4' });
    expect(Number(pairs[0]!.match_probability)).toBeGreaterThan(0.9);
    const clusters = readCsv(join(out, 'clusters.csv'));
    expect(clusters).toHaveLength(6);
    expect(Object.keys(clusters[0]!)).toEqual(['source', 'record_id', 'cluster_id']);
    const of = (id: string): string => clusters.find((c) => c.record_id === id)!.cluster_id!;
    expect(of('a1')).toBe(of('a4'));
    expect(new Set(clusters.map((c) => c.cluster_id)).size).toBe(5);
    const explained = readCsv(join(out, 'pairs-explained.csv'));
    expect(explained[0]).toMatchObject({ left_id: 'a1', right_id: 'a4', name_level: 'exact', date_level: 'precision' });
    const model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as { inputs: { files: { sha256: string }[] }; lambda: number };
    expect(model.inputs.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(model.lambda).toBe(0.05);
    const text = io.lines.join('\n');
    expect(text).toContain('Records: 6 (deduplication)');
    expect(text).toContain('Candidate pairs per blocking rule:');
    expect(text).toMatch(/Candidate pairs in all: \d+/);
    expect(text).toContain('Pairs at or above the threshold 0.9: 1');
    expect(text).toMatch(/Clusters: 5 \(1 with two or more records\)/);
  });

  it('links two files, only across them (Spanish)', async () => {
    const out = join(dir, 'link');
    const io = capture('es');
    expect(await main(['link', '--config', cfg, '--out', out, a, b], io)).toBe(0);
    const pairs = readCsv(join(out, 'pairs.csv'));
    for (const p of pairs) {
      expect(p.left_id).toMatch(/^a/);
      expect(p.right_id).toMatch(/^b/);
    }
    const above = pairs.filter((p) => Number(p.match_probability) >= 0.9).map((p) => `${p.left_id}-${p.right_id}`);
    expect(above).toEqual(expect.arrayContaining(['a1-b1', 'a2-b2']));
    const clusters = readCsv(join(out, 'clusters.csv'));
    expect(clusters.filter((c) => c.source === 'ong-b')).toHaveLength(3);
    const of = (s: string, id: string): string => clusters.find((c) => c.source === s && c.record_id === id)!.cluster_id!;
    expect(of('ong-a', 'a2')).toBe(of('ong-b', 'b2'));
    expect(io.lines.join('\n')).toContain('Registros: 9 (vinculación de dos archivos)');
  });

  it('shows the cost of the blocking rules without running (--count-only)', async () => {
    const io = capture('en');
    expect(await main(['link', '--config', cfg, '--count-only', a], io)).toBe(0);
    expect(io.lines).toEqual([
      'Candidate pairs per blocking rule:',
      '  everything: 1',
      '  place: 1',
      'Candidate pairs in all: at most 2 (pairs shared by two rules count once when generated)',
    ]);
  });

  it('names a column the file does not have', async () => {
    const bad = file('bad-column.json', JSON.stringify({ ...config, comparisons: [{ name: 'date', type: 'date', column: 'date' }] }));
    const io = capture('en');
    expect(await main(['link', '--config', bad, '--out', join(dir, 'x'), a], io)).toBe(2);
    expect(io.errors.join('\n')).toContain('ong-a.csv has no column "date" (its columns: id, nombres, apellidos, fecha, estado, tipo)');
  });

  it('refuses blocking that would produce too many pairs, before generating them', async () => {
    const bad = file('too-many.json', JSON.stringify({ ...config, blocking: [{ name: 'by_type', on: 'tipo' }], maxPairs: 1 }));
    const io = capture('en');
    expect(await main(['link', '--config', bad, '--out', join(dir, 'y'), a], io)).toBe(2);
    expect(io.errors.join('\n')).toContain('the blocking rule "by_type" would produce 2 pairs, more than maxPairs (1)');
  });

  it('names the line of a repeated id, and refuses a date column that is mostly not dates, saying how many', async () => {
    const dupe = file('dupe.csv', header + 'x1,Ana,Pérez,2020-01-01,VE-A,amenaza\nx1,Ana,Pérez,2020-01-01,VE-A,amenaza\n');
    const io = capture('en');
    expect(await main(['link', '--config', cfg, '--out', join(dir, 'z'), dupe], io)).toBe(2);
    expect(io.errors.join('\n')).toContain('dupe.csv, line 3: the id "x1" was already used on line 2');
    const badDate = file('bad-date.csv', header + 'x1,Ana,Pérez,ayer,VE-A,amenaza\nx2,Ana,Pérez,mañana,VE-A,amenaza\nx3,Ana,Pérez,05/01/2020,VE-A,amenaza\n');
    const io2 = capture('es');
    expect(await main(['link', '--config', cfg, '--out', join(dir, 'z'), badDate], io2)).toBe(2);
    expect(io2.errors.join('\n')).toContain('la columna «fecha» no contiene fechas en su mayoría: 2 de sus 3 valores no se pueden leer');
  });

  it('reads day-first and compact dates, and runs past one impossible date with a counted warning', async () => {
    const rows = ['x1,Ana,Pérez,05/01/2020', 'x2,Ana,Perez,20200105', 'x3,Luis,Rojas,1945-04-93', 'x4,Luis,Rojas,25/12/2019'];
    const dates = file('dates.csv', header + rows.map((r) => `${r},VE-A,amenaza`).join('\n') + '\n');
    const io = capture('en');
    expect(await main(['link', '--config', cfg, '--out', join(dir, 'd'), dates], io)).toBe(0);
    expect(io.errors.join('\n')).toContain('1 of 4 values in the date column "fecha" are not dates (e.g. "1945-04-93"); they were treated as missing.');
  });

  it('explains a bad config and a missing option', async () => {
    const io = capture('en');
    expect(await main(['link', '--config', file('broken.json', '{"idColumn": '), '--out', dir, a], io)).toBe(2);
    expect(io.errors.join('\n')).toMatch(/broken\.json is not valid JSON/);
    const io2 = capture('en');
    expect(await main(['link', a], io2)).toBe(2);
    expect(io2.errors.join('\n')).toContain('The option --config is required.');
    const io3 = capture('en');
    const invalid = file('invalid.json', JSON.stringify({ ...config, threshold: 2 }));
    expect(await main(['link', '--config', invalid, '--out', dir, a], io3)).toBe(2);
    expect(io3.errors.join('\n')).toMatch(/threshold: /);
  });
});
