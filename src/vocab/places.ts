/**
 * Places: countries (ISO 3166-1 alpha-2) and their subdivisions (ISO 3166-2).
 *
 * Codes come from the `iso-3166` package (current list: it has VE-X La Guaira); country names from
 * the runtime's ICU data through `Intl.DisplayNames` (full ICU ships with Node 20). Subdivision
 * names are ISO's, mostly in the local language, so Spanish and English agree except where this
 * module has a translation (Venezuela's two non-state entities). Everything is built on first use.
 */
import { iso31661, iso31662 } from 'iso-3166';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/i18n/index.js';
import { collator } from './index.js';
import { countryVariant } from './synonyms.js';
import { foldWords } from './text-fold.js';

export interface Country {
  readonly code: string;
  readonly alpha3: string;
  readonly numeric: string;
  readonly name: string;
}

export interface Subdivision {
  readonly code: string;
  readonly name: string;
  /** The country, or for second-level subdivisions the ISO 3166-2 code of the one above. */
  readonly parent: string;
}

interface CountryRow {
  alpha2: string;
  alpha3: string;
  numeric: string;
  isoName: string;
}

interface SubdivisionRow {
  code: string;
  parent: string;
  names: Record<Lang, string>;
}

/** Names where ISO's local-language name is not the English one. */
const subdivisionNameOverrides: Record<string, Partial<Record<Lang, string>>> = {
  'VE-A': { en: 'Capital District' },
  'VE-W': { en: 'Federal Dependencies' },
};

/**
 * Venezuela's first-level entities that share a land border, one line per entity (symmetric).
 * Source: derived from shared boundary segments in Natural Earth admin-1 (public domain; the
 * committed extract is src/ui/maps/data/ve-admin1.json), then checked against the entities'
 * published limits, which add two short borders the simplified map does not close:
 * Falcón–Carabobo (at Golfo Triste) and Apure–Amazonas (a short line at the mouth of the Meta,
 * across the Orinoco). Rivers count as borders. Nueva Esparta (VE-O) and the Dependencias
 * Federales (VE-W) are islands: no land neighbours. A test re-derives the pairs from the map file.
 */
const veAdjacency: Record<string, readonly string[]> = {
  'VE-A': ['VE-M', 'VE-X'],
  'VE-B': ['VE-F', 'VE-J', 'VE-M', 'VE-N', 'VE-R'],
  'VE-C': ['VE-E', 'VE-F', 'VE-J', 'VE-S', 'VE-Z'],
  'VE-D': ['VE-G', 'VE-J', 'VE-M', 'VE-X'],
  'VE-E': ['VE-C', 'VE-H', 'VE-J', 'VE-L', 'VE-P', 'VE-S', 'VE-T'],
  'VE-F': ['VE-B', 'VE-C', 'VE-J', 'VE-N', 'VE-Y', 'VE-Z'],
  'VE-G': ['VE-D', 'VE-H', 'VE-I', 'VE-J', 'VE-U'],
  'VE-H': ['VE-E', 'VE-G', 'VE-J', 'VE-K', 'VE-P', 'VE-U'],
  'VE-I': ['VE-G', 'VE-K', 'VE-U', 'VE-V'],
  'VE-J': ['VE-B', 'VE-C', 'VE-D', 'VE-E', 'VE-F', 'VE-G', 'VE-H', 'VE-M'],
  'VE-K': ['VE-H', 'VE-I', 'VE-P', 'VE-T', 'VE-U', 'VE-V'],
  'VE-L': ['VE-E', 'VE-S', 'VE-T', 'VE-V'],
  'VE-M': ['VE-A', 'VE-B', 'VE-D', 'VE-J', 'VE-X'],
  'VE-N': ['VE-B', 'VE-F', 'VE-R', 'VE-Y'],
  'VE-O': [],
  'VE-P': ['VE-E', 'VE-H', 'VE-K', 'VE-T'],
  'VE-R': ['VE-B', 'VE-N'],
  'VE-S': ['VE-C', 'VE-E', 'VE-L', 'VE-V'],
  'VE-T': ['VE-E', 'VE-K', 'VE-L', 'VE-P', 'VE-V'],
  'VE-U': ['VE-G', 'VE-H', 'VE-I', 'VE-K'],
  'VE-V': ['VE-I', 'VE-K', 'VE-L', 'VE-S', 'VE-T'],
  'VE-W': [],
  'VE-X': ['VE-A', 'VE-D', 'VE-M'],
  'VE-Y': ['VE-F', 'VE-N'],
  'VE-Z': ['VE-C', 'VE-F'],
};

/** Countries for which `neighbouringSubdivisions` has data. */
export const adjacencyCountries: readonly string[] = ['VE'];

/**
 * Official and everyday names that neither ISO nor ICU give, as people write them in spreadsheets.
 * Folded before use, so accents, case and punctuation do not matter.
 */
const countryAliases: Record<string, readonly string[]> = {
  VE: ['República Bolivariana de Venezuela', 'Bolivarian Republic of Venezuela', 'Venezuela (Bolivarian Republic of)'],
  BO: ['Estado Plurinacional de Bolivia', 'Plurinational State of Bolivia', 'Bolivia (Plurinational State of)'],
  US: ['EEUU', 'EE UU', 'Estados Unidos de América', 'Estados Unidos de Norteamérica', 'United States of America', 'U.S.', 'U.S.A.'],
  GB: ['U.K.', 'Great Britain', 'Gran Bretaña', 'Reino Unido de Gran Bretaña e Irlanda del Norte'],
  NL: ['Holanda', 'Holland', 'Países Bajos', 'Netherlands'],
  KR: ['Republic of Korea', 'República de Corea'],
  KP: ["Democratic People's Republic of Korea", 'República Popular Democrática de Corea'],
  RU: ['Federación de Rusia', 'Russian Federation'],
  IR: ['República Islámica de Irán', 'Iran (Islamic Republic of)', 'Islamic Republic of Iran'],
  SY: ['República Árabe Siria', 'Syrian Arab Republic'],
  CD: ['República Democrática del Congo', 'Democratic Republic of the Congo', 'RDC', 'DRC', 'Congo-Kinshasa'],
  CG: ['República del Congo', 'Republic of the Congo', 'Congo-Brazzaville'],
  CI: ["Côte d'Ivoire", 'Ivory Coast', 'Costa de Marfil'],
  CZ: ['Czech Republic', 'República Checa'],
  TR: ['Turkey', 'Türkiye', 'Turquía'],
  MM: ['Burma', 'Birmania'],
  SZ: ['Swaziland', 'Suazilandia'],
  MK: ['Macedonia', 'North Macedonia', 'Macedonia del Norte'],
  PS: ['Palestina', 'Palestine', 'State of Palestine', 'Estado de Palestina'],
  TW: ['Taiwan, Province of China'],
  VN: ['Viet Nam'],
  LA: ["Lao People's Democratic Republic"],
  TZ: ['United Republic of Tanzania', 'República Unida de Tanzania'],
  MD: ['Republic of Moldova', 'República de Moldova'],
};

let countryRows: CountryRow[] | undefined;
let countryByCode: Map<string, CountryRow> | undefined;
function loadCountries(): { rows: CountryRow[]; byCode: Map<string, CountryRow> } {
  if (!countryRows || !countryByCode) {
    countryRows = iso31661.map((c) => ({ alpha2: c.alpha2, alpha3: c.alpha3, numeric: c.numeric, isoName: c.name }));
    countryByCode = new Map(countryRows.map((c) => [c.alpha2, c]));
  }
  return { rows: countryRows, byCode: countryByCode };
}

/** Latin American Spanish: "Arabia Saudita", "Costa de Marfil", "Rumania" rather than Spain's forms. */
const displayLocale: Record<Lang, string> = { es: 'es-419', en: 'en' };

const displayNames = new Map<string, Intl.DisplayNames>();
function regionNames(locale: string, style: 'long' | 'short' = 'long'): Intl.DisplayNames {
  const key = `${locale}/${style}`;
  let d = displayNames.get(key);
  if (!d) {
    d = new Intl.DisplayNames([locale], { type: 'region', style, fallback: 'code' });
    displayNames.set(key, d);
  }
  return d;
}

function unknownPlace(kind: 'country' | 'subdivision', code: string): AppError {
  return new AppError('unknown_code', {
    issues: [{ path: [kind], key: `vocab:unknown_${kind}`, values: { code } }],
  });
}

/** True for a current ISO 3166-1 alpha-2 code, in upper case as stored. */
export function isCountry(code: string): boolean {
  return loadCountries().byCode.has(code);
}

/** The country's name in `lang`; throws `unknown_code` for a code that is not a current country. */
export function countryName(code: string, lang: Lang): string {
  if (!isCountry(code)) throw unknownPlace('country', code);
  return regionNames(displayLocale[lang]).of(code) ?? code;
}

/** Every current country, sorted by its name in `lang`. */
export function countries(lang: Lang): Country[] {
  const c = collator(lang);
  return loadCountries()
    .rows.map((r) => ({ code: r.alpha2, alpha3: r.alpha3, numeric: r.numeric, name: countryName(r.alpha2, lang) }))
    .sort((a, b) => c.compare(a.name, b.name));
}

let nameIndex: Map<string, string> | undefined;
/** Folded names to alpha-2. Codes are looked up apart (`countryByCode`), before any name. */
function countryIndex(): Map<string, string> {
  if (nameIndex) return nameIndex;
  const index = new Map<string, string>();
  const ambiguous = new Set<string>();
  const { rows } = loadCountries();
  // ICU's short Spanish name of the United Kingdom is "RU", Russia's code: a code is never a name.
  const codes = new Set(rows.flatMap((r) => [foldWords(r.alpha2), foldWords(r.alpha3)]));
  const add = (name: string | undefined, code: string): void => {
    if (!name) return;
    const key = foldWords(name);
    if (!key || codes.has(key) || ambiguous.has(key)) return;
    const prev = index.get(key);
    if (prev !== undefined && prev !== code) {
      // A name two countries could claim identifies neither.
      index.delete(key);
      ambiguous.add(key);
      return;
    }
    index.set(key, code);
  };
  for (const r of rows) {
    add(r.isoName, r.alpha2);
    add(r.isoName.replace(/\s*\(.*\)\s*/g, ' '), r.alpha2);
    for (const locale of ['es', 'es-419', 'en', 'en-GB']) {
      for (const style of ['long', 'short'] as const) add(regionNames(locale, style).of(r.alpha2), r.alpha2);
    }
  }
  for (const [code, names] of Object.entries(countryAliases)) for (const n of names) add(n, code);
  nameIndex = index;
  return index;
}

let alpha3Index: Map<string, string> | undefined;
function countryByAnyCode(s: string): string | undefined {
  const up = s.trim().toUpperCase();
  if (/^[A-Z]{2}$/.test(up)) return isCountry(up) ? up : undefined;
  if (/^[A-Z]{3}$/.test(up)) {
    alpha3Index ??= new Map(loadCountries().rows.map((r) => [r.alpha3, r.alpha2]));
    return alpha3Index.get(up);
  }
  return undefined;
}

/**
 * The alpha-2 code for a country written as a code (alpha-2 or alpha-3) or a name in Spanish or
 * English, ignoring accents, case and punctuation: "Venezuela", "república bolivariana de
 * venezuela", "VEN" and "ve" all give "VE". Undefined when it matches no country (or two).
 */
export function normaliseCountry(nameOrCode: string): string | undefined {
  const byCode = countryByAnyCode(nameOrCode);
  if (byCode !== undefined) return byCode;
  const key = foldWords(nameOrCode);
  if (!key) return undefined;
  const index = countryIndex();
  const direct = index.get(key);
  if (direct !== undefined) return direct;
  // "Venezuela, República Bolivariana de" and "Bahamas, The": ISO's inverted form.
  const comma = nameOrCode.split(',');
  const inverted = comma.length === 2 ? index.get(foldWords(`${comma[1]} ${comma[0]}`)) : undefined;
  // Other names in use ("Democratic Republic of Congo", "Ivory Coast", "Burma"): synonyms.json.
  return inverted ?? countryVariant(nameOrCode);
}

let subdivisionByCode: Map<string, SubdivisionRow> | undefined;
let subdivisionsOf: Map<string, SubdivisionRow[]> | undefined;
function loadSubdivisions(): { byCode: Map<string, SubdivisionRow>; of: Map<string, SubdivisionRow[]> } {
  if (!subdivisionByCode || !subdivisionsOf) {
    subdivisionByCode = new Map();
    subdivisionsOf = new Map();
    for (const s of iso31662) {
      const o = subdivisionNameOverrides[s.code] ?? {};
      const row: SubdivisionRow = { code: s.code, parent: s.parent, names: { es: o.es ?? s.name, en: o.en ?? s.name } };
      subdivisionByCode.set(s.code, row);
      const country = countryOfCode(s.code);
      const list = subdivisionsOf.get(country) ?? [];
      list.push(row);
      subdivisionsOf.set(country, list);
    }
  }
  return { byCode: subdivisionByCode, of: subdivisionsOf };
}

function countryOfCode(code: string): string {
  return code.split('-', 1)[0] ?? '';
}

/** True for an ISO 3166-2 code, in upper case as stored ("VE-X"). */
export function isSubdivision(code: string): boolean {
  return loadSubdivisions().byCode.has(code);
}

/** The country a subdivision belongs to, or undefined when the code is not a subdivision. */
export function subdivisionCountry(code: string): string | undefined {
  return isSubdivision(code) ? countryOfCode(code) : undefined;
}

/** The subdivision's name in `lang`; throws `unknown_code` for an unknown code. */
export function subdivisionName(code: string, lang: Lang): string {
  const row = loadSubdivisions().byCode.get(code);
  if (!row) throw unknownPlace('subdivision', code);
  return row.names[lang];
}

/**
 * Every subdivision of a country (all levels; `parent` tells them apart), sorted by name in
 * `lang`. Empty for a country ISO does not subdivide; throws `unknown_code` for a non-country.
 */
export function subdivisions(country: string, lang: Lang): Subdivision[] {
  if (!isCountry(country)) throw unknownPlace('country', country);
  const c = collator(lang);
  return (loadSubdivisions().of.get(country) ?? [])
    .map((r) => ({ code: r.code, name: r.names[lang], parent: r.parent }))
    .sort((a, b) => c.compare(a.name, b.name));
}

/**
 * Former names and everyday forms that ISO does not list, by subdivision. La Guaira was called
 * Vargas until 2019 and older spreadsheets still say so.
 */
const subdivisionAliases: Record<string, readonly string[]> = {
  'VE-A': ['DC', 'Distrito Federal'],
  'VE-X': ['Vargas'],
};

/** Words that precede a name without being part of it: "Estado Zulia", "Edo. Lara", "Zulia State". */
const subdivisionPrefix = /^(estado|edo|state of|departamento|depto|provincia|province of)\s+/;
const subdivisionSuffix = /\s+(state|province|department)$/;

let subdivisionNameIndex: Map<string, Map<string, string | null>> | undefined;
function subdivisionIndex(): Map<string, Map<string, string | null>> {
  if (subdivisionNameIndex) return subdivisionNameIndex;
  const byCountry = new Map<string, Map<string, string | null>>();
  const add = (country: string, name: string, code: string): void => {
    const key = foldWords(name);
    if (!key) return;
    let m = byCountry.get(country);
    if (!m) byCountry.set(country, (m = new Map()));
    const prev = m.get(key);
    // null marks a name two subdivisions of one country share (it identifies neither).
    m.set(key, prev === undefined || prev === code ? code : null);
  };
  for (const row of loadSubdivisions().byCode.values()) {
    const country = countryOfCode(row.code);
    add(country, row.names.es, row.code);
    add(country, row.names.en, row.code);
  }
  for (const [code, names] of Object.entries(subdivisionAliases)) for (const n of names) add(countryOfCode(code), n, code);
  subdivisionNameIndex = byCountry;
  return byCountry;
}

/**
 * The ISO 3166-2 code for a subdivision written as its code ("VE-V", "ve-v"), its code without the
 * country when `country` is given ("V"), or its name, ignoring accents, case, punctuation and words
 * such as "Estado": "Zulia", "Edo. Táchira" and "Vargas" (La Guaira's former name) all work. Names
 * are only looked up within `country` (alpha-2, or anything `normaliseCountry` understands), since
 * many names repeat across countries. Undefined when nothing (or more than one) matches.
 */
export function normaliseSubdivision(nameOrCode: string, country?: string): string | undefined {
  const up = nameOrCode.trim().toUpperCase();
  if (isSubdivision(up)) return country === undefined || countryOfCode(up) === normaliseCountry(country) ? up : undefined;
  if (country === undefined) return undefined;
  const cc = normaliseCountry(country);
  if (cc === undefined) return undefined;
  if (isSubdivision(`${cc}-${up}`)) return `${cc}-${up}`;
  const index = subdivisionIndex().get(cc);
  if (!index) return undefined;
  const key = foldWords(nameOrCode);
  const found = index.get(key) ?? index.get(key.replace(subdivisionPrefix, '').replace(subdivisionSuffix, ''));
  return found ?? undefined;
}

/** A country's or a subdivision's name, for displaying a stored place code of either kind. */
export function placeName(code: string, lang: Lang): string {
  return isSubdivision(code) ? subdivisionName(code, lang) : countryName(code, lang);
}

/**
 * Subdivisions that share a land border with `code`, sorted by code. Only the countries in
 * `adjacencyCountries` have data; for others, and for islands, the list is empty.
 */
export function neighbouringSubdivisions(code: string): readonly string[] {
  return veAdjacency[code] ?? [];
}
