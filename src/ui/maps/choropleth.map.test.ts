import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { svgSafetyProblems } from '../charts/svg-safety.js';
import { renderChoroplethMap } from './choropleth.map.js';
import { loadMap, regionCodes, regionName } from './map-data.js';

const veCodes = 'ABCDEFGHIJKLMNOPRSTUVWXYZ'.split('').map((l) => `VE-${l}`);

function regionTitles(svg: string): string[] {
  return [...svg.matchAll(/<path\b[^>]*><title>([^<]*)<\/title><\/path>/g)].map((m) => m[1]!);
}

describe('map data', () => {
  it('has all 25 Venezuelan subdivisions keyed by ISO 3166-2, La Guaira and the Federal Dependencies included', () => {
    expect(regionCodes('ve')).toEqual(veCodes);
    expect(regionName('ve', 'VE-X', 'en')).toBe('La Guaira');
    expect(regionName('ve', 'VE-A', 'en')).toBe('Distrito Capital');
    expect(regionName('ve', 'VE-W', 'es')).toBe('Dependencias Federales');
    // The Federal Dependencies are islands: simplification must not have lost them.
    const w = loadMap('ve').features.find((f) => f.id === 'VE-W')!.geometry;
    expect(w.type).toBe('MultiPolygon');
    expect((w.coordinates as unknown[]).length).toBeGreaterThanOrEqual(5);
  });

  it('keys the world by ISO 3166-1 alpha-2 with names in the user language', () => {
    const codes = regionCodes('world');
    expect(codes.length).toBeGreaterThan(170);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^[A-Z]{2}$/);
    expect(codes).toEqual(expect.arrayContaining(['VE', 'CO', 'BR', 'XK', 'CY', 'SO']));
    expect(codes).not.toContain('AQ');
    expect(regionName('world', 'DE', 'es')).toBe('Alemania');
    expect(regionName('world', 'DE', 'en')).toBe('Germany');
  });

  it('keeps no polygon across the antimeridian (it would draw a band across the map)', () => {
    for (const f of loadMap('world').features) {
      const xs = JSON.stringify(f.geometry.coordinates)
        .match(/-?\d+(\.\d+)?(?=,)/g)!
        .map(Number);
      expect(Math.max(...xs), f.id).toBeLessThanOrEqual(180);
      expect(Math.min(...xs), f.id).toBeGreaterThanOrEqual(-180);
    }
  });

  it('stays small', () => {
    const size = (name: string) => statSync(fileURLToPath(new URL(`./data/${name}`, import.meta.url))).size;
    expect(size('ve-admin1.json')).toBeLessThan(100 * 1024);
    expect(size('world-110m.json')).toBeLessThan(200 * 1024);
  });
});

describe('renderChoroplethMap', () => {
  const values = [
    { code: 'VE-A', value: 420 },
    { code: 'VE-V', value: 85 },
    { code: 'VE-K', value: { value: null, suppressed: true } },
    { code: 'VE-M', value: 40 },
    { code: 'VE-Z', value: 6 },
    { code: 'VE-D', value: 0 },
  ];

  it('gives every region a <title> with its name and count; suppressed ones say "fewer than k"', () => {
    const r = renderChoroplethMap({ lang: 'en', title: 'Attacks by state', map: 've', values, k: 5 });
    const titles = regionTitles(r.svg);
    expect(titles).toHaveLength(25);
    expect(titles).toContain('Distrito Capital: 420');
    expect(titles).toContain('Zulia: 85');
    expect(titles).toContain('Lara: fewer than 5');
    expect(titles).toContain('Aragua: 0');
    expect(titles).toContain('La Guaira: no data');
    expect(titles.filter((t) => t.startsWith('Lara'))).toEqual(['Lara: fewer than 5']);
  });

  it('hatches the suppressed region and lists it in the legend', () => {
    const r = renderChoroplethMap({ lang: 'es', title: 'Ataques por estado', map: 've', values });
    // The region's own path is grey; a hatched copy lies on top and lets the pointer through.
    expect(r.svg).toMatch(/<path d="[^"]*" fill="#d9d9d9"[^>]*><title>Lara: menos de 5<\/title><\/path>/);
    expect(r.svg).toMatch(/<pattern\b[^>]*id="[^"]+-p0"/);
    expect(r.svg).toMatch(/fill="url\(#[^"]+-p0\)"[^>]*pointer-events="none"/);
    // One hatched copy on the region, one on its legend swatch.
    expect(r.svg.match(/fill="url\(#[^"]+-p0\)"/g)).toHaveLength(2);
    expect(r.svg).toContain('>Menos de 5</text>');
    expect(r.svg).toContain('>Sin datos</text>');
  });

  it('returns the table of what was given and a description, never a suppressed value as 0', () => {
    const r = renderChoroplethMap({ lang: 'es', title: 'Ataques por estado', map: 've', values });
    expect(r.table.columns).toEqual(['Código', 'Región', 'Casos']);
    expect(r.table.rows).toEqual([
      ['VE-A', 'Distrito Capital', 420],
      ['VE-V', 'Zulia', 85],
      ['VE-K', 'Lara', '< 5'],
      ['VE-M', 'Miranda', 40],
      ['VE-Z', 'Amazonas', 6],
      ['VE-D', 'Aragua', 0],
    ]);
    expect(r.description).toContain('con 5 regiones con datos');
    expect(r.description).toContain('La región con más casos es Distrito Capital (420)');
    expect(r.description).toContain('Total mostrado: 551.');
    expect(r.description).toContain('Regiones sin datos: 19.');
    expect(svgSafetyProblems(r.svg)).toEqual([]);
    expect(r.svg).toMatch(/^<svg\b[^>]*role="img"/);
  });

  it('draws the world with country names in the user language', () => {
    const r = renderChoroplethMap({
      lang: 'es',
      title: 'Ataques por país',
      map: 'world',
      values: [
        { code: 've', value: 120 },
        { code: 'CO', value: 33 },
        { code: 'DE', value: { value: null, suppressed: true } },
      ],
    });
    const titles = regionTitles(r.svg);
    expect(titles).toHaveLength(regionCodes('world').length);
    expect(titles).toContain('Venezuela: 120');
    expect(titles).toContain('Alemania: menos de 5');
    expect(titles).toContain('Francia: sin datos');
    expect(svgSafetyProblems(r.svg)).toEqual([]);
  });

  it('accepts countries too small for the 1:110m map, and lists them in the table and the description', () => {
    expect(regionCodes('world')).not.toContain('SG');
    const r = renderChoroplethMap({
      lang: 'es',
      title: 'Ataques por país',
      map: 'world',
      values: [
        { code: 'SG', value: 12 },
        { code: 'MT', value: { value: null, suppressed: true } },
        { code: 'VE', value: 40 },
      ],
    });
    expect(r.table.rows).toEqual([
      ['SG', 'Singapur', 12],
      ['MT', 'Malta', '< 5'],
      ['VE', 'Venezuela', 40],
    ]);
    expect(r.description).toContain(
      'Demasiado pequeños para dibujarse a esta escala (ver la tabla): Singapur: 12; Malta: menos de 5.',
    );
    expect(regionTitles(r.svg)).toContain('Venezuela: 40');
    // Not a country code at all: still an error.
    expect(() =>
      renderChoroplethMap({ lang: 'es', title: 'x', map: 'world', values: [{ code: 'ZZ', value: 1 }] }),
    ).toThrow(AppError);
  });

  it('is deterministic', () => {
    const a = renderChoroplethMap({ lang: 'en', title: 'x', map: 've', values });
    renderChoroplethMap({ lang: 'en', title: 'y', map: 'world', values: [{ code: 'VE', value: 1 }] });
    expect(renderChoroplethMap({ lang: 'en', title: 'x', map: 've', values }).svg).toBe(a.svg);
  });

  it('rejects unknown and repeated codes and bad values, naming each entry', () => {
    try {
      renderChoroplethMap({
        lang: 'en',
        title: 'x',
        map: 've',
        values: [
          { code: 'VE-Q', value: 1 },
          { code: 'VE-A', value: 2 },
          { code: 'VE-A', value: 3 },
          { code: 'VE-B', value: -1 },
          { code: '<script>', value: 1 },
        ],
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).issues.map((i) => [i.path.join('.'), i.key])).toEqual([
        ['values.0.code', 'charts:errors.unknown_region'],
        ['values.2.code', 'charts:errors.duplicate_region'],
        ['values.3.value', 'charts:errors.bad_value'],
        ['values.4.code', 'charts:errors.unknown_region'],
      ]);
    }
    expect(() => renderChoroplethMap({ lang: 'en', title: 'x', map: 'mars' as 've', values: [] })).toThrow(
      AppError,
    );
  });
});

describe('renderChoroplethMap edge cases', () => {
  it('draws a map with no data at all, every region titled "no data"', () => {
    const r = renderChoroplethMap({ lang: 'en', title: 'Nothing yet', map: 've', values: [] });
    expect(regionTitles(r.svg).every((t) => t.endsWith(': no data'))).toBe(true);
    expect(r.description).toContain('There are no values to show.');
    expect(r.table.rows).toEqual([]);
    expect(svgSafetyProblems(r.svg)).toEqual([]);
  });

  it('colours one value with the darkest class and keeps every other region out of it', () => {
    const r = renderChoroplethMap({
      lang: 'en',
      title: 'One',
      map: 've',
      values: [{ code: 'VE-L', value: 9 }],
    });
    expect(r.svg).toMatch(/fill="#08519c"[^>]*><title>Mérida: 9<\/title>/);
    expect(r.svg.match(/fill="#08519c"[^>]*><title>/g)).toHaveLength(1);
  });
});
