/**
 * A synthetic spreadsheet like the ones organisations keep: Spanish column names, dates as
 * DD/MM/YYYY (some only MM/YYYY), states by name, act types as people write them (with the
 * accents missing and a few misspellings), several victims in one cell. Deterministic for a seed.
 * Used by the import tests, the end-to-end test and the import benchmark.
 */
import { defaultNullTokens, type ImportProfile } from '../import-profile.js';

export const sheetHeaders = ['Nro. caso', 'Fecha del hecho', 'País', 'Estado', 'Lugar', 'Tipo de agresión', 'Víctima(s)', 'Perpetrador', 'Descripción'];

/** How the sheet writes act types, and the code each stands for. */
export const writtenActTypes: [string, string][] = [
  ['Detención arbitraria', 'detention'],
  ['detencion', 'detention'],
  ['alanamiento', 'raid'],
  ['Allanamiento de oficina o vivienda', 'raid'],
  ['Amenaza de muerte', 'death_threat'],
  ['amenaza', 'threat'],
  ['Hostigamiento judicial', 'criminal_charges'],
  ['Campaña de desprestigio', 'smear_campaign'],
];
const states = ['Zulia', 'Táchira', 'Distrito Capital', 'Lara', 'Mérida', 'Carabobo', 'Bolívar', 'Sucre'];
const perpetrators = ['Policía', 'Fuerzas armadas', 'Servicios de inteligencia', 'Colectivo armado'];
const given = ['María', 'José', 'Ana', 'Luis', 'Carmen', 'Pedro', 'Rosa', 'Jesús', 'Yolanda', 'Rafael'];
const family = ['Pérez', 'González', 'Rodríguez', 'Hernández', 'Martínez', 'López', 'García', 'Díaz', 'Ramírez', 'Torres'];

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export interface SheetRow {
  cells: string[];
  victims: number;
}

/** Row `i` of the sheet (1-based case numbers), the same for the same seed. */
export function sheetRow(i: number, seed = 1): SheetRow {
  const r = rng(seed * 1_000_003 + i);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const y = 2015 + Math.floor(r() * 10);
  const m = 1 + Math.floor(r() * 12);
  const d = 1 + Math.floor(r() * 28);
  const date = r() < 0.15 ? `${String(m).padStart(2, '0')}/${y}` : `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`;
  const nv = 1 + Math.floor(r() * 3);
  const victims = Array.from({ length: nv }, () => `${pick(given)} ${pick(family)} ${pick(family)}`);
  const uniqueVictims = [...new Set(victims)];
  const act = pick(writtenActTypes)[0];
  return {
    cells: [
      `C-${String(i).padStart(6, '0')}`,
      date,
      r() < 0.9 ? 'Venezuela' : 'venezuela',
      pick(states),
      `Municipio ${1 + Math.floor(r() * 20)}`,
      act,
      uniqueVictims.join('; '),
      pick(perpetrators),
      `Hechos del caso ${i}: ${act.toLowerCase()} contra ${uniqueVictims.length} persona(s).`,
    ],
    victims: uniqueVictims.length,
  };
}

/** The profile a user ends up with after resolving the unmatched values in the import screens. */
export function sheetProfile(dataset = 'registro-2024'): ImportProfile {
  return {
    version: 1,
    dataset,
    unit: 'incident',
    file: { encoding: 'auto' },
    columns: {
      externalId: 'Nro. caso',
      startDate: 'Fecha del hecho',
      country: 'País',
      subdivision: 'Estado',
      placeName: 'Lugar',
      actType: 'Tipo de agresión',
      victims: 'Víctima(s)',
      perpetratorType: 'Perpetrador',
      narrative: 'Descripción',
    },
    separator: ';',
    dates: { formats: ['DD/MM/YYYY', 'MM/YYYY', 'YYYY'], excelSerial: true },
    values: {
      actType: { 'Detención arbitraria': 'detention', alanamiento: 'raid', amenaza: 'threat', 'Hostigamiento judicial': 'criminal_charges' },
    },
    nullTokens: [...defaultNullTokens],
    separators: {},
    defaults: { narrativeSensitive: true },
    language: 'es',
  };
}

const q = (s: string) => (/[;",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The sheet as CSV text with `;` separators (as Spanish-locale spreadsheet programs save it). */
export function sheetCsv(n: number, seed = 1, from = 1): string {
  const lines = [sheetHeaders.map(q).join(';')];
  for (let i = from; i < from + n; i++) lines.push(sheetRow(i, seed).cells.map(q).join(';'));
  return lines.join('\r\n') + '\r\n';
}
