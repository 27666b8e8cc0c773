import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.js';
import {
  adjacencyCountries,
  countries,
  countryName,
  isCountry,
  isSubdivision,
  neighbouringSubdivisions,
  normaliseCountry,
  normaliseSubdivision,
  placeName,
  subdivisionCountry,
  subdivisionName,
  subdivisions,
} from './places.js';

const veStates: Record<string, string> = {
  'VE-A': 'Distrito Capital', 'VE-B': 'Anzoátegui', 'VE-C': 'Apure', 'VE-D': 'Aragua', 'VE-E': 'Barinas',
  'VE-F': 'Bolívar', 'VE-G': 'Carabobo', 'VE-H': 'Cojedes', 'VE-I': 'Falcón', 'VE-J': 'Guárico', 'VE-K': 'Lara',
  'VE-L': 'Mérida', 'VE-M': 'Miranda', 'VE-N': 'Monagas', 'VE-O': 'Nueva Esparta', 'VE-P': 'Portuguesa',
  'VE-R': 'Sucre', 'VE-S': 'Táchira', 'VE-T': 'Trujillo', 'VE-U': 'Yaracuy', 'VE-V': 'Zulia',
  'VE-W': 'Dependencias Federales', 'VE-X': 'La Guaira', 'VE-Y': 'Delta Amacuro', 'VE-Z': 'Amazonas',
};

describe('countries', () => {
  it('lists every current ISO 3166-1 country with names in both languages', () => {
    const es = countries('es');
    const en = countries('en');
    expect(es.length).toBe(249);
    expect(new Set(es.map((c) => c.code)).size).toBe(249);
    for (const c of es) {
      expect(c.code).toMatch(/^[A-Z]{2}$/);
      expect(c.alpha3).toMatch(/^[A-Z]{3}$/);
      expect(c.name, c.code).not.toBe(c.code);
    }
    expect(en.every((c) => c.name !== c.code)).toBe(true);
    expect(countryName('VE', 'es')).toBe('Venezuela');
    expect(countryName('DE', 'es')).toBe('Alemania');
    expect(countryName('SA', 'es')).toBe('Arabia Saudita');
    expect(countryName('CI', 'es')).toBe('Costa de Marfil');
    expect(countryName('DE', 'en')).toBe('Germany');
    expect(countryName('SS', 'en')).toBe('South Sudan');
  });

  it('sorts by name with accents in place (Ä/Á with A, not after Z)', () => {
    const names = countries('es').map((c) => c.name);
    const c = new Intl.Collator('es', { sensitivity: 'base' });
    expect([...names].sort(c.compare)).toEqual(names);
    expect(names.indexOf('Austria')).toBeGreaterThan(names.indexOf('Argentina'));
    expect(names.at(-1)).toMatch(/^Zimbabue|Zimbabwe$/);
  });

  it('validates codes exactly as stored', () => {
    expect(isCountry('VE')).toBe(true);
    expect(isCountry('ve')).toBe(false);
    expect(isCountry('VEN')).toBe(false);
    expect(isCountry('XK')).toBe(false); // Kosovo: user-assigned, not ISO
    expect(isCountry('AN')).toBe(false); // Netherlands Antilles: withdrawn
    expect(() => countryName('ZZ', 'es')).toThrow(AppError);
  });
});

describe('normaliseCountry', () => {
  it('turns the usual spellings of Venezuela into VE', () => {
    for (const s of ['Venezuela', 'venezuela', 'VENEZUELA', 'República Bolivariana de Venezuela',
      'republica bolivariana de venezuela', 'Venezuela (Bolivarian Republic of)', 'VE', 've', 'VEN', ' Venezuela ',
      'Venezuela, República Bolivariana de']) {
      expect(normaliseCountry(s), s).toBe('VE');
    }
  });

  it('knows Spanish and English names, codes and common aliases', () => {
    expect(normaliseCountry('Perú')).toBe('PE');
    expect(normaliseCountry('Peru')).toBe('PE');
    expect(normaliseCountry('Estados Unidos')).toBe('US');
    expect(normaliseCountry('EE. UU.')).toBe('US');
    expect(normaliseCountry('USA')).toBe('US');
    expect(normaliseCountry('Reino Unido')).toBe('GB');
    expect(normaliseCountry('UK')).toBe('GB');
    expect(normaliseCountry('RU')).toBe('RU');
    expect(normaliseCountry('U.S.A.')).toBe('US');
    expect(normaliseCountry('United Kingdom')).toBe('GB');
    expect(normaliseCountry('Alemania')).toBe('DE');
    expect(normaliseCountry('México')).toBe('MX');
    expect(normaliseCountry('Mexico')).toBe('MX');
    expect(normaliseCountry('COL')).toBe('CO');
    expect(normaliseCountry('Brasil')).toBe('BR');
    expect(normaliseCountry('Brazil')).toBe('BR');
    expect(normaliseCountry('Côte d’Ivoire')).toBe('CI');
    expect(normaliseCountry('Costa de Marfil')).toBe('CI');
    expect(normaliseCountry('República Dominicana')).toBe('DO');
    expect(normaliseCountry('Bolivia')).toBe('BO');
  });

  it('returns undefined for what is not a country', () => {
    expect(normaliseCountry('')).toBeUndefined();
    expect(normaliseCountry('Atlantis')).toBeUndefined();
    expect(normaliseCountry('Caracas')).toBeUndefined();
    expect(normaliseCountry('XX')).toBeUndefined();
  });

  it('never throws and only ever answers with a current country (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        const c = normaliseCountry(s);
        expect(c === undefined || isCountry(c)).toBe(true);
        const d = normaliseSubdivision(s, 'VE');
        expect(d === undefined || subdivisionCountry(d) === 'VE').toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips every country name and code in both languages (property)', () => {
    const all = countries('es');
    fc.assert(
      fc.property(fc.constantFrom(...all), fc.constantFrom('es', 'en') as fc.Arbitrary<'es' | 'en'>, fc.boolean(), (c, lang, upper) => {
        const name = countryName(c.code, lang);
        expect(normaliseCountry(upper ? name.toUpperCase() : name.toLowerCase())).toBe(c.code);
        expect(normaliseCountry(upper ? c.alpha3 : c.alpha3.toLowerCase())).toBe(c.code);
        expect(normaliseCountry(c.code)).toBe(c.code);
      }),
      { numRuns: 500 },
    );
  });
});

describe('subdivisions', () => {
  it("has Venezuela's complete list of 25 entities", () => {
    const ve = subdivisions('VE', 'es');
    expect(ve.length).toBe(25);
    expect(Object.fromEntries(ve.map((s) => [s.code, s.name]))).toEqual(veStates);
    expect(ve.every((s) => s.parent === 'VE')).toBe(true);
    expect(subdivisionName('VE-X', 'es')).toBe('La Guaira');
    expect(subdivisionName('VE-A', 'en')).toBe('Capital District');
    expect(subdivisionName('VE-W', 'en')).toBe('Federal Dependencies');
    expect(subdivisionName('VE-S', 'en')).toBe('Táchira');
  });

  it('covers other countries through ISO 3166-2', () => {
    expect(subdivisions('CO', 'es').some((s) => s.code === 'CO-DC')).toBe(true);
    expect(subdivisionCountry('CO-ANT')).toBe('CO');
    expect(isSubdivision('MX-CMX')).toBe(true);
    expect(subdivisions('ES', 'es').some((s) => s.code === 'ES-M' && s.parent === 'ES-MD')).toBe(true);
    expect(subdivisions('VA', 'es')).toEqual([]);
  });

  it('validates codes and rejects unknown ones', () => {
    expect(isSubdivision('VE-X')).toBe(true);
    expect(isSubdivision('VE-Q')).toBe(false);
    expect(isSubdivision('ve-x')).toBe(false);
    expect(subdivisionCountry('VE-Q')).toBeUndefined();
    expect(() => subdivisionName('VE-Q', 'es')).toThrow(AppError);
    expect(() => subdivisions('ZZ', 'es')).toThrow(AppError);
  });
});

describe('normaliseSubdivision', () => {
  it('reads codes, bare codes within a country, names and former names', () => {
    expect(normaliseSubdivision('VE-V')).toBe('VE-V');
    expect(normaliseSubdivision(' ve-v ')).toBe('VE-V');
    expect(normaliseSubdivision('VE-V', 'Venezuela')).toBe('VE-V');
    expect(normaliseSubdivision('VE-V', 'CO')).toBeUndefined();
    expect(normaliseSubdivision('V', 'VE')).toBe('VE-V');
    expect(normaliseSubdivision('Zulia', 'VE')).toBe('VE-V');
    expect(normaliseSubdivision('TACHIRA', 'venezuela')).toBe('VE-S');
    expect(normaliseSubdivision('Edo. Táchira', 'VE')).toBe('VE-S');
    expect(normaliseSubdivision('Estado Nueva Esparta', 'VE')).toBe('VE-O');
    expect(normaliseSubdivision('Bolivar State', 'VE')).toBe('VE-F');
    expect(normaliseSubdivision('Vargas', 'VE')).toBe('VE-X');
    expect(normaliseSubdivision('la guaira', 'VE')).toBe('VE-X');
    expect(normaliseSubdivision('Capital District', 'VE')).toBe('VE-A');
    expect(normaliseSubdivision('Antioquia', 'CO')).toBe('CO-ANT');
  });

  it('does not guess without a country or across countries', () => {
    expect(normaliseSubdivision('Zulia')).toBeUndefined();
    expect(normaliseSubdivision('Antioquia', 'VE')).toBeUndefined();
    expect(normaliseSubdivision('Zulia', 'Atlantis')).toBeUndefined();
    expect(normaliseSubdivision('', 'VE')).toBeUndefined();
  });

  it("finds every Venezuelan entity by its name in either language (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(veStates)), fc.constantFrom('es', 'en') as fc.Arbitrary<'es' | 'en'>, (code, lang) => {
        const name = subdivisionName(code, lang);
        expect(normaliseSubdivision(name.toUpperCase(), 'VE')).toBe(code);
        expect(normaliseSubdivision(foldWordsForTest(name), 'VE')).toBe(code);
      }),
    );
  });

  it('names any stored place code', () => {
    expect(placeName('VE', 'es')).toBe('Venezuela');
    expect(placeName('VE-X', 'es')).toBe('La Guaira');
    expect(() => placeName('VE-Q', 'es')).toThrow(AppError);
  });
});

function foldWordsForTest(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

describe('neighbouringSubdivisions', () => {
  const codes = Object.keys(veStates);

  it('is symmetric, irreflexive and only names Venezuelan entities', () => {
    expect(adjacencyCountries).toEqual(['VE']);
    for (const a of codes) {
      const n = neighbouringSubdivisions(a);
      expect(n).not.toContain(a);
      expect([...n].sort()).toEqual(n);
      for (const b of n) {
        expect(codes, `${a} -> ${b}`).toContain(b);
        expect(neighbouringSubdivisions(b), `${b} should list ${a}`).toContain(a);
      }
    }
  });

  it('gives the known borders and none for islands or other countries', () => {
    expect(neighbouringSubdivisions('VE-A')).toEqual(['VE-M', 'VE-X']);
    expect(neighbouringSubdivisions('VE-S')).toEqual(['VE-C', 'VE-E', 'VE-L', 'VE-V']);
    expect(neighbouringSubdivisions('VE-O')).toEqual([]);
    expect(neighbouringSubdivisions('VE-W')).toEqual([]);
    expect(neighbouringSubdivisions('CO-ANT')).toEqual([]);
    // Every mainland entity has at least one neighbour.
    for (const c of codes.filter((x) => x !== 'VE-O' && x !== 'VE-W')) expect(neighbouringSubdivisions(c).length).toBeGreaterThan(0);
  });

  // The table was derived from the committed Natural Earth extract; re-derive it when the file is there.
  const mapFile = join(dirname(fileURLToPath(import.meta.url)), '..', 'ui', 'maps', 'data', 've-admin1.json');
  it.runIf(existsSync(mapFile))('matches the borders shared in the Natural Earth map, plus the two documented ones', () => {
    type Ring = [number, number][];
    const fc2 = JSON.parse(readFileSync(mapFile, 'utf8')) as {
      features: { properties: { code: string }; geometry: { type: string; coordinates: unknown } }[];
    };
    const segments = new Map<string, Set<string>>();
    for (const f of fc2.features) {
      const rings: Ring[] =
        f.geometry.type === 'Polygon'
          ? (f.geometry.coordinates as Ring[])
          : (f.geometry.coordinates as Ring[][]).flat();
      const s = new Set<string>();
      for (const r of rings) {
        for (let i = 1; i < r.length; i++) {
          const a = String(r[i - 1]);
          const b = String(r[i]);
          s.add(a < b ? `${a}|${b}` : `${b}|${a}`);
        }
      }
      segments.set(f.properties.code, s);
    }
    const derived = new Set<string>();
    for (const [a, sa] of segments) {
      for (const [b, sb] of segments) {
        if (a < b && [...sa].some((x) => sb.has(x))) derived.add(`${a} ${b}`);
      }
    }
    const table = new Set<string>();
    for (const a of codes) for (const b of neighbouringSubdivisions(a)) if (a < b) table.add(`${a} ${b}`);
    expect([...derived].filter((p) => !table.has(p))).toEqual([]);
    expect([...table].filter((p) => !derived.has(p)).sort()).toEqual(['VE-C VE-Z', 'VE-G VE-I']);
  });
});
