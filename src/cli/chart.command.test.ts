import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from './cli-io.js';
import { main } from './main.js';

function capture(lang: 'es' | 'en'): CliIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { out: (l) => lines.push(l), err: (l) => errors.push(l), lang, env: {}, tty: false, lines, errors };
}

const dir = mkdtempSync(join(tmpdir(), 'atalaya-chart-'));
function spec(name: string, body: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof body === 'string' ? body : JSON.stringify(body));
  return p;
}

describe('atalaya chart', () => {
  it('writes the SVG and the CSV of a bar chart and prints its description', async () => {
    const file = spec('bar.json', {
      kind: 'bar',
      title: 'Acts by type',
      categories: [
        { label: 'Threats', value: 30 },
        { label: '=cmd', value: { value: null, suppressed: true } },
      ],
    });
    const io = capture('en');
    expect(await main(['chart', file], io)).toBe(0);
    expect(io.lines[0]).toContain('Acts by type: 2 categories.');
    expect(io.lines[1]).toBe(`Wrote ${join(dir, 'bar.svg')} and ${join(dir, 'bar.csv')}`);
    expect(readFileSync(join(dir, 'bar.svg'), 'utf8')).toMatch(/^<svg\b[^>]*role="img"/);
    expect(readFileSync(join(dir, 'bar.csv'), 'utf8')).toBe("Category,Cases\r\nThreats,30\r\n'=cmd,< 5\r\n");
  });

  it('draws a map in the language of the spec, to the prefix given', async () => {
    const file = spec('map.json', {
      kind: 'map',
      lang: 'es',
      map: 've',
      title: 'Por estado',
      values: [{ code: 'VE-A', value: 3 }],
    });
    const io = capture('en');
    expect(await main(['chart', file, '--out', join(dir, 'mapa')], io)).toBe(0);
    expect(io.lines[1]).toContain('Escrito:');
    expect(readFileSync(join(dir, 'mapa.svg'), 'utf8')).toContain('<title>Distrito Capital: 3</title>');
  });

  it('explains bad specs in the user language, with the field', async () => {
    const io = capture('es');
    expect(await main(['chart', spec('kind.json', { kind: 'pie', title: 'x' })], io)).toBe(2);
    expect(io.errors.join('\n')).toContain('kind: «pie» no es un tipo de gráfico (timeseries, bar, map)');
    const io2 = capture('en');
    expect(await main(['chart', spec('broken.json', '{"kind": ')], io2)).toBe(2);
    expect(io2.errors.join('\n')).toContain('could not be read as JSON');
    const io3 = capture('en');
    const ts = spec('ts.json', {
      kind: 'timeseries',
      title: 't',
      granularity: 'month',
      periods: ['2020-13'],
      series: [{ name: 'a', values: [1] }],
    });
    expect(await main(['chart', ts], io3)).toBe(2);
    expect(io3.errors.join('\n')).toContain('periods.0: "2020-13" is not a month period (example: 2020-11)');
    const io4 = capture('en');
    expect(await main(['chart'], io4)).toBe(2);
  });
});
